"""Stage 3, select: which facts each section of a brief shows, in what order.

A section either names its facts (kept in that order) or selects them with a
tag expression (renderable facts, by priority and then id).  A fact appears
at most once in a brief: the first section that names or selects it keeps it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from briefgen import tags as tagexpr
from briefgen.check import Workspace
from briefgen.errors import BriefgenError, Problem
from briefgen.model import Brief, Fact


@dataclass(frozen=True)
class SelectedSection:
    heading: str
    facts: tuple[Fact, ...]


class Selector:
    """Answers tag expressions over one workspace, remembering each answer, so
    that a batch of briefs sharing expressions scans the facts once."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        # Every renderable fact, in the order selections list them.
        self.ordered = sorted(
            (f for f in workspace.facts.values() if f.renderable), key=lambda f: (f.priority, f.id)
        )

    @functools.lru_cache(maxsize=None)  # noqa: B019 - one Selector lives for one build
    def matching(self, expression: str) -> tuple[Fact, ...]:
        expr = tagexpr.parse(expression)
        return tuple(f for f in self.ordered if tagexpr.matches(expr, f.labels))


def select(brief: Brief, selector: Selector) -> list[SelectedSection]:
    """The sections of `brief` with their facts; raise if a section ends up empty."""
    used: set[str] = set()
    sections = []
    problems = []
    for s, section in enumerate(brief.sections):
        if section.facts is not None:
            candidates = [selector.workspace.facts[i] for i in section.facts]
        else:
            candidates = selector.matching(section.select)
        chosen = tuple(f for f in candidates if f.id not in used)
        used.update(f.id for f in chosen)
        if not chosen:
            path, line = brief.at("sections", s, "select" if section.select else "facts")
            why = (f"no renderable fact matches '{section.select}'" if section.select and not candidates
                   else "all of its facts already appear in earlier sections")
            problems.append(Problem(path, line, f"brief '{brief.id}': section '{section.heading}' would be empty: {why}"))
        sections.append(SelectedSection(section.heading, chosen))
    if problems:
        raise BriefgenError(problems)
    return sections
