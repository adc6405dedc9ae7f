"""Page limits that hold: fit a brief to its max_pages before it is written.

When a brief runs over, briefgen first tightens the layout (type and spacing
shrink through the template's --scale, down to the smallest scale the
template declares with <meta name="briefgen:min-scale">), then leaves out
charts (each repeats its claim's number), then facts, highest priority
number first (priority 1 facts are never left out),
numbering the sources afresh.  Each layout costs about a quarter of a second,
so the overflow measured in one layout sets the next step rather than
stepping blindly: most fitted briefs need one or two extra layouts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from briefgen.compose.cite import CitedBrief
from briefgen.compose.cite import without as _without
from briefgen.errors import BriefgenError, Problem
from briefgen.render.backend import Layout

_MIN_SCALE = re.compile(r'<meta name="briefgen:min-scale" content="([0-9.]+)"')
MARGIN = 0.985  # aim a little under the limit: layout is not perfectly smooth in scale
TRIES_BACK = 1  # layouts spent bringing back facts left out that the room left can hold


@dataclass(frozen=True)
class Fitted:
    cited: CitedBrief  # what was rendered, after any facts were left out
    html: str
    layout: Layout
    scale: float = 1.0
    dropped: tuple[str, ...] = ()
    layouts: int = 0  # layouts beyond the first
    charts_dropped: tuple[str, ...] = ()  # the facts whose charts were left out

    @property
    def fitted(self) -> bool:
        return self.scale < 1.0 or bool(self.dropped) or bool(self.charts_dropped)


def without(cited: CitedBrief, dropped: set[str]) -> CitedBrief:
    """The brief with those facts left out, its charts shown or left out as before."""
    return replace(_without(cited, dropped), charts=cited.charts)


def min_scale(html: str) -> float:
    """The smallest scale the template allows (1.0, no shrinking, when it says nothing)."""
    m = _MIN_SCALE.search(html)
    try:
        return min(1.0, max(0.5, float(m[1]))) if m else 1.0
    except ValueError:
        return 1.0


def fit(cited: CitedBrief, render: Callable[[CitedBrief, float], str], lay_out: Callable[[str], Layout],
        enabled: bool = True) -> Fitted:
    """Lay out `cited` with a paged backend's `lay_out`, fitting it to its
    max_pages; raise if it cannot fit.  `render(cited, scale)` gives the HTML."""
    brief = cited.brief
    html = render(cited, 1.0)
    layout = lay_out(html)

    def again(cited: CitedBrief, scale: float) -> tuple[str, Layout]:
        html = render(cited, scale)
        return html, lay_out(html)

    limit = brief.max_pages
    if limit is None or layout.pages <= limit:
        return Fitted(cited, html, layout)
    target = limit * layout.page_height
    if not enabled:
        raise _overflow(brief, layout, target, "fitting is off", "fit-off")
    floor = min_scale(html)
    layouts, scale = 0, 1.0
    used = layout.used_height()

    # 1. Tighten, aiming with the overflow measured: text height goes roughly
    #    with the square of the scale; the second try learns the real exponent.
    if floor < 1.0:
        guesses = [max(floor, math.sqrt(target / used) * MARGIN)]
        while guesses:
            scale = guesses.pop()
            html, layout = again(cited, scale)
            layouts += 1
            if layout.pages <= limit:
                return Fitted(cited, html, layout, scale, (), layouts)
            if scale <= floor or layouts > 2:
                continue
            now = layout.used_height()
            exponent = math.log(used / now) / math.log(1 / scale) if now < used else 2.0
            exponent = min(4.0, max(1.0, exponent))
            guesses.append(max(floor, min(scale * (target * MARGIN / now) ** (1 / exponent), scale * 0.99)))
        if scale > floor:  # two aimed tries missed: take the floor before leaving facts out
            scale = floor
            html, layout = again(cited, scale)
            layouts += 1
            if layout.pages <= limit:
                return Fitted(cited, html, layout, scale, (), layouts)

    # 2. Leave out the charts: each draws what its claim already says, so
    #    they go before any fact does.
    order = [cf.fact for s in cited.sections for cf in s.facts]
    charted = tuple(cited.charted)
    if charted:
        cited = replace(cited, charts=False)
        html, layout = again(cited, scale)
        layouts += 1
        if layout.pages <= limit:
            return Fitted(cited, html, layout, scale, (), layouts, charted)

    # 3. Leave out facts, highest priority number first, last in the brief
    #    first, until what they take (with the sources only they cite) covers
    #    the overflow measured.
    candidates = sorted((f for f in reversed(order) if f.priority > 1), key=lambda f: -f.priority)
    dropped: list[str] = []
    took: dict[str, float] = {}  # what each fact left out took on the page, with the sources only it cited
    current = cited
    while candidates:
        # Page breaks can waste room, so the content may measure under the
        # limit and still run over: then leave out at least one more fact.
        over = max(layout.used_height() - target, 1.0)
        heights = layout.element_heights()
        freed = 0.0
        while candidates and freed < over:
            fact = candidates.pop(0)
            dropped.append(fact.id)
            still_cited = {c.ref for f in order if f.id not in dropped for c in f.cite}
            took[fact.id] = heights.get(f"fact:{fact.id}", 0.0) + sum(
                heights.get(f"ref:{c.ref}", 0.0) for c in {c.ref: c for c in fact.cite}.values()
                if c.ref not in still_cited)
            freed += took[fact.id]
        current = without(cited, set(dropped))
        html, layout = again(current, scale)
        layouts += 1
        if layout.pages <= limit:
            break
    else:
        keep = [f.id for f in order if f.priority == 1]
        left_out = f"{len(dropped)} fact{'' if len(dropped) == 1 else 's'} left out"
        raise _overflow(brief, layout, target, f"even at {scale:.0%} scale with {left_out}; "
                        + (f"the priority-1 facts cannot be left out: {', '.join(keep)}" if keep
                           else "the rest of the brief is too long on its own"))

    # 4. Lose no more than needed: what was measured can overstate what a fact
    #    frees (a section heading goes with its last fact, a page break moves),
    #    so the facts left out last (the most important of them) come back, as
    #    many as the room left measures enough for, in TRIES_BACK more layouts.
    for _ in range(TRIES_BACK):
        room = target * MARGIN - layout.used_height()
        back: list[str] = []
        for fact_id in reversed(dropped):
            if sum(took[f] for f in back) + took[fact_id] >= room:
                break
            back.append(fact_id)
        if not back:
            break
        trial = without(cited, set(dropped) - set(back))
        trial_html, trial_layout = again(trial, scale)
        layouts += 1
        if trial_layout.pages > limit:
            break
        dropped = dropped[: len(dropped) - len(back)]
        current, html, layout = trial, trial_html, trial_layout
    return Fitted(current, html, layout, scale, tuple(dropped), layouts, charted)


def _overflow(brief, layout: Layout, target: float, why: str, hint: str = "") -> BriefgenError:
    over = max(0.01, (layout.used_height() - target) / layout.page_height)  # page breaks may waste the rest
    path, line = brief.at("max_pages")
    pages = "page" if brief.max_pages == 1 else "pages"
    return BriefgenError(Problem(path, line, (
        f"brief '{brief.id}' does not fit on {brief.max_pages} {pages}: {layout.pages} pages, "
        f"{over:.0%} of a page over, {why}"), "page-limit", subject=brief.id, field=brief.field_path("max_pages"),
        hint=hint))
