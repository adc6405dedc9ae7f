"""Stage 2, check: cross-record rules over everything that loaded.

Ids are unique across the workspace; every citation names a reference; every
fact a brief names exists and may be rendered; every tag expression parses
and names tags that exist; every brief's template exists.  All problems,
from loading and from here, are reported together.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefgen.source import tags as tagexpr
from briefgen.errors import BriefgenError, Problem
from briefgen.source.load import Sources
from briefgen.source.validate import did_you_mean
from briefgen.source.fields import SLUG_RE
from briefgen.source.model import Brief, Fact, Record, Reference
from briefgen.source.project import Project


@dataclass(frozen=True)
class FactBase:
    """A checked fact base: every id resolves, every expression parses."""

    references: dict[str, Reference]
    facts: dict[str, Fact]
    briefs: dict[str, Brief]

    @property
    def labels(self) -> set[str]:
        """Every tag and kind a tag expression may name."""
        return {label for fact in self.facts.values() for label in fact.labels}


def check(sources: Sources, project: Project) -> FactBase:
    """Return the checked fact base, or raise BriefgenError listing every problem.

    (Citation styles are checked by the composing stage, which knows them.)"""
    templates = project.templates
    problems = list(sources.problems)
    # Ids whose absence below is not a new mistake: entries that failed
    # validation, and duplicates that were set aside.
    excused = set(sources.invalid_ids)
    by_id: dict[str, list[Record]] = {}
    for record in [*sources.references, *sources.facts, *sources.briefs]:
        by_id.setdefault(record.id, []).append(record)
    seen: dict[str, Record] = {}
    for record_id, records in by_id.items():
        if len(records) > 1:  # the first in file order keeps the id
            records.sort(key=lambda r: (r.origin.path, r.origin.line))
            first = records[0]
            for record in records[1:]:
                problems.append(record.problem(("id",), f"duplicate id '{record_id}' (already used in "
                                               f"{first.origin.path}:{first.at('id')[1]})", "duplicate-id"))
            excused.add(record_id)
        seen[record_id] = records[0]
    workspace = FactBase(
        references={r.id: r for r in sources.references if seen[r.id] is r},
        facts={f.id: f for f in sources.facts if seen[f.id] is f},
        briefs={b.id: b for b in sources.briefs if seen[b.id] is b},
    )
    problems += _check_logo(project)
    if not sources.complete:
        # A file could not be read at all: any name may have been defined in
        # it, so unknown names would only be noise until it is fixed.
        excused = _ANY
    for name in RESERVED_BRIEF_IDS & set(workspace.briefs):
        problems.append(_problem(workspace.briefs[name], ("id",), f"brief id '{name}' is taken by the output "
                                 "folder's index page: choose another", "reserved-id"))
    for fact in workspace.facts.values():
        problems += _check_fact(fact, workspace, excused)
    labels = workspace.labels | sources.invalid_tags if sources.complete else _ANY
    for brief in workspace.briefs.values():
        problems += _check_brief(brief, workspace, labels, templates, excused)
    for item, origin in sources.invalid_briefs:
        problems += _check_invalid_brief(item, origin, workspace, excused)
    if problems:
        raise BriefgenError(sorted(set(problems + sources.warnings)))  # every mistake and oddity in one run
    return workspace


RESERVED_BRIEF_IDS = frozenset({"index"})  # output/index.html is the index page


class _AnyName:
    """Excuses every name."""

    def __contains__(self, item: object) -> bool:
        return True


_ANY = _AnyName()


def _check_logo(project: Project) -> list[Problem]:
    config = project.config
    logo = config.organization.logo if config.organization else None
    if not logo:
        return []
    where = ("organization", "logo")
    if Path(logo).suffix.lower() not in LOGO_TYPES:
        return [_problem(config, where, f"organization.logo: '{logo}' is not an image briefgen can embed "
                         f"(use {', '.join(LOGO_TYPES)})", "bad-path")]
    if project.file(logo) is None:
        return [_problem(config, where, f"organization.logo: no file '{logo}' in the workspace "
                         "(or it leads outside it)", "missing-file")]
    return []


LOGO_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")


def _problem(record: Record, loc: tuple, message: str, code: str, severity: str = "error") -> Problem:
    """A problem at `loc` inside `record` (its line looked up only when there is one)."""
    return record.problem(loc, message, code, severity)


def _check_fact(fact: Fact, ws: FactBase, invalid) -> list[Problem]:
    return [
        _problem(fact, ("cite", i, "ref"),
                 f"fact '{fact.id}' cites unknown reference '{c.ref}'{did_you_mean(c.ref, ws.references)}",
                 "unknown-reference")
        for i, c in enumerate(fact.cite)
        if c.ref not in ws.references and c.ref not in invalid
    ]


def _check_invalid_brief(item: dict, origin, ws: FactBase, invalid) -> list[Problem]:
    """The fact ids a brief that failed validation names, checked as if it
    had not: its other mistakes are reported in the same run."""
    name = item.get("id") if isinstance(item.get("id"), str) else None
    label = f"brief '{name}'" if name else "brief"
    out = []
    sections = item.get("sections") if isinstance(item.get("sections"), list) else []
    for s, section in enumerate(sections):
        facts = section.get("facts") if isinstance(section, dict) else None
        for i, fact_id in enumerate(facts if isinstance(facts, list) else []):
            if (isinstance(fact_id, str) and SLUG_RE.fullmatch(fact_id)  # a malformed id is reported already
                    and fact_id not in ws.facts and fact_id not in invalid):
                out.append(Problem(origin.path, origin.line_of("sections", s, "facts", i),
                                   f"{label} names unknown fact '{fact_id}'{did_you_mean(fact_id, ws.facts)}",
                                   "unknown-fact", subject=name or "",
                                   column=origin.column_of("sections", s, "facts", i),
                                   field=origin.field_of("sections", s, "facts", i)))
    return out


def _check_brief(brief: Brief, ws: FactBase, labels, templates: set[str], invalid) -> list[Problem]:
    out = []
    if brief.template not in templates:
        known = ", ".join(sorted(templates))
        out.append(_problem(brief, ("template",), f"brief '{brief.id}' uses unknown template '{brief.template}'"
                            f"{did_you_mean(brief.template, templates)} (available: {known})", "unknown-template"))
    for s, section in enumerate(brief.sections):
        for i, fact_id in enumerate(section.facts or ()):
            fact = ws.facts.get(fact_id)
            if fact_id in (section.facts or ())[:i]:
                out.append(_problem(brief, ("sections", s, "facts", i), f"brief '{brief.id}' lists fact '{fact_id}' "
                                    f"twice in the section '{section.heading}'", "repeated-fact"))
            elif fact is None and fact_id not in invalid:
                out.append(_problem(brief, ("sections", s, "facts", i), f"brief '{brief.id}' names unknown fact "
                                    f"'{fact_id}'{did_you_mean(fact_id, ws.facts)}", "unknown-fact"))
            elif fact is not None and not fact.renderable:
                out.append(_problem(brief, ("sections", s, "facts", i), f"brief '{brief.id}' names fact "
                                    f"'{fact_id}', which is {fact.status} and cannot be rendered", "unrenderable-fact"))
        if section.select is not None:
            where = ("sections", s, "select")
            try:
                expr = tagexpr.parse(section.select)
            except tagexpr.TagExprError as exc:
                out.append(_problem(brief, where, f"brief '{brief.id}': bad tag expression '{section.select}' "
                                    f"at column {exc.column}: {exc}", "bad-expression"))
                continue
            for name in sorted(n for n in tagexpr.names(expr) if n not in labels):
                out.append(_problem(brief, where, f"brief '{brief.id}': tag expression names '{name}', "
                                    f"which no fact has{did_you_mean(name, [n for n in labels if SLUG_RE.fullmatch(n)])}", "unknown-tag"))
    return out
