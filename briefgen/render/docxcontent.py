"""The content of a Word document: the cited brief as pandoc AST blocks,
top to bottom as on the PDF, each paragraph in a named Word style (see
`briefgen.render.docx`)."""

from __future__ import annotations

import base64
import functools

from markupsafe import Markup, escape

from briefgen.compose.cite import CitedBrief, CitedFact, Entry
from briefgen.compose.plan import SHEET_TEMPLATE, TAG_SHEET_TEMPLATE, kind_headings, kind_label
from briefgen.render import pandocast as A
from briefgen.render.chart import Chart, charts_of, png, width_inches
from briefgen.render.html import ended, markdown_block, markdown_inline, period
from briefgen.source.model import Config

def _kicker(template: str, words) -> str:
    """What each built-in template calls its document, above the title."""
    return {"one-pager": words.gettext("Policy brief"), SHEET_TEMPLATE: words.gettext("Fact sheet"),
            TAG_SHEET_TEMPLATE: words.gettext("Fact sheet")}.get(template) or words.gettext("Brief")


def _md(text: str | None) -> list[dict]:
    return A.inlines_of(markdown_inline(text))


def _styled(text_or_inlines, style: str) -> dict:
    inlines = A.text(text_or_inlines) if isinstance(text_or_inlines, str) else text_or_inlines
    return A.div([A.para(inlines)], style)


def content(cited: CitedBrief, config: Config, logo: str | None, scale: float = 1.0) -> list[dict]:
    """The blocks of the document, top to bottom as in the PDF (`scale`: the
    one fitting chose for it, which charts are drawn at)."""
    brief = cited.brief
    charts = charts_of(cited, config.colors.primary)
    words = cited.words
    organization = config.organization
    sheet = brief.template in (SHEET_TEMPLATE, TAG_SHEET_TEMPLATE)
    blocks: list[dict] = []
    drafts = [cf.fact.id for s in cited.sections for cf in s.facts if cf.fact.status == "draft"]
    if drafts:
        unverified = words.ngettext("%(num)d fact has not been verified", "%(num)d facts have not been verified",
                                    len(drafts)) % {"num": len(drafts)}
        blocks.append(_styled([A.wrap("Strong", A.text(words.gettext("Draft, not for circulation:"))), {"t": "Space"},
                               *A.text(f"{unverified} ({', '.join(drafts)}).")],
                              "Draft Banner"))
    kicker = [_kicker(brief.template, words)]
    kicker += [organization.name] if organization else []
    kicker += [words("For %(audience)s", audience=brief.audience)] if brief.audience else []
    masthead = [_styled(" · ".join(kicker), "Kicker"), _styled(brief.title, "Title")]
    if brief.subtitle:
        masthead.append(_styled(brief.subtitle, "Subtitle"))
    if logo:  # beside the title, as on the PDF
        image = _styled([A.image(organization.name, logo, height="0.6in")], "Logo")
        masthead = [A.columns([masthead, [image]], [0.75, 0.25])]
    blocks += masthead
    blocks.append(_styled(words.date(brief.date), "Date"))
    if brief.bottom_line:
        label = A.span(A.text(words.gettext("Summary") if sheet else words.gettext("Bottom line")), "Label")
        blocks.append(_styled([label, {"t": "Space"}, *_md(brief.bottom_line)], "Bottom Line"))
    for section in cited.sections:
        blocks.append(A.header(1, A.text(section.heading)))
        lead = section.charts == "lead"
        for cf in section.facts if lead else ():  # the section's lead visual, before its facts
            blocks += _chart(cf, charts.get(cf.fact.id), cited, scale)
        beside = {} if lead else charts
        if sheet:
            for cf in section.facts:
                blocks += _sheet_fact(cf, cited, section.heading, _chart(cf, beside.get(cf.fact.id), cited, scale))
        else:
            blocks.append(A.bullets([[_styled(_md(cf.fact.claim) + _markers(cf, cited), "List Bullet"),
                                      *_chart(cf, beside.get(cf.fact.id), cited, scale)]
                                     for cf in section.facts]))
    if brief.ask:
        blocks.append(A.header(1, A.text(words.gettext("What we ask"))))
        blocks.append(A.div(_listed(A.blocks_of(markdown_block(brief.ask))), "Ask"))
    if cited.references and not _note_style(cited):  # in a note style, the footnotes are the sources
        blocks.append(A.header(1, A.text(words.gettext("Sources"))))
        blocks.append(_sources(cited))
    blocks += _contact(cited, config)
    return blocks


def _listed(blocks: list[dict]) -> list[dict]:
    """Lists with Word's list styles on their items."""
    out = []
    for block in blocks:
        if block["t"] in ("BulletList", "OrderedList"):
            style = "List Bullet" if block["t"] == "BulletList" else "List Number"
            items = block["c"] if block["t"] == "BulletList" else block["c"][1]
            # pandoc gives a list item's own paragraph style to paragraphs, not to a tight item's plain text
            items = [[A.div([A.para(b["c"]) if b["t"] == "Plain" else b for b in _listed(item)], style)]
                     for item in items]
            block = A.bullets(items) if block["t"] == "BulletList" else {"t": "OrderedList", "c": [block["c"][0], items]}
        out.append(block)
    return out


def _note_style(cited: CitedBrief) -> bool:
    """Whether the citations are footnotes: a note style's, each formatted as its note."""
    return (cited.formatted is not None and cited.formatted.style.kind == "note"
            and all(m.note for s in cited.sections for cf in s.facts for m in cf.markers))


def _footnote(cited: CitedBrief, notes: list[Markup]) -> dict:
    style = cited.formatted.style
    html = escape(style.prefix) + escape(style.delimiter).join(notes) + escape(style.suffix)
    return A.note([A.para(A.inlines_of(html))])


def _markers(cf: CitedFact, cited: CitedBrief) -> list[dict]:
    """What follows a claim: its footnote, its in-text citation or its numbered markers."""
    out: list[dict] = []
    if _note_style(cited):
        out.append(_footnote(cited, [m.note for m in cf.markers]))
    elif cf.in_text:
        out += [{"t": "Space"}, *A.inlines_of(cf.in_text)]
    elif cf.markers:
        # One unbreakable marker, joined to the claim's last word, as on the PDF ("[1, point 9; 2]").
        nbsp = "\u00a0"
        sep = ";" + nbsp if any(m.locator for m in cf.markers) else "," + nbsp
        inner: list[dict] = [{"t": "Str", "c": "\u2060["}]
        for i, m in enumerate(cf.markers):
            if i:
                inner.append({"t": "Str", "c": sep})
            label = f"{m.number}, {m.locator}" if m.locator else str(m.number)
            inner.append(A.link([{"t": "Str", "c": " ".join(label.split()).replace(" ", nbsp)}],
                                f"{A.INTERNAL}{m.ref_id}", cited.words("Source %(number)s", number=m.number)))
        inner.append({"t": "Str", "c": "]"})
        out.append(A.wrap("Superscript", inner))
    return out + _marks(cf, cited)


def _marks(cf: CitedFact, cited: CitedBrief) -> list[dict]:
    """A draft or stale fact's mark, after its markers."""
    out: list[dict] = []
    if cf.fact.status == "draft":
        out += [{"t": "Space"}, A.span(A.text(cited.words.gettext("draft")), "Draft Mark")]
    if cf.stale:
        out += [{"t": "Space"}, A.span(A.text(cited.words.gettext("stale")), "Stale Mark")]
    return out


def _chart(cf: CitedFact, drawn: Chart | None, cited: CitedBrief, scale: float) -> list[dict]:
    """A fact's chart: the picture (a PNG, its alt text the data in words),
    and under it one line with its title and source, with the claim's own
    markers and its draft or stale mark (in a note style, the claim's
    footnote cites the source, and the line names it).  The PDF sets the
    title above the chart; one line under it keeps a one-pager's Word
    document, with its footnotes, on its page."""
    if drawn is None:
        return []
    picture = _picture(drawn)
    notes = _note_style(cited)
    source = cited.words.gettext("Source") + (f": {drawn.source}" if drawn.source and (notes or not cf.in_text) else
                         ":" if cf.in_text else "")
    title = [A.wrap("Strong", A.text(period(drawn.title))), {"t": "Space"}] if drawn.title else []
    line = title + A.text(source) + (_marks(cf, cited) if notes else _markers(cf, cited))
    return [_styled([A.image(drawn.alt, picture, width=f"{width_inches(drawn.kind) * scale:.2f}in")], "Chart"),
            _styled(line, "Chart Source")]


def _sheet_fact(cf: CitedFact, cited: CitedBrief, heading: str, chart: list[dict] | None = None) -> list[dict]:
    """A fact on a sheet: its claim, its chart if it shows one, detail, quotes and kind."""
    fact = cf.fact
    words = cited.words
    blocks = [A.para(_md(fact.claim) + _markers(cf, cited)), *(chart or [])]
    if fact.detail:
        blocks += _listed(A.blocks_of(markdown_block(fact.detail)))
    for m in cf.markers:
        if not m.quote:
            continue
        if _note_style(cited) and m.note:
            blocks.append(_styled([*A.text(f"“{m.quote}”"), _footnote(cited, [m.note])], "Quote"))
            continue
        if m.in_text:
            source = [*A.text(words("Source %(citation)s", citation="").rstrip() + " "), *A.inlines_of(m.in_text)]
        else:
            source = A.text(words("Source %(citation)s", citation=f"[{m.number}]") + (f", {m.locator}" if m.locator else ""))
        blocks += [_styled(A.text(f"“{m.quote}”"), "Quote")]
        if m.translation:
            blocks.append(_styled(A.text(m.translation), "Quote"))
        blocks.append(_styled(source, "Quote Source"))
    kind_shown = heading != kind_headings(words).get(fact.kind)
    meta = []
    if kind_shown:
        meta.append(kind_label(fact.kind, words))
    if fact.as_of:
        date = words.date(fact.as_of)
        meta.append(words("as of %(date)s", date=date) if kind_shown else words("As of %(date)s", date=date))
    if meta:
        blocks.append(_styled(" · ".join(meta), "Fact Meta"))
    return blocks


def _entry(e: Entry, words) -> list[dict]:
    """One source as the PDF's list shows it."""
    if e.html:
        inlines = A.inlines_of(e.html)
        if e.ref.note and e.ref.note not in A.plain_text(inlines):
            inlines += [{"t": "Space"}, *A.text(period(e.ref.note))]
        return inlines
    inlines: list[dict] = []
    if e.who:
        inlines += [*A.text(period(e.who)), {"t": "Space"}]
    if e.italic:
        inlines.append(A.wrap("Emph", A.text(e.title)))
        if not ended(e.title):
            inlines.append({"t": "Str", "c": "."})
    else:
        inlines += A.text(f"“{period(e.title)}”")
    inlines += [{"t": "Space"}, *A.text(period(", ".join(e.details)))]
    if e.ref.note:
        inlines += [{"t": "Space"}, *A.text(period(e.ref.note))]
    if e.url:
        inlines += [{"t": "Space"}, A.link(A.text(e.url), e.url)]
        inlines += A.text(" (" + words("accessed %(date)s", date=e.accessed) + ").") if e.accessed else [{"t": "Str", "c": "."}]
    return inlines


def _sources(cited: CitedBrief) -> dict:
    """Numbered like the markers; an author-date style's list is not numbered."""
    items = [A.div([A.para(_entry(e, cited.words))], "Bibliography", identifier=f"ref-{e.ref.id}") for e in cited.references]
    if cited.numbered:
        return A.numbered([[item] for item in items], cited.references[0].number)
    return A.div(items)


def _contact(cited: CitedBrief, config: Config) -> list[dict]:
    brief = cited.brief
    organization = config.organization
    contact = brief.contact or (organization.contact if organization else None)
    website = organization.website if organization else None
    qr = _qr(brief.url) if config.qr and brief.url else None
    lines = []
    if contact:
        lines.append([A.span(A.text(cited.words.gettext("Contact")), "Label"), {"t": "Space"}, *A.text(contact)])
    if website:
        lines.append([A.link(A.text(website), website)])
    if qr:
        lines.append([*A.text(cited.words.gettext("Online:") + " "), A.link(A.text(brief.url), brief.url)])
    blocks = [_styled(line, "Contact") for line in lines]
    if config.footer:
        blocks.append(_styled(config.footer, "Disclaimer"))
    if qr:  # beside the contact, as on the PDF
        alt = f"QR code linking to the online copy of this brief: {brief.url}"
        code = _styled([A.image(alt, qr, width="0.75in", height="0.75in")], "Logo")
        return [A.columns([blocks, [code]], [0.85, 0.15])]
    return blocks


@functools.lru_cache(maxsize=256)
def _picture(drawn: Chart) -> str:
    """A chart as a PNG data: URI (a fact's chart is drawn once for all the sheets that show it)."""
    return f"data:image/png;base64,{base64.b64encode(png(drawn)).decode('ascii')}"


@functools.lru_cache(maxsize=256)
def _qr(url: str) -> str:
    """A QR code linking to `url`, as a PNG data: URI (Word shows PNG everywhere)."""
    import segno

    return segno.make(url, error="m").png_data_uri(scale=4, border=2)
