"""A preview session: the workspace built again and again in one process,
as a preview server needs it, into folders of its own.

Each round (`Preview.update`) opens the workspace afresh and builds it in
two passes: HTML only, which is quick, and then every format the preview
shows (HTML and PDF, fitted to the page limit, as `briefgen build` makes
them).  Both passes are ordinary builds into the session's own output
folders, so the pipeline's digests decide what is rebuilt: a change to one
fact re-renders the documents that show it and nothing else.  The session
keeps what the last round found (the problems when the workspace does not
check) and the last good build, which stays on show until the next one.

`affected(paths)` says whether a change to those files can change any
document: the files the last round read (sources, briefgen.yaml, snapshots,
the logo, styles, the templates), or a new file where the workspace looks
for sources and templates.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from briefgen.build.folder import INDEX_NAME, Remembered
from briefgen.build.pipeline import BuildRequest, BuildResult, build
from briefgen.build.runner import Workers
from briefgen.build.shown import Document, documents_of, quoted
from briefgen.errors import BriefgenError, Problem
from briefgen.paths import CONFIG_FILE, SOURCES_DIR, TEMPLATES_DIR
from briefgen.render.backend import DEFAULT_FORMATS, FORMATS, is_paged, layout_format, prepare_paged
from briefgen.source import load
from briefgen.source.project import Project

QUICK = "quick"  # the pass that makes HTML only
# Seconds between the passes of an update, in which the open pages fetch the
# new HTML before the next pass (Python, in this process) competes with them.
BREATHER = 0.05
EVERY_PDF_UP_TO = 30
VIEWING = 3  # documents last opened, whose PDFs are laid out first
# Why a partial build says a document it did not build is not current: in the
# preview, only until the next pass builds it.
_CATCHING_UP = "its sources or template changed"  # documents: in a larger workspace, the full pass makes only the documents opened
FULL = "full"  # the pass that makes every format shown


@dataclass(frozen=True)
class Round:
    """What one pass of an update found."""

    number: int  # the update's number: both passes of one update share it
    stage: str  # QUICK or FULL
    built: tuple[str, ...] = ()  # stems of the documents re-rendered
    problems: tuple[Problem, ...] = ()  # the workspace does not check: nothing was built
    failures: tuple[Problem, ...] = ()  # documents that failed to render (the others built)
    warnings: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


class Preview:
    """The workspace at `root`, built into the session's folders (a
    temporary folder, removed by `close`, or `out_dir` when given)."""

    def __init__(self, root: Path | str, out_dir: Path | None = None, per_tag: bool | None = None,
                 formats: tuple[str, ...] | None = None, workers: Workers | None = None):
        self.root = Path(root).resolve()
        Project.open(self.root)  # refuses a folder that is not a workspace, before anything starts
        self._temp = Path(tempfile.mkdtemp(prefix="briefgen-preview-"))
        self.drafts = self._temp / "draft"  # an editor's unsaved changes, built
        self.folders = {QUICK: self._temp / QUICK, FULL: Path(out_dir).resolve() if out_dir else self._temp / FULL}
        self.formats = tuple(f for f in FORMATS if f in (formats or DEFAULT_FORMATS))
        # The other formats are built for a document when asked (`on_demand`): a
        # Word document costs a pandoc run that the page on screen does not need.
        self.on_request = () if formats else tuple(f for f in FORMATS if f not in self.formats)
        paged = any(is_paged(f) for f in self.formats)
        # The workers' temporary files go in the session's folder: a worker
        # stopped mid-render leaves nothing behind once the session is closed.
        self.workers = workers if workers is not None else (
            Workers(1, prepare_paged, tempdir=self._temp / "work") if paged else None)
        self.per_tag, self.sheets = documents_of(self.root, per_tag)
        self.number = 0
        self.last: dict[str, Round] = {}  # stage -> its last round
        self.manifests: dict[str, dict[str, dict]] = {QUICK: {}, FULL: {}}  # stage -> stem -> manifest
        self.out_of_date: dict[str, dict[str, str]] = {QUICK: {}, FULL: {}}  # stage -> stem -> why
        self.shown: dict[str, str] = {}  # stem -> the stage whose file is shown (the newest good one)
        self.problems: tuple[Problem, ...] = ()  # the last update's, when the workspace did not check
        self._facts: dict = {}  # fact id -> fact, from the last good check
        self.stale: dict[str, str] = {}
        self.read: frozenset[str] = frozenset()
        self.remembered = Remembered()  # the folders' caches and manifests, between passes
        self.loaded = load.Remembered()  # the source files' records, between passes
        self._project: Project | None = None
        self._checked = None
        self._updating = False
        self.wanted: set[str] = set()
        self.viewing: list[str] = []  # the documents last opened, the latest last  # documents opened, whose PDFs a large workspace lays out
        self.lock = threading.RLock()  # held while a pass's outcome is taken in, and while it is read
        self._building = threading.Lock()

    # -- building ----------------------------------------------------------

    def update(self, stages: tuple[str, ...] = (QUICK, FULL), force: bool = False):
        """Build the workspace as it is now, pass by pass, yielding each
        pass's Round as it ends.  Never raises for what is in the workspace:
        its problems are in the Round."""
        self.number += 1
        self._project, self._checked = None, None  # one project, checked once, for the passes of an update
        passes = [(stage, None) for stage in stages]
        if FULL in stages and self.everything:
            # What is open in a browser is laid out first, in a build of its
            # own (a build writes nothing until all it renders is done).
            first = {stem for stem in self.viewing if stem in self.manifests[QUICK]}
            if first and set(self.manifests[QUICK]) - first:
                passes.insert(stages.index(FULL), (FULL, first))
        self._updating = True
        try:
            for n, (stage, only) in enumerate(passes):
                if n:
                    time.sleep(BREATHER)
                done = self._pass(stage, force, only)
                yield done
                if not done.ok:
                    return  # the workspace does not check: the next pass would say the same
        finally:
            self._updating = False

    def want(self, stem: str) -> bool:
        """Note that someone is looking at document `stem`: its PDF is laid
        out first after a change, and in a large workspace, only from now
        on.  Returns whether the full pass must run for it to be shown."""
        with self.lock:
            self.viewing = [s for s in self.viewing if s != stem][-(VIEWING - 1):] + [stem]
            if self.everything or stem in self.wanted or stem not in self.manifests[QUICK]:
                return False
            self.wanted.add(stem)
            return True

    @property
    def busy(self) -> bool:
        """Whether an update is under way (between its passes too)."""
        return self._updating or self._building.locked()

    @property
    def everything(self) -> bool:
        """Whether the full pass makes every document (else only those wanted)."""
        return len(self.manifests[QUICK]) <= EVERY_PDF_UP_TO

    def _request(self, stage: str, force: bool) -> BuildRequest | None:
        if stage == QUICK:
            # Only what needs no page layout (a Word document follows the PDF's fitting).
            formats = tuple(f for f in self.formats if layout_format((f,)) is None) or self.formats
            return BuildRequest(per_tag=self.per_tag, sheets=self.sheets, formats=formats,
                                out_dir=self.folders[QUICK], force=force)
        if self.everything:
            return BuildRequest(per_tag=self.per_tag, sheets=self.sheets, formats=self.formats,
                                out_dir=self.folders[FULL], force=force)
        return self._only(self.wanted, self.formats, self.folders[FULL], force)

    def _only(self, stems, formats: tuple[str, ...], out_dir: Path, force: bool = False) -> BuildRequest | None:
        """A request for the documents `stems` (as the quick pass knows them), or None for none."""
        kinds = {stem: self.manifests[QUICK][stem]["kind"] for stem in stems if stem in self.manifests[QUICK]}
        briefs = tuple(sorted(s for s, kind in kinds.items() if kind == "brief"))
        tags = sorted(s.split("/", 1)[1] for s, kind in kinds.items() if kind == "tag sheet")
        sheets = self.sheets if any(kind == "fact sheet" for kind in kinds.values()) else ()
        if not (briefs or tags or sheets):
            return None
        return BuildRequest(briefs=briefs, tag=" or ".join(tags) or None, per_tag=bool(tags), sheets=sheets,
                            formats=formats, out_dir=out_dir, force=force)

    def on_demand(self, stem: str, fmt: str) -> Path | None:
        """Document `stem` in format `fmt`, one the passes do not make (a Word
        document), built now if it is not current: the file, or None when
        it cannot be made (the workspace does not check, say)."""
        if fmt not in self.on_request or self.problems:
            return None
        folder = self._temp / fmt
        request = self._only({stem}, (fmt,), folder)
        if request is None:
            return None
        with self._building:
            try:
                project = Project.open(self.root)
                project.remembered = self.loaded
                result = build(project, request, workers=self.workers, remembered=self.remembered)
            except BriefgenError:
                return None
        path = folder / f"{stem}.{fmt}"
        return path if stem in result.documents and path.is_file() and not path.is_symlink() else None

    def _pass(self, stage: str, force: bool, only: set[str] | None = None) -> Round:
        started = time.perf_counter()
        request = self._only(only, self.formats, self.folders[FULL], force) if only else self._request(stage, force)
        if request is None:  # nothing to lay out yet
            with self.lock:
                self.last[stage] = Round(self.number, stage)
            return self.last[stage]
        project = self._project
        with self._building:  # one pass at a time; what is on show stays readable meanwhile
            try:
                if project is None:
                    project = self._project = Project.open(self.root)
                    project.remembered = self.loaded
                result = self._build(project, request)
                self._checked = result.checked
            except BriefgenError as exc:
                done = Round(self.number, stage, problems=tuple(exc.problems), seconds=time.perf_counter() - started)
                with self.lock:
                    self.problems = done.problems
                    if project is not None:
                        self.read |= frozenset(project.read)  # a file that did not check is still watched
                    self.last[stage] = done
            else:
                with self.lock:
                    done = self._built(stage, project, result, started)
                    self.last[stage] = done
        return done

    def _build(self, project: Project, request: BuildRequest) -> BuildResult:
        try:
            return build(project, request, workers=self.workers, remembered=self.remembered, checked=self._checked)
        except BriefgenError as exc:
            # An ad-hoc sheet of output/ that can no longer be made (its tag is
            # gone, say) is a problem of the request, not of the workspace: the
            # preview goes on without the ad-hoc sheets.
            if not request.sheets or any(p.path for p in exc.problems):
                raise
            self.sheets = ()
            return build(project, dataclasses.replace(request, sheets=()), workers=self.workers,
                         remembered=self.remembered, checked=self._checked)

    def _built(self, stage: str, project: Project, result: BuildResult, started: float) -> Round:
        self.manifests[stage] = result.documents
        self.out_of_date[stage] = result.out_of_date
        built = tuple(sorted(result.stems[key] for key in result.built))
        if stage == FULL:  # what the full pass made current is shown (not what failed, or it did not build)
            for stem in result.documents:
                if stem not in result.out_of_date:
                    self.shown[stem] = FULL
        else:
            self.shown.update({stem: QUICK for stem in built})
        checked = result.checked
        self.problems = ()
        self._facts = checked.base.facts
        self.stale = dict(checked.stale)
        self.read = frozenset(project.read)
        return Round(self.number, stage, built, (), tuple(result.failures), tuple(result.warnings),
                     tuple(result.notes), time.perf_counter() - started)

    # -- what a change reaches -------------------------------------------

    def affected(self, paths) -> bool:
        """Whether a change to any of `paths` (absolute, or relative to the
        workspace) can change what the preview shows."""
        for path in paths:
            rel = _relative(Path(path), self.root)
            if rel is None or any(_inside(rel, f) for f in self._own_folders()):
                continue  # outside the workspace, or what the preview itself writes
            if rel in self.read or rel == CONFIG_FILE or _inside(rel, SOURCES_DIR) or _inside(rel, TEMPLATES_DIR):
                return True
        return False

    def _own_folders(self):
        return [r for r in (_relative(f, self.root) for f in self.folders.values()) if r]

    # -- what is on show -------------------------------------------------

    def documents(self) -> list[Document]:
        """Every document on show, briefs first, then tag sheets and ad-hoc sheets, each by title."""
        with self.lock:
            docs = []
            for stem in sorted(set(self.manifests[FULL]) | set(self.manifests[QUICK])):
                stage = self._stage_of(stem)
                data, fit = self.manifests[stage][stem], self.manifests[stage][stem].get("fit") or {}
                why = next((w for w in (self.out_of_date[QUICK].get(stem), self.out_of_date[FULL].get(stem))
                            if w and not w.startswith(_CATCHING_UP)), None)
                files = {fmt: f"{stem}.{fmt}" for fmt in FORMATS
                         if self._file(stem, fmt) is not None or fmt in self.on_request}
                docs.append(Document(
                    stem, data["kind"], str(data["title"]), str(data.get("template", "")), str(data["date"]),
                    [str(t) for t in data.get("tags", [])], data.get("draft") is True,
                    sorted(f for f in data.get("facts", []) if f in self.stale), files, fit.get("pages"),
                    fit.get("max_pages"), [str(d) for d in data.get("dropped") or []], why))
        order = {"brief": 0, "tag sheet": 1, "fact sheet": 2}
        return sorted(docs, key=lambda d: (order.get(d.kind, 3), d.title.casefold(), d.stem))

    def file(self, stem: str, fmt: str) -> Path | None:
        """The file on show for document `stem` in format `fmt`, or None.
        Only a document's own files are ever given: the name is looked up
        in the folders' manifests, never joined to a path as asked."""
        with self.lock:
            return self._file(stem, fmt)

    def version(self, stem: str, fmt: str) -> str | None:
        """What identifies the content of the file on show (its SHA-256, from
        its manifest): the same bytes written again are the same version."""
        with self.lock:
            for stage in dict.fromkeys((self._stage_of(stem), FULL, QUICK)):
                entry = ((self.manifests[stage].get(stem) or {}).get("files") or {}).get(fmt)
                if entry and self._file(stem, fmt) == self.folders[stage] / f"{stem}.{fmt}":
                    return str(entry.get("sha256", ""))[:16] or None
        return None

    def _stage_of(self, stem: str) -> str:
        stage = self.shown.get(stem, FULL)
        return stage if stem in self.manifests[stage] else (FULL if stem in self.manifests[FULL] else QUICK)

    def _file(self, stem: str, fmt: str) -> Path | None:
        for stage in dict.fromkeys((self._stage_of(stem), FULL, QUICK)):
            data = self.manifests[stage].get(stem)
            if data is None or fmt not in data.get("files", {}):
                continue
            path = self.folders[stage] / f"{stem}.{fmt}"
            if path.is_file() and not path.is_symlink():
                return path
        return None

    def places(self, stem: str) -> dict[str, str]:
        """Where each fact document `stem` shows is written: fact id -> "path:line"."""
        with self.lock:
            stage = self._stage_of(stem)
            ids = (self.manifests[stage].get(stem) or {}).get("facts", [])
            facts = [self._facts[i] for i in ids if i in self._facts]
        return {f.id: f"{f.origin.path}:{f.origin.line}" for f in facts}

    def index(self) -> Path | None:
        path = self.folders[FULL] / INDEX_NAME
        return path if path.is_file() else None

    def quoted(self, problem: Problem, around: int = 1) -> list[tuple[int, str]]:
        """The lines of the workspace file a problem is at: its line and
        `around` lines either side, numbered."""
        return quoted(self.root, problem, around)

    def close(self) -> None:
        """Stop the workers and remove the session's temporary folder."""
        if self.workers is not None:
            self.workers.close()
        shutil.rmtree(self._temp, ignore_errors=True)


def _relative(path: Path, root: Path) -> str | None:
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


def _inside(rel: str, folder: str) -> bool:
    return rel == folder or rel.startswith(folder.rstrip("/") + "/")


