"""HTML to PDF with WeasyPrint, reading only files inside allowed folders.

WeasyPrint is imported on first use: its import alone costs over half a
second, and `check` or an HTML-only build never needs it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Pdf:
    data: bytes
    pages: int
    blocked: tuple[str, ...] = ()  # URLs the document asked for and did not get
    messages: tuple[str, ...] = ()  # WeasyPrint's other warnings (CSS it ignored, ...)


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
            self.roots = tuple(r.resolve() for r in roots)
            self.blocked: list[str] = []

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(r) for r in self.roots) and path.is_file():
                    return URLFetcherResponse(path.as_uri(), path.read_bytes())
            self.blocked.append(url)
            raise BlockedResource(f"blocked resource: {url}")

    return WorkspaceFetcher


@functools.lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
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


def html_to_pdf(html: str, base_dir: Path, roots: tuple[Path, ...]) -> Pdf:
    """Lay out `html` (relative URLs resolve against `base_dir`) and return the PDF."""
    import weasyprint

    fetcher = _fetcher_class()(roots)
    with _weasyprint_log() as messages:
        document = weasyprint.HTML(
            string=html, base_url=base_dir.resolve().as_uri() + "/", url_fetcher=fetcher
        ).render(font_config=_font_config())
        data = document.write_pdf()
    other = tuple(m for m in messages if BlockedResource.__name__ not in m)
    return Pdf(data, len(document.pages), tuple(fetcher.blocked), other)
