"""Problems as people and machines read them: text, JSON or GitHub annotations."""

from __future__ import annotations

import json

from briefgen.errors import Problem

FORMATS = ("text", "json", "github")


def as_json(problems: list[Problem]) -> str:
    """One JSON document: a list of problems with stable keys."""
    return json.dumps([{
        "severity": p.severity,
        "code": p.code,
        "path": p.path or None,
        "line": p.line or None,
        "column": p.column or None,
        "message": p.message,
        "id": p.subject or None,
    } for p in problems], indent=2, ensure_ascii=False)


def as_github(problems: list[Problem]) -> list[str]:
    """GitHub Actions workflow commands: each problem marks its line in a pull request."""
    lines = []
    for p in problems:
        props = [f"file={_escape(p.path, True)}"] if p.path else []
        if p.line:
            props.append(f"line={p.line}")
        if p.column:
            props.append(f"col={p.column}")
        props.append(f"title={_escape('briefgen ' + p.code, True)}")
        lines.append(f"::{p.severity} {','.join(props)}::{_escape(p.message)}")
    return lines


def _escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text
