"""The pipeline: load → check → select → cite → render → write.

`check_workspace` runs the data stages for every brief, so `briefgen check`
reports everything a build would refuse.  `build` plans the documents,
skips those whose inputs have not changed since they were last written,
renders the rest (in worker processes when asked), and writes each
document's files only once they are all ready.  A document that fails (a
template error, a page limit) is reported, and the others still build.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import gc
import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefgen import __version__
from briefgen.cache import Cache, digest
from briefgen.check import Workspace, check
from briefgen.cite import CitedBrief, cite
from briefgen.errors import BriefgenError, Problem
from briefgen.load import load
from briefgen.plan import Job, SheetRequest, plan
from briefgen.select import Selector, select
from briefgen.workspace import BUILTIN_TEMPLATES, OUTPUT_DIR, find_root, shown, template_names
from briefgen.write import output_path, write_atomic

FORMATS = ("html", "pdf")
INDEX_NAME = "index.html"


@dataclass
class BuildResult:
    built: list[str] = field(default_factory=list)  # document keys rendered this time
    unchanged: list[str] = field(default_factory=list)  # document keys whose files were up to date
    written: list[Path] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def check_workspace(root: Path) -> tuple[Workspace, dict[str, CitedBrief]]:
    """Load and check the workspace and cite every brief; raise on any problem.

    The records made here live as long as the build, so the cyclic garbage
    collector is kept out of the way while they are made and then told to
    leave them alone (it would otherwise rescan them again and again)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        workspace = check(load(find_root(root)), template_names(root))
        selector = Selector(workspace)
        cited, problems = {}, []
        for brief in workspace.briefs.values():
            try:
                cited[brief.id] = cite(brief, select(brief, selector), workspace.references)
            except BriefgenError as exc:
                problems += exc.problems
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    if problems:
        raise BriefgenError(problems)
    return workspace, cited


def build_date() -> dt.date:
    """The date sheets carry: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise BriefgenError(f"SOURCE_DATE_EPOCH is '{epoch}'; it must be a number of seconds") from None
    return dt.date.today()


def build(root: Path, brief_ids: list[str] | None = None, formats: tuple[str, ...] = FORMATS,
          out_dir: Path | None = None, *, tag: str | None = None, per_tag: bool = False,
          sheets: tuple[SheetRequest, ...] = (), jobs: int = 1, force: bool = False,
          progress: Callable[[int], Callable[[Job], None]] | None = None) -> BuildResult:
    """Build the requested documents into `out_dir` (default: the workspace's output/).

    `brief_ids=None` with no `tag` builds every brief.  `progress(n)`, when
    given, is called with the number of documents to render and returns a
    function called once per rendered document."""
    started = time.perf_counter()
    workspace, cited = check_workspace(root)
    job_list = plan(workspace, cited, brief_ids=brief_ids, tag=tag, per_tag=per_tag, sheets=sheets,
                    templates=template_names(root), today=build_date())
    out_dir = out_dir if out_dir is not None else root / OUTPUT_DIR
    cache = Cache.open(out_dir)
    result = BuildResult()
    if cache.problem:
        result.warnings.append(Problem(shown(cache.path, root), 0, f"warning: build cache {cache.problem}; rebuilding everything"))
    digests = _Digests(root, formats)
    stale = []
    for job in job_list:
        d = digests.of(job)
        names = [f"{job.stem}.{fmt}" for fmt in formats]
        if not force and all(cache.fresh(n, out_dir / n, d) for n in names):
            result.unchanged.append(job.key)
        else:
            stale.append((job, d))
    tick = progress(len(stale)) if progress and stale else None
    for (job, d), (files, problems, warnings) in zip(stale, _render_all([j for j, _ in stale], root, formats, jobs)):
        result.warnings += warnings
        if problems:
            result.failures += problems
            result.failed.append(job.key)
        else:
            for name, data in files.items():
                path = output_path(out_dir, name)
                write_atomic(path, data)
                cache.record(name, path, d)
                result.written.append(path)
            result.built.append(job.key)
        if tick:
            tick(job)
    documents = dict(cache.documents)
    for job in job_list:
        if job.key not in result.failed:
            documents[job.key] = {
                "key": job.key, "kind": job.kind, "title": job.brief.title,
                "date": job.brief.date.isoformat(), "tags": list(job.brief.tags), "stem": job.stem,
            }
    if documents != cache.documents:
        cache.documents = documents
        cache.changed = True
    index = _write_index(cache, out_dir, root)
    if index:
        result.written.append(index)
    if cache.changed:  # a no-op build leaves the cache file alone
        cache.save()
    result.seconds = time.perf_counter() - started
    return result


class _Digests:
    """The digest of everything a document's files are made from: its brief,
    the facts and references it shows, the files of its template, the formats
    asked for and briefgen's version."""

    def __init__(self, root: Path, formats: tuple[str, ...]):
        self.root = root
        self.formats = ",".join(formats)
        self._templates: dict[str, str] = {}
        self._records: dict[int, str] = {}

    def _record(self, record) -> str:
        key = id(record)
        if key not in self._records:
            self._records[key] = record.model_dump_json()
        return self._records[key]

    def _template(self, name: str) -> str:
        if name not in self._templates:
            from briefgen.render import TEMPLATE_SUFFIX, template_files

            files = template_files(self.root, name + TEMPLATE_SUFFIX)
            self._templates[name] = digest(*(f"{p.name}\0" for p in files), *(p.read_bytes() for p in files))
        return self._templates[name]

    def of(self, job: Job) -> str:
        cited = job.cited
        return digest(
            __version__, self.formats, job.stem, self._template(cited.brief.template),
            cited.brief.model_dump_json(),
            *(self._record(cf.fact) for s in cited.sections for cf in s.facts),
            *(self._record(e.ref) for e in cited.references),
        )


def _render_all(jobs: list[Job], root: Path, formats: tuple[str, ...], workers: int):
    """(files, problems, warnings) for each job, in job order."""
    if workers <= 1 or len(jobs) <= 1 or "pdf" not in formats:
        for job in jobs:
            yield render_job(job, root, formats)
        return
    workers = min(workers, len(jobs))
    if "fork" in multiprocessing.get_all_start_methods():
        # Forked workers inherit the jobs: each is sent only its number.
        global _FORKED
        _FORKED = (jobs, root, formats)
        try:
            with concurrent.futures.ProcessPoolExecutor(workers, multiprocessing.get_context("fork")) as pool:
                yield from pool.map(_render_forked, range(len(jobs)))
        finally:
            _FORKED = None
    else:  # pragma: no cover - platforms without fork
        with concurrent.futures.ProcessPoolExecutor(workers) as pool:
            yield from pool.map(render_job, jobs, [root] * len(jobs), [formats] * len(jobs))


_FORKED: tuple[list[Job], Path, tuple[str, ...]] | None = None


def _render_forked(number: int):
    jobs, root, formats = _FORKED
    return render_job(jobs[number], root, formats)


def render_job(job: Job, root: Path, formats: tuple[str, ...]) -> tuple[dict[str, bytes], list[Problem], list[Problem]]:
    """Every output file of one document, by name; or the problems that stopped it."""
    warnings: list[Problem] = []
    try:
        return render_files(job.cited, root, formats, warnings, stem=job.stem), [], warnings
    except BriefgenError as exc:
        return {}, exc.problems, warnings


def render_files(cited: CitedBrief, root: Path, formats: tuple[str, ...],
                 warnings: list[Problem] | None = None, stem: str | None = None) -> dict[str, bytes]:
    """Every output file of one brief, by file name, fully rendered.

    What the PDF renderer refused or ignored is added to `warnings`."""
    from briefgen.render import render_html

    brief = cited.brief
    stem = stem or brief.id
    html = render_html(cited, root)
    files = {}
    if "html" in formats:
        files[f"{stem}.html"] = html.encode("utf-8")
    if "pdf" in formats:
        from briefgen.pdf import html_to_pdf

        pdf = html_to_pdf(html, root, (root, BUILTIN_TEMPLATES))
        if warnings is not None:
            path, line = brief.at()
            warnings += [Problem(path, line, f"warning: brief '{brief.id}': blocked resource {url} "
                                 "(only files inside the workspace are read)") for url in pdf.blocked]
            warnings += [Problem(path, line, f"warning: brief '{brief.id}': PDF: {m}") for m in pdf.messages]
        if brief.max_pages is not None and pdf.pages > brief.max_pages:
            path, line = brief.at("max_pages")
            raise BriefgenError(Problem(path, line, (
                f"brief '{brief.id}' is {pdf.pages} pages long but max_pages is {brief.max_pages}: "
                "shorten it or raise the limit")))
        files[f"{stem}.pdf"] = pdf.data
    return files


def _write_index(cache: Cache, out_dir: Path, root: Path) -> Path | None:
    """Bring index.html up to date with the documents whose files are in the
    output folder; return its path if it had to be written."""
    import json

    entries = []
    for entry in cache.documents.values():
        files = {fmt: f"{entry['stem']}.{fmt}" for fmt in FORMATS}
        present = {fmt: name for fmt, name in files.items() if name in cache.files and (out_dir / name).is_file()}
        if present:
            entries.append({**entry, "html": present.get("html"), "pdf": present.get("pdf")})
    title = f"Briefs in {root.resolve().name}"
    path = output_path(out_dir, INDEX_NAME)
    d = digest(__version__, title, json.dumps(entries, sort_keys=True))
    if cache.fresh(INDEX_NAME, path, d):
        return None
    from briefgen.render import render_index

    write_atomic(path, render_index(entries, root, title).encode("utf-8"))
    cache.record(INDEX_NAME, path, d)
    return path
