"""HTML to PDF with WeasyPrint, reading only files inside allowed folders.

WeasyPrint is imported on first use: its import alone costs over half a
second, and `check` or an HTML-only build never needs it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from briefgen.paths import BUILTIN_TEMPLATES, TEMPLATES_DIR, inside
from briefgen.render.backend import Document, Output, Settings

DEFAULT_VARIANT = "pdf/ua-1"  # tagged, with language, title and outline: readable by screen readers


@dataclass(frozen=True)
class Pdf:
    data: bytes
    pages: int
    blocked: tuple[str, ...] = ()  # URLs the document asked for and did not get
    messages: tuple[str, ...] = ()  # WeasyPrint's other warnings (CSS it ignored, ...)
    loaded: tuple[tuple[str, str], ...] = ()  # (real path, sha256) of every file it read


class BlockedResource(ValueError):
    """A resource outside the workspace and the built-in templates was asked for."""


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class WorkspaceFetcher(URLFetcher):
        """Serves `file:` URLs inside the allowed folders and `data:` URLs; nothing else.

        Symlinks are resolved before the check, so a link inside the workspace
        that points outside it is refused too.  There is no network access.
        """

        def __init__(self, roots: tuple[Path, ...]):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.roots = roots
            self.blocked: list[str] = []
            self.served: dict[str, bytes] = {}  # every file served, by its real path: inputs of the document

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path))
                if inside(path, self.roots):
                    data = path.read_bytes()
                    self.served[str(path.resolve())] = data
                    return URLFetcherResponse(path.resolve().as_uri(), data)
            self.blocked.append(url)
            raise BlockedResource(f"blocked resource: {url}")

    return WorkspaceFetcher


@functools.lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def prepare() -> None:
    """Import WeasyPrint and load the fonts now: forked workers then inherit
    them instead of each paying for them."""
    import weasyprint  # noqa: F401

    _font_config()


# WeasyPrint messages about the machine, not the document: never a brief's warning.
_MACHINE_MESSAGES = ("Using fontTools instead of HarfBuzz-Subset",)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not str(record.msg).startswith(_MACHINE_MESSAGES):
            self.messages.append(record.getMessage())


@contextlib.contextmanager
def _weasyprint_log():
    """Collect WeasyPrint's log messages instead of letting them reach stderr raw."""
    logger = logging.getLogger("weasyprint")
    handler, propagate = _Collect(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


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


# The rules only WeasyPrint reads: the running footer, in CSS for paged media
# (string-set, running(), element()) that browsers ignore and HTML validators
# reject, so it stays out of the HTML's <style>.  A workspace's
# templates/briefgen-print.css replaces the built-in one, as for every template.
PRINT_CSS = "briefgen-print.css"


def print_stylesheet(base_dir: Path) -> Path | None:
    """The print stylesheet for a workspace: its own, else the built-in one."""
    for folder in (base_dir / TEMPLATES_DIR, BUILTIN_TEMPLATES):
        if (folder / PRINT_CSS).is_file():
            return folder / PRINT_CSS
    return None


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


class Layout:
    """One laid-out document: its pages, how full they are, and the PDF it makes."""

    def __init__(self, html: str, base_dir: Path, roots: tuple[Path, ...], variant: str | None = DEFAULT_VARIANT):
        import weasyprint

        self.variant = variant
        self._fetcher = _fetcher_class()(roots)
        base_url = base_dir.resolve().as_uri() + "/"
        css = print_stylesheet(base_dir)
        with _weasyprint_log() as messages:
            stylesheets = None
            if css is not None:
                # briefgen's own file or the workspace's (never through a link): an input of the PDF,
                # recorded like every file the renderer reads; what it asks for goes through the fetcher.
                raw = css.read_bytes()
                self._fetcher.served[str(css.resolve())] = raw
                stylesheets = [weasyprint.CSS(string=raw.decode("utf-8"), base_url=css.resolve().as_uri(),
                                              url_fetcher=self._fetcher, font_config=_font_config())]
            self.document = weasyprint.HTML(
                string=html, base_url=base_url, url_fetcher=self._fetcher
            ).render(font_config=_font_config(), stylesheets=stylesheets)
        self._messages = messages

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    @property
    def page_height(self) -> float:
        """The height of the content area of a page, in CSS px."""
        return self.document.pages[0]._page_box.height

    def used_height(self) -> float:
        """How much content there is, in CSS px: on every page, down to its last
        line (not to the foot of a page that a split block fills)."""
        total = 0.0
        for page in self.document.pages:
            box = page._page_box
            top, bottom = box.content_box_y(), box.content_box_y()
            stack = list(box.children[:1])  # the root element, not the margin boxes
            while stack:
                child = stack.pop()
                children = getattr(child, "children", None)
                if children and type(child).__name__ != "LineBox":
                    stack.extend(children)
                else:
                    bottom = max(bottom, child.position_y + child.margin_height())
            total += bottom - top
        return total

    def element_heights(self) -> dict[str, float]:
        """How much room each fact and each reference entry takes, in CSS px, keyed
        by "fact:<id>" (elements with data-fact-id) and "ref:<id>" (id="ref-<id>")."""
        heights: dict[str, float] = {}
        stack = [page._page_box for page in self.document.pages]
        while stack:
            box = stack.pop()
            element = getattr(box, "element", None)
            key = None
            if element is not None and getattr(box, "element_tag", None) and hasattr(element, "get"):
                if element.get("data-fact-id"):
                    key = "fact:" + element.get("data-fact-id")
                elif (element.get("id") or "").startswith("ref-"):
                    key = "ref:" + element.get("id")[4:]
            if key:
                heights[key] = heights.get(key, 0.0) + box.margin_height()
                continue
            stack.extend(getattr(box, "children", ()))
        return heights

    def pdf(self, variant: str | None = DEFAULT_VARIANT) -> Pdf:
        with _weasyprint_log() as messages, _font_timestamps_kept(), _margin_boxes_as_artifacts():
            data = self.document.write_pdf(pdf_variant=variant)
        other = tuple(m for m in [*self._messages, *messages] if BlockedResource.__name__ not in m)
        loaded = tuple(sorted((path, hashlib.sha256(raw).hexdigest()) for path, raw in self._fetcher.served.items()))
        return Pdf(data, self.pages, tuple(self._fetcher.blocked), other, loaded)


    def output(self) -> Output:
        pdf = self.pdf(self.variant)
        return Output(pdf.data, pdf.blocked, pdf.messages, pdf.loaded)


def html_to_pdf(html: str, base_dir: Path, roots: tuple[Path, ...], variant: str | None = DEFAULT_VARIANT) -> Pdf:
    """Lay out `html` (relative URLs resolve against `base_dir`) and return the PDF."""
    return Layout(html, base_dir, roots).pdf(variant)


class PdfBackend:
    """PDF through WeasyPrint: paged, so fitting lays briefs out with it.
    Its option `variant` is the PDF flavour (default PDF/UA-1)."""

    name = "pdf"
    suffix = ".pdf"
    source = "html"
    paged = True
    image_types = frozenset({".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"})

    def __init__(self, settings: Settings):
        self.settings = settings
        self.variant = settings.options.get("pdf", {}).get("variant", DEFAULT_VARIANT)

    @staticmethod
    def prepare() -> None:
        """Load the renderer before worker processes fork (they inherit it)."""
        prepare()

    def lay_out(self, html: str) -> Layout:
        return Layout(html, self.settings.base_dir, self.settings.roots, self.variant)

    def render(self, document: Document) -> Output:
        return self.lay_out(document.html).output()
