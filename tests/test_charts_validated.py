"""A page with every kind of chart, through the validators no one here
wrote: axe-core in Chromium, the Nu HTML Checker, and the tagged PDF's
structure (each chart a Figure with its /Alt; every piece of marked content
inside a chart reachable from the structure tree).  Skipped where the tools
are absent, except in CI (as in test_validators.py)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pikepdf
import pytest

from test_validators import _marked_sequences, _struct_tree, axe_source, axe_violations, browser, missing, tool  # noqa: F401

# Made-up numbers for the drawing only, each stated by its claim.  Verified,
# so that the page has no draft banner: axe finds that banner outside every
# landmark (its "region" rule), a fault of the draft banner's, not the charts'.
FACTS = """\
facts:
  - {id: share, claim: "One in four (25%).", tags: [t], status: verified, reviewed: {by: A, on: 2026-01-10}, review_by: 2026-02-01, cite: [{ref: report-2024}], figure: {value: 25, unit: percent}}
  - {id: tenths, claim: "Three in ten.", tags: [t], status: verified, reviewed: {by: A, on: 2026-01-10}, cite: [{ref: report-2024}], figure: {part: 3, whole: 10}}
  - {id: money, claim: "It cost 3.2 billion USD.", tags: [t], status: verified, reviewed: {by: A, on: 2026-01-10}, cite: [{ref: report-2024}],
     figure: {value: 3.2, unit: USD, magnitude: billion}}
  - {id: places, claim: "12 on A, 30 on B.", tags: [t], status: verified, reviewed: {by: A, on: 2026-01-10}, cite: [{ref: report-2024}],
     figure: {unit: count, series: [{label: Platform A, value: 12}, {label: Platform B, value: 30}]}}
  - {id: years, claim: "12%, 30% and 25%.", tags: [t], status: verified, reviewed: {by: A, on: 2026-01-10}, cite: [{ref: report-2024}],
     figure: {unit: percent, series: [{year: 2019, value: 12}, {year: 2020, value: 30}, {year: 2021, value: 25}]}}
  - {id: trend, claim: "1,200, then 3,000, then 2,500.", tags: [t], status: verified, reviewed: {by: A, on: 2026-01-10}, cite: [{ref: report-2024}],
     figure: {unit: count, chart: line, series: [{year: 2019, value: 1200}, {year: 2020, value: 3000},
                                                 {year: 2021, value: 2500}]}}
"""
# The same charts beside their claims, first in their section, and on a fact
# sheet; 'share' is stale (its review was due on 2026-02-01), so its mark is
# checked too.
BRIEFS = """\
briefs:
  - {id: charts, title: Charts, template: one-pager, date: 2026-01-01, sections: [{heading: All, select: t}]}
  - {id: lead, title: Charts first, template: one-pager, date: 2026-01-01, charts: lead, sections: [{heading: All, select: t}]}
  - {id: sheet, title: Charts on a sheet, template: fact-sheet, date: 2026-01-01, sections: [{heading: All, select: t}]}
"""
PAGES = ["charts", "lead", "sheet"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from click.testing import CliRunner

    from briefgen.commands.cli import cli
    from conftest import REFERENCES, write_workspace

    root = write_workspace(tmp_path_factory.mktemp("charts") / "ws", {
        "sources/references.yaml": REFERENCES, "sources/facts.yaml": FACTS, "sources/briefs.yaml": BRIEFS})
    result = CliRunner().invoke(cli, ["--root", str(root), "build", "--quiet", "--today", "2026-06-01"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return root / "output"


@pytest.mark.parametrize("name", PAGES)
def test_every_chart_is_a_figure_with_its_data_as_alt_text(built, name):
    with pikepdf.open(built / f"{name}.pdf") as pdf:
        reachable, _ = _struct_tree(pdf)
        figures, seen, stack = [], set(), [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
            elif isinstance(node, pikepdf.Dictionary) and node.objgen not in seen:
                seen.add(node.objgen)
                if node.get("/S") == "/Figure":
                    figures.append(str(node.Alt))
                if "/K" in node:
                    stack.append(node.K)
        stray = [(n, tag, mcid) for n, page in enumerate(pdf.pages, 1)
                 for tag, mcid, depth in _marked_sequences(page)
                 if tag != "/Artifact" and (mcid is None or (page.obj.objgen, mcid) not in reachable)]
    assert sorted(figures) == sorted([
        "One in four (25%). Icon array: 25 of 100 squares filled.",
        "Three in ten (30%). Icon array: 3 of 10 squares filled.",
        "$3.2 billion.",
        "Platform B highest, at 30. Bar chart, values by category: Platform A: 12; Platform B: 30.",
        "From 12% in 2019 to 25% in 2021. Column chart, values by year: 2019: 12%; 2020: 30%; 2021: 25%.",
        "From 1,200 in 2019 to 2,500 in 2021. Line chart, values by year: 2019: 1,200; 2020: 3,000; 2021: 2,500.",
    ])
    assert stray == []


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("width", [1024, 390], ids=["desktop", "phone"])
def test_axe_finds_no_violation_on_a_page_of_charts(built, browser, width, name):  # noqa: F811
    source = axe_source()
    context = browser.new_context(offline=True, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto((built / f"{name}.html").resolve().as_uri(), wait_until="load")
        assert page.locator("svg[role=img]").count() == 6
        assert page.locator(".stale-mark").count() == 2  # beside the claim and under the chart
        assert axe_violations(page, source) == []
    finally:
        context.close()


def test_the_nu_html_checker_finds_nothing_on_a_page_of_charts(built):
    java = shutil.which("java")
    if not java:
        missing("java is missing (apt-get install default-jre-headless)")
    jar = tool("vnu-jar", "build/dist/vnu.jar")
    if not jar.is_file():
        missing(f"the Nu HTML Checker is missing: no {jar} (npm install vnu-jar)")
    run = subprocess.run([java, "-Xss8m", "-jar", str(jar), "--format", "json", "--also-check-css",
                          *(str(built / f"{name}.html") for name in PAGES)], capture_output=True, text=True,
                         timeout=600)
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    assert [m["message"] for m in messages if not (m["type"] == "info" and not m.get("subType"))] == []
