"""What a workspace holds, as plain rows for `briefgen list`.

The rows are the JSON output, so their keys are a stable interface: add
keys if needed, never rename or remove one.
"""

from __future__ import annotations

from briefgen.source import tags as tagexpr
from briefgen.source.check import FactBase
from briefgen.compose.plan import parse_option, unknown_tags



def rows(base: FactBase, what: str, tag: str | None = None) -> list[dict]:
    expr = None
    if tag is not None:
        expr = parse_option(tag, "tag")
        known = base.labels | {t for b in base.briefs.values() for t in b.tags}
        unknown_tags(expr, known, "tag", tag)

    def keep(labels) -> bool:
        return expr is None or tagexpr.matches(expr, frozenset(labels))

    facts = [f for f in base.facts.values() if keep(f.labels)]
    if what == "facts":
        return [{
            "id": f.id, "claim": f.claim, "tags": list(f.tags), "kind": f.kind, "status": f.status,
            "priority": f.priority, "as_of": f.as_of.isoformat() if f.as_of else None,
            "references": list(dict.fromkeys(c.ref for c in f.cite)),
            "path": f.origin.path, "line": f.origin.line,
        } for f in facts]
    if what == "briefs":
        return [{
            "id": b.id, "title": b.title, "template": b.template, "date": b.date.isoformat(),
            "tags": list(b.tags), "path": b.origin.path, "line": b.origin.line,
        } for b in base.briefs.values() if keep(b.tags)]
    if what == "references":
        cited_by: dict[str, int] = {}
        for f in facts:
            for ref in dict.fromkeys(c.ref for c in f.cite):
                cited_by[ref] = cited_by.get(ref, 0) + 1
        return [{
            "id": r.id, "type": r.type, "title": r.title, "issued": r.issued, "url": r.url,
            "cited_by": cited_by.get(r.id, 0), "path": r.origin.path, "line": r.origin.line,
        } for r in base.references.values() if expr is None or r.id in cited_by]
    counts: dict[str, dict] = {}
    for f in base.facts.values():
        for t in f.tags:
            counts.setdefault(t, {"tag": t, "facts": 0, "briefs": 0})["facts"] += 1
    for b in base.briefs.values():
        for t in b.tags:
            counts.setdefault(t, {"tag": t, "facts": 0, "briefs": 0})["briefs"] += 1
    return [counts[t] for t in sorted(counts) if keep({t})]


def _cell(value, limit: int = 90) -> str:
    if value is None:
        return "-"  # a reference with no date, say
    text = " ".join((", ".join(value) if isinstance(value, list) else str(value)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text(what: str, items: list[dict]) -> list[str]:
    """Rows as aligned lines of text, for a person; `where` is `path:line`, never shortened."""
    columns = {
        "briefs": ("id", "where", "date", "template", "tags", "title"),
        "facts": ("id", "where", "kind", "status", "priority", "tags", "claim"),
        "references": ("id", "where", "type", "issued", "cited_by", "title"),
        "tags": ("tag", "facts", "briefs"),
    }[what]

    def cell(item: dict, column: str) -> str:
        if column == "where":
            return f"{item['path']}:{item['line']}"
        return _cell(item[column])

    table = [[cell(item, c) for c in columns] for item in items]
    if not table:
        return [f"no {what}"]
    widths = [max(len(c), *(len(r[i]) for r in table)) for i, c in enumerate(columns)]
    last = len(columns) - 1

    def line(cells):
        return "  ".join(cell if i == last else cell.ljust(widths[i]) for i, cell in enumerate(cells)).rstrip()

    return [line([c.replace("_", " ") for c in columns]), *(line(r) for r in table)]
