"""A fact's figure drawn as an SVG chart, to be embedded inline in the HTML
(and so drawn as vectors in the PDF).

The icon array and the big-number callout are a grid of squares and a line
of text: drawn here directly, in a few lines each.  Bar, column and line
charts go through Vega-Lite, rendered without a browser by vl-convert
(the axis, its ticks and its labels are Vega's work, not ours).  Every
chart's SVG, ours or Vega's, passes through one nh3 allowlist of SVG
elements and attributes before it reaches a page, and each carries its text
alternative: role="img" with a <title> that states the data (which
WeasyPrint makes the /Alt of the PDF's Figure) and a <desc>.

Honest by construction: axes start at zero; the title is the claim's number
in words; the colour is the workspace's primary colour when it stands out
3:1 from the page (WCAG 1.4.11), else briefgen's own; and no chart leans on
colour alone (empty squares are outlined, values are written on the bars).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

import nh3
from markupsafe import Markup, escape

from briefgen.compose.cite import CitedBrief
from briefgen.source.figure import Figure, share, shown_number

DEFAULT_COLOR = "#1d3a5f"
OUTLINE = "#6b7380"  # empty squares' outline: 4.8:1 on white
INK = "#1b1f24"
FONT = "DejaVu Sans"
_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_CURRENCY = {"USD": "$", "EUR": "€", "GBP": "£"}


@dataclass(frozen=True)
class Chart:
    svg: Markup  # the sanitised SVG, with its text alternative
    title: str  # the claim's number in words: "One in four (25%)"
    kind: str
    source: str = ""  # who the numbers come from: "MSNBC"


def luminance(color: str) -> float:
    """The relative luminance of #rgb or #rrggbb (WCAG 2)."""
    hexes = color.lstrip("#")
    if len(hexes) == 3:
        hexes = "".join(c * 2 for c in hexes)
    channels = [int(hexes[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def chart_color(primary: str | None) -> str:
    """The colour charts are drawn in: the branding's primary colour where it
    stands out at least 3:1 from the white page, else briefgen's own."""
    return primary if primary and contrast(primary, "#ffffff") >= 3 else DEFAULT_COLOR


def fraction_words(part: float, whole: float) -> str | None:
    """'one in four' for 1 of 4, 'three in ten' for 30 of 100; None when no small fraction says it."""
    for denominator in range(2, 11):
        numerator = part / whole * denominator
        if abs(numerator - round(numerator)) < 1e-9 and 1 <= round(numerator) < denominator:
            return f"{_WORDS[round(numerator)]} in {_WORDS[denominator]}"
    return None


def amount(figure: Figure, value: float) -> str:
    """A value with its unit and magnitude, as a reader writes it: 25%, $3.2 billion, 1,200."""
    number = shown_number(value) + (f" {figure.magnitude}" if figure.magnitude else "")
    if figure.unit == "percent":
        return f"{number}%"
    if figure.unit in _CURRENCY:
        return _CURRENCY[figure.unit] + number
    return number


def title_of(figure: Figure) -> str:
    """The chart's title: the claim's number in words."""
    label = f" {figure.label}" if figure.label else ""
    if figure.shape == "series":
        lead = f"{figure.label}: " if figure.label else ""
        first, last = figure.series[0], figure.series[-1]
        if first.year is not None:
            text = f"{amount(figure, first.value)} in {first.year}, {amount(figure, last.value)} in {last.year}"
            return lead + text if lead else "From " + text.replace(", ", " to ", 1)
        top = max(figure.series, key=lambda p: p.value)
        return f"{lead}{top.name} highest, at {amount(figure, top.value)}"
    fraction = share(figure.model_dump())
    if fraction is not None:
        part, whole = (figure.part, figure.whole) if figure.shape == "part" else (figure.value, 100.0)
        words = fraction_words(part, whole)
        percent = shown_number(round(fraction * 100, 1)) + "%"
        if words:
            return f"{words.capitalize()}{label} ({percent})"
        if figure.shape == "part":
            return f"{shown_number(part)} in {shown_number(whole)}{label} ({percent})"
        return f"{percent}{label}"
    return f"{amount(figure, figure.value)}{label}"


def data_statement(figure: Figure) -> str:
    """What the chart shows, in words, for those who cannot see it."""
    kind = figure.kind
    if kind == "icon-array":
        filled, total = icon_counts(figure)
        return f"{title_of(figure)}. Icon array: {filled} of {total} squares filled."
    if kind == "callout":
        return f"{title_of(figure)}."
    chart = {"bar": "Bar chart", "column": "Column chart", "line": "Line chart"}[kind]
    points = "; ".join(f"{p.name}: {amount(figure, p.value)}" for p in figure.series)
    return f"{title_of(figure)}. {chart}, {figure.label or 'values'} by {'year' if figure.series[0].year else 'category'}: {points}."


def icon_counts(figure: Figure) -> tuple[int, int]:
    """How many of how many squares an icon array fills: tenths in 10, else percents in 100."""
    percent = round(share(figure.model_dump()) * 100)
    return (percent // 10, 10) if percent % 10 == 0 else (percent, 100)


def _icon_array(figure: Figure, color: str) -> tuple[str, int, int]:
    """Squares in rows of 20 (100) or one row (10), filled a column at a time
    from the left, so the share reads as a block: a quarter is the first
    five columns of twenty."""
    filled, total = icon_counts(figure)
    cell, size = 10, 8
    rows = 5 if total == 100 else 1
    columns = total // rows
    squares = []
    for i in range(total):
        x, y = (i // rows) * cell + 1, (i % rows) * cell + 1
        if i < filled:
            squares.append(f'<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="{color}"/>')
        else:
            squares.append(f'<rect x="{x + 0.5}" y="{y + 0.5}" width="{size - 1}" height="{size - 1}" fill="#ffffff" '
                           f'stroke="{OUTLINE}" stroke-width="1"/>')
    return "".join(squares), columns * cell, rows * cell


def _callout(figure: Figure, color: str) -> tuple[str, int, int]:
    text = escape(amount(figure, figure.value) if figure.shape == "value" else title_of(figure).split(" (")[0])
    label = escape(figure.label or "")
    body = (f'<text x="0" y="34" font-family="{FONT}" font-size="34" font-weight="bold" fill="{color}">{text}</text>'
            + (f'<text x="0" y="52" font-family="{FONT}" font-size="12" fill="{INK}">{label}</text>' if label else ""))
    return body, max(60, 22 * len(str(text))), 58 if label else 40


def _vega_spec(figure: Figure, color: str) -> dict:
    """The Vega-Lite spec of a bar, column or line chart: axes from zero, the values written on the marks."""
    kind = figure.kind
    values = [{"name": p.name, "value": p.value, "shown": amount(figure, p.value)} for p in figure.series]
    category = {"field": "name", "type": "ordinal" if figure.series[0].year else "nominal", "sort": None,
                "title": None, "axis": {"labelAngle": 0, "labelColor": INK, "domainColor": OUTLINE,
                                        "tickColor": OUTLINE, "labelLimit": 120}}
    quantity = {"field": "value", "type": "quantitative", "scale": {"zero": True}, "title": None,
                "axis": {"grid": False, "labelColor": INK, "domainColor": OUTLINE, "tickColor": OUTLINE,
                         "tickCount": 4, "format": ",~f",
                         **({"labelExpr": "datum.label + '%'"} if figure.unit == "percent" else {})}}
    horizontal = kind == "bar"
    encoding = {"y": category, "x": quantity} if horizontal else {"x": category, "y": quantity}
    mark = {"bar": {"type": "bar", "color": color}, "column": {"type": "bar", "color": color},
            "line": {"type": "line", "color": color, "point": {"filled": True, "color": color, "size": 30}}}[kind]
    labels = {"type": "text", "color": INK, "fontSize": 9,
              **({"align": "left", "dx": 3} if horizontal else {"baseline": "bottom", "dy": -3})}
    size = {"width": 230, "height": 22 * len(values)} if horizontal else {"width": 230, "height": 110}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json", **size,
        "data": {"values": values}, "encoding": encoding,
        "layer": [{"mark": mark}, {"mark": labels, "encoding": {"text": {"field": "shown"}}}],
        "background": None,
        "config": {"font": FONT, "view": {"stroke": None}, "axis": {"labelFontSize": 9}},
    }


@functools.lru_cache(maxsize=256)
def _vega_svg(spec: str) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(json.loads(spec), allowed_base_urls=[])  # no network, ever


def _vega(figure: Figure, color: str) -> tuple[str, int, int]:
    svg = _vega_svg(json.dumps(_vega_spec(figure, color), sort_keys=True))
    opening_end = svg.index(">") + 1
    opening = svg[:opening_end]
    width = int(float(opening.split('width="')[1].split('"')[0]))
    height = int(float(opening.split('height="')[1].split('"')[0]))
    return svg[opening_end:svg.rindex("</svg>")], width, height


_SVG_TAGS = {"svg", "title", "desc", "g", "rect", "path", "line", "circle", "text", "tspan"}
_SVG_ATTRIBUTES = {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "d", "transform", "fill",
                   "stroke", "stroke-width", "stroke-miterlimit", "opacity", "fill-opacity", "stroke-opacity",
                   "text-anchor", "font-family", "font-size", "font-weight", "dx", "dy", "display"}
_svg_cleaner = nh3.Cleaner(
    tags=_SVG_TAGS,
    attributes={"svg": {"xmlns", "viewBox", "width", "height", "role", "aria-labelledby", "class"},
                "title": {"id"}, "desc": {"id"}, **{t: _SVG_ATTRIBUTES for t in _SVG_TAGS - {"svg", "title", "desc"}}},
    url_schemes=set(),
    clean_content_tags={"script", "style"},
    link_rel=None,
)

_DRAW = {"icon-array": _icon_array, "callout": _callout, "bar": _vega, "column": _vega, "line": _vega}


def draw(figure: Figure, key: str, primary: str | None = None, source: str = "") -> Chart:
    """The chart of `figure`, as sanitised inline SVG; `key` makes its ids
    unique in the page (the fact's id), `source` ends its description."""
    color = chart_color(primary)
    kind = figure.kind
    body, width, height = _DRAW[kind](figure, color)
    title = title_of(figure)
    described = f"{kind.replace('-', ' ').capitalize()} chart. " + (f"Source: {source}." if source else "")
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-{kind}" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" aria-labelledby="chart-{key}-title chart-{key}-desc">'
           f'<title id="chart-{key}-title">{escape(data_statement(figure))}</title>'
           f'<desc id="chart-{key}-desc">{escape(described)}</desc>{body}</svg>')
    return Chart(Markup(_svg_cleaner.clean(svg)), title, kind, source)



def png(chart: Chart, scale: float = 3.0) -> bytes:
    """The chart as PNG bytes, for a backend that needs pixels (a .docx takes
    a picture, with the chart's <title> as its alt text).  Same bytes each time."""
    import vl_convert

    return vl_convert.svg_to_png(str(chart.svg), scale=scale)


def charts_of(cited: CitedBrief, primary: str | None) -> dict[str, Chart]:
    """The chart of each fact of the brief that has a figure, by fact id (none
    when fitting left the charts out); each described with its sources."""
    if not cited.charts:
        return {}
    entries = {e.ref.id: e for e in cited.references}
    found = {}
    for section in cited.sections:
        for cf in section.facts:
            figure = cf.fact.figure
            if figure is None:
                continue
            names = [entries[c.ref].who or entries[c.ref].title for c in cf.fact.cite if c.ref in entries]
            found[cf.fact.id] = draw(figure, cf.fact.id, primary, "; ".join(dict.fromkeys(names)))
    return found
