"""JSON Schemas of the source files and of briefgen.yaml, made from the
pydantic models, for editors that check YAML as it is typed."""

from __future__ import annotations

from briefgen.source.fields import SLUG_RE
from briefgen.source.help import describe
from briefgen.source.model import RECORD_TYPES, Config

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILE = "sources.schema.json"


def source_schema() -> dict:
    """The schema of one file under sources/: up to three lists of records."""
    defs: dict = {}
    properties = {}
    for key, model in RECORD_TYPES.items():
        schema = model.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[model.__name__] = schema
        properties[key] = {"type": ["array", "null"], "items": {"$ref": f"#/$defs/{model.__name__}"}}
    for schema in defs.values():  # ids are slugs
        if "id" in schema.get("properties", {}):
            schema["properties"]["id"]["pattern"] = f"^{SLUG_RE.pattern}$"
    describe(defs)
    # a reference's web address is 'url' or, as CSL-JSON spells it, 'URL'
    reference = defs["Reference"]["properties"]
    reference["URL"] = reference["url"]
    return {"$schema": DIALECT, "title": "briefgen source file", "type": "object",
            "properties": properties, "additionalProperties": False, "$defs": defs}


def config_schema() -> dict:
    schema = Config.model_json_schema(by_alias=True)
    return {"$schema": DIALECT, **schema, "title": "briefgen.yaml"}
