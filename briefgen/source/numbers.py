"""The trust check of a fact's figure: every number the chart draws must be
a number its claim states, as the claim writes it.

25 percent is stated by "25%", "25 percent" or "one in four"; 1 of 4 by
"1 in 4", "one in four" or "25%"; 3.2 billion by "3.2 billion" (or
"3,200,000,000"); 1200 by "1,200" or "1200".  A value the claim does not
state is a warning at the figure's line: the chart and the sentence would
say different things, and the reader trusts both.
"""

from __future__ import annotations

import re

from briefgen.errors import Problem
from briefgen.source.figure import MAGNITUDES, Figure, shown_number
from briefgen.source.model import Fact

_WORDS = {w: i for i, w in enumerate(("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                      "nine", "ten"))}
_COUNT = r"(\d+|" + "|".join(_WORDS) + r")"
_FRACTION = re.compile(rf"\b{_COUNT}\s+(?:in|out\s+of|of\s+every)\s+{_COUNT}\b", re.IGNORECASE)
_SAID = {"half": 50.0, "a quarter": 25.0, "a third": 100 / 3, "a fifth": 20.0, "a tenth": 10.0}
# A number as a sentence writes it, "1,200", "3.2", "25", and what follows it.
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d,]*\d)(?=(\s*[%\w$€£]*))")
_ABBREVIATIONS = {"thousand": ("k",), "million": ("m", "mn"), "billion": ("bn", "b"), "trillion": ("tn", "t")}


def _plain(text: str) -> str:
    """The claim as read: markdown emphasis marks and odd spaces gone."""
    return re.sub(r"[*_`]", "", text).replace("\u00a0", " ").replace("\u202f", " ")


def _numbers(text: str) -> list[tuple[float, str]]:
    """Every number in `text`, with the word or sign right after it ('%', 'percent', 'billion')."""
    found = []
    for m in _NUMBER.finditer(text):
        value = float(m[1].replace(",", "") + (m[2] or ""))
        found.append((value, m[3].strip().lower()))
    return found


def _fractions(text: str) -> list[float]:
    """The shares 'one in four', '3 out of 10' state, as percents."""
    shares = []
    for m in _FRACTION.finditer(text):
        part, whole = (int(w) if w.isdigit() else _WORDS[w.lower()] for w in (m[1], m[2]))
        if 0 < part <= whole:
            shares.append(part / whole * 100)
    lowered = text.lower()
    shares += [v for said, v in _SAID.items() if re.search(rf"\b{said}\b", lowered)]
    return shares


def _same(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6 * max(1.0, abs(a))


def _states_percent(text: str, percent: float) -> bool:
    if any(_same(v, percent) and after.startswith(("%", "percent", "per cent")) for v, after in _numbers(text)):
        return True
    return any(round(share, 1) == round(percent, 1) or round(share) == percent for share in _fractions(text))


def _states_amount(text: str, value: float, magnitude: str | None) -> bool:
    for number, after in _numbers(text):
        if magnitude and _same(number, value) and after.startswith((magnitude, *_ABBREVIATIONS[magnitude])):
            return True
        if _same(number, value * (MAGNITUDES[magnitude] if magnitude else 1.0)):
            return True
    return False


def _unstated(figure: Figure, text: str) -> list[tuple[tuple, str]]:
    """(where in the figure, what it says) of each value the claim does not state."""
    missing = []

    def said(value: float) -> bool:
        if figure.unit == "percent":
            return _states_percent(text, value)
        return _states_amount(text, value, figure.magnitude)

    def shown(value: float) -> str:
        if figure.unit == "percent":
            return f"{shown_number(value)}%"
        number = shown_number(value) + (f" {figure.magnitude}" if figure.magnitude else "")
        return f"{number} {figure.unit}" if figure.unit not in (None, "count") else number

    if figure.shape == "value" and not said(figure.value):
        missing.append((("value",), f"value {shown(figure.value)}"))
    elif figure.shape == "part":
        percent = figure.part / figure.whole * 100
        if not (_states_percent(text, percent) or any(
                _same(share, percent) for share in _fractions(text))):
            missing.append((("part",), f"{shown_number(figure.part)} in {shown_number(figure.whole)}"))
    elif figure.shape == "series":
        for i, point in enumerate(figure.series):
            if not said(point.value):
                missing.append((("series", i, "value"), f"{point.name} value, {shown(point.value)},"))
    return missing


def figure_problems(facts) -> list[Problem]:
    """A warning for each value of a fact's figure that its claim does not state."""
    problems = []
    for fact in facts:
        if fact.figure is None:
            continue
        text = _plain(fact.claim)
        for loc, what in _unstated(fact.figure, text):
            problems.append(_warning(fact, ("figure", *loc), f"fact '{fact.id}': the figure's {what} is not in the "
                                     "claim as written: state it in the claim, or correct the figure"))
    return problems


def _warning(fact: Fact, loc: tuple, message: str) -> Problem:
    return fact.problem(loc, message, "figure-not-in-claim", "warning")
