"""HTML to PDF with WeasyPrint, reading only files inside allowed folders.

WeasyPrint is imported on first use: its import alone costs over half a
second, and `check` or an HTML-only build never needs it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from briefgen.paths import BUILTIN_TEMPLATES, TEMPLATES_DIR, inside
from briefgen.render.backend import Document, Output, Settings
from briefgen.render.weasypatch import _font_timestamps_kept, _margin_boxes_as_artifacts

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
