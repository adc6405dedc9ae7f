"""Scoped corrections to what WeasyPrint writes into a PDF, each in force only
while a PDF is being written (and undone after, whatever thread asks):
fonts saved by fontTools keep their own timestamps; page margin boxes (the
running footer) are drawn as Artifacts, outside the tag tree; a link inside
a link to the same target gets no annotation of its own.
"""

from __future__ import annotations

import contextlib
import threading

_fonts_lock = threading.Lock()
_fonts_writers = 0  # PDFs being written now, in any thread
_fonts_original = None  # weasyprint.pdf.fonts.TTFont, while it is replaced


@contextlib.contextmanager
def _font_timestamps_kept():
    """While WeasyPrint writes a PDF's fonts, fontTools keeps each font's own `head.modified`.

    fontTools stamps the current time (or SOURCE_DATE_EPOCH) into every font it
    saves, and WeasyPrint saves fonts with it where HarfBuzz-Subset is missing
    (and for variable and colour fonts): two builds seconds apart would differ.
    HarfBuzz keeps the font's own stamp; this makes fontTools do the same.
    Only the name in WeasyPrint's font module is replaced, only while a PDF is
    written, and restored after the last of any overlapping writes.
    """
    global _fonts_writers, _fonts_original
    import weasyprint.pdf.fonts as wfonts

    with _fonts_lock:
        if _fonts_writers == 0:
            _fonts_original = wfonts.TTFont

            class TTFontKeepingTimestamp(_fonts_original):
                def __init__(self, *args, **kwargs):
                    super().__init__(*args, **{**kwargs, "recalcTimestamp": False})

            wfonts.TTFont = TTFontKeepingTimestamp
        _fonts_writers += 1
    try:
        yield
    finally:
        with _fonts_lock:
            _fonts_writers -= 1
            if _fonts_writers == 0:
                wfonts.TTFont, _fonts_original = _fonts_original, None



_tagging_lock = threading.Lock()
_tagging_writers = 0
_tagging_original: dict = {}
_in_margin = threading.local()


@contextlib.contextmanager
def _margin_boxes_as_artifacts():
    """While WeasyPrint writes a PDF, the page's margin boxes (the running
    footer: title, disclaimer, "Page N of M") are drawn as one Artifact each,
    and link annotations take their description from the link's `title`.

    WeasyPrint 70 tags the text of margin boxes as marked content with an
    MCID whose structure element it leaves out of the structure tree
    (weasyprint/pdf/tags.py, "could be included in tree as Artifact"; its
    issue #1836): content reachable from nothing, which PDF/UA forbids. A
    running header or footer is pagination, an artifact. And it sets a
    link's /Contents to its raw target ("ref-msnbc-2025-08-24"), which a
    screen reader reads out. Like `_font_timestamps_kept`, only names in
    WeasyPrint's modules are replaced, only while a PDF is written, and
    restored after the last of any overlapping writes; a WeasyPrint without
    these internals is left as it is.
    """
    global _tagging_writers
    import weasyprint.draw as wdraw
    import weasyprint.pdf as wpdf
    import weasyprint.pdf.tags as wtags
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf.stream import Stream

    if not all(hasattr(m, n) for m, n in ((wdraw, "draw_stacking_context"), (wtags, "_build_box_tree"),
                                          (Stream, "marked"), (Stream, "artifact"), (wpdf, "add_links"))):
        yield
        return
    with _tagging_lock:
        if _tagging_writers == 0:
            originals = _tagging_original
            originals.update(draw=wdraw.draw_stacking_context, tree=wtags._build_box_tree,
                             marked=Stream.marked, artifact=Stream.artifact, links=wpdf.add_links)

            def draw_stacking_context(stream, stacking_context):
                if not isinstance(stacking_context.box, boxes.MarginBox) or getattr(_in_margin, "depth", 0):
                    return originals["draw"](stream, stacking_context)
                with originals["artifact"](stream):
                    _in_margin.depth = 1
                    try:
                        return originals["draw"](stream, stacking_context)
                    finally:
                        _in_margin.depth = 0

            @contextlib.contextmanager
            def marked(self, box, tag):
                if getattr(_in_margin, "depth", 0):
                    yield  # inside the margin box's Artifact: no MCID, no structure element
                else:
                    with originals["marked"](self, box, tag):
                        yield

            @contextlib.contextmanager
            def artifact(self):
                if getattr(_in_margin, "depth", 0):
                    yield  # already inside an Artifact
                else:
                    with originals["artifact"](self):
                        yield

            def build_box_tree(box, *args, **kwargs):
                if isinstance(box, boxes.MarginBox):
                    return iter(())  # drawn as an artifact: nothing to tag
                return originals["tree"](box, *args, **kwargs)

            def add_links(links_and_anchors, *args, **kwargs):
                links, anchors = links_and_anchors
                links = _outermost_links(links)
                result = originals["links"]((links, anchors), *args, **kwargs)
                import pydyf

                for link_type, target, _, box in links:
                    annotation = getattr(box, "link_annotation", None)
                    element = getattr(box, "element", None)
                    if annotation is None or "Contents" not in annotation or not hasattr(element, "get"):
                        continue
                    title = element.get("title")
                    if title:
                        annotation["Contents"] = pydyf.String(title)
                    elif link_type == "internal" and target.startswith("ref-"):
                        # An in-text citation, "(MSNBC, 2025, point 2)": the link's own words name the source.
                        text = " ".join("".join(element.itertext()).split())
                        if text:
                            annotation["Contents"] = pydyf.String(f"Source: {text}")
                return result

            wdraw.draw_stacking_context = draw_stacking_context
            wtags._build_box_tree = build_box_tree
            Stream.marked, Stream.artifact = marked, artifact
            wpdf.add_links = add_links
        _tagging_writers += 1
    try:
        yield
    finally:
        with _tagging_lock:
            _tagging_writers -= 1
            if _tagging_writers == 0:
                o = _tagging_original
                wdraw.draw_stacking_context, wtags._build_box_tree = o["draw"], o["tree"]
                Stream.marked, Stream.artifact, wpdf.add_links = o["marked"], o["artifact"], o["links"]
                o.clear()


def _outermost_links(links: list) -> list:
    """The links of a page without those of boxes inside a link to the same
    target: WeasyPrint gives the <em> in <a href="#x"><em>Title</em>, 2018</a>
    an annotation of its own, which then hangs under the <em>'s NonStruct
    instead of the Link element (and is a second, overlapping target)."""
    kept, outer = [], []
    for link in links:
        link_type, target, (x1, y1, x2, y2), box = link
        is_a = (getattr(box, "element_tag", None) or "").split(":")[0] == "a"
        if not is_a and any(t == target and a <= x1 + 0.01 and b <= y1 + 0.01 and x2 <= c + 0.01 and y2 <= d + 0.01
                            for t, (a, b, c, d) in outer):
            continue
        if is_a:
            outer.append((target, (x1, y1, x2, y2)))
        kept.append(link)
    return kept
