"""Schema validation of one entry, with messages a person can act on.

pydantic checks an entry against its model (`briefgen.source.model`); each
error it reports becomes a `Problem` at the line, column and field path of
the offending value, in words: "missing required field 'claim'", "unknown
field 'clam' (did you mean 'claim'?)".
"""

from __future__ import annotations

import difflib
import typing

from pydantic import BaseModel, ValidationError

from briefgen.errors import Problem
from briefgen.source.fields import as_slug
from briefgen.source.model import Record
from briefgen.source.origin import Lines, Origin, field_path


def validate(model: type[Record], what: str, item: dict, origin: Origin,
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
        if kind == "list_type" and isinstance(value, str) and loc[-1] in ("tags", "facts"):  # tags: a, b
            parts = [as_slug(p) for p in value.split(",")]
            return (f"{label}: '{name}' should be a list, not '{value}': write it in brackets, as "
                    f"[{', '.join(p for p in parts if p)}]")
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


def stray_quotes(rel: str, data: object, lines: Lines) -> list[Problem]:
    """A warning for each unquoted value ending in a quotation mark that
    nothing opens (`quote: text"`): the mark is kept, as YAML reads it, but
    it is most likely half of a quoted text."""
    found = []
    for loc in lines.stray_quotes:
        record = data.get(loc[0]) if isinstance(data, dict) and len(loc) > 2 else None
        item = record[loc[1]] if isinstance(record, list) and isinstance(loc[1], int) and loc[1] < len(record) else None
        name = item.get("id") if isinstance(item, dict) else None
        inner = loc[2:] if isinstance(name, str) else loc
        label = f"{str(loc[0])[:-1]} '{name}': " if isinstance(name, str) else ""
        found.append(Problem(rel, lines.get(loc) or 1, f"{label}{field_path(inner)}: ends with a quotation mark (\") "
                             "that nothing opens, and it is kept as part of the text: to quote the whole text, start "
                             "it with \" too; to keep the mark, put the whole text in '...'", "stray-quote", "warning",
                             subject=name if isinstance(name, str) else "", column=lines.column(loc),
                             field=field_path(loc)))
    return found
