"""Output formats: one module each, behind one small protocol.

Every document is first rendered to HTML by its template
(`briefgen.render.html.render_html`); a backend turns that document into the
bytes of one output file.  A backend says

* `name` and `suffix`: "pdf" and ".pdf";
* `source`: what it renders from: "html" (the rendered page) or "cited"
  (the cited brief itself, for a format that builds its own structure);
* `paged`: whether it lays the document out on pages; a paged backend can
  `lay_out` a page, which is what fitting to `max_pages` measures;
* `image_types`: the image files (by suffix) it can embed;
* `follows` (optional): for a format that is not paged, the paged format
  whose fitting decides its content, so that the facts fitting leaves out of
  the PDF are left out of it too, whichever formats a build asks for;
* `notes` (optional): whether it sets a note style's citations as real
  footnotes (each citation is then formatted with its pinpoint, at the
  cost of pandoc runs that formats without notes do not need);
* `inputs()` (optional): workspace files it reads whether or not they exist
  (a reference document), so that adding, changing or removing one rebuilds.

Adding a format means adding a module with a class like `HtmlBackend` or
`PdfBackend` and one line in `FORMATS`; nothing else in briefgen names
formats.  The registry names modules rather than importing them, so that
listing the formats (for `--help`, say) imports no renderer.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from briefgen.compose.cite import CitedBrief
    from briefgen.source.model import Config

# name -> "module:class".  The order is the order files are listed in.
FORMATS: dict[str, str] = {
    "html": "briefgen.render.html:HtmlBackend",
    "pdf": "briefgen.render.pdf:PdfBackend",
    "docx": "briefgen.render.docx:DocxBackend",
}
DEFAULT_FORMATS = ("html", "pdf")


@dataclass(frozen=True)
class Document:
    """One document, ready for a backend: the cited brief and its HTML."""

    cited: CitedBrief
    html: str
    scale: float = 1.0


@dataclass(frozen=True)
class Output:
    """What a backend made: the file's bytes, and what the person building
    should be told (resources refused, the renderer's own warnings)."""

    data: bytes
    blocked: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()
    # (real path, sha256) of every file the renderer read (images and
    # stylesheets a template asks for): inputs of the file, like its sources.
    loaded: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Settings:
    """What every backend of a build is given: the folder relative URLs
    resolve against, the folders it may read from (nothing else), the
    format's own options by name ({"pdf": {"variant": "pdf/ua-1"}}), and the
    workspace's configuration (for a backend that builds its own structure:
    organisation, colours, paper, language)."""

    base_dir: Path
    roots: tuple[Path, ...]
    options: dict[str, dict] = field(default_factory=dict)
    config: Config | None = None


class Layout(Protocol):
    """A document laid out on pages, as fitting measures it."""

    @property
    def pages(self) -> int: ...

    @property
    def page_height(self) -> float:
        """The height of a page's content area (CSS px)."""

    def used_height(self) -> float:
        """How much content there is on all pages (CSS px)."""

    def element_heights(self) -> dict[str, float]:
        """The room each fact ("fact:<id>") and reference entry ("ref:<id>") takes."""

    def output(self) -> Output:
        """The file this layout makes."""


class Backend(Protocol):
    name: str
    suffix: str
    source: str  # "html" or "cited"
    paged: bool
    image_types: frozenset[str]

    def render(self, document: Document) -> Output:
        """The file for `document`."""

    def lay_out(self, html: str) -> Layout:
        """Paged backends only: `html` laid out on pages."""


def backend(name: str, settings: Settings) -> Backend:
    """The backend of format `name`, set up for one build."""
    module, _, cls = FORMATS[name].partition(":")
    return getattr(importlib.import_module(module), cls)(settings)


def _class(name: str):
    module, _, cls = FORMATS[name].partition(":")
    return getattr(importlib.import_module(module), cls)


def layout_format(names) -> str | None:
    """The paged format that lays out (and fits) the documents of a build in
    formats `names`: one of them, or the one a format among them follows."""
    paged = [n for n in names if _class(n).paged]
    if paged:
        return paged[0]
    return next((f for n in names if (f := getattr(_class(n), "follows", None)) in FORMATS), None)


def writes_notes(names) -> bool:
    """Whether a format among `names` sets note styles' citations as footnotes."""
    return any(getattr(_class(n), "notes", False) for n in names)


def is_paged(name: str) -> bool:
    """Whether format `name` lays documents out on pages (imports the backend's
    module, not its renderer)."""
    module, _, cls = FORMATS[name].partition(":")
    return bool(getattr(importlib.import_module(module), cls).paged)


def prepare_paged() -> None:
    """Load the renderer of every paged format now (its `prepare`), so that
    the first document a worker process lays out does not pay for it."""
    for name in FORMATS:
        module, _, cls = FORMATS[name].partition(":")
        kind = getattr(importlib.import_module(module), cls)
        if kind.paged and hasattr(kind, "prepare"):
            kind.prepare()
