"""A fact's `figure`: the numbers a statistic states, each mistake said in
plain words at its line, by both `check` and `build`, with nothing written."""

from __future__ import annotations

import pytest

from briefgen.source.figure import Figure
from conftest import expected

BAD = "sources/x.yaml"

#   1 facts:
#   2   - id: zz
#   3     claim: "One in four (25%) of 1,200 people, 3.2 billion USD"
#   4     tags: [topic-x]
#   5     cite:
#   6       - ref: statute
#   7     figure:
#   8       (the figure's own lines)
FACT = """\
facts:
  - id: zz
    claim: "One in four (25%) of 1,200 people, 3.2 billion USD"
    tags: [topic-x]
    cite:
      - ref: statute
    figure:
"""


def with_figure(make_workspace, figure: str):
    body = "".join(f"      {line}\n" for line in figure.splitlines())
    return make_workspace(extra={BAD: FACT + body})


@pytest.mark.parametrize(("figure", "line", "message"), [
    pytest.param("value: 125\nunit: percent", 8, "figure.value: 125 percent is over 100: a percentage is at most 100 "
                 "(for a count or an amount, write unit: count or a currency)", id="percent-over-100"),
    pytest.param("unit: count\nseries:\n  - {year: 2019, value: 3}\n  - {year: 2021, value: 4}", 9,
                 "figure.series: is missing 2020 (between 2019 and 2021): add the missing years, or chart the "
                 "points by 'label' rather than 'year'", id="missing-year"),
    pytest.param("unit: count\nseries:\n  - {year: 2020, value: 3}\n  - {year: 2019, value: 4}", 9,
                 "figure.series: 2019 comes after 2020: write the years in order, each once", id="years-out-of-order"),
    pytest.param("unit: count\nseries:\n  - {value: 3}\n  - {year: 2021, value: 4}", 10,
                 "figure.series[0]: a point of a series needs either a 'year' or a 'label' (a category); "
                 "this one has neither", id="point-without-year"),
    pytest.param("value: 3.2\nunit: USD\nmagnitude: billion\nchart: icon-array", 11,
                 "figure.chart: an icon array shows a share of a whole, and USD is not one: write unit: percent, "
                 "or part and whole, or chart: callout", id="icon-array-of-money"),
    pytest.param("value: 25\nunit: percent\nchart: line", 10,
                 "figure.chart: a line chart needs a series of values; this figure has one value (draw it as an "
                 "icon-array or a callout, or give a series)", id="line-of-one-value"),
    pytest.param("unit: count\nchart: callout\nseries:\n  - {label: a, value: 3}\n  - {label: b, value: 4}", 9,
                 "figure.chart: a callout shows one value; this figure has a series (draw it as a bar, column or "
                 "line chart)", id="callout-of-a-series"),
    pytest.param("unit: count\nchart: line\nseries:\n  - {label: a, value: 3}\n  - {label: b, value: 4}", 9,
                 "figure.chart: a line chart shows a trend over years; these points have labels (draw them as a "
                 "bar or column chart, or give years)", id="line-of-categories"),
    pytest.param("value: 33.3\nunit: percent\nchart: icon-array", 10,
                 "figure.chart: an icon array of 100 figures can only show whole percents; this share is 33.3%: "
                 "use chart: callout", id="icon-array-of-a-fraction"),
    pytest.param("value: 25", 7, "figure: a figure's value needs a 'unit': percent, count, USD, EUR or GBP",
                 id="no-unit"),
    pytest.param("value: 25\npart: 1\nwhole: 4\nunit: percent", 7, "figure: a figure needs exactly one of: 'value' "
                 "(with a 'unit'), 'part' and 'whole', or 'series'; this one has value, part, whole", id="two-shapes"),
    pytest.param("part: 5\nwhole: 4", 7, "figure: the part (5) must be no more than the whole (4), and the whole "
                 "more than 0", id="part-over-whole"),
    pytest.param("value: 25%\nunit: percent", 8, "figure.value: should be a number such as 25 or 3.2, not '25%' "
                 "(write the number alone: the unit goes in 'unit')", id="percent-sign"),
    pytest.param("value: -3\nunit: count", 8, "figure.value: should be a number such as 25 or 3.2, not '-3'",
                 id="negative"),
    pytest.param("value: 25\nunit: percnt", 9, "'percnt' is not a valid figure.unit (did you mean 'percent'?)",
                 id="unit-typo"),
    pytest.param("value: 25\nunit: percent\nchart: pie", 10, "'pie' is not a valid figure.chart (one of: icon-array, "
                 "callout, bar, column, line)", id="no-pies"),
    pytest.param("value: 25\nunit: percent\nshare: 1", 10, "unknown field 'figure.share' (did you mean 'chart'?)", id="unknown-field"),
])
def test_a_figure_that_cannot_be_drawn_is_refused_at_its_line(make_workspace, refused, figure, line, message):
    root = with_figure(make_workspace, figure)
    assert refused(root) == expected(f"{BAD}:{line}: fact 'zz': {message}")


@pytest.mark.parametrize(("figure", "kind"), [
    ({"value": 25, "unit": "percent"}, "icon-array"),
    ({"value": 25.5, "unit": "percent"}, "callout"),
    ({"part": 1, "whole": 4}, "icon-array"),
    ({"value": 3.2, "unit": "USD", "magnitude": "billion"}, "callout"),
    ({"value": 1200, "unit": "count", "label": "people"}, "callout"),
    ({"unit": "count", "series": [{"year": 2019, "value": 1}, {"year": 2020, "value": 2}]}, "column"),
    ({"unit": "count", "series": [{"label": "a", "value": 1}, {"label": "b", "value": 2}]}, "bar"),
    ({"unit": "count", "chart": "line", "series": [{"year": 2019, "value": 1}, {"year": 2020, "value": 2}]}, "line"),
])
def test_the_shape_of_the_data_chooses_the_chart_unless_the_fact_does(figure, kind):
    assert Figure.model_validate(figure).kind == kind


def test_a_valid_figure_checks(make_workspace, run):
    root = with_figure(make_workspace, "value: 25\nunit: percent\nchart: icon-array\nlocator: p. 3")
    result = run(root, "check")
    assert result.exit_code == 0, result.stderr


# The trust check: what the chart draws, the claim must say.

@pytest.mark.parametrize("figure", [
    "value: 25\nunit: percent",  # "25%"
    "part: 1\nwhole: 4",  # "One in four"
    "value: 1200\nunit: count\nlabel: people",  # "1,200"
    "value: 3.2\nunit: USD\nmagnitude: billion",  # "3.2 billion"
])
def test_a_figure_whose_numbers_the_claim_states_checks_without_a_warning(make_workspace, run, figure):
    result = run(with_figure(make_workspace, figure), "check", "--strict")
    assert result.exit_code == 0, result.stderr
    assert "figure" not in result.stderr


@pytest.mark.parametrize(("claim", "figure", "line", "what"), [
    pytest.param("About a third (30%) of cases", "value: 35\nunit: percent", 8, "value 35%", id="other-percent"),
    pytest.param("25 of the 100 states", "value: 25\nunit: percent", 8, "value 25%", id="bare-number-is-no-percent"),
    pytest.param("One in five children", "part: 1\nwhole: 4", 8, "1 in 4", id="other-fraction"),
    pytest.param("It cost 3.2 million USD", "value: 3.2\nunit: USD\nmagnitude: billion", 8, "value 3.2 billion USD",
                 id="other-magnitude"),
    pytest.param("From 10 in 2019", "unit: count\nseries:\n  - {year: 2019, value: 10}\n  - {year: 2020, value: 12}", 11,
                 "2020 value, 12,", id="series-point"),
])
def test_a_figure_value_the_claim_does_not_state_is_a_warning(make_workspace, run, claim, figure, line, what):
    body = "".join(f"      {x}\n" for x in figure.splitlines())
    root = make_workspace(extra={BAD: FACT.replace("One in four (25%) of 1,200 people, 3.2 billion USD", claim) + body})
    result = run(root, "check")
    assert result.exit_code == 0
    assert f"{BAD}:{line}: warning: fact 'zz': the figure's {what} is not in the claim as written: state it in the " \
           "claim, or correct the figure" in result.stderr.splitlines()
    assert run(root, "check", "--strict").exit_code == 1
