"""The preview server's own pages: the list of documents, and one document
with its problems, marks and the built page (or PDF) in a frame.

Rendered with Jinja2 from the templates beside this module, autoescaped:
every value shown comes from the workspace and is text, never markup.
"""

from __future__ import annotations

import functools
import mimetypes
from pathlib import Path

import jinja2

from briefgen import __version__
from briefgen.build.preview import FULL, QUICK, Preview
from briefgen.build.shown import Document
from briefgen.errors import Problem
from briefgen.render.backend import FORMATS, is_paged

PAGES = Path(__file__).resolve().parent / "pages"


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(PAGES), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def _render(name: str, **context) -> str:
    return _environment().get_template(name).render(version=__version__, **context)


def home(preview: Preview, token: str) -> str:
    docs = preview.documents()
    return _render("home.html", title="Preview", root=str(preview.root), status=_status(preview),
                   problems=_problems(preview), blocking=bool(preview.problems), documents=docs, groups=_groups(docs), token=token)


def page(preview: Preview, token: str, name: str, **context) -> str:
    """One of the editor's pages, with the preview's status and problems."""
    return _render(name, root=str(preview.root), status=_status(preview), problems=_problems(preview),
                   blocking=bool(preview.problems), token=token, **context)


# What a browser shows in a frame of the page, of the formats briefgen makes.
SHOWN = ("text/html", "application/pdf")


def media_type(fmt: str) -> str | None:
    return mimetypes.guess_type(f"document.{fmt}")[0]


def views() -> list[str]:
    """The formats a document's page can show (the first is shown unless another is asked for)."""
    return [fmt for fmt in FORMATS if media_type(fmt) in SHOWN]


def document(preview: Preview, doc: Document, view: str, token: str) -> str:
    paged = is_paged(view)
    label = view.upper() if paged else "page"
    return _render("document.html", title=doc.title, root=str(preview.root), status=_status(preview),
                   problems=_problems(preview), blocking=bool(preview.problems), doc=doc, view=view, paged=paged, label=label,
                   views=[{"fmt": v, "label": v.upper() if is_paged(v) else "Page", "first": n == 0}
                          for n, v in enumerate(views())],
                   frame=_frame(preview, doc, view), places={} if paged else preview.places(doc.stem), token=token)


def state(preview: Preview) -> dict:
    """What the pages show, for a program (tests, benchmarks) to follow."""
    docs = preview.documents()
    return {"number": preview.number, "ok": not preview.problems, "busy": preview.busy,
            "problems": [str(p) for p in preview.problems],
            "stages": {stage: done.number for stage, done in preview.last.items()},
            "documents": [{"stem": d.stem, "kind": d.kind, "title": d.title, "pages": d.pages,
                           "max_pages": d.max_pages, "fits": d.fits, "failure": d.failure,
                           "versions": {fmt: _version(preview, d.stem, fmt) for fmt in d.files}} for d in docs]}


def _frame(preview: Preview, doc: Document, view: str) -> dict | None:
    version = _version(preview, doc.stem, view)
    if version is None:
        return None
    return {"src": f"/files/{doc.stem}.{view}?v={version}", "version": version}


def _version(preview: Preview, stem: str, fmt: str) -> str | None:
    return preview.version(stem, fmt)


def _status(preview: Preview) -> dict:
    quick, full = preview.last.get(QUICK), preview.last.get(FULL)
    if not preview.last:
        return {"kind": "busy", "text": "Building the preview…"}
    if preview.problems:
        n = len([p for p in preview.problems if p.severity == "error"])
        return {"kind": "bad", "text": f"{n} problem{'s' if n != 1 else ''} to fix: showing the last version "
                "that built"}
    done = full if full is not None and quick is not None and full.number >= quick.number else quick
    failures = len(done.failures) if done else 0
    if failures:
        return {"kind": "warn", "text": f"{failures} document{'s' if failures != 1 else ''} did not build"}
    if full is None or (quick is not None and full.number < quick.number):
        return {"kind": "busy", "text": "Page up to date; laying out the PDF…"}
    return {"kind": "ok", "text": "Up to date", "seconds": f"{done.seconds:.2f}" if done else ""}


def _problems(preview: Preview) -> list[dict]:
    problems: list[Problem] = list(preview.problems)
    if not problems:
        for done in preview.last.values():
            problems += done.failures
    quick = preview.last.get(QUICK)
    warnings = list(quick.warnings) if quick is not None and not problems else []
    shown = []
    for p in sorted(dict.fromkeys(problems + warnings), key=lambda p: (p.severity != "error", p.path, p.line)):
        shown.append({"text": str(p), "message": p.message, "where": f"{p.path}:{p.line}" if p.line else p.path,
                      "severity": p.severity, "lines": [{"n": n, "text": _clipped(text), "here": n == p.line}
                                                        for n, text in preview.quoted(p)]})
    return shown


QUOTED = 300  # characters of a quoted line shown (a 5 MB line would be a 5 MB page)


def _clipped(text: str) -> str:
    return text if len(text) <= QUOTED else text[:QUOTED] + f" … ({len(text) - QUOTED:,} more characters)"


def _groups(docs: list[Document]) -> list[tuple[str, list[Document]]]:
    names = {"brief": "Briefs", "tag sheet": "Tag sheets", "fact sheet": "Fact sheets"}
    groups: dict[str, list[Document]] = {}
    for d in docs:
        groups.setdefault(names.get(d.kind, "Other documents"), []).append(d)
    return list(groups.items())
