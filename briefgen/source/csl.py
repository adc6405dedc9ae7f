"""`briefgen export references`: the workspace's references as CSL-JSON,
the format Zotero and other reference managers import."""

from __future__ import annotations

from briefgen.source.model import Reference

DATE_FIELDS = ("issued", "accessed", "original-date", "event-date", "submitted")
NOT_CSL = ("snapshot",)  # briefgen's own fields


def _date_parts(text: str) -> dict:
    return {"date-parts": [[int(part) for part in text.split("-")]]}


def csl_item(ref: Reference) -> dict:
    """One reference as a CSL-JSON item: names as {family, given} or
    {literal}, dates as date-parts, briefgen's own fields left out."""
    item = ref.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True,
                          exclude=set(NOT_CSL))
    item["type"] = ref.type  # always stated, even when it is the default
    for key in DATE_FIELDS:
        if key in item:
            item[key] = _date_parts(item[key])
    return item


def csl_json(references) -> list[dict]:
    return [csl_item(ref) for ref in references]
