"""Problems as people and machines read them: text, JSON or GitHub annotations.

Whatever the format, a value taken from the workspace (a file's name, a
message quoting the user's text) reaches the terminal through
`briefgen.errors.terminal_text`, or, in JSON, as the same characters written
as JSON escapes: the document still decodes to the exact value."""

from __future__ import annotations

import json

from briefgen.errors import UNSAFE, Problem, terminal_text

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
    } for p in problems], indent=2, ensure_ascii=False).translate(_JSON_ESCAPES)


# json.dumps escapes the C0 controls itself; outside strings a JSON document
# is printable ASCII and line ends, so the rest can only be characters of a
# string, where \uXXXX means the same character.
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in UNSAFE if c >= 32}


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
    text = terminal_text(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text
