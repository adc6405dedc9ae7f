"""A fact's figure drawn as an SVG chart, to be embedded inline in the HTML
(and so drawn as vectors in the PDF).

Every kind is drawn here, directly: an icon array is a grid of squares, a
callout a line of text, and bars, columns and lines over at most 12 points
need only a linear scale from zero and round ticks.  (Vega-Lite through
vl-convert was the first choice, but its JavaScript engine, V8, reserves
some 34 GB of address space when it starts, and a PDF renders in a worker
held to an address-space limit of 2 GB: it crashed there.  vl-convert's SVG
rasteriser, which is not V8, gives the PNG a backend that needs pixels.)
Every chart's SVG passes through one nh3 allowlist of SVG elements and
attributes before it reaches a page, and each carries its text
alternative: role="img" with a <title> that states the data (which
WeasyPrint makes the /Alt of the PDF's Figure) and a <desc>."""

from __future__ import annotations

import math
from dataclasses import dataclass

import nh3
from babel.numbers import get_currency_symbol
from markupsafe import Markup, escape

from briefgen.compose.cite import CitedBrief
from briefgen.source.figure import Figure, share
from briefgen.source.messages import ENGLISH, Words

DEFAULT_COLOR = "#1d3a5f"
OUTLINE = "#6b7380"  # empty squares' outline: 4.8:1 on white
INK = "#1b1f24"
FONT = "DejaVu Sans"
# "one in four" is spelled out in English only: elsewhere a number word
# agrees with what is counted ("uno"/"una"), so other languages use digits.
_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@dataclass(frozen=True)
class Chart:
    svg: Markup  # the sanitised SVG, with its text alternative
    title: str  # the claim's number in words: "One in four (25%)"
    kind: str
    source: str = ""  # who the numbers come from: "MSNBC"
    alt: str = ""  # the data in words, the SVG's <title>: a picture's alt text


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


def percent(value: float, words: Words = ENGLISH) -> str:
    """25% (en), 25 % (es, fr): the locale's percent sign where its data puts it."""
    pattern = words.locale.percent_formats[None]
    return pattern.prefix[0] + words.number(value) + pattern.suffix[0]


def fraction_words(part: float, whole: float, words: Words = ENGLISH) -> str | None:
    """'one in four' for 1 of 4, 'three in ten' for 30 of 100 ('1 de cada 4'
    in Spanish); None when no small fraction says it."""
    for denominator in range(2, 11):
        numerator = part / whole * denominator
        if abs(numerator - round(numerator)) < 1e-9 and 1 <= round(numerator) < denominator:
            english = words.lang.split("-")[0] == "en"
            shown = (_WORDS[round(numerator)], _WORDS[denominator]) if english else (round(numerator), denominator)
            return words("%(part)s in %(whole)s", part=shown[0], whole=shown[1])
    return None


def _magnitude(figure: Figure, value: float, words: Words) -> str:
    shown = words.number(value)
    if figure.magnitude is None:
        return shown
    many = 1 if value == 1 else 2
    return {"thousand": words.ngettext("%(number)s thousand", "%(number)s thousand", many),
            "million": words.ngettext("%(number)s million", "%(number)s million", many),
            "billion": words.ngettext("%(number)s billion", "%(number)s billion", many),
            "trillion": words.ngettext("%(number)s trillion", "%(number)s trillion", many),
            }[figure.magnitude] % {"number": shown}


def amount(figure: Figure, value: float, words: Words = ENGLISH) -> str:
    """A value with its unit and magnitude, as a reader writes it: 25%,
    $3.2 billion, 1,200 (en); 25 %, 3,2 mil millones US$ (es)."""
    if figure.unit == "percent":
        return percent(value, words)
    shown = _magnitude(figure, value, words)
    if figure.unit in ("USD", "EUR", "GBP"):
        pattern = words.locale.currency_formats["standard"]
        symbol = get_currency_symbol(figure.unit, locale=words.locale)
        return pattern.prefix[0].replace("¤", symbol) + shown + pattern.suffix[0].replace("¤", symbol)
    return shown


def title_of(figure: Figure, words: Words = ENGLISH) -> str:
    """The chart's title: the claim's number in words."""
    label = figure.label or ""
    if figure.shape == "series":
        first, last = figure.series[0], figure.series[-1]
        if first.year is not None:
            values = dict(first=amount(figure, first.value, words), first_year=first.year,
                          last=amount(figure, last.value, words), last_year=last.year)
            if label:
                return words("%(label)s: %(first)s in %(first_year)s, %(last)s in %(last_year)s", label=label, **values)
            return words("From %(first)s in %(first_year)s to %(last)s in %(last_year)s", **values)
        top = max(figure.series, key=lambda p: p.value)
        highest = words("%(name)s highest, at %(amount)s", name=top.name, amount=amount(figure, top.value, words))
        return words("%(label)s: %(text)s", label=label, text=highest) if label else highest
    fraction = share(figure.model_dump())
    if fraction is not None:
        part, whole = (figure.part, figure.whole) if figure.shape == "part" else (figure.value, 100.0)
        spelled = fraction_words(part, whole, words)
        shown = percent(round(fraction * 100, 1), words)
        if spelled is None and figure.shape == "part":
            spelled = words("%(part)s in %(whole)s", part=words.number(part), whole=words.number(whole))
        if spelled is None:
            return words("%(number)s %(label)s", number=shown, label=label) if label else shown
        said = words("%(number)s %(label)s", number=spelled, label=label) if label else spelled
        return words("%(number)s (%(percent)s)", number=said[:1].upper() + said[1:], percent=shown)
    shown = amount(figure, figure.value, words)
    return words("%(number)s %(label)s", number=shown, label=label) if label else shown


def data_statement(figure: Figure, words: Words = ENGLISH) -> str:
    """What the chart shows, in words, for those who cannot see it."""
    kind, title = figure.kind, title_of(figure, words)
    if kind == "icon-array":
        filled, total = icon_counts(figure)
        return words("%(title)s. Icon array: %(filled)s of %(total)s squares filled.", title=title, filled=filled,
                     total=total)
    if kind == "callout":
        return words("%(title)s.", title=title)
    chart = {"bar": words.gettext("Bar chart"), "column": words.gettext("Column chart"),
             "line": words.gettext("Line chart")}[kind]
    points = "; ".join(words("%(name)s: %(amount)s", name=p.name, amount=amount(figure, p.value, words))
                                      for p in figure.series)
    what = figure.label or words.gettext("values")
    statement = (words("%(chart)s, %(what)s by year: %(points)s.", chart=chart, what=what, points=points)
                 if figure.series[0].year else
                 words("%(chart)s, %(what)s by category: %(points)s.", chart=chart, what=what, points=points))
    return words("%(title)s. %(statement)s", title=title, statement=statement)


def icon_counts(figure: Figure) -> tuple[int, int]:
    """How many of how many squares an icon array fills: tenths in 10, else percents in 100."""
    percent = round(share(figure.model_dump()) * 100)
    return (percent // 10, 10) if percent % 10 == 0 else (percent, 100)


def _icon_array(figure: Figure, color: str, words: Words) -> tuple[str, int, int]:
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


def _callout(figure: Figure, color: str, words: Words) -> tuple[str, int, int]:
    text = escape(amount(figure, figure.value, words) if figure.shape == "value"
                  else title_of(figure, words).split(" (")[0])
    label = escape(figure.label or "")
    body = (f'<text x="0" y="34" font-family="{FONT}" font-size="34" font-weight="bold" fill="{color}">{text}</text>'
            + (f'<text x="0" y="52" font-family="{FONT}" font-size="12" fill="{INK}">{label}</text>' if label else ""))
    return body, max(60, 22 * len(str(text))), 58 if label else 40


def nice_ticks(top: float) -> list[float]:
    """Axis ticks from zero to a round number at or above `top`: 0, 10, 20, 30."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    count = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = 9, weight: str = "") -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" font-family="{FONT}" font-size="{size}"{bold} '
            f'fill="{INK}">{escape(text)}</text>')


def _short(text: str, most: int = 22) -> str:
    return text if len(text) <= most else text[:most - 1].rstrip() + "…"


def _tick_label(figure: Figure, value: float, words: Words) -> str:
    return percent(value, words) if figure.unit == "percent" else words.number(value)


def _bars(figure: Figure, color: str, words: Words) -> tuple[str, int, int]:
    """Horizontal bars, one row per category, from a zero axis; each value written at its bar's end."""
    points = figure.series
    names = [_short(p.name) for p in points]
    left = min(130, max(5.4 * max(len(n) for n in names), 20)) + 8
    plot, row = 220, 22
    ticks = nice_ticks(max(p.value for p in points))
    x = lambda v: left + v / ticks[-1] * plot  # noqa: E731
    height = row * len(points)
    parts = [f'<line x1="{left:g}" y1="0" x2="{left:g}" y2="{height}" stroke="{OUTLINE}" stroke-width="1"/>']
    for i, (p, name) in enumerate(zip(points, names)):
        top = i * row + 4
        parts.append(_text(left - 5, top + 10, name, "end"))
        parts.append(f'<rect x="{left:g}" y="{top}" width="{x(p.value) - left:.2f}" height="14" fill="{color}"/>')
        parts.append(_text(x(p.value) + 3, top + 10, amount(figure, p.value, words)))
    for t in ticks:
        parts.append(f'<line x1="{x(t):.2f}" y1="{height}" x2="{x(t):.2f}" y2="{height + 4}" stroke="{OUTLINE}" '
                     'stroke-width="1"/>')
        parts.append(_text(x(t), height + 14, _tick_label(figure, t, words), "middle", 8))
    return "".join(parts), int(left + plot + 40), height + 18


def _columns_or_line(figure: Figure, color: str, words: Words) -> tuple[str, int, int]:
    """Columns (or a line through points) over the years or categories, from a zero axis; each value written above its mark."""
    points = figure.series
    ticks = nice_ticks(max(p.value for p in points))
    left, top, plot_w, plot_h = 36, 14, 230, 110
    band = plot_w / len(points)
    y = lambda v: top + plot_h - v / ticks[-1] * plot_h  # noqa: E731
    centre = lambda i: left + band * (i + 0.5)  # noqa: E731
    base = top + plot_h
    parts = [f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="{OUTLINE}" stroke-width="1"/>',
             f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="{OUTLINE}" stroke-width="1"/>']
    for t in ticks:
        parts.append(f'<line x1="{left - 4}" y1="{y(t):.2f}" x2="{left}" y2="{y(t):.2f}" stroke="{OUTLINE}" '
                     'stroke-width="1"/>')
        parts.append(_text(left - 6, y(t) + 3, _tick_label(figure, t, words), "end", 8))
    if figure.kind == "line":
        path = " ".join(f"{'M' if i == 0 else 'L'}{centre(i):.2f},{y(p.value):.2f}" for i, p in enumerate(points))
        parts.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
    for i, p in enumerate(points):
        if figure.kind == "line":
            parts.append(f'<circle cx="{centre(i):.2f}" cy="{y(p.value):.2f}" r="3" fill="{color}"/>')
        else:
            width = band * 0.7
            parts.append(f'<rect x="{centre(i) - width / 2:.2f}" y="{y(p.value):.2f}" width="{width:.2f}" '
                         f'height="{base - y(p.value):.2f}" fill="{color}"/>')
        parts.append(_text(centre(i), y(p.value) - 5, amount(figure, p.value, words), "middle"))
        parts.append(_text(centre(i), base + 12, _short(p.name, int(band / 5.4)), "middle"))
    return "".join(parts), left + plot_w + 4, base + 16


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

_DRAW = {"icon-array": _icon_array, "callout": _callout, "bar": _bars, "column": _columns_or_line,
         "line": _columns_or_line}


def _kind_name(kind: str, words: Words) -> str:
    return {"icon-array": words.gettext("Icon array chart."), "callout": words.gettext("Callout chart."),
            "bar": words.gettext("Bar chart."), "column": words.gettext("Column chart."),
            "line": words.gettext("Line chart.")}[kind]


def draw(figure: Figure, key: str, primary: str | None = None, source: str = "", words: Words = ENGLISH) -> Chart:
    """The chart of `figure`, as sanitised inline SVG, in the language of
    `words`; `key` makes its ids unique in the page (the fact's id), `source`
    ends its description."""
    color = chart_color(primary)
    kind = figure.kind
    body, width, height = _DRAW[kind](figure, color, words)
    title = title_of(figure, words)
    described = _kind_name(kind, words) + (" " + words("Source: %(source)s.", source=source) if source else "")
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-{kind}" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" aria-labelledby="chart-{key}-title chart-{key}-desc">'
           f'<title id="chart-{key}-title">{escape(data_statement(figure, words))}</title>'
           f'<desc id="chart-{key}-desc">{escape(described)}</desc>{body}</svg>')
    shown = "" if kind == "callout" else title  # a callout's big number is its own title
    return Chart(Markup(_svg_cleaner.clean(svg)), shown, kind, source, data_statement(figure, words))


def width_inches(kind: str) -> float:
    """How wide a chart of `kind` is set beside its claim, as the stylesheet
    sets it (templates/briefgen.css): a backend that places a picture uses it."""
    return 2.6 if kind in ("bar", "column", "line") else 1.7


def png(chart: Chart, scale: float = 3.0) -> bytes:
    """The chart as PNG bytes, for a backend that needs pixels (a .docx takes
    a picture, with the chart's <title> as its alt text).  Same bytes each time."""
    import vl_convert

    # The sanitiser writes HTML, where a no-break space (between 25 and % in
    # French) is &nbsp;; an SVG file is XML, which knows only numeric references.
    return vl_convert.svg_to_png(str(chart.svg).replace("&nbsp;", "&#160;"), scale=scale)


def charts_of(cited: CitedBrief, primary: str | None) -> dict[str, Chart]:
    """The chart of each fact the brief shows a chart for (`CitedBrief.charted`:
    none where the brief places none, or when fitting left the charts out), by
    fact id; each described with its sources."""
    entries = {e.ref.id: e for e in cited.references}
    facts = {cf.fact.id: cf.fact for s in cited.sections for cf in s.facts}
    found = {}
    for fact_id in cited.charted:
        fact = facts[fact_id]
        names = [entries[c.ref].who or entries[c.ref].title for c in fact.cite if c.ref in entries]
        found[fact_id] = draw(fact.figure, fact_id, primary, "; ".join(dict.fromkeys(names)), cited.words)
    return found
