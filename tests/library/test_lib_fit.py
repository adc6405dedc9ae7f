"""Fitting, through the layout protocol, on a layout made up for the test:
so what each step does can be checked exactly."""

import math

import pytest

from briefgen.api import Project, check
from briefgen.render.backend import Output
from briefgen.render.fit import fit

PAGE = 1000.0
HEADING = 60.0  # a section's heading: part of what a page holds, but no fact's own height


def workspace(make_workspace, facts):
    """facts: (id, priority, section) in brief order; every fact cites r."""
    refs = "references:\n  - {id: r, title: Report, publisher: Institute, issued: '2024'}\n"
    text = "facts:\n" + "".join(f"  - id: {i}\n    claim: Fact {i}.\n    tags: [{s}]\n    priority: {p}\n"
                                "    cite: [{ref: r}]\n" for i, p, s in facts)
    sections = sorted({s for _, _, s in facts})
    briefs = ("briefs:\n  - id: brief\n    title: B\n    template: one-pager\n    date: 2026-01-01\n    max_pages: 1\n"
              "    sections:\n" + "".join(f"      - {{heading: {s}, select: {s}}}\n" for s in sections))
    return make_workspace(references=refs, facts=text, briefs=briefs)


class FakeLayout:
    """Facts take the heights given; each section present takes HEADING more."""

    def __init__(self, html: str, heights: dict[str, float]):
        self.facts = [f for f in html.split("|")[0].split(",") if f]
        self.sections = {s for s in html.split("|")[1].split(",") if s}
        self.heights = heights

    @property
    def pages(self):
        return max(1, math.ceil(self.used_height() / PAGE))

    @property
    def page_height(self):
        return PAGE

    def used_height(self):
        return sum(self.heights[f] for f in self.facts) + HEADING * len(self.sections)

    def element_heights(self):
        return {f"fact:{f}": self.heights[f] for f in self.facts}

    def output(self):
        return Output(b"")


def render(cited, scale):
    facts = [cf.fact.id for s in cited.sections for cf in s.facts]
    return ",".join(facts) + "|" + ",".join(s.heading for s in cited.sections)


@pytest.fixture
def brief(make_workspace):
    facts = [*((f"k{i}", 1, "main") for i in range(7)), ("a", 3, "main"), ("b", 4, "extra")]
    project = Project.open(workspace(make_workspace, facts))
    return check(project).cited["brief"]


def test_fitting_leaves_out_no_more_than_it_must(brief):
    """Leaving out 'b' also takes its section's heading away, which the facts'
    heights do not show: judged by them, 'a' must go too; laid out, 'b' alone
    was enough, and 'a' comes back."""
    heights = {**{f"k{i}": 115.0 for i in range(7)}, "a": 100.0, "b": 80.0}
    # 7*115 + 100 + 80 + 2 headings = 1105: 105 over; by the heights 'b' frees 80, so 'a' goes too;
    # in truth 'b' frees 80 + 60 = 140, and with 'a' back the page holds 965.
    fitted = fit(brief, render, lambda html: FakeLayout(html, heights))
    assert fitted.dropped == ("b",)
    assert fitted.layout.pages == 1
    assert "a" in fitted.layout.facts


def test_what_does_not_fit_back_stays_out(brief):
    heights = {**{f"k{i}": 125.0 for i in range(7)}, "a": 100.0, "b": 30.0}
    # 875 + 100 + 30 + 120 = 1125: without 'b' alone 1035, over; without both 935, and 'a' (100) does not
    # fit back in the 50 left.
    fitted = fit(brief, render, lambda html: FakeLayout(html, heights))
    assert fitted.dropped == ("b", "a")
    assert fitted.layout.pages == 1


CHART = 150.0  # what the chart of fact 'a' takes beside its claim


def render_with_chart(cited, scale):
    """As `render`, with '+chart' while the charts are shown."""
    return render(cited, scale) + ("|+chart" if cited.charts else "|")


class ChartLayout(FakeLayout):
    def __init__(self, html: str, heights: dict[str, float]):
        super().__init__(html, heights)
        self.chart = html.endswith("+chart") and "a" in self.facts

    def used_height(self):
        return super().used_height() + (CHART if self.chart else 0.0)


@pytest.fixture
def charted(make_workspace):
    facts = [*((f"k{i}", 1, "main") for i in range(7)), ("a", 3, "main"), ("b", 4, "main")]
    root = workspace(make_workspace, facts)
    path = root / "sources/facts.yaml"
    path.write_text(path.read_text().replace("claim: Fact a.", "claim: Fact a, 25%.\n    figure: {value: 25, unit: percent}"))
    return check(Project.open(root)).cited["brief"]


def test_a_chart_is_left_out_before_any_fact(charted):
    heights = {**{f"k{i}": 100.0 for i in range(7)}, "a": 60.0, "b": 60.0}
    # 700 + 120 + one heading = 880, and the chart 150 more: 30 over; without the chart every fact fits.
    fitted = fit(charted, render_with_chart, lambda html: ChartLayout(html, heights))
    assert fitted.charts_dropped == ("a",) and fitted.dropped == ()
    assert fitted.layout.pages == 1 and not fitted.layout.chart
    assert not fitted.cited.charts and fitted.fitted


def test_facts_go_after_the_chart_and_it_does_not_come_back_with_them(charted):
    heights = {**{f"k{i}": 120.0 for i in range(7)}, "a": 60.0, "b": 60.0}
    # 840 + 120 + 60 = 1020 without the chart: 'b' must go too, and the chart stays out.
    fitted = fit(charted, render_with_chart, lambda html: ChartLayout(html, heights))
    assert fitted.charts_dropped == ("a",) and fitted.dropped == ("b",)
    assert fitted.layout.pages == 1 and not fitted.layout.chart


def test_a_chart_that_fits_stays(charted):
    heights = {**{f"k{i}": 90.0 for i in range(7)}, "a": 60.0, "b": 60.0}
    fitted = fit(charted, render_with_chart, lambda html: ChartLayout(html, heights))
    assert fitted.charts_dropped == () and fitted.layout.chart
