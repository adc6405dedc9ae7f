"""Stage 2, check: cross-record rules over everything that loaded.

Ids are unique across the workspace; every citation names a reference; every
fact a brief names exists and may be rendered; every tag expression parses
and names tags that exist; every brief's template exists.  All problems,
from loading and from here, are reported together.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen import tags as tagexpr
from briefgen.errors import BriefgenError, Problem
from briefgen.load import Sources, did_you_mean
from briefgen.model import Brief, Fact, Record, Reference


@dataclass(frozen=True)
class Workspace:
    """A checked fact base: every id resolves, every expression parses."""

    references: dict[str, Reference]
    facts: dict[str, Fact]
    briefs: dict[str, Brief]

    @property
    def labels(self) -> set[str]:
        """Every tag and kind a tag expression may name."""
        return {label for fact in self.facts.values() for label in fact.labels}


def check(sources: Sources, templates: set[str]) -> Workspace:
    """Return the checked workspace, or raise BriefgenError listing every problem."""
    problems = list(sources.problems)
    seen: dict[str, Record] = {}
    # Ids whose absence below is not a new mistake: entries that failed
    # validation, and duplicates that were set aside.
    excused = set(sources.invalid_ids)
    records = sorted([*sources.references, *sources.facts, *sources.briefs],
                     key=lambda r: (r.origin.path, r.origin.line))
    for record in records:
        if record.id in seen:
            first = seen[record.id]
            path, line = record.at("id")
            problems.append(Problem(path, line, f"duplicate id '{record.id}' (already used in {first.origin.path}:{first.at('id')[1]})"))
            excused.add(record.id)
        else:
            seen[record.id] = record
    workspace = Workspace(
        references={r.id: r for r in sources.references if seen[r.id] is r},
        facts={f.id: f for f in sources.facts if seen[f.id] is f},
        briefs={b.id: b for b in sources.briefs if seen[b.id] is b},
    )
    if not sources.complete:
        # A file could not be read at all: any name may have been defined in
        # it, so unknown names would only be noise until it is fixed.
        excused = _ANY
    for fact in workspace.facts.values():
        problems += _check_fact(fact, workspace, excused)
    labels = workspace.labels | sources.invalid_tags if sources.complete else _ANY
    for brief in workspace.briefs.values():
        problems += _check_brief(brief, workspace, labels, templates, excused)
    if problems:
        raise BriefgenError(sorted(set(problems)))
    return workspace


class _AnyName:
    """Excuses every name."""

    def __contains__(self, item: object) -> bool:
        return True


_ANY = _AnyName()


def _check_fact(fact: Fact, ws: Workspace, invalid) -> list[Problem]:
    out = []
    for i, cite in enumerate(fact.cite):
        if cite.ref not in ws.references and cite.ref not in invalid:
            path, line = fact.at("cite", i, "ref")
            out.append(Problem(path, line, f"fact '{fact.id}' cites unknown reference '{cite.ref}'{did_you_mean(cite.ref, ws.references)}"))
    return out


def _check_brief(brief: Brief, ws: Workspace, labels, templates: set[str],
                 invalid) -> list[Problem]:
    out = []
    if brief.template not in templates:
        path, line = brief.at("template")
        known = ", ".join(sorted(templates))
        out.append(Problem(path, line, f"brief '{brief.id}' uses unknown template '{brief.template}'{did_you_mean(brief.template, templates)} (available: {known})"))
    for s, section in enumerate(brief.sections):
        for i, fact_id in enumerate(section.facts or ()):
            path, line = brief.at("sections", s, "facts", i)
            fact = ws.facts.get(fact_id)
            if fact is None and fact_id in invalid:
                continue
            if fact is None:
                out.append(Problem(path, line, f"brief '{brief.id}' names unknown fact '{fact_id}'{did_you_mean(fact_id, ws.facts)}"))
            elif not fact.renderable:
                out.append(Problem(path, line, f"brief '{brief.id}' names fact '{fact_id}', which is {fact.status} and cannot be rendered"))
        if section.select is not None:
            path, line = brief.at("sections", s, "select")
            try:
                expr = tagexpr.parse(section.select)
            except tagexpr.TagExprError as exc:
                out.append(Problem(path, line, f"brief '{brief.id}': bad tag expression '{section.select}' at column {exc.column}: {exc}"))
                continue
            for name in sorted(n for n in tagexpr.names(expr) if n not in labels):
                out.append(Problem(path, line, f"brief '{brief.id}': tag expression names '{name}', which no fact has{did_you_mean(name, labels)}"))
    return out
