"""Charts drawn from a fact's figure: golden SVGs per kind, their text
alternative in the HTML and as /Alt on the Figure of the tagged PDF, the
source line, the colours, and the sample's icon array on its one page."""

from __future__ import annotations

import re

import pikepdf
import pytest
from pypdf import PdfReader

from briefgen.render.chart import DEFAULT_COLOR, chart_color, contrast, draw, title_of
from briefgen.source.figure import Figure
from conftest import REPO, copy_sample

GOLDEN = REPO / "tests/golden-charts"  # apart from tests/golden/, whose folders are build cases
REFRESH = "python -m pytest tests/test_charts.py --update-golden"

FIGURES = {
    "icon-array-100": {"value": 25, "unit": "percent", "chart": "icon-array"},
    "icon-array-10": {"part": 3, "whole": 10},
    "callout": {"value": 3.2, "unit": "USD", "magnitude": "billion", "label": "a year"},
    "bar": {"unit": "count", "label": "reports", "series": [{"label": "Platform A", "value": 12},
                                                            {"label": "Platform B", "value": 30}]},
    "column": {"unit": "percent", "series": [{"year": 2019, "value": 12}, {"year": 2020, "value": 30},
                                             {"year": 2021, "value": 25}]},
    "line": {"unit": "count", "chart": "line", "series": [{"year": 2019, "value": 1200},
                                                          {"year": 2020, "value": 3000},
                                                          {"year": 2021, "value": 2500}]},
}  # made-up numbers for the drawing only: no sample fact holds them


@pytest.mark.parametrize("name", FIGURES)
def test_each_chart_kind_draws_its_golden_svg(request, name):
    svg = str(draw(Figure.model_validate(FIGURES[name]), name, "#1d3a5f", "Institute").svg) + "\n"
    assert svg == str(draw(Figure.model_validate(FIGURES[name]), name, "#1d3a5f", "Institute").svg) + "\n"
    path = GOLDEN / f"{name}.svg"
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(svg, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run {REFRESH}"
    assert svg == path.read_text(encoding="utf-8"), f"{name}.svg changed; if intended, run {REFRESH}"


@pytest.mark.parametrize(("figure", "title"), [
    ({"value": 25, "unit": "percent"}, "One in four (25%)"),
    ({"value": 25, "unit": "percent", "label": "children"}, "One in four children (25%)"),
    ({"part": 3, "whole": 10}, "Three in ten (30%)"),
    ({"value": 12, "unit": "percent"}, "12%"),
    ({"value": 3.2, "unit": "USD", "magnitude": "billion"}, "$3.2 billion"),
    ({"value": 1200, "unit": "count", "label": "people"}, "1,200 people"),
    ({"unit": "count", "series": [{"year": 2019, "value": 3}, {"year": 2020, "value": 5}]}, "From 3 in 2019 to 5 in 2020"),
    ({"unit": "count", "series": [{"label": "a", "value": 3}, {"label": "b", "value": 5}]}, "b highest, at 5"),
])
def test_the_title_is_the_number_in_words(figure, title):
    assert title_of(Figure.model_validate(figure)) == title


@pytest.mark.parametrize(("lang", "figure", "title"), [
    ("es", {"value": 25, "unit": "percent"}, "1 de cada 4 (25\u00a0%)"),
    ("fr", {"part": 3, "whole": 10, "label": "enfants"}, "3 sur 10 enfants (30\u00a0%)"),
    ("es", {"value": 12.4, "unit": "percent"}, "12,4\u00a0%"),
    ("es", {"value": 3.2, "unit": "USD", "magnitude": "billion"}, "3,2 mil millones\u00a0US$"),
    ("fr", {"value": 1200, "unit": "count", "label": "personnes"}, "1\u202f200 personnes"),
    ("es", {"unit": "count", "series": [{"year": 2019, "value": 3}, {"year": 2020, "value": 5}]},
     "De 3 en 2019 a 5 en 2020"),
])
def test_a_title_in_another_language_writes_its_numbers_as_that_language_does(lang, figure, title):
    from briefgen.source.messages import Words

    assert title_of(Figure.model_validate(figure), Words(lang)) == title


def test_a_chart_in_spanish_says_what_it_shows_in_spanish():
    from briefgen.source.messages import Words

    chart = draw(Figure.model_validate(FIGURES["bar"]), "b", source="Instituto", words=Words("es"))
    assert chart.alt == ("reports: Platform B, el valor más alto: 30. Gráfico de barras, reports por categoría: "
                                    "Platform A: 12; Platform B: 30.")
    assert "<desc id=\"chart-b-desc\">Gráfico de barras. Fuente: Instituto.</desc>" in str(chart.svg)
    icons = draw(Figure.model_validate(FIGURES["icon-array-10"]), "i", words=Words("es"))
    assert icons.title == "3 de cada 10 (30\u00a0%)"
    assert icons.alt.endswith("Matriz de iconos: 3 de 10 cuadrados llenos.")


def test_bars_and_columns_start_at_zero():
    svg = str(draw(Figure.model_validate(FIGURES["column"]), "c").svg)
    ticks = re.findall(r">(\d+)%?</text>", svg)
    assert ticks[0] == "0" or "0" in ticks  # the value axis is labelled from 0, though the least value is 12


def test_a_branding_colour_too_pale_for_a_chart_gives_way_to_briefgens_own():
    assert chart_color("#1d3a5f") == "#1d3a5f"
    assert chart_color("#ffdd00") == DEFAULT_COLOR  # yellow on white: 1.4:1
    assert contrast(chart_color("#ffdd00"), "#ffffff") >= 3
    svg = str(draw(Figure.model_validate(FIGURES["icon-array-100"]), "k", "#ffdd00").svg)
    assert "#ffdd00" not in svg and DEFAULT_COLOR in svg


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory):
    from click.testing import CliRunner

    from briefgen.commands.cli import cli

    root = copy_sample(tmp_path_factory.mktemp("sample"))
    result = CliRunner().invoke(cli, ["--root", str(root), "build", "section-230-one-pager"])
    assert result.exit_code == 0, result.output
    return root / "output"


def test_the_sample_one_pager_shows_the_icon_array_beside_its_statistic_on_one_page(sample_build):
    html = (sample_build / "section-230-one-pager.html").read_text()
    fact = html[html.index('data-fact-id="one-in-four-children"'):]
    fact = fact[:fact.index("</li>")]
    figure = fact[fact.index("<figure"):fact.index("</figure>")]
    assert 'role="img"' in figure and 'aria-labelledby="chart-one-in-four-children-title' in figure
    assert '<title id="chart-one-in-four-children-title">One in four (25%). Icon array: 25 of 100 squares ' \
           'filled.</title>' in figure
    assert '<p class="chart-title">One in four (25%)</p>' in figure
    assert figure.count('fill="#1d3a5f"') == 25  # 25 filled squares, 75 outlined
    # the source line carries the claim's own marker
    marker = re.search(r'<sup class="cite">.*?</sup>', fact[fact.index("</figure>"):])[0]
    assert f"Source: MSNBC&#8288;{marker}" in figure or f"Source: MSNBC\u2060{marker}" in figure
    assert len(PdfReader(sample_build / "section-230-one-pager.pdf").pages) == 1


def test_the_chart_is_a_figure_with_its_alt_text_in_the_tagged_pdf(sample_build):
    pdf = pikepdf.open(sample_build / "section-230-one-pager.pdf")
    figures, seen = [], set()
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and node.objgen not in seen:
            seen.add(node.objgen)
            if node.get("/S") == "/Figure":
                figures.append(node)
            if "/K" in node:
                stack.append(node.K)
    assert [str(f.Alt) for f in figures] == ["One in four (25%). Icon array: 25 of 100 squares filled."]
    assert "/BBox" in figures[0].A


def test_a_chart_of_a_draft_fact_carries_the_draft_mark(make_workspace, run):
    facts = """\
facts:
  - id: share
    claim: "One in four (25%)."
    tags: [t]
    status: draft
    figure: {value: 25, unit: percent}
    cite:
      - ref: report-2024
"""
    briefs = "briefs:\n  - {id: b, title: B, template: one-pager, date: 2026-01-01, sections: [{heading: H, facts: [share]}]}\n"
    root = make_workspace(facts=facts, briefs=briefs)
    assert run(root, "build", "--format", "html").exit_code == 0
    html = (root / "output/b.html").read_text()
    caption = html[html.index('<figcaption class="chart-source">'):html.index("</figcaption>")]
    assert '<span class="draft-mark">draft</span>' in caption


def test_a_chart_as_pixels_for_a_backend_that_needs_them():
    from briefgen.render.chart import png

    chart = draw(Figure.model_validate(FIGURES["icon-array-100"]), "k")
    data = png(chart)
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data == png(chart)  # the same bytes every time
    width = int.from_bytes(data[16:20], "big")
    assert width == 3 * 200  # the SVG's 200 units, at the default scale
