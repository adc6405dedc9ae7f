"""The pipeline: load → check → select → cite → render → write.

`check_project` runs the data stages for every brief, so that `check`
reports everything a build would refuse.  `build` reads top to bottom:
check, plan, style, render every document that is out of date, and only
then write, remove what a release may not hold, prune and index.  Nothing
in the output folder is written or deleted before every document of the
build has rendered; a document that fails (a template error, a page limit)
is reported, its old files stay as they were, and the others still build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from briefgen.build.document import MEMORY_LIMIT, TIME_LIMIT, Digests, Options, failed, render_document
from briefgen.compose.cite import CitedBrief, aged, cite
from briefgen.compose.edition import own_language
from briefgen.compose.plan import Job, SheetRequest, plan
from briefgen.compose.translated import edition_problems, translation_problems
from briefgen.compose.select import Selector, select
from briefgen.compose.styling import EarlyStyles, apply_styles, check_option, style_problems
from briefgen.errors import BriefgenError, Problem
from briefgen.paths import OUTPUT_DIR, RELEASE_DIR
from briefgen.render.backend import DEFAULT_FORMATS, FORMATS, backend, layout_format, writes_notes
from briefgen.source.check import FactBase, check
from briefgen.source.load import Sources, load, paused_gc
from briefgen.source.messages import Words
from briefgen.source.project import Project
from briefgen.source.review import review, stale_facts

if TYPE_CHECKING:  # what only a build needs is imported when it runs: `check` starts sooner
    from briefgen.build import runner
    from briefgen.build.folder import OutputFolder, Remembered


class Checked(NamedTuple):
    base: FactBase
    cited: dict[str, CitedBrief]  # every brief, cited
    warnings: list[Problem]  # what is not wrong but should be looked at
    selector: Selector
    stale: dict[str, str]  # why each stale fact is stale, by fact id


def check_project(project: Project, today: dt.date | None = None, strict: bool = False,
                  loaded: Callable[[Sources], None] | None = None, memo: dict | None = None) -> Checked:
    """Load and check the project and cite every brief; raise on any error
    (and, when `strict`, on any warning).  `today` dates the staleness checks;
    `loaded`, when given, is told the sources as soon as they are read."""
    with paused_gc():  # the records made here live as long as the build: nothing to collect
        sources = load(project, memo)
        if loaded is not None:
            loaded(sources)
        try:
            base = check(sources, project)
        except BriefgenError as exc:  # the styles named are checked in the same run
            raise BriefgenError(sorted(set(exc.problems + style_problems(project, sources.briefs)))) from None
        problems = style_problems(project, base.briefs.values())
        if any(b.changes_since for b in base.briefs.values()):
            from briefgen.build.since import version_problems  # only then: git and the versions are not imported

            problems += version_problems(project, base.briefs.values())
        if problems:
            raise BriefgenError(sorted(problems))  # as check's own: before the trust checks and their warnings
        selector = Selector(base)
        cited, problems = {}, []
        if project.own_templates is not None:
            from briefgen.render.html import template_problems

            problems += template_problems(project)
        stale = stale_facts(base, project, today or dt.date.today())
        found = review(base, project, today or dt.date.today(), stale)
        warnings = sources.warnings + [p for p in found if p.severity == "warning"]
        problems += [p for p in found if p.severity == "error"]
        kept = project.remembered.derived if project.remembered is not None else None
        before = kept.setdefault("cited", {}) if kept is not None else None
        now: dict[str, tuple] = {}
        entries = kept.setdefault("entries", {}) if kept is not None else None
        if entries is not None and len(entries) > 100_000:
            entries.clear()  # by (number, reference id): bounded, but ids come and go
        for brief in base.briefs.values():
            try:
                words = Words(own_language(brief, project.config), str(project.root))
                cited[brief.id] = _cite(brief, select(brief, selector), base.references, before, now, entries, words)
            except BriefgenError as exc:
                problems += exc.problems
        if kept is not None:
            kept["cited"] = now
        found = translation_problems(base, cited, project.config, project.root)
        warnings += [p for p in found if p.severity == "warning"]
        problems += [p for p in found if p.severity == "error"]
    if strict and warnings:
        problems += [dataclasses.replace(w, severity="error") for w in warnings]
        warnings = []
    if problems:
        raise BriefgenError(sorted(problems + warnings))
    return Checked(base, cited, warnings, selector, stale)


def _cite(brief, selected, references, before: dict | None, now: dict, entries: dict | None, words) -> CitedBrief:
    """cite(), or what it gave last time (`before`, by brief id) when the
    brief, the facts each section selects and the references they cite are
    the very same records as then (a long-lived process keeps a file's
    records while it does not change); what is cited now goes into `now`."""
    if before is None:
        return cite(brief, selected, references, words, entries)
    old = before.get(brief.id)
    if old is not None and old[0] is brief and old[2].words == words and len(old[1]) == len(selected) \
            and all(a.heading == b.heading and len(a.facts) == len(b.facts)
                    and all(f is g for f, g in zip(a.facts, b.facts)) for a, b in zip(old[1], selected)) \
            and all(references.get(e.ref.id) is e.ref for e in old[2].references):
        cited = old[2]
    else:
        cited = cite(brief, selected, references, words, entries)
    now[brief.id] = (brief, selected, cited)
    return cited


def build_date() -> dt.date:
    """The date sheets carry: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise BriefgenError(f"SOURCE_DATE_EPOCH is '{epoch}'; it must be a number of seconds") from None
    return dt.date.today()


@dataclass(frozen=True)
class BuildRequest:
    """What to build and how.  Every setting left at None takes the library's
    default (or the workspace's, where briefgen.yaml has one)."""

    briefs: tuple[str, ...] | None = None  # None: every brief, unless `tag` is given
    tag: str | None = None  # the briefs whose own tags match this expression, besides `briefs`
    per_tag: bool = False  # one fact sheet per fact tag
    sheets: tuple[SheetRequest, ...] = ()  # ad-hoc fact sheets
    formats: tuple[str, ...] | None = None  # default: html and pdf
    out_dir: Path | None = None  # default: the workspace's output/
    jobs: int | None = None  # PDF worker processes; default 1
    force: bool = False  # render even what is up to date
    release: bool = False  # refuse documents that would show a draft or stale fact
    style: str | None = None  # the citation style of every document
    today: dt.date | None = None  # the day staleness is judged on
    fit: bool | None = None  # fit briefs to max_pages (default yes)
    pdf_variant: str | None = None
    time_limit: float | None = None
    memory_limit: int | None = None
    changes_since: str | None = None  # mark what changed since this version (a git revision, a release)
    langs: tuple[str, ...] | None = None  # only these language editions of the briefs (default: every one)

    def options(self) -> Options:
        formats = self.formats or DEFAULT_FORMATS
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise BriefgenError(Problem("", 0, f"unknown format '{unknown[0]}' (one of: {', '.join(FORMATS)})",
                                        "bad-value", field="formats"))
        return Options(tuple(f for f in FORMATS if f in formats), self.pdf_variant or Options.pdf_variant,
                       self.fit is not False, self.time_limit or TIME_LIMIT, self.memory_limit or MEMORY_LIMIT)


@dataclass
class BuildResult:
    built: list[str] = field(default_factory=list)  # document keys rendered this time
    unchanged: list[str] = field(default_factory=list)  # document keys whose files were up to date
    written: list[Path] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # fitting, and files removed
    seconds: float = 0.0
    # For a caller that shows the folder (a preview): what the check found,
    # each document's stem by key, the folder's manifests by stem after the
    # build, and why each document in it that is not current is not.
    checked: Checked | None = None
    stems: dict[str, str] = field(default_factory=dict)
    documents: dict[str, dict] = field(default_factory=dict)
    out_of_date: dict[str, str] = field(default_factory=dict)


def build(project: Project, request: BuildRequest = BuildRequest(),
          progress: Callable[[int], Callable[[Job], None] | None] | None = None,
          workers: runner.Workers | None = None, remembered: Remembered | None = None,
          checked: Checked | None = None) -> BuildResult:
    """Build what `request` asks for.  `progress(n)`, when given, is told the
    number of documents to render and may return a function called once per
    rendered document.  `workers`, when given, are worker processes kept
    between builds: paged documents render there (`request.jobs` is then
    theirs to say); `remembered` keeps the output folder's state from one
    build to the next in this process; `checked`, what an earlier build of
    the same project found (`BuildResult.checked`), spares checking again."""
    from briefgen.build.folder import OutputFolder
    from briefgen.build.resident import resident_jobs
    from briefgen.build.since import mark_changes

    started = time.perf_counter()
    options = request.options()
    today = request.today or dt.date.today()
    check_option(request.style, project)

    # 1. Check, while pandoc formats the references in the styles the build will use.
    early = EarlyStyles(project, request.style, request.jobs or 1)
    memo: dict = {}  # what each source file held: an earlier version compared with shares what is unchanged
    try:
        checked = checked or check_project(project, today, loaded=early.start, memo=memo)
    finally:
        early.wait()
    base, cited, warnings, selector, stale = checked

    # 2. Plan the documents (and the others already in the output folder) and style their citations.
    planned = plan(base, cited, brief_ids=list(request.briefs) if request.briefs is not None else None,
                   tag=request.tag, per_tag=request.per_tag, sheets=request.sheets, templates=project.templates,
                   today=build_date(), selector=selector, config=project.config, langs=request.langs,
                   root=str(project.root))
    folder = OutputFolder(project, *_out_dir(project, request), remembered)
    resident, unplannable = resident_jobs(folder, planned, base, cited, selector, project, build_date())
    styled = apply_styles(planned + resident, base, project, request.style, request.jobs or 1,
                          notes=writes_notes(options.formats))
    planned, resident = styled[:len(planned)], styled[len(planned):]
    # A whole build (every brief, every language) keeps the folder current.
    whole = request.briefs is None and request.tag is None and request.langs is None
    planned, resident, since_warnings = mark_changes(planned, resident, base, selector, project,
                                                     request.changes_since, memo, folder.documents, whole)
    if stale:  # a stale fact is marked where it shows (beside its claim, under its chart)
        planned = [dataclasses.replace(j, cited=aged(j.cited, stale)) for j in planned]
        resident = [dataclasses.replace(j, cited=aged(j.cited, stale)) for j in resident]
    result = BuildResult(warnings=[*warnings, *since_warnings], checked=checked,
                         stems={job.key: job.stem for job in planned + resident})
    if (problem := folder.cache_problem()) is not None:
        result.warnings.append(problem)
    refused = [job for job in planned + resident
               if request.release and _refused_for_release(job, stale, result, job in planned, base, project.config)]
    folder.out_of_date.update(unplannable)
    # A whole build keeps every document in the folder current; a partial one
    # only says which of the others are not.
    jobs = [job for job in (planned + resident if whole else planned) if job not in refused]
    _mark_out_of_date([job for job in resident if not whole and job not in refused], folder, project, options)

    # 3. Render what is out of date.
    digests = Digests(project, options, remembered.records if remembered is not None else None)
    todo = []
    for job in jobs:
        d = digests.of(job)
        if not request.force and folder.fresh(job, options.formats, d):
            result.unchanged.append(job.key)
        else:
            todo.append((job, d))
    tick = progress(len(todo)) if progress and todo else None
    rendered = []
    renders = _render_all([j for j, _ in todo], project, options, request.jobs or 1, workers)
    for (job, d), done in zip(todo, renders, strict=True):
        rendered.append((job, d, done))
        if tick:
            tick(job)

    # 4. Only now: write, remove, prune, index.
    for job, d, done in rendered:
        result.warnings += done.warnings
        if done.note:
            result.notes.append(done.note)
        try:
            if done.problems:
                raise BriefgenError(done.problems)
            folder.write(job.stem, done, d)
            result.built.append(job.key)
        except BriefgenError as exc:
            result.failures += exc.problems
            result.failed.append(job.key)
            folder.out_of_date[job.stem] = f"the last build failed: {exc.problems[0].message}"
    try:
        for job in refused:  # a release folder holds only what may be released
            folder.remove_document(job.stem, "not releasable")
        for stem in folder.release_leftovers() if request.release else ():
            folder.remove_document(stem, "not releasable")
        folder.prune(base)
        folder.sweep(jobs + refused)
        folder.write_index()
        folder.save()
        if remembered is not None:
            remembered.keep(folder)
            remembered.records = digests.records
    except BriefgenError as exc:
        result.failures += exc.problems
    result.written = folder.written
    result.documents, result.out_of_date = dict(folder.documents), dict(folder.out_of_date)
    result.notes += folder.notes
    if stale_ones := sorted(s for s, why in folder.out_of_date.items() if not why.startswith("the last build failed")):
        result.notes.append(f"{len(stale_ones)} other document{'s' if len(stale_ones) != 1 else ''} in the output "
                            f"folder {'is' if len(stale_ones) == 1 else 'are'} out of date (marked in its index): "
                            + ", ".join(stale_ones))
    result.seconds = time.perf_counter() - started
    return result


def _render_all(jobs: list[Job], project: Project, options: Options, workers: int, kept: runner.Workers | None):
    """A Rendered for each job, in job order.  Documents with no paged
    format render in this process, under the time limit; paged ones in worker
    processes, which also carry the memory limit."""
    from briefgen.build import runner

    lays_out = layout_format(options.formats)
    # A format that only follows a paged one's fitting needs its layouts for briefs with a page limit only.
    laid_out = lays_out in options.formats or (options.fit and any(j.brief.max_pages for j in jobs))
    paged = [lays_out] if lays_out and laid_out else []

    def prepare() -> None:
        for name in paged:
            b = backend(name, options.settings(project))
            if hasattr(b, "prepare"):
                b.prepare()

    limits = runner.Limits(options.time_limit, options.memory_limit)
    work = functools.partial(render_document, project=project, options=options)
    yield from runner.run(jobs, work, failed, limits=limits, workers=workers, processes=bool(paged),
                          prepare=prepare, kept=kept)


def _out_dir(project: Project, request: BuildRequest) -> tuple[Path, bool]:
    """The output folder, and whether it is the workspace's own: output/, or
    output/release/ for a release build, so that a release never touches the
    working drafts.  A folder named by the request may be shared with others."""
    own = project.root / OUTPUT_DIR
    if request.release:
        own = own / RELEASE_DIR
    if request.out_dir is None:
        return own, True
    out = Path(request.out_dir)
    if not str(request.out_dir) or out.resolve() == project.root.resolve():
        raise BriefgenError(Problem("", 0, "the output folder cannot be the workspace itself: name a folder of "
                                    "its own", "bad-output", field="out_dir"))
    return out, out.resolve() == own.resolve()


def _mark_out_of_date(jobs: list[Job], folder: OutputFolder, project: Project, options: Options) -> None:
    """Note which documents of the folder, not built now, are no longer current."""
    by_formats: dict[tuple[str, ...], Digests] = {}
    for job in jobs:
        formats = tuple(f for f in FORMATS if f in folder.documents[job.stem].get("files", {}))
        if formats not in by_formats:
            by_formats[formats] = Digests(project, dataclasses.replace(options, formats=formats))
        if not folder.fresh(job, formats, by_formats[formats].of(job)):
            folder.out_of_date[job.stem] = "its sources or template changed since it was built"


def _refused_for_release(job: Job, stale: dict[str, str], result: BuildResult, asked: bool = True,
                         base: FactBase | None = None, config=None) -> bool:
    """For a release build, whether the job would show a draft or stale fact;
    for a job the build was asked for, each such fact is reported."""
    problems = edition_problems(job.cited, base, config, "error") if base is not None else []
    for fact in (cf.fact for s in job.cited.sections for cf in s.facts):
        reason = stale.get(fact.id)
        why = "a draft" if fact.status == "draft" else (f"stale ({reason})" if reason else None)
        if why:
            problems.append(fact.problem((), f"release: {job.kind} '{job.stem}' would show fact '{fact.id}', "
                                         f"which is {why}", "not-releasable"))
    if problems and asked:
        result.failures += problems
        result.failed.append(job.key)
    return bool(problems)
