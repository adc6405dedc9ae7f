"""Stage 3, select: which facts each section of a brief shows, in what order.

A section either names its facts (kept in that order) or selects them with a
tag expression (renderable facts, by priority and then id).  A fact appears
at most once in a brief: the first section that names or selects it keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.source import tags as tagexpr
from briefgen.source.check import FactBase
from briefgen.errors import BriefgenError, Problem
from briefgen.source.model import Brief, Fact


@dataclass(frozen=True)
class SelectedSection:
    heading: str
    facts: tuple[Fact, ...]
    charts: str = "beside"  # where its facts' charts show: "beside" each claim, "lead" (first), "none"


class Selector:
    """Answers tag expressions over one base.

    Expressions are evaluated as set algebra over an index from each label to
    the positions of the facts carrying it, so a batch of a thousand briefs
    does not scan every fact for every section; answers are remembered."""

    def __init__(self, base: FactBase):
        self.base = base
        # Every renderable fact, in the order selections list them.
        self.ordered = sorted(
            (f for f in base.facts.values() if f.renderable), key=lambda f: (f.priority, f.id)
        )
        self._index: dict[str, set[int]] = {}
        for position, fact in enumerate(self.ordered):
            for label in fact.labels:
                self._index.setdefault(label, set()).add(position)
        self._all = frozenset(range(len(self.ordered)))
        self._answers: dict[str, tuple[Fact, ...]] = {}

    def matching(self, expression: str) -> tuple[Fact, ...]:
        """The renderable facts matching a tag expression, in selection order."""
        if expression not in self._answers:
            positions = self._positions(tagexpr.parse(expression))
            self._answers[expression] = tuple(self.ordered[p] for p in sorted(positions))
        return self._answers[expression]

    def _positions(self, expr: tagexpr.Expr) -> set[int] | frozenset[int]:
        op = expr[0]
        if op == "tag":
            return self._index.get(expr[1], frozenset())
        if op == "not":
            return self._all - self._positions(expr[1])
        left, right = self._positions(expr[1]), self._positions(expr[2])
        return left & right if op == "and" else left | right


def select(brief: Brief, selector: Selector) -> list[SelectedSection]:
    """The sections of `brief` with their facts; raise if a section ends up empty."""
    used: set[str] = set()
    sections = []
    problems = []
    for s, section in enumerate(brief.sections):
        if section.facts is not None:
            candidates = [selector.base.facts[i] for i in section.facts]
        else:
            candidates = selector.matching(section.select)
        chosen = []
        for fact in candidates:  # a fact named twice, even in one section, shows once
            if fact.id not in used:
                used.add(fact.id)
                chosen.append(fact)
        chosen = tuple(chosen)
        if not chosen:
            path, line = brief.at("sections", s, "select" if section.select else "facts")
            why = (f"no renderable fact matches '{section.select}'" if section.select and not candidates
                   else "all of its facts already appear in earlier sections")
            problems.append(Problem(path, line, f"brief '{brief.id}': section '{section.heading}' would be empty: {why}",
                                    "empty-section", subject=brief.id))
        sections.append(SelectedSection(section.heading, chosen, section.charts or brief.charts or "beside"))
    if problems:
        raise BriefgenError(problems)
    return sections
