"""The Word package around pandoc's docx writer: the built-in reference
document, and the finishing of the file pandoc writes.

The built-in reference document is pandoc's own with briefgen's styles in
it (the workspace's colours, its paper, briefgen's type sizes); a workspace's
`templates/reference.docx` replaces it, as pandoc's `--reference-doc` does.

Finishing makes the file the same for the same brief, whatever the day or
the machine: document properties from the brief (its date as created and
modified, no editing time, no user name), every zip entry dated the brief's
date, in pandoc's order.  It adds the running footer (when the reference
document has none) and, for drafts, a DRAFT watermark and header line.  And
it refuses a package that would reach outside itself: only web and mail
links may point elsewhere, and no field may include another file.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MAIN = "word/document.xml"
RELS = "word/_rels/document.xml.rels"
TYPES = "[Content_Types].xml"

PAPER = {"letter": (12240, 15840), "a4": (11906, 16838)}  # twentieths of a point
# The PDF's page margins (0.55in 0.7in 0.65in 0.7in), in twentieths of a point.
MARGINS = dict(top=792, right=1008, bottom=936, left=1008, header=432, footer=432, gutter=0)
INK, MUTED, RULE, WASH = "1B1F24", "4A5361", "C9D1DB", "EEF2F7"
STALE = "7A4A00"  # a stale fact's mark, as templates/briefgen.css draws it
FONT = "Arial"  # metric-compatible Liberation Sans where Arial is missing


class Refused(ValueError):
    """The package would refer to something outside itself."""


def _style(kind: str, style_id: str, name: str, ppr: str = "", rpr: str = "", based: str | None = "Normal",
           extra: str = "") -> str:
    based_on = f'<w:basedOn w:val="{based}"/>' if based else ""
    default = ' w:default="1"' if style_id == "Normal" else ""  # the style of a paragraph that names none
    return (f'<w:style w:type="{kind}"{default} w:styleId="{style_id}"><w:name w:val="{name}"/>{based_on}{extra}'
            f'<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>'
            if kind == "paragraph" else
            f'<w:style w:type="{kind}" w:styleId="{style_id}"><w:name w:val="{name}"/>{based_on}{extra}'
            f'<w:rPr>{rpr}</w:rPr></w:style>')


def _size(points: float) -> str:
    half = round(points * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def _color(hex_color: str) -> str:
    return f'<w:color w:val="{hex_color}"/>'


def _styles(primary: str, accent: str) -> list[str]:
    """briefgen's paragraph and character styles, after the PDF's stylesheet."""
    caps = "<w:b/><w:bCs/><w:caps/>"
    keep = "<w:keepNext/><w:keepLines/>"
    return [
        _style("paragraph", "Normal", "Normal", '<w:spacing w:after="0" w:line="264" w:lineRule="auto"/>',
               f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'
               + _color(INK) + _size(10), based=None),
        _style("paragraph", "BodyText", "Body Text", '<w:spacing w:before="0" w:after="80"/>'),
        _style("paragraph", "FirstParagraph", "First Paragraph", "", "", "BodyText"),
        _style("paragraph", "Compact", "Compact", '<w:spacing w:before="0" w:after="40"/>', "", "BodyText"),
        _style("paragraph", "Kicker", "Kicker", keep + '<w:spacing w:after="40"/>',
               caps + _color(accent) + '<w:spacing w:val="12"/>' + _size(7.5)),
        _style("paragraph", "Title", "Title", keep + '<w:spacing w:after="60" w:line="240" w:lineRule="auto"/>',
               "<w:b/><w:bCs/>" + _color(primary) + _size(19)),
        _style("paragraph", "Subtitle", "Subtitle", keep + '<w:spacing w:after="60"/>', _color(MUTED) + _size(11)),
        _style("paragraph", "Date", "Date",
               f'<w:pBdr><w:bottom w:val="single" w:sz="20" w:space="6" w:color="{primary}"/></w:pBdr>'
               '<w:spacing w:after="200"/>', _color(MUTED) + _size(8)),
        _style("paragraph", "Logo", "Logo", '<w:spacing w:after="0"/><w:jc w:val="right"/>'),
        _style("paragraph", "BottomLine", "Bottom Line",
               f'<w:pBdr><w:left w:val="single" w:sz="32" w:space="8" w:color="{primary}"/></w:pBdr>'
               f'<w:shd w:val="clear" w:color="auto" w:fill="{WASH}"/><w:spacing w:before="0" w:after="200"/>'
               '<w:ind w:left="200" w:right="100"/>', _size(11)),
        _style("character", "Label", "Label", rpr=caps + _color(primary) + '<w:spacing w:val="12"/>' + _size(7.5),
               based="DefaultParagraphFont"),
        _style("paragraph", "Heading1", "heading 1",
               keep + '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="2" w:color="' + RULE + '"/></w:pBdr>'
               '<w:spacing w:before="180" w:after="80"/><w:outlineLvl w:val="0"/>',
               caps + _color(primary) + '<w:spacing w:val="10"/>' + _size(10.5), extra='<w:next w:val="BodyText"/>'),
        _style("paragraph", "Heading2", "heading 2", keep + '<w:spacing w:before="120" w:after="40"/>'
               '<w:outlineLvl w:val="1"/>', "<w:b/><w:bCs/>" + _color(primary) + _size(10),
               extra='<w:next w:val="BodyText"/>'),
        _style("paragraph", "ListBullet", "List Bullet", '<w:spacing w:before="0" w:after="80"/>', "", "BodyText"),
        _style("paragraph", "ListNumber", "List Number", '<w:spacing w:before="0" w:after="60"/>', "", "BodyText"),
        _style("paragraph", "Quote", "Quote",
               f'<w:pBdr><w:left w:val="single" w:sz="12" w:space="6" w:color="{accent}"/></w:pBdr>'
               '<w:spacing w:before="40" w:after="0"/><w:ind w:left="240"/>', "<w:i/><w:iCs/>", "BodyText"),
        _style("paragraph", "QuoteSource", "Quote Source", '<w:spacing w:before="0" w:after="80"/>',
               '<w:i w:val="0"/><w:iCs w:val="0"/>' + _color(MUTED) + _size(7.5), "Quote"),
        _style("paragraph", "FactMeta", "Fact Meta", '<w:spacing w:after="120"/>', _color(MUTED) + _size(7.5),
               "BodyText"),
        _style("paragraph", "Ask", "Ask",  # a box: paragraphs with the same borders share one
               "<w:pBdr>" + "".join(f'<w:{side} w:val="single" w:sz="8" w:space="{space}" w:color="{primary}"/>'
                                    for side, space in (("top", 4), ("left", 8), ("bottom", 4), ("right", 8)))
               + '</w:pBdr><w:spacing w:before="0" w:after="80"/><w:ind w:left="200" w:right="200"/>', "", "BodyText"),
        _style("paragraph", "DraftBanner", "Draft Banner",
               f'<w:pBdr><w:top w:val="single" w:sz="8" w:space="4" w:color="{accent}"/>'
               f'<w:bottom w:val="single" w:sz="8" w:space="4" w:color="{accent}"/></w:pBdr>'
               '<w:spacing w:after="160"/>', _color(accent) + _size(9)),
        _style("character", "DraftMark", "Draft Mark", rpr=caps + _color(accent) + _size(7),
               based="DefaultParagraphFont"),
        _style("character", "StaleMark", "Stale Mark", rpr=caps + _color(STALE) + _size(7),
               based="DefaultParagraphFont"),
        # A fact's chart: the picture, kept with the line of its title and source under it.
        _style("paragraph", "Chart", "Chart", keep + '<w:spacing w:before="40" w:after="20"/>'),
        _style("paragraph", "ChartSource", "Chart Source", '<w:keepLines/><w:spacing w:before="0" w:after="80"/>',
               _color(MUTED) + _size(7)),
        _style("paragraph", "Bibliography", "Bibliography", '<w:spacing w:after="40"/>', _size(8)),
        _style("paragraph", "Contact", "Contact", '<w:spacing w:before="60" w:after="0"/>',
               _color(MUTED) + _size(8.5)),
        _style("paragraph", "Disclaimer", "Disclaimer", '<w:spacing w:before="80"/>', _color(MUTED) + _size(7.5)),
        _style("paragraph", "FootnoteText", "footnote text", '<w:spacing w:after="20"/>', _size(8)),
        _style("character", "FootnoteReference", "footnote reference", rpr='<w:vertAlign w:val="superscript"/>',
               based="DefaultParagraphFont"),
        _style("character", "Hyperlink", "Hyperlink", rpr=_color(primary) + '<w:u w:val="single"/>',
               based="DefaultParagraphFont"),
        _style("character", "CitationLink", "Citation", rpr=_color(primary), based="DefaultParagraphFont"),
        _style("paragraph", "Header", "header", '<w:jc w:val="right"/>', caps + _color(accent) + _size(7.5)),
        _style("paragraph", "Footer", "footer", "", _color(MUTED) + _size(7.5)),
    ]


def _section(paper: str) -> str:
    width, height = PAPER[paper]
    margins = " ".join(f'w:{k}="{v}"' for k, v in MARGINS.items())
    return (f'<w:sectPr><w:footnotePr><w:numRestart w:val="eachSect"/></w:footnotePr>'
            f'<w:pgSz w:w="{width}" w:h="{height}"/><w:pgMar {margins}/></w:sectPr>')


def _scaled(style: str, scale: float) -> str:
    """A style's type sizes and spacing at `scale` (as the PDF's --scale shrinks them)."""
    if scale == 1:
        return style
    style = re.sub(r'(<w:szC?s? w:val=")(\d+)"', lambda m: f'{m[1]}{max(2, round(int(m[2]) * scale))}"', style)
    return re.sub(r'(w:(?:before|after)=")(\d+)"', lambda m: f'{m[1]}{round(int(m[2]) * scale)}"', style)


def builtin_reference(default: bytes, primary: str, accent: str, paper: str, date: dt.date,
                      scale: float = 1.0) -> bytes:
    """pandoc's reference document (`default`) with briefgen's styles and page."""
    parts = _read(default)
    styles = parts["word/styles.xml"].decode("utf-8")
    ours = [_scaled(s, scale) for s in _styles(primary.lstrip("#").upper(), accent.lstrip("#").upper())]
    ids = {re.search(r'w:styleId="([^"]+)"', s)[1] for s in ours}
    styles = re.sub(r'<w:style\b[^>]*\bw:styleId="([^"]+)"[^>]*>.*?</w:style>\s*',
                    lambda m: "" if m[1] in ids else m[0], styles, flags=re.S)
    styles = styles.replace("</w:styles>", "".join(ours) + "</w:styles>")
    styles = re.sub(r"<w:sz w:val=\"24\" />\s*<w:szCs w:val=\"24\" />", _size(10), styles, count=1)
    parts["word/styles.xml"] = styles.encode("utf-8")
    document = parts[MAIN].decode("utf-8")
    parts[MAIN] = re.sub(r"<w:sectPr>.*?</w:sectPr>", _section(paper), document, flags=re.S).encode("utf-8")
    return _write(parts, date)


@functools.lru_cache(maxsize=8)
def cached_reference(default: bytes, primary: str, accent: str, paper: str, scale: float = 1.0) -> bytes:
    return builtin_reference(default, primary, accent, paper, dt.date(1980, 1, 1), scale)


# -- finishing --------------------------------------------------------------

def _read(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _write(parts: dict[str, bytes], date: dt.date) -> bytes:
    """The parts as a zip, in their order, every entry dated `date` (midnight)."""
    out = io.BytesIO()
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0) if date.year >= 1980 else (1980, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def _core(title: str, subject: str, creator: str, keywords: str, lang: str, date: dt.date) -> bytes:
    stamp = f"{date.isoformat()}T00:00:00Z"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(subject)}</dc:subject>"
        f"<dc:creator>{escape(creator)}</dc:creator><cp:keywords>{escape(keywords)}</cp:keywords>"
        f"<dc:language>{escape(lang)}</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>").encode("utf-8")


_NAMESPACES = (f'xmlns:w="{W}" xmlns:r="{R}" xmlns:v="urn:schemas-microsoft-com:vml" '
               'xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w10="urn:schemas-microsoft-com:office:word"')

# Word's own watermark: a VML WordArt shape, centred on every page behind the text.
_WATERMARK = (
    '<w:r><w:pict><v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    + "".join(f'<v:f eqn="{e}"/>' for e in (
        "sum #0 0 10800", "prod #0 2 1", "sum 21600 0 @1", "sum 0 0 @2", "sum 21600 0 @3", "if @0 @3 0",
        "if @0 21600 @1", "if @0 0 @2", "if @0 @4 21600", "mid @5 @6", "mid @8 @5", "mid @7 @8", "mid @6 @7",
        "sum @6 0 @5"))
    + '</v:formulas><v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" '
    'o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" '
    'xrange="6629,14971"/></v:handles><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
    '<v:shape id="PowerPlusWaterMarkObject" o:spid="_x0000_s2049" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:420pt;height:140pt;rotation:315;z-index:-251657216;'
    'mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;'
    'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#d8d8d8" stroked="f">'
    '<v:fill opacity=".5"/><v:textpath style="font-family:&quot;Arial&quot;;font-size:1pt" string="DRAFT"/>'
    '<w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r>')


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _header(line: str, mark: str = "DRAFT") -> bytes:
    watermark = _WATERMARK.replace('string="DRAFT"', f'string="{escape(mark)}"')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr {_NAMESPACES}><w:p><w:pPr>'
            f'<w:pStyle w:val="Header"/></w:pPr>{watermark}{_run(line)}</w:p></w:hdr>').encode("utf-8")


def _footer(text: str, width: int, page: str = "Page", of: str = "of") -> bytes:
    field = '<w:fldSimple w:instr=" {} "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr {_NAMESPACES}><w:p><w:pPr>'
            f'<w:pStyle w:val="Footer"/><w:tabs><w:tab w:val="right" w:pos="{width}"/></w:tabs></w:pPr>'
            f'{_run(text)}<w:r><w:tab/></w:r>{_run(page + " ")}{field.format("PAGE")}{_run(f" {of} ")}'
            f'{field.format("NUMPAGES")}</w:p></w:ftr>').encode("utf-8")


def _text_width(section: str) -> int:
    size = re.search(r'<w:pgSz\b[^>]*\bw:w="(\d+)"', section)
    left = re.search(r'<w:pgMar\b[^>]*\bw:left="(\d+)"', section)
    right = re.search(r'<w:pgMar\b[^>]*\bw:right="(\d+)"', section)
    if not (size and left and right):
        return 9360
    return int(size[1]) - int(left[1]) - int(right[1])


def _add_part(parts: dict[str, bytes], name: str, data: bytes, kind: str, rel_id: str) -> None:
    parts[name] = data
    content = "application/vnd.openxmlformats-officedocument.wordprocessingml." + kind + "+xml"
    types = parts[TYPES].decode("utf-8")
    parts[TYPES] = types.replace("</Types>", f'<Override PartName="/{name}" ContentType="{content}"/></Types>') \
        .encode("utf-8")
    rels = parts[RELS].decode("utf-8")
    relation = "header" if kind == "header" else "footer"
    parts[RELS] = rels.replace("</Relationships>", f'<Relationship Id="{rel_id}" Type="{REL_TYPE}{relation}" '
                               f'Target="{name[len("word/"):]}"/></Relationships>').encode("utf-8")


def _headed(parts: dict[str, bytes], line: str, mark: str = "DRAFT") -> None:
    """The draft watermark and header line: into the reference document's
    own default header if it has one, else in a header of their own."""
    document = parts[MAIN].decode("utf-8")
    own = re.search(r'<w:headerReference\b[^>]*w:type="default"[^>]*r:id="([^"]+)"', document) or \
        re.search(r'<w:headerReference\b[^>]*r:id="([^"]+)"[^>]*w:type="default"', document)
    target = None
    if own:
        rel = re.search(rf'<Relationship\b[^>]*Id="{re.escape(own[1])}"[^>]*Target="([^"]+)"',
                        parts[RELS].decode("utf-8"))
        target = f"word/{rel[1].lstrip('/')}" if rel else None
    if target in parts:
        header = parts[target].decode("utf-8")
        watermark = _WATERMARK.replace('string="DRAFT"', f'string="{escape(mark)}"')
        ours = f'<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr>{watermark}{_run(line)}</w:p>'
        if 'xmlns:v=' not in header:
            header = re.sub(r"<w:hdr\b", '<w:hdr xmlns:v="urn:schemas-microsoft-com:vml"', header, count=1)
        for prefix, uri in (("o", "urn:schemas-microsoft-com:office:office"),
                            ("w10", "urn:schemas-microsoft-com:office:word")):
            if f"xmlns:{prefix}=" not in header:
                header = re.sub(r"<w:hdr\b", f'<w:hdr xmlns:{prefix}="{uri}"', header, count=1)
        parts[target] = re.sub(r"(<w:hdr\b[^>]*>)", lambda m: m[1] + ours, header, count=1).encode("utf-8")
        return
    _add_part(parts, "word/briefgen-draft-header.xml", _header(line, mark), "header", "rIdBriefgenDraft")
    parts[MAIN] = _in_section(document, '<w:headerReference w:type="default" r:id="rIdBriefgenDraft"/>')


def _in_section(document: str, reference: str) -> bytes:
    """`document` with a header or footer reference first in its last section."""
    at = document.rfind("<w:sectPr")
    end = document.index(">", at) + 1
    if document[end - 2] == "/":  # <w:sectPr/>
        return (document[:at] + "<w:sectPr>" + reference + "</w:sectPr>" + document[end:]).encode("utf-8")
    return (document[:end] + reference + document[end:]).encode("utf-8")


_ALLOWED_TARGET = re.compile(r"(https?://|mailto:)", re.I)
_INCLUDING_FIELD = re.compile(r"\b(INCLUDEPICTURE|INCLUDETEXT|INCLUDE|LINK|IMPORT|DDE|DDEAUTO|RD)\b|HYPERLINK\s+\"?(?!https?://|mailto:)\S")


def check_self_contained(parts: dict[str, bytes]) -> None:
    """Raise Refused if a relationship or field of the package points outside it."""
    for name, data in parts.items():
        if name.endswith(".rels"):
            for rel in re.finditer(rb"<Relationship\b[^>]*>", data):
                tag = rel[0].decode("utf-8", "replace")
                if 'TargetMode="External"' not in tag:
                    continue
                target = (re.search(r'Target="([^"]*)"', tag) or [None, ""])[1]
                if not (tag.find(f'{REL_TYPE}hyperlink"') > 0 and _ALLOWED_TARGET.match(target)):
                    raise Refused(f"{name} refers to an outside file or page: {target}")
        elif name.endswith(".xml"):
            text = data.decode("utf-8", "replace")
            for instr in re.findall(r'w:instr="([^"]*)"', text) + re.findall(r"<w:instrText[^>]*>([^<]*)<", text):
                if _INCLUDING_FIELD.search(instr):
                    raise Refused(f"{name} has a field that includes an outside file: {instr.strip()}")


def _briefgen_look(parts: dict[str, bytes]) -> None:
    """With briefgen's own reference document: lists indented as on the PDF
    (pandoc's are half an inch), and markers in the colour of links without
    their underline."""
    if "word/numbering.xml" in parts:
        numbering = parts["word/numbering.xml"].decode("utf-8")
        numbering = re.sub(r'<w:ind w:left="(\d+)" w:hanging="360" />',
                           lambda m: f'<w:ind w:left="{int(m[1]) // 2}" w:hanging="260" />', numbering)
        parts["word/numbering.xml"] = numbering.encode("utf-8")
    document = parts[MAIN].decode("utf-8")
    document = re.sub(r'<w:hyperlink w:anchor="ref-.*?</w:hyperlink>',
                      lambda m: m[0].replace('<w:rStyle w:val="Hyperlink" />', '<w:rStyle w:val="CitationLink" />'),
                      document)
    parts[MAIN] = document.encode("utf-8")


def finish(data: bytes, *, title: str, subject: str, creator: str, keywords: str, lang: str, date: dt.date,
           footer: str | None, draft: str | None, builtin: bool = True,
           words: tuple[str, str, str] = ("Page", "of", "DRAFT")) -> bytes:
    """`words`: "Page 1 of 2" and the watermark in the document's language."""
    # pandoc's docx made reproducible and complete (see the module's doc).
    parts = _read(data)
    if builtin:
        _briefgen_look(parts)
    parts["docProps/core.xml"] = _core(title, subject, creator, keywords, lang, date)
    document = parts[MAIN].decode("utf-8")
    # pandoc repeats an image's URL (here its data: URI, the image once more) as the picture's description.
    document = re.sub(r'(<pic:cNvPr descr=)"data:[^"]*"', r'\1""', document)
    section = document[document.rfind("<w:sectPr"):]
    parts[MAIN] = document.encode("utf-8")
    if footer and "<w:footerReference" not in section:
        _add_part(parts, "word/briefgen-footer.xml", _footer(footer, _text_width(section), *words[:2]), "footer",
                  "rIdBriefgenFooter")
        parts[MAIN] = _in_section(parts[MAIN].decode("utf-8"),
                                  '<w:footerReference w:type="default" r:id="rIdBriefgenFooter"/>')
    if draft:
        _headed(parts, draft, words[2])
    check_self_contained(parts)
    return _write(parts, date)
