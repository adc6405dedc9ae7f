"""The fields of a form for a record, made from the JSON Schema of the sources.

`form(kind)` walks the schema of a reference, fact or brief (as `briefgen
schema` writes it, help texts included) and says, for each field, what a
form should show: its label and help, whether it is required, and a widget
chosen from the field's type (a select for a choice, a date input for a
date, a number input with its bounds, a repeatable group for a list of
records).  A few fields whose values name other records get a picker:
`tags`, a citation's `ref`, a section's `facts`, a brief's `template`.

The form knows nothing of HTML; the preview server's editor renders it.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

from briefgen.source.help import COMMON

# Widgets: text, textarea, select, date, number, checkbox, tag, ref, fact,
# template, snapshot (the pickers), group, map (a record per language) (a record inside a record) and list (of
# scalars or of groups).
LONG_TEXT = 1000  # a text field allowing more characters than this is a textarea


@dataclass(frozen=True)
class Field:
    key: str  # as written in YAML
    label: str
    help: str = ""
    required: bool = False
    widget: str = "text"
    choices: tuple[str, ...] = ()
    default: object = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    pattern: str = ""
    children: tuple[Field, ...] = ()  # a group's fields
    item: Field | None = None  # a list's item
    min_items: int = 0
    max_items: int | None = None
    more: bool = False  # folded away under "More fields"


KIND_MODELS = {"reference": "Reference", "fact": "Fact", "brief": "Brief"}
# Fields whose values name other records or workspace names: (model, key) -> widget.
PICKERS = {("Fact", "tags"): "tag", ("Brief", "tags"): "tag", ("Citation", "ref"): "ref",
           ("Section", "facts"): "fact", ("Brief", "template"): "template", ("Reference", "snapshot"): "snapshot"}
LABELS = {"id": "Id", "url": "Web address", "cite": "Citations", "as_of": "As of", "review_by": "Review by",
          "bottom_line": "Bottom line", "max_pages": "Most pages", "changes_since": "Changes since",
          "lang": "Language", "ref": "Reference", "title-short": "Short title", "container-title": "Published in",
          "select": "Select by tags"}


@functools.lru_cache(maxsize=None)
def form(kind: str) -> Field:
    """The form of a record of `kind` (reference, fact or brief)."""
    from briefgen.source.schema import source_schema

    defs = source_schema()["$defs"]
    model = KIND_MODELS[kind]
    return _group(kind, kind.capitalize(), defs[model], model, defs, required=True)


def _group(key: str, label: str, schema: dict, model: str, defs: dict, required: bool = False,
           help: str = "") -> Field:
    needed = set(schema.get("required", ()))
    children = []
    for name, prop in schema.get("properties", {}).items():
        if model == "Reference" and name == "URL":
            continue  # the same field as 'url', as CSL-JSON spells it
        child = _field(name, prop, model, defs, name in needed)
        if model == "Reference" and name not in COMMON:
            child = _replace(child, more=True)
        children.append(child)
    return Field(key, label, help or schema.get("description", ""), required, "group", children=tuple(children))


def _field(name: str, prop: dict, model: str, defs: dict, required: bool) -> Field:
    help, default = prop.get("description", ""), prop.get("default")
    label = LABELS.get(name) or name.replace("_", " ").replace("-", " ").capitalize()
    kind = _unwrap(prop, defs)
    widget = PICKERS.get((model, name))
    if "$ref" in kind:
        sub = kind["$ref"].rsplit("/", 1)[1]
        return _group(name, label, defs[sub], sub, defs, required, help)
    if kind.get("type") == "array":
        item_schema = _unwrap(kind.get("items", {}), defs)
        if "$ref" in item_schema:
            sub = item_schema["$ref"].rsplit("/", 1)[1]
            item = _group(name, LABELS.get(sub.lower(), sub), defs[sub], sub, defs, True)
        else:
            item = Field(name, label[:-1] if label.endswith("s") else label, widget=widget or "text")
        return Field(name, label, help, required, "list", item=item, min_items=kind.get("minItems", 0),
                     max_items=kind.get("maxItems"))
    extra = kind.get("additionalProperties")
    if kind.get("type") == "object" and isinstance(extra, dict) and "$ref" in extra:  # a map: language -> record
        sub = extra["$ref"].rsplit("/", 1)[1]
        return Field(name, label, help, required, "map", item=_group(name, label, defs[sub], sub, defs, True))
    if widget:
        return Field(name, label, help, required, widget, default=default)
    if "enum" in kind:
        return Field(name, label, help, required, "select", tuple(kind["enum"]), default)
    if kind.get("type") in ("integer", "number"):
        return Field(name, label, help, required, "number", default=default, minimum=kind.get("minimum"),
                     maximum=kind.get("maximum"), integer=kind.get("type") == "integer")
    if kind.get("type") == "boolean":
        return Field(name, label, help, required, "checkbox", default=default)
    if kind.get("format") == "date":
        return Field(name, label, help, required, "date", default=default)
    long = (kind.get("maxLength") or 0) > LONG_TEXT
    return Field(name, label, help, required, "textarea" if long else "text", default=default,
                 pattern=kind.get("pattern", ""))


def _unwrap(prop: dict, defs: dict) -> dict:
    """The one type a field holds, an optional field's 'or null' taken away;
    of a text-or-record choice (a name), the record."""
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    for option in options:
        if "$ref" in option or option.get("type") == "array":
            return option
    return options[0] if options else prop


def _replace(f: Field, **changes) -> Field:
    return dataclasses.replace(f, **changes)
