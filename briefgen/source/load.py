"""Stage 1, load: read every source file of a project into validated records.

Files come through the project's source tree and are parsed by
`briefgen.source.yamlread` (every value with its line); each entry is
validated against the schema (`briefgen.source.model`), and each problem
becomes a message a person can act on, at its line and field.

Loading never stops at the first problem: it returns every record it could
read and every problem it found.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from briefgen.errors import Problem
from briefgen.source.model import RECORD_TYPES, Brief, Config, Fact, Lines, Origin, Record, Reference, field_path
from briefgen.paths import CONFIG_FILE
from briefgen.source.project import Project
from briefgen.source.yamlread import Bad, read_cached, read_yaml

@dataclass
class Sources:
    """Everything read from a workspace's sources/, before cross-checks."""

    references: list[Reference] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    briefs: list[Brief] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # What entries that failed validation would have defined: naming them is
    # not a second mistake.  When a whole file could not be read, anything
    # may have been in it, and `complete` is False.
    invalid_ids: set[str] = field(default_factory=set)
    invalid_tags: set[str] = field(default_factory=set)
    # Briefs that failed validation, as written, with where they are: the
    # facts they name are still checked, so that one run reports it all.
    invalid_briefs: list[tuple[dict, Origin]] = field(default_factory=list)
    complete: bool = True


def load(project: Project | Path) -> Sources:
    """Read and validate every source file of a project (or of the workspace
    folder given, opened for the purpose).

    The cyclic garbage collector finds nothing to free among freshly parsed
    data, yet on large files it costs more than the parse itself: it is
    paused while the files are read, and switched back on after."""
    if not isinstance(project, Project):
        project = Project.open(project)
    with paused_gc():
        return _load(project)


def _load(project: Project) -> Sources:
    sources = Sources()
    sources.problems[:0] = project.config_problems
    tree = project.tree
    for rel in tree.files():
        sources.files.append(rel)
        try:
            raw = project.read_source(rel)
            if raw is None:
                raise FileNotFoundError(2, "no such file")
            data, lines = read_cached(raw)
        except Bad as bad:
            sources.problems.append(Problem(rel, bad.line, bad.message, bad.code))
            sources.complete = False
            continue
        except OSError as exc:
            sources.problems.append(Problem(rel, 0, f"cannot read file: {exc.strerror or exc}", "unreadable-file"))
            sources.complete = False
            continue
        _collect(rel, data, lines, sources)
    for rel in tree.refused:
        sources.problems.append(Problem(rel, 0, "not read: it is a link to a file outside the workspace "
                                        "(copy the file into sources/ instead)", "outside-workspace"))
        sources.complete = False
    return sources


@contextlib.contextmanager
def paused_gc():
    """The cyclic garbage collector off for the duration, and back as it was after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_text(rel: str, raw: bytes) -> Sources:
    """What the source file `rel` would hold, and its problems, if it held `raw`."""
    sources = Sources()
    try:
        data, lines = read_yaml(raw)
    except Bad as bad:
        sources.problems.append(Problem(rel, bad.line, bad.message, bad.code))
        return sources
    _collect(rel, data, lines, sources)
    return sources


def _collect(rel: str, data: object, lines: Lines, sources: Sources) -> None:
    if data is None:
        return
    if not isinstance(data, dict):
        sources.problems.append(Problem(rel, lines.get(()) or 1, _top_level_hint(), "not-a-mapping"))
        sources.complete = False  # whatever it meant to define is unknown
        return
    for key, items in data.items():
        where = Origin(path=rel, lines=lines, prefix=(key,))  # its line is looked up only for a problem
        if key not in RECORD_TYPES:
            sources.problems.append(Problem(rel, where.line, f"unknown top-level key '{key}'{did_you_mean(key, RECORD_TYPES)}; "
                                            f"{_top_level_hint()}", "unknown-key", field=str(key)))
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            sources.problems.append(Problem(rel, where.line, f"'{key}' must be a list (each entry starting with '- ')", "not-a-list",
                                            field=str(key)))
            continue
        model = RECORD_TYPES[key]
        for index, item in enumerate(items):
            origin = Origin(path=rel, lines=lines, prefix=(key, index))
            if not isinstance(item, dict):
                sources.problems.append(Problem(rel, origin.line, f"each entry of '{key}' must be a mapping of fields "
                                                "(id: ..., ...)", "not-a-mapping", field=origin.field_of()))
                continue
            record = _validate(model, key[:-1], item, origin, sources.problems)
            if record is not None:
                getattr(sources, key).append(record)
            else:
                if isinstance(item.get("id"), str):
                    sources.invalid_ids.add(item["id"])
                tags = item.get("tags") if key == "facts" else None
                if isinstance(tags, list):
                    sources.invalid_tags.update(t for t in tags if isinstance(t, str))
                elif isinstance(tags, str):
                    sources.invalid_tags.add(tags)
                if key == "facts" and isinstance(item.get("kind"), str):
                    sources.invalid_tags.add(item["kind"])
                if key == "briefs":
                    sources.invalid_briefs.append((item, origin))


def load_config(project: Project) -> tuple[Config, list[Problem]]:
    """The workspace's briefgen.yaml (defaults when there is none) and its problems."""
    problems: list[Problem] = []
    try:
        raw = project.read_source(CONFIG_FILE)
        if raw is None:
            return Config(), []
        data, lines = read_yaml(raw)
    except Bad as bad:
        return Config(), [Problem(CONFIG_FILE, bad.line, bad.message, bad.code)]
    except OSError as exc:
        return Config(), [Problem(CONFIG_FILE, 0, f"cannot read file: {exc.strerror or exc}", "unreadable-file")]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return Config(), [Problem(CONFIG_FILE, lines.get(()) or 1, "briefgen.yaml must be a mapping of settings (paper: a4, ...)",
                                  "not-a-mapping")]
    config = _validate(Config, "", data, Origin(path=CONFIG_FILE, lines=lines), problems)
    return config or Config(), problems


def _top_level_hint() -> str:
    return "a source file holds up to three lists: " + ", ".join(RECORD_TYPES)


def _validate(model: type[Record], what: str, item: dict, origin: Origin,
              problems: list[Problem]) -> Record | None:
    """The record made from `item`, or None after adding its problems."""
    rel = origin.path
    try:
        record = model.model_validate(item)
    except ValidationError as exc:
        name = item.get("id")
        label = f"{what} '{name}'" if isinstance(name, str) else what
        for err in exc.errors():
            loc = tuple(err["loc"])
            message = field_message(model, label, loc, err)
            problems.append(Problem(rel, origin.line_of(*loc), message if label else message.removeprefix(": "),
                                    _code(err), subject=name if isinstance(name, str) else "",
                                    column=origin.column_of(*loc), field=origin.field_of(*loc)))
        return None
    record._origin = origin
    return record


def field_message(model: type[BaseModel], label: str, loc: tuple, err: dict) -> str:
    """A message a person can act on, from one pydantic error."""
    kind, value = err["type"], err.get("input")
    name = _loc_text(loc)
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return f"{label}: missing required field '{name}'"
    if kind == "extra_forbidden":
        return f"{label}: unknown field '{name}'{did_you_mean(str(loc[-1]), _fields_at(model, loc[:-1]))}"
    if kind == "literal_error":
        options = [o.strip(" '") for o in ctx.get("expected", "").replace(" or ", ", ").split(",")]
        hint = did_you_mean(str(value), options)
        allowed = "" if hint or len(options) > 8 else f" (one of: {', '.join(options)})"
        return f"{label}: '{value}' is not a valid {name}{hint}{allowed}"
    if kind in ("string_type", "list_type", "int_type", "int_parsing", "model_type", "dict_type"):
        want = {"string_type": "text", "list_type": "a list", "int_type": "a whole number",
                "int_parsing": "a whole number", "model_type": "a mapping of fields",
                "dict_type": "a mapping of fields"}[kind]
        if value is None:
            return f"{label}: '{name}' is empty; it should be {want}"
        return f"{label}: '{name}' should be {want}, not {_describe(value)}"
    if kind == "bool_parsing" or kind == "bool_type":
        return f"{label}: '{name}' should be true or false, not {_describe(value)}"
    if kind == "too_short":
        if isinstance(value, str):
            return f"{label}: '{name}' is empty"
        return f"{label}: '{name}' needs at least one entry"
    if kind == "string_too_short":
        return f"{label}: '{name}' is empty"
    if kind == "string_too_long":
        return f"{label}: '{name}' is too long ({len(value)} characters; the limit is {ctx.get('max_length')})"
    if kind == "value_error":
        msg = str(ctx.get("error", err["msg"]))
        return f"{label}: {msg}" if not name else f"{label}: {name}: {msg}"
    if kind == "less_than_equal":
        return f"{label}: '{name}' is {value}; it must be at most {ctx.get('le')}"
    if kind == "greater_than_equal":
        return f"{label}: '{name}' is {value}; it must be at least {ctx.get('ge')}"
    return f"{label}: '{name}': {err['msg']}"


_CODES = {"missing": "missing-field", "extra_forbidden": "unknown-field", "literal_error": "bad-choice",
          "too_short": "empty", "string_too_short": "empty", "string_too_long": "too-long",
          "less_than_equal": "out-of-range", "greater_than_equal": "out-of-range"}


def _code(err: dict) -> str:
    """The stable code of a schema problem."""
    if err["type"] == "value_error":
        return getattr((err.get("ctx") or {}).get("error"), "code", "bad-value")
    return _CODES.get(err["type"], "wrong-type")


def _loc_text(loc: tuple) -> str:
    return field_path(loc)


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{value}'"


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names (aliases where set) of the model found at `loc` inside `model`."""
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part) or next(
            (f for f in model.model_fields.values() if f.alias == part), None)
        inner = _inner_model(info.annotation) if info else None
        if inner is None:
            return []
        model = inner
    return [f.alias or n for n, f in model.model_fields.items()]


def _inner_model(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found:
            return found
    return None


def did_you_mean(word: str, options) -> str:
    options = list(options)
    same = [o for o in options if o.lower() == word.lower()]  # 'doi' for 'DOI'
    close = same or difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
