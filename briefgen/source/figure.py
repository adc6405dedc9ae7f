"""The numbers a statistic states, on its fact (`figure:`), and the charts
that can draw them.

A figure has one of three shapes: a single `value` with its `unit` (25
percent; 3.2 billion USD; 1,200 people), a `part` of a `whole` (1 in 4), or
a short `series` of points, each with a `year` or a `label` and a `value`.
`chart` says how to draw it; without it the shape decides (a share: an icon
array; an amount: a big-number callout; years: columns; categories: bars).
Each value may carry its own citation `locator`.  Every rule below is a
schema error at the line of the field it concerns, in words.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, WithJsonSchema, field_validator,
                      model_validator)

from briefgen.source.fields import Invalid, Short

Unit = Literal["percent", "count", "USD", "EUR", "GBP"]
Magnitude = Literal["thousand", "million", "billion", "trillion"]
ChartKind = Literal["icon-array", "callout", "bar", "column", "line"]
# Where a brief shows its facts' charts: beside each claim, first in the
# section (its lead visual), or not at all.
Placement = Literal["beside", "lead", "none"]
SERIES_MAX = 12  # a chart on a one-pager: a short series, each point readable
MAGNITUDES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


_NUMBER_TEXT = re.compile(r"\d{1,15}(?:\.\d{1,6})?")


def _number(value: object) -> object:
    """A number as it is written: 25, 3.2 (YAML gives text; Python, a number).
    Not 25%, not 1,200, not true: the unit and the magnitude say the rest."""
    if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()):
        value = float(value.strip())
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        hint = " (write the number alone: the unit goes in 'unit')" if isinstance(value, str) and "%" in value else ""
        raise Invalid(f"should be a number such as 25 or 3.2, not {'a list' if isinstance(value, list) else repr(value)}"
                      f"{hint}", "wrong-type")
    if not math.isfinite(value):
        raise Invalid("should be a number you can write down, not infinity or 'not a number'", "bad-value")
    if value < 0:
        raise Invalid(f"is {value:g}; a figure's values are 0 or more "
                      "(a chart of them starts its axis at zero)", "out-of-range")
    return float(value)


Number = Annotated[float, BeforeValidator(_number), WithJsonSchema({"type": "number", "minimum": 0})]


def shown_number(value: float) -> str:
    """A value as a reader writes it: 25, 3.2, 1,200 (no trailing .0)."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


class Point(BaseModel):
    """One point of a series: a year or a category, and its value."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    year: int | None = Field(default=None, ge=1000, le=2999)
    label: Short | None = None
    value: Number
    locator: Short | None = None

    @model_validator(mode="after")
    def _named(self) -> Point:
        if (self.year is None) == (self.label is None):
            raise Invalid("a point of a series needs either a 'year' or a 'label' (a category); this one has "
                          + ("both" if self.year is not None else "neither"), "bad-figure")
        return self

    @property
    def name(self) -> str:
        return str(self.year) if self.year is not None else str(self.label)


class Figure(BaseModel):
    """The numbers a fact states, in one of the three shapes above."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    unit: Unit | None = None
    magnitude: Magnitude | None = None  # 3.2 with magnitude: billion is 3.2 billion
    label: Short | None = None  # what is counted, as the claim names it: "children"
    value: Number | None = None
    part: Number | None = None
    whole: Number | None = None
    series: list[Point] | None = Field(default=None, min_length=2, max_length=SERIES_MAX)
    locator: Short | None = None
    chart: ChartKind | None = None

    @field_validator("value")
    @classmethod
    def _percentage(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and info.data.get("unit") == "percent" and value > 100:
            raise Invalid(f"{shown_number(value)} percent is over 100: a percentage is at most 100 "
                          "(for a count or an amount, write unit: count or a currency)", "out-of-range")
        return value

    @field_validator("series")
    @classmethod
    def _years_in_order(cls, series: list[Point] | None, info: ValidationInfo) -> list[Point] | None:
        if not series:
            return series
        years = [p.year for p in series if p.year is not None]
        if years and len(years) != len(series):
            raise Invalid("mixes years and labels: give every point a 'year', or every point a 'label'", "bad-figure")
        if years:
            for before, after in zip(years, years[1:]):
                if after <= before:
                    raise Invalid(f"{after} comes after {before}: write the years in order, each once", "bad-figure")
                if after > before + 1:
                    missing = ", ".join(str(y) for y in range(before + 1, min(after, before + 4)))
                    more = ", ..." if after - before > 4 else ""
                    raise Invalid(f"is missing {missing}{more} (between {before} and {after}): add the "
                                  "missing years, or chart the points by 'label' rather than 'year'", "bad-figure")
        if info.data.get("unit") == "percent":
            over = next((p for p in series if p.value > 100), None)
            if over:
                raise Invalid(f"{over.name}: {shown_number(over.value)} percent is over 100: "
                              "a percentage is at most 100", "out-of-range")
        return series

    @field_validator("chart")
    @classmethod
    def _drawable(cls, chart: str | None, info: ValidationInfo) -> str | None:
        data = info.data
        shape = _shape(data.get("value"), data.get("part"), data.get("whole"), data.get("series"))
        if chart is None or shape is None:
            return chart
        if chart in ("bar", "column", "line") and shape != "series":
            raise Invalid(f"a {chart} chart needs a series of values; this figure has one value "
                          "(draw it as an icon-array or a callout, or give a series)", "bad-chart")
        if chart in ("icon-array", "callout") and shape == "series":
            raise Invalid(f"{'an icon array' if chart == 'icon-array' else 'a callout'} shows one value; this figure has a series "
                          "(draw it as a bar, column or line chart)", "bad-chart")
        if chart == "icon-array" and shape == "value" and data.get("unit") != "percent":
            raise Invalid(f"an icon array shows a share of a whole, and {data.get('unit') or 'a value with no unit'} "
                          "is not one: write unit: percent, or part and whole, or chart: callout", "bad-chart")
        if chart == "icon-array" and share(data) is not None and not (share(data) * 100).is_integer():
            raise Invalid("an icon array of 100 figures can only show whole percents; this share is "
                          f"{shown_number(share(data) * 100)}%: use chart: callout", "bad-chart")
        if chart == "line" and data.get("series") and data["series"][0].year is None:
            raise Invalid("a line chart shows a trend over years; these points have labels "
                          "(draw them as a bar or column chart, or give years)", "bad-chart")
        return chart

    @model_validator(mode="after")
    def _one_shape(self) -> Figure:
        shape = self.shape
        given = [n for n in ("value", "part", "whole", "series") if getattr(self, n) is not None]
        if shape is None:
            raise Invalid("a figure needs exactly one of: 'value' (with a 'unit'), 'part' and 'whole', or "
                          f"'series'; this one has {', '.join(given) if given else 'none of them'}", "bad-figure")
        if shape == "value" and self.unit is None:
            raise Invalid("a figure's value needs a 'unit': percent, count, USD, EUR or GBP", "bad-figure")
        if shape == "series" and self.unit is None:
            raise Invalid("a series needs a 'unit': percent, count, USD, EUR or GBP", "bad-figure")
        if shape == "part" and self.unit not in (None, "count"):
            raise Invalid(f"a part of a whole has no unit (or unit: count), not {self.unit}", "bad-figure")
        if shape == "part" and (self.whole == 0 or self.part > self.whole):
            raise Invalid(f"the part ({shown_number(self.part)}) must be no more than the whole "
                          f"({shown_number(self.whole)}), and the whole more than 0", "bad-figure")
        if self.magnitude and self.unit in (None, "percent"):
            raise Invalid("'magnitude' (thousand, million, ...) goes with a count or an amount, "
                          "not a percentage", "bad-figure")
        return self

    @property
    def shape(self) -> str | None:
        """'value', 'part' or 'series'; None when the figure is not exactly one of them."""
        return _shape(self.value, self.part, self.whole, self.series)

    @property
    def kind(self) -> str:
        """The chart that draws it: the one asked for, else the one its shape suggests."""
        if self.chart:
            return self.chart
        if self.shape == "series":
            return "column" if self.series[0].year is not None else "bar"
        fraction = share(self.model_dump())
        return "icon-array" if fraction is not None and (fraction * 100).is_integer() else "callout"


def _shape(value, part, whole, series) -> str | None:
    if value is not None and part is None and whole is None and series is None:
        return "value"
    if value is None and part is not None and whole is not None and series is None:
        return "part"
    if value is None and part is None and whole is None and series is not None:
        return "series"
    return None


def share(data: dict) -> float | None:
    """The share of a whole a single-value figure states (0.25), or None."""
    if data.get("part") is not None and data.get("whole"):
        return data["part"] / data["whole"]
    if data.get("value") is not None and data.get("unit") == "percent":
        return data["value"] / 100
    return None
