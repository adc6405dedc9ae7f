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
import concurrent.futures.process
import contextlib
import dataclasses
import datetime as dt
import gc
import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from briefgen import __version__
from briefgen.build.cache import Cache, digest
from briefgen.source.check import Workspace, check
from briefgen.compose.cite import CitedBrief, cite, styled
from briefgen.errors import BriefgenError, Problem
from briefgen.source.load import Sources, load
from briefgen.source.model import Config
from briefgen.render.pdf import DEFAULT_VARIANT
from briefgen.compose.plan import TAGS_DIR, Job, SheetRequest, plan
from briefgen.source.review import review, stale
from briefgen.compose.select import Selector, select
from briefgen.compose.style import DEFAULT, Formatted, format_references, resolve
from briefgen.project import BUILTIN_TEMPLATES, OUTPUT_DIR, find_root, shown, template_names, workspace_file
from briefgen.build.output import output_path, sweep, write_atomic

FORMATS = ("html", "pdf")
INDEX_NAME = "index.html"
MANIFEST_SUFFIX = ".manifest.json"
TIME_LIMIT = 120.0  # a one-pager takes a quarter of a second
MEMORY_LIMIT = 2048


@dataclass
class BuildResult:
    built: list[str] = field(default_factory=list)  # document keys rendered this time
    unchanged: list[str] = field(default_factory=list)  # document keys whose files were up to date
    written: list[Path] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one line for each brief that was fitted
    seconds: float = 0.0


@dataclass(frozen=True)
class Options:
    """How documents are rendered, the same for every document of a build."""

    formats: tuple[str, ...] = FORMATS
    config: Config = Config()
    pdf_variant: str | None = DEFAULT_VARIANT
    fit: bool = True
    time_limit: float | None = TIME_LIMIT  # seconds for one document
    memory_limit: int | None = MEMORY_LIMIT  # megabytes for one PDF worker


@dataclass
class Rendered:
    """What rendering one document gave: its files by name, or the problems that stopped it."""

    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    note: str | None = None  # what fitting did, for the person running the build


class Checked(NamedTuple):
    workspace: Workspace
    cited: dict[str, CitedBrief]  # every brief, cited
    warnings: list[Problem]  # what is not wrong but should be looked at


def check_workspace(root: Path, today: dt.date | None = None, strict: bool = False,
                    loaded: Callable[[Sources], None] | None = None) -> Checked:
    """Load and check the workspace and cite every brief; raise on any error
    (and, when `strict`, on any warning).  `today` dates the staleness checks;
    `loaded`, when given, is told the sources as soon as they are read.

    The records made here live as long as the build, so the cyclic garbage
    collector is kept out of the way while they are made and then told to
    leave them alone (it would otherwise rescan them again and again)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        sources = load(find_root(root))
        if loaded is not None:
            loaded(sources)
        workspace = check(sources, template_names(root), root)
        selector = Selector(workspace)
        cited, problems = {}, []
        if (root / "templates").is_dir():
            from briefgen.render.html import template_problems

            problems += template_problems(root)
        found = review(workspace, root, today or dt.date.today())
        warnings = [p for p in found if p.severity == "warning"]
        problems += [p for p in found if p.severity == "error"]
        for brief in workspace.briefs.values():
            try:
                cited[brief.id] = cite(brief, select(brief, selector), workspace.references)
            except BriefgenError as exc:
                problems += exc.problems
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    if strict and warnings:
        problems += [dataclasses.replace(w, severity="error") for w in warnings]
        warnings = []
    if problems:
        raise BriefgenError(sorted(problems + warnings))
    return Checked(workspace, cited, warnings)


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
          pdf_variant: str | None = DEFAULT_VARIANT, fit: bool = True, release: bool = False,
          today: dt.date | None = None, time_limit: float | None = TIME_LIMIT,
          memory_limit: int | None = MEMORY_LIMIT, style: str | None = None,
          progress: Callable[[int], Callable[[Job], None]] | None = None) -> BuildResult:
    """Build the requested documents into `out_dir` (default: the workspace's output/).

    `brief_ids=None` with no `tag` builds every brief.  `progress(n)`, when
    given, is called with the number of documents to render and returns a
    function called once per rendered document.  A `release` build refuses
    every document that would show a draft or stale fact.  `style` names
    the citation style of every document, over the briefs' own and
    briefgen.yaml's."""
    started = time.perf_counter()
    today = today or dt.date.today()
    if style is not None:
        _resolve_option(style, root)
    early = _EarlyStyles(root, style, jobs)
    try:
        workspace, cited, warnings = check_workspace(root, today, loaded=early.start)
    finally:
        early.wait()
    job_list = plan(workspace, cited, brief_ids=brief_ids, tag=tag, per_tag=per_tag, sheets=sheets,
                    templates=template_names(root), today=build_date())
    job_list = apply_styles(job_list, workspace, root, style, jobs)
    out_dir = out_dir if out_dir is not None else root / OUTPUT_DIR
    sweep(out_dir)  # what a killed build may have left
    cache = Cache.open(out_dir)
    result = BuildResult(warnings=list(warnings))
    if out_dir.resolve() == (root / OUTPUT_DIR).resolve():  # another folder may hold other workspaces' files
        _prune(out_dir, workspace, cache, result, root)
    if release:
        refused = [job for job in job_list if _refused_for_release(job, workspace, today, result)]
        for job in refused:  # a release folder holds only what may be released
            for suffix in (".html", ".pdf", MANIFEST_SUFFIX):
                path = out_dir / f"{job.stem}{suffix}"
                if path.is_file():
                    path.unlink()
                    result.notes.append(f"removed {shown(path, root)} (not releasable)")
        job_list = [job for job in job_list if job not in refused]
    if cache.problem:
        result.warnings.append(Problem(shown(cache.path, root), 0, f"build cache {cache.problem}; rebuilding everything",
                                       "cache-reset", "warning"))
    options = Options(formats, workspace.config, pdf_variant, fit, time_limit, memory_limit)
    digests = _Digests(root, options)
    stale = []
    for job in job_list:
        d = digests.of(job)
        names = [*(f"{job.stem}.{fmt}" for fmt in formats), f"{job.stem}{MANIFEST_SUFFIX}"]
        if not force and all(cache.fresh(n, out_dir / n, d) for n in names):
            result.unchanged.append(job.key)
        else:
            stale.append((job, d))
    tick = progress(len(stale)) if progress and stale else None
    for (job, d), rendered in zip(stale, _render_all([j for j, _ in stale], root, options, jobs)):
        result.warnings += rendered.warnings
        if rendered.note:
            result.notes.append(rendered.note)
        try:
            if rendered.problems:
                raise BriefgenError(rendered.problems)
            # The manifest goes last: it vouches for the files written before it.
            for name, data in rendered.files.items():
                path = output_path(out_dir, name)
                write_atomic(path, data)
                cache.record(name, path, d)
                result.written.append(path)
            result.built.append(job.key)
        except BriefgenError as exc:
            result.failures += exc.problems
            result.failed.append(job.key)
        if tick:
            tick(job)
    try:
        index = _write_index(cache, out_dir, root, workspace.config)
        if index:
            result.written.append(index)
    except BriefgenError as exc:
        result.failures += exc.problems
    if cache.changed:  # a no-op build leaves the cache file alone
        cache.save()
    result.seconds = time.perf_counter() - started
    return result


def _resolve_option(name: str, root: Path) -> None:
    try:
        resolve(name, root)
    except ValueError as exc:
        raise BriefgenError(f"--style: {exc}") from None


class _EarlyStyles:
    """Format the reference set in the styles a build will use while the
    workspace is still being checked (pandoc works on another core): the
    result lands in the style cache, where apply_styles finds it.  Whatever
    goes wrong here is only lost time: apply_styles does the work again and
    reports any problem."""

    def __init__(self, root: Path, option: str | None, workers: int):
        self.root, self.option, self.workers = root, option, workers
        self.threads: list = []

    def start(self, sources: Sources) -> None:
        import threading

        config = sources.config
        wanted = {_style_of(b, self.option, config) for b in sources.briefs}
        wanted.add((self.option or config.style or DEFAULT, config.lang))  # sheets, which have no style of their own
        for name, lang in sorted(wanted - {(DEFAULT, lang) for _, lang in wanted}):
            thread = threading.Thread(target=self._format, args=(name, lang, sources.references), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _format(self, name: str, lang: str, references: list) -> None:
        try:
            chosen = resolve(name, self.root)
            if chosen is not None:
                format_references(chosen, references, set(), lang, self.workers)
        except Exception:  # noqa: BLE001 - only an early start: the build does it again and reports
            pass

    def wait(self) -> None:
        for thread in self.threads:
            thread.join()


def _style_of(brief, option: str | None, config: Config) -> tuple[str, str]:
    """The citation style and language of a brief: --style, else its own,
    else briefgen.yaml's, else briefgen's numbered style."""
    return option or brief.style or config.style or DEFAULT, brief.lang or config.lang


def apply_styles(jobs: list[Job], workspace: Workspace, root: Path, option: str | None,
                 workers: int = 1) -> list[Job]:
    """Each job with its citation style applied: --style, else the brief's
    own, else briefgen.yaml's, else briefgen's numbered style.  The whole
    reference set is formatted once per style (and language) and shared."""
    config = workspace.config
    shared: dict[tuple[str, str], Formatted] = {}
    wanted: dict[tuple[str, str], list[Job]] = {}
    for job in jobs:
        key = _style_of(job.brief, option, config)
        if key[0] != DEFAULT:
            wanted.setdefault(key, []).append(job)
    for (name, lang), group in wanted.items():
        chosen = resolve(name, root)  # checked already: a brief's or briefgen.yaml's, or --style
        citations = {(m.ref_id, m.locator) for job in group for s in job.cited.sections for cf in s.facts
                     for m in cf.markers} if not chosen.numbered else set()
        try:
            shared[(name, lang)] = format_references(chosen, list(workspace.references.values()), citations,
                                                     lang, workers)
        except BriefgenError as exc:  # a style file pandoc refuses: said where the style was chosen
            named_by = None if option else next((j.brief for j in group if j.brief.style), config)
            path, line = named_by.at("style") if named_by else ("--style", 0)
            raise BriefgenError([dataclasses.replace(p, path=path, line=line) for p in exc.problems]) from None
    styled_jobs = {id(job): dataclasses.replace(job, cited=styled(job.cited, shared[key]))
                   for key, group in wanted.items() for job in group}
    return [styled_jobs.get(id(job), job) for job in jobs]


def _refused_for_release(job: Job, workspace: Workspace, today: dt.date, result: BuildResult) -> bool:
    """Record, for a release build, every draft or stale fact the job would show."""
    problems = []
    for fact in (cf.fact for s in job.cited.sections for cf in s.facts):
        why = "a draft" if fact.status == "draft" else (f"stale ({reason})" if (reason := stale(fact, workspace, today))
                                                         else None)
        if why:
            path, line = fact.at()
            problems.append(Problem(path, line, f"release: {job.kind} '{job.stem}' would show fact '{fact.id}', "
                                    f"which is {why}", "not-releasable", subject=fact.id))
    if problems:
        result.failures += problems
        result.failed.append(job.key)
    return bool(problems)


class _Digests:
    """The digest of everything a document's files are made from: its brief,
    the facts and references it shows, the files of its template, the formats
    asked for and briefgen's version."""

    def __init__(self, root: Path, options: Options):
        self.root = root
        # The limits change whether a document builds, not what it looks like.
        self.options = f"{options.formats}|{options.pdf_variant}|{options.fit}|{options.config.model_dump_json()}"
        logo = options.config.organization.logo if options.config.organization else None
        if logo and (path := workspace_file(root, logo)) is not None:
            self.options += "|" + digest(path.read_bytes())
        self._templates: dict[str, str] = {}
        self._records: dict[int, str] = {}

    def _record(self, record) -> str:
        key = id(record)
        if key not in self._records:
            self._records[key] = record.model_dump_json()
        return self._records[key]

    def _template(self, name: str) -> str:
        if name not in self._templates:
            from briefgen.render.html import TEMPLATE_SUFFIX, template_files

            files = template_files(self.root, name + TEMPLATE_SUFFIX)
            self._templates[name] = digest(*(f"{p.name}\0" for p in files), *(p.read_bytes() for p in files))
        return self._templates[name]

    def of(self, job: Job) -> str:
        cited = job.cited
        return digest(
            __version__, self.options, job.stem, self._template(cited.brief.template),
            # A sheet is dated the day it is built; a sheet whose content did
            # not change keeps the date of the day it last changed.
            cited.brief.model_dump_json(exclude={"date"} if job.kind != "brief" else None),
            *(self._record(cf.fact) for s in cited.sections for cf in s.facts),
            *(self._record(e.ref) for e in cited.references),
            *(e.html or "" for e in cited.references),  # as a citation style formatted them
            *(cf.in_text or "" for s in cited.sections for cf in s.facts),
        )


def _render_all(jobs: list[Job], root: Path, options: Options, workers: int):
    """A Rendered for each job, in job order.

    HTML-only documents render in this process, under the time limit.  PDFs
    render in worker processes, which also carry the memory limit; a worker
    that dies takes only its own document with it."""
    if "pdf" not in options.formats:
        for job in jobs:
            yield _limited(job, root, options)
        return
    remaining = list(range(len(jobs)))
    while remaining:
        with _pool(jobs, root, options, min(workers, len(remaining))) as (pool, submit):
            futures = [submit(pool, i) for i in remaining]
            for n, (i, future) in enumerate(zip(remaining, futures)):
                try:
                    yield future.result()
                except concurrent.futures.process.BrokenProcessPool:
                    yield _failed(jobs[i], "the renderer stopped abruptly (out of memory, or a crash)", "render-crash")
                    remaining = remaining[n + 1:]
                    break
            else:
                remaining = []


@contextlib.contextmanager
def _pool(jobs: list[Job], root: Path, options: Options, workers: int):
    """A pool of worker processes and a way to hand each a job.  Forked
    workers inherit the jobs, so each is sent only its number."""
    global _FORKED
    limit = (options.memory_limit,)
    if "fork" in multiprocessing.get_all_start_methods():
        from briefgen.render.pdf import prepare

        prepare()
        _FORKED = (jobs, root, options)
        try:
            with concurrent.futures.ProcessPoolExecutor(workers, multiprocessing.get_context("fork"),
                                                        initializer=_limit_memory, initargs=limit) as pool:
                yield pool, lambda p, i: p.submit(_render_forked, i)
        finally:
            _FORKED = None
    else:  # pragma: no cover - platforms without fork
        with concurrent.futures.ProcessPoolExecutor(workers, initializer=_limit_memory, initargs=limit) as pool:
            yield pool, lambda p, i: p.submit(_limited, jobs[i], root, options)


_FORKED: tuple[list[Job], Path, Options] | None = None


def _render_forked(number: int) -> Rendered:
    jobs, root, options = _FORKED
    return _limited(jobs[number], root, options)


def _limit_memory(megabytes: int | None) -> None:
    if megabytes:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (megabytes * 2**20, megabytes * 2**20))
        except (ImportError, ValueError, OSError):  # pragma: no cover - platforms without the limit
            pass


class _Overtime(Exception):
    pass


def _alarm(signum, frame):
    raise _Overtime


def _limited(job: Job, root: Path, options: Options) -> Rendered:
    """render_job, stopped when it runs past the time limit or out of memory."""
    import signal
    import threading

    timed = bool(options.time_limit) and hasattr(signal, "setitimer") and \
        threading.current_thread() is threading.main_thread()
    if timed:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, options.time_limit)
    try:
        return render_job(job, root, options)
    except _Overtime:
        return _failed(job, f"took longer than {options.time_limit:g} s to render and was stopped "
                            "(--time-limit sets the limit)", "render-limit")
    except MemoryError:
        return _failed(job, f"needed more than {options.memory_limit} MB to render and was stopped "
                            "(--memory-limit sets the limit)", "render-limit")
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _short(url: str) -> str:
    """A URL for a message: a data: URI can be as long as the file it holds."""
    return url if len(url) <= 120 else url[:100] + "…"


def _failed(job: Job, why: str, code: str) -> Rendered:
    path, line = job.brief.at()
    return Rendered(problems=[Problem(path, line, f"{job.kind} '{job.stem}' {why}", code, subject=job.brief.id)])


def render_job(job: Job, root: Path, options: Options) -> Rendered:
    """Every output file of one document, fully rendered: HTML, PDF (fitted to
    the brief's max_pages) and the manifest."""
    from briefgen.render.html import render_html

    rendered = Rendered()
    brief = job.brief

    def render(cited: CitedBrief, scale: float) -> str:
        return render_html(cited, root, options.config, scale)

    try:
        if "pdf" not in options.formats:
            cited, html, pdf, fitted = job.cited, render(job.cited, 1.0), None, None
        else:
            from briefgen.render.fit import fit

            fitted = fit(job.cited, render, root, (root, BUILTIN_TEMPLATES), options.fit)
            cited, html = fitted.cited, fitted.html
            pdf = fitted.layout.pdf(options.pdf_variant)
            path, line = brief.at()
            rendered.warnings += [Problem(path, line, f"brief '{brief.id}': blocked resource {_short(url)} "
                                          "(missing, or not a file inside the workspace)", "blocked-resource",
                                          "warning", brief.id) for url in dict.fromkeys(pdf.blocked)]
            rendered.warnings += [Problem(path, line, f"brief '{brief.id}': PDF: {m}", "pdf-warning", "warning", brief.id)
                                  for m in dict.fromkeys(pdf.messages)]
            if fitted.fitted:
                dropped = ", ".join(fitted.dropped) or "none"
                kept = {s.heading for s in fitted.cited.sections}
                emptied = [s.heading for s in job.cited.sections if s.heading not in kept]
                rendered.note = (f"fitted {job.stem} to {brief.max_pages} page{'s' if brief.max_pages > 1 else ''}: "
                                 f"scale {fitted.scale:.0%}, facts left out: {dropped}"
                                 + (f"; sections left empty and out: {', '.join(emptied)}" if emptied else "")
                                 + f" ({fitted.layouts} extra layout{'s' if fitted.layouts != 1 else ''})")
    except BriefgenError as exc:
        rendered.problems = exc.problems
        return rendered
    if "html" in options.formats:
        rendered.files[f"{job.stem}.html"] = html.encode("utf-8")
    if pdf is not None:
        rendered.files[f"{job.stem}.pdf"] = pdf.data
    rendered.files[f"{job.stem}{MANIFEST_SUFFIX}"] = _manifest(job, cited, rendered.files, fitted)
    return rendered


def _manifest(job: Job, cited: CitedBrief, files: dict[str, bytes], fitted) -> bytes:
    """What went into a document and what came out, for people and tools to check."""
    import hashlib
    import json

    brief = job.brief
    data = {
        "briefgen": __version__,
        "id": brief.id,
        "kind": job.kind,
        "title": brief.title,
        "date": brief.date.isoformat(),
        "tags": list(brief.tags),
        "template": brief.template,
        "facts": cited.fact_ids,
        "dropped": list(fitted.dropped) if fitted else [],
        "draft": any(cf.fact.status == "draft" for s in cited.sections for cf in s.facts),
        "references": [{"number": e.number, "id": e.ref.id} for e in cited.references],
        "fit": None if fitted is None else {
            "scale": round(fitted.scale, 4), "pages": fitted.layout.pages, "max_pages": brief.max_pages,
            "extra_layouts": fitted.layouts,
        },
        "files": {name.rsplit(".", 1)[-1]: {"name": name.rsplit("/", 1)[-1], "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in files.items()},
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


_KEY_PREFIX = {"brief": "brief", "tag sheet": "tag", "fact sheet": "sheet"}


def _prune(out_dir: Path, workspace: Workspace, cache: Cache, result: BuildResult, root: Path) -> None:
    """Remove the files of a brief that is no longer in the sources (deleted
    or renamed) and of a tag sheet whose tag no fact has any more, found by
    their manifests: an old PDF must not stay in the index as if current.
    Ad-hoc sheets stay: they were asked for by hand.  Only the workspace's
    own output folder is pruned: one named with --out may be shared."""
    import json

    if not out_dir.is_dir():
        return
    for manifest in sorted(out_dir.rglob("*" + MANIFEST_SUFFIX)):
        stem = manifest.relative_to(out_dir).as_posix()[: -len(MANIFEST_SUFFIX)]
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            kind, ident = data["kind"], data["id"]
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not one of ours, or damaged: left alone
        if kind == "brief" and stem == ident and ident not in workspace.briefs:
            why = f"brief '{ident}' is no longer in the sources"
        elif kind == "tag sheet" and stem == f"{TAGS_DIR}/{ident}" and ident not in workspace.labels:
            why = f"no fact has the tag '{ident}' any more"
        else:
            continue
        for name in (f"{stem}.html", f"{stem}.pdf", f"{stem}{MANIFEST_SUFFIX}"):
            path = out_dir / name
            if path.is_file() and not path.is_symlink():
                path.unlink()
                cache.forget(name)
                result.notes.append(f"removed {shown(path, root)} ({why})")


def _write_index(cache: Cache, out_dir: Path, root: Path, config: Config) -> Path | None:
    """Bring index.html up to date with the documents in the output folder,
    found by their manifests (so the index survives a lost cache); return
    its path if it had to be written."""
    import json

    entries = []
    for manifest in sorted(out_dir.rglob("*" + MANIFEST_SUFFIX)):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            stem = manifest.relative_to(out_dir).as_posix()[: -len(MANIFEST_SUFFIX)]
            files = {fmt: f"{stem}.{fmt}" for fmt in FORMATS if fmt in data["files"]}
            entry = {"key": f"{_KEY_PREFIX.get(data['kind'], 'brief')}:{stem.rsplit('/', 1)[-1]}", "kind": data["kind"], "title": str(data["title"]),
                     "date": str(data["date"]), "tags": [str(t) for t in data.get("tags", [])]}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue  # not one of ours, or damaged: not listed
        present = {fmt: name for fmt, name in files.items() if (out_dir / name).is_file()}
        if present:
            entries.append({**entry, "html": present.get("html"), "pdf": present.get("pdf")})
    title = f"{config.organization.name}: briefs" if config.organization else "Briefs"
    path = output_path(out_dir, INDEX_NAME)
    d = digest(__version__, title, config.model_dump_json(), json.dumps(entries, sort_keys=True))
    if cache.fresh(INDEX_NAME, path, d):
        return None
    from briefgen.render.html import render_index

    write_atomic(path, render_index(entries, root, title, config).encode("utf-8"))
    cache.record(INDEX_NAME, path, d)
    return path