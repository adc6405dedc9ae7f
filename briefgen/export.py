"""`briefgen export references`: the workspace's references as CSL-JSON,
the format Zotero and other reference managers import."""

from __future__ import annotations

import datetime as dt

from briefgen.model import Reference


def _date_parts(text: str) -> dict:
    return {"date-parts": [[int(part) for part in text.split("-")]]}


def _name(name: str) -> dict:
    family, sep, given = name.partition(",")
    if sep and family.strip() and given.strip():
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": name.strip().rstrip(",")}


def csl_item(ref: Reference) -> dict:
    item: dict = {"id": ref.id, "type": ref.type, "title": ref.title}
    if ref.author:
        item["author"] = [_name(a) for a in ref.author]
    for key, value in (("publisher", ref.publisher), ("container-title", ref.container_title),
                       ("URL", ref.url), ("note", ref.note)):
        if value:
            item[key] = value
    item["issued"] = _date_parts(ref.issued)
    if isinstance(ref.accessed, dt.date):
        item["accessed"] = _date_parts(ref.accessed.isoformat())
    return item


def csl_json(references) -> list[dict]:
    return [csl_item(ref) for ref in references]
