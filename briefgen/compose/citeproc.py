"""References formatted in a citation style, by pandoc's citeproc.

A build formats the whole reference set once per style (and language),
with one pandoc run (a few side by side when many citations are new), and
every brief in that style reuses the result; the result is also kept in the
user's cache folder, so a rebuild that changes no reference runs pandoc not
at all.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import nh3
from markupsafe import Markup, escape

from briefgen.compose.style import TIME_LIMIT, Style, _own
from briefgen.errors import BriefgenError
from briefgen.source.model import Reference

_FORMAT_VERSION = 4  # bump when what the style cache holds changes

# An in-text citation becomes a link to its entry: no link inside it.
_unlinked = nh3.Cleaner(
    tags={"em", "i", "strong", "b", "span", "sup", "sub"},
    allowed_classes={"span": {"smallcaps"}},
    clean_content_tags={"script", "style"},
)


_cleaner = nh3.Cleaner(
    tags={"em", "i", "strong", "b", "span", "a", "sup", "sub", "br"},
    attributes={"a": {"href"}},
    allowed_classes={"span": {"smallcaps"}},
    url_schemes={"http", "https"},
    url_relative="deny",
    link_rel="noopener noreferrer",
    clean_content_tags={"script", "style"},
)


@dataclass(frozen=True)
class Formatted:
    """A reference set formatted in one style: each reference's entry for the
    list of sources, and each citation (reference and locator) as the text
    that stands in for it in the running text (in-text styles) or in a
    footnote (note styles), without the layout's prefix and suffix."""

    style: Style
    entries: dict[str, str]
    citations: dict[tuple[str, str | None], str] = field(default_factory=dict)
    order: tuple[str, ...] = ()  # the style's order of the list of sources

    def marker(self, pairs: list[tuple[str, str | None]]) -> Markup:
        """One in-text citation of several sources, each linked to its entry:
        '(Doe 2020; Roe 2019, 4)'."""
        inner = [Markup('<a href="#ref-{}">{}</a>').format(ref_id, Markup(self.citations[(ref_id, locator)]))
                 for ref_id, locator in pairs]
        return escape(self.style.prefix) + escape(self.style.delimiter).join(inner) + escape(self.style.suffix)


def _escape(text: str) -> str:
    """Text as pandoc markdown that means exactly that text."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", " ".join(text.split()))


# Between two citations of one document, so that none of them reads as a
# repeat of the one before ("Ibid.", "Id."): every citation stays a first one.
_SPACER = "_briefgen_spacer"  # not a valid id: no reference can have it


def format_references(style: Style, references: list[Reference], citations: set[tuple[str, str | None]],
                      lang: str = "en", workers: int = 1) -> Formatted:
    """Format `references` in `style`, and the in-text `citations` (pairs of
    reference id and locator).  Kept on disk by style, language and
    reference set: a later build runs pandoc only for citations not formatted
    before.  Many citations are shared among up to `workers` pandoc runs."""
    from briefgen.source.csl import csl_item

    items = [_protected(csl_item(r)) for r in references]
    items.append({"id": _SPACER, "type": "document", "title": _SPACER})
    key = hashlib.sha256(json.dumps([_FORMAT_VERSION, _engine(), style.digest, lang, items],
                                    sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    cached = _cache_read(key) or {}
    known: dict[str, str] = cached.get("citations", {})
    wanted = sorted(citations, key=lambda p: (p[1] or "", p[0]))  # one source's citations apart
    missing = [p for p in wanted if _pair(p) not in known]
    if "entries" not in cached or missing:
        cached = _format(style, items, cached, missing, lang, workers)
        _cache_write(key, cached)
    entries = {k: _clean(v) for k, v in cached["entries"].items() if k != _SPACER}
    if _first_notes(style):  # a note style lists each source as its first note reads
        entries = {k: _clean(v) for k, v in cached["first"].items()}
    order = tuple(k for k in cached["order"] if k != _SPACER)
    formatted = {p: _bare(_unprotect(_unlinked.clean(cached["citations"][_pair(p)]).strip()), style) for p in wanted}
    return Formatted(style, entries, formatted, order or tuple(r.id for r in references))


def _clean(html: str) -> str:
    return _unprotect(_cleaner.clean(html).strip())


CHUNK = 200  # citations one pandoc run formats, when there are enough to share among several


@functools.lru_cache(maxsize=1)
def _engine() -> str:
    """What formats the references, as part of the cache key: briefgen's
    version, the pandoc writer, and the pandoc program (by size and time)."""
    from briefgen import __version__

    writer = hashlib.sha256(_own("citations.lua").read_bytes()).hexdigest()
    try:
        from pypandoc import get_pandoc_path

        found = get_pandoc_path()  # a path, or a bare name found on PATH
        stat = Path(shutil.which(found) or found).stat()
        program = f"{found}:{stat.st_size}:{stat.st_mtime_ns}"
    except (ImportError, OSError):
        program = "missing"  # reported when pandoc is run
    return f"{__version__}:{writer}:{program}"


def _pair(pair: tuple[str, str | None]) -> str:
    return json.dumps(pair, ensure_ascii=False)


def _format(style: Style, items: list[dict], cached: dict, missing: list, lang: str, workers: int) -> dict:
    """`cached` completed: entries, first notes and order if it has none,
    and the `missing` citations, from pandoc runs side by side.

    Every citation is formatted as a first citation, whatever was formatted
    before it: in a style whose forms depend on position ("Ibid.", a short
    form after the first), a run cites each source at most once, so the
    citations of one source are spread over as many runs as it has pinpoints.
    Elsewhere many citations are shared among up to `workers` runs."""
    from concurrent.futures import ThreadPoolExecutor

    first_run = "entries" not in cached
    if style.positional:
        rounds: list[list] = []
        seen: dict[str, int] = {}
        for pair in missing:
            n = seen[pair[0]] = seen.get(pair[0], -1) + 1
            if n == len(rounds):
                rounds.append([])
            rounds[n].append(pair)
        tasks = ([([], True)] if first_run else []) + [(chunk, False) for chunk in rounds]
    else:
        runs = max(1, min(workers, -(-len(missing) // CHUNK)))
        size = -(-len(missing) // runs) if missing else 0
        tasks = [(missing[i * size:(i + 1) * size], first_run and i == 0) for i in range(runs)]
    with ThreadPoolExecutor(max(1, min(workers, len(tasks)))) as pool:
        results = list(pool.map(lambda task: _run_pandoc(style, items, task[0], lang, task[1]), tasks))
    known = dict(cached.get("citations", {}))
    for (chunk, _), raw in zip(tasks, results, strict=True):
        texts = raw.get("citations") or {}
        known.update({_pair(p): texts.get(f"c{i}", "") for i, p in enumerate(chunk)})
    if first_run:
        raw = results[0]
        texts = raw.get("citations") or {}
        cached = {"entries": raw.get("entries") or {}, "order": raw.get("order") or [],
                  "first": {item["id"]: texts.get(f"n{i}", "") for i, item in enumerate(items[:-1])}}
    return {**cached, "citations": known}


def _first_notes(style: Style) -> bool:
    """Whether the list of sources shows first citations (a note style, or
    a style with no bibliography) rather than bibliography entries."""
    return style.kind == "note" or not style.bibliography


def _bare(text: str, style: Style) -> str:
    """An in-text citation without the layout's own brackets, to be joined with others."""
    if style.prefix and text.startswith(style.prefix):
        text = text[len(style.prefix):]
    if style.suffix and text.endswith(style.suffix):
        text = text[: -len(style.suffix)]
    return text


# CSL reads a hyphen in a number as a range ("Pub. L. Nos. 115-164"); a
# document number is an identifier, so its hyphens go through pandoc as
# non-breaking hyphens, and come back.
_NB_HYPHEN = "\u2011"


def _protected(item: dict) -> dict:
    if "number" in item:
        item = {**item, "number": item["number"].replace("-", _NB_HYPHEN)}
    return item


def _unprotect(html: str) -> str:
    return html.replace(_NB_HYPHEN, "-")


def _run_pandoc(style: Style, items: list[dict], wanted: list[tuple[str, str | None]], lang: str,
                first: bool = True) -> dict:
    """One pandoc run: the bibliography, the `wanted` citations and, if
    `first`, each reference's first citation (a note style's list)."""
    import tempfile

    try:
        from pypandoc import get_pandoc_path

        pandoc = get_pandoc_path()
    except (ImportError, OSError):
        raise BriefgenError(f"style '{style.name}': pandoc, which formats citation styles, is not installed "
                            "(pip install pypandoc-binary)") from None
    # A note style's list is its first notes: no bibliography needed.  Else
    # every reference goes into the bibliography.
    listed = not (first and _first_notes(style))
    blocks = ["---\nnocite: |\n  '@*'\n---\n"] if listed else []
    previous = None
    if first and _first_notes(style):
        for i, item in enumerate(items[:-1]):  # each cited once, after another: each a first citation
            blocks.append(f"::: {{#n{i}}}\n[@{{{item['id']}}}]\n:::\n")
            previous = item["id"]
    for i, (ref_id, locator) in enumerate(wanted):
        if style.positional and ref_id == previous:  # else it would read "Ibid."
            blocks.append(f"::: {{#t{i}}}\n[@{{{_SPACER}}}]\n:::\n")
        suffix = f", {_escape(locator)}" if locator else ""
        blocks.append(f"::: {{#c{i}}}\n[@{{{ref_id}}}{suffix}]\n:::\n")
        previous = ref_id
    if listed:
        blocks.append("::: {#refs}\n:::\n")
    with tempfile.TemporaryDirectory(prefix="briefgen-style-") as tmp:
        bibliography = Path(tmp) / "references.json"
        bibliography.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        csl = _for_subsets(style.path, Path(tmp))
        # --data-dir: an empty folder, so no init.lua or defaults of the user's pandoc take part
        command = [pandoc, "--sandbox", "--data-dir", tmp, "-f", "markdown", "-t", str(_own("citations.lua")),
                   "--citeproc", "--csl", str(csl), "--bibliography", str(bibliography),
                   "-M", f"lang={lang}", "-M", "link-citations=false",
                   "-M", f"suppress-bibliography={'false' if listed else 'true'}"]
        try:
            done = subprocess.run(command, input="\n".join(blocks), capture_output=True, text=True,
                                  encoding="utf-8", errors="replace", timeout=TIME_LIMIT,
                                  env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}, check=False)
        except subprocess.TimeoutExpired:
            raise BriefgenError(f"style '{style.name}': pandoc took longer than {TIME_LIMIT} s") from None
        except OSError as exc:
            raise BriefgenError(f"style '{style.name}': cannot run pandoc ({exc})") from None
    if done.returncode != 0:
        why = " ".join(done.stderr.split())[:300] or f"exit status {done.returncode}"
        raise BriefgenError(f"style '{style.name}': pandoc could not format the references: {why}")
    try:
        raw = json.loads(done.stdout)
    except ValueError:
        raw = None
    if not isinstance(raw, dict):
        raise BriefgenError(f"style '{style.name}': pandoc's output could not be read: "
                            f"{' '.join(done.stdout.split())[:200]!r}")
    return raw


_SUBSTITUTE = re.compile(rb'\s+subsequent-author-substitute(?:-rule)?="[^"]*"')


def _for_subsets(path: Path, tmp: Path) -> Path:
    """The style file as briefgen gives it to pandoc.  A brief lists only
    some of the references formatted together, so an entry must not replace
    its author with "———" for being the same as the entry before it in the
    whole set: that entry may not be in the brief."""
    data = path.read_bytes()
    if b"subsequent-author-substitute" not in data:
        return path
    copy = tmp / "style.csl"
    copy.write_bytes(_SUBSTITUTE.sub(b"", data))
    return copy


def _cache_path(key: str) -> Path | None:
    from briefgen.source.yamlread import parse_cache_dir

    folder = parse_cache_dir()
    return folder / "styles" / f"{key}.json" if folder else None


def _cache_read(key: str) -> dict | None:
    """What was formatted for `key` before, or None (also for a file that is
    damaged or of another shape: formatting again is only slower)."""
    path = _cache_path(key)
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else None
    except (OSError, ValueError):
        return None
    shape = {"entries": dict, "first": dict, "citations": dict, "order": list}
    if not isinstance(data, dict) or any(not isinstance(data.get(k), t) for k, t in shape.items()):
        return None
    if not all(isinstance(v, str) for part in ("entries", "first", "citations") for v in data[part].values()):
        return None
    return data


def _cache_write(key: str, raw: dict) -> None:
    path = _cache_path(key)
    if path is None:
        return
    from briefgen.files import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(raw, ensure_ascii=False).encode())
    except (OSError, BriefgenError):
        pass  # a cache that cannot be written only costs time
