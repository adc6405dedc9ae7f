"""Word documents: the cited brief as pandoc's AST, written by pandoc's docx writer.

The document is built from the cited brief, not from its HTML: the same
masthead, bottom line, sections, ask, sources and contact as the PDF, in
Word's own structure.  Paragraphs take named styles (Title, Subtitle,
Heading 1, List Bullet, Quote, Bibliography, briefgen's Kicker, Bottom Line,
Contact, ...), which a workspace restyles by giving `templates/reference.docx`
(pandoc's --reference-doc); without one, the built-in reference document
follows the workspace's colours and paper.  Citations in a note style
(chicago-notes, legal) are Word footnotes; other styles keep their markers,
each linked to its entry in the list of sources.

Why pandoc rather than python-docx: pandoc (already a dependency, for the
citation styles) writes real footnotes, hyperlinks, bookmarks, lists and
image descriptions from a document description, applies a reference
document's styles, headers and page setup, and writes small files; with
python-docx each of footnotes, links and list numbering is hand-written
XML.  `briefgen.render.ooxml` finishes the file: reproducible bytes, the
running footer, the draft watermark, and no references outside the file.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from briefgen.errors import BriefgenError, Problem
from briefgen.paths import TEMPLATES_DIR, workspace_file
from briefgen.render import ooxml
from briefgen.render import pandocast as A
from briefgen.render.backend import Document, Output, Settings
from briefgen.render.docxcontent import content
from briefgen.source.model import Config

REFERENCE = "reference.docx"  # in the workspace's templates/: its styles, page and header and footer
TIME_LIMIT = 60  # seconds for one pandoc run
_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
         ".svg": "image/svg+xml"}

def _pandoc() -> str:
    try:
        from pypandoc import get_pandoc_path

        return get_pandoc_path()
    except (ImportError, OSError):
        raise BriefgenError("Word documents are written by pandoc, which is not installed "
                            "(pip install pypandoc-binary)") from None


def _run(arguments: list[str], data: bytes = b"", env: dict | None = None) -> bytes:
    try:
        done = subprocess.run([_pandoc(), *arguments], input=data, capture_output=True, timeout=TIME_LIMIT,
                              env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", **(env or {})},
                              check=False)
    except subprocess.TimeoutExpired:
        raise BriefgenError(f"pandoc took longer than {TIME_LIMIT} s to write a Word document") from None
    except OSError as exc:
        raise BriefgenError(f"cannot run pandoc ({exc})") from None
    if done.returncode != 0:
        why = " ".join(done.stderr.decode("utf-8", "replace").split())[:300]
        raise BriefgenError(f"pandoc could not write the Word document: {why or done.returncode}")
    return done.stdout


def _start(arguments: list[str], env: dict) -> subprocess.Popen:
    try:
        return subprocess.Popen([_pandoc(), *arguments], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE,
                                env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", **env})
    except OSError as exc:
        raise BriefgenError(f"cannot run pandoc ({exc})") from None


def _wait(process: subprocess.Popen) -> None:
    try:
        _, stderr = process.communicate(timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise BriefgenError(f"pandoc took longer than {TIME_LIMIT} s to write a Word document") from None
    if process.returncode != 0:
        why = " ".join(stderr.decode("utf-8", "replace").split())[:300]
        raise BriefgenError(f"pandoc could not write the Word document: {why or process.returncode}")


@functools.lru_cache(maxsize=1)
def _api_version() -> list[int]:
    return json.loads(_run(["-f", "markdown", "-t", "json"]))["pandoc-api-version"]


@functools.lru_cache(maxsize=1)
def _default_reference() -> bytes:
    return _run(["--print-default-data-file", "reference.docx"])


class DocxBackend:
    """Word (.docx) through pandoc; its content follows the PDF's fitting."""

    name = "docx"
    suffix = ".docx"
    source = "cited"
    paged = False
    follows = "pdf"  # the facts fitting leaves out of the PDF are left out here too
    notes = True  # a note style's citations are Word footnotes
    image_types = frozenset(_MIME)

    def __init__(self, settings: Settings):
        self.settings = settings
        self.config = settings.config or Config()

    def inputs(self) -> tuple[Path, ...]:
        """The reference document, and the PNG copy of an SVG logo."""
        organization = self.config.organization
        logo = Path(organization.logo) if organization and organization.logo else None
        bitmap = (self.settings.base_dir / logo.with_suffix(".png"),) if logo and logo.suffix.lower() == ".svg" else ()
        return (self.settings.base_dir / TEMPLATES_DIR / REFERENCE, *bitmap)

    def render(self, document: Document) -> Output:
        return self.start(document)()

    def start(self, document: Document) -> Callable[[], Output]:
        """Start pandoc on `document` and return what waits for it and
        finishes the file: the build lays out the PDF meanwhile."""
        cited = document.cited
        brief = cited.brief
        loaded: list[tuple[str, str]] = []
        messages: list[str] = []
        logo = self._logo(loaded, messages)
        reference, own = self._reference(loaded, document.scale)
        lang = brief.lang or self.config.lang
        ast = A.document(content(cited, self.config, logo, document.scale), _api_version(), lang=lang)
        epoch = int(dt.datetime.combine(brief.date, dt.time(), dt.timezone.utc).timestamp())
        tmp = tempfile.TemporaryDirectory(prefix="briefgen-docx-", ignore_cleanup_errors=True)
        folder = Path(tmp.name)
        (folder / REFERENCE).write_bytes(reference)
        (folder / "brief.json").write_text(json.dumps(ast, ensure_ascii=False), encoding="utf-8")
        # --sandbox: pandoc reads only the files named here; --data-dir: an empty folder, so that no
        # defaults of the user's pandoc take part
        process = _start(["--sandbox", "--data-dir", tmp.name, "-f", "json", "-t", "docx", "--reference-doc",
                          str(folder / REFERENCE), "-o", str(folder / "brief.docx"), str(folder / "brief.json")],
                         {"SOURCE_DATE_EPOCH": str(max(epoch, 315532800))})

        def finish() -> Output:
            with tmp:
                _wait(process)
                raw = (folder / "brief.docx").read_bytes()
            organization = self.config.organization
            words = cited.words
            drafts = [cf.fact.id for s in cited.sections for cf in s.facts if cf.fact.status == "draft"]
            try:
                data = ooxml.finish(raw, title=brief.title, subject=brief.subtitle or "",
                                    creator=organization.name if organization else "",
                                    keywords=", ".join(brief.tags), lang=lang, date=brief.date,
                                    footer=self.config.footer or brief.title,
                                    draft=words.gettext("Draft, not for circulation:").rstrip(" :") if drafts else None,
                                    builtin=not own,
                                    words=(words.gettext("Page"), words.gettext("of"), words.gettext("DRAFT")))
            except ooxml.Refused as exc:
                where = f"{TEMPLATES_DIR}/{REFERENCE}" if own else ""
                raise BriefgenError(Problem(where, 0, f"{exc}; a Word document briefgen writes refers to nothing "
                                            "outside itself", "external-reference")) from None
            return Output(data, (), tuple(messages), tuple(sorted(loaded)))

        return finish

    def _reference(self, loaded: list, scale: float) -> tuple[bytes, bool]:
        """The workspace's reference document, else the built-in one in its
        colours, its type and spacing at the scale fitting chose for the PDF."""
        path = workspace_file(self.settings.base_dir, f"{TEMPLATES_DIR}/{REFERENCE}")
        if path is None:
            colors = self.config.colors
            return ooxml.cached_reference(_default_reference(), colors.primary, colors.accent, self.config.paper,
                                          round(scale, 2)), False
        data = path.read_bytes()
        loaded.append((str(path.resolve()), hashlib.sha256(data).hexdigest()))
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            names = set()
        if not {"word/document.xml", "word/styles.xml"} <= names:
            raise BriefgenError(Problem(f"{TEMPLATES_DIR}/{REFERENCE}", 0, "not a Word document (.docx): save it "
                                        "from Word or LibreOffice as .docx, or remove it to use briefgen's own",
                                        "bad-reference"))
        return data, True

    def _logo(self, loaded: list, messages: list) -> str | None:
        organization = self.config.organization
        if not organization or not organization.logo:
            return None
        path = workspace_file(self.settings.base_dir, organization.logo)
        if path is None:
            return None
        if path.suffix.lower() == ".svg":
            # Word 2016 and later show SVG; LibreOffice and older Word need a bitmap beside it.
            bitmap = workspace_file(self.settings.base_dir, str(Path(organization.logo).with_suffix(".png")))
            if bitmap is not None:
                path = bitmap
            else:
                messages.append(f"the logo {organization.logo} is SVG, which only Word 2016 and later show: "
                                f"put a PNG copy beside it ({Path(organization.logo).with_suffix('.png')}) "
                                "for LibreOffice and older Word")
        mime = _MIME.get(path.suffix.lower())
        if mime is None:
            messages.append(f"the logo {organization.logo} is left out: Word takes PNG, JPEG, GIF or SVG images")
            return None
        import base64

        data = path.read_bytes()
        loaded.append((str(path.resolve()), hashlib.sha256(data).hexdigest()))
        return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
