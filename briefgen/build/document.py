"""One document, rendered: its HTML, each output format asked for (fitted to
the brief's page limit when a paged format is among them), and its
manifest; and the digest of everything those files are made from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from briefgen import __version__
from briefgen.build import manifest
from briefgen.build.cache import digest
from briefgen.compose.cite import CitedBrief
from briefgen.compose.plan import Job
from briefgen.errors import BriefgenError, Problem
from briefgen.paths import BUILTIN_TEMPLATES
from briefgen.render.backend import DEFAULT_FORMATS, Document, Settings, backend, layout_format
from briefgen.source.project import Project

TIME_LIMIT = 120.0  # seconds for one document; a one-pager takes a quarter of a second
MEMORY_LIMIT = 2048  # megabytes for one worker process
DEFAULT_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class Options:
    """How documents are rendered, the same for every document of a build."""

    formats: tuple[str, ...] = DEFAULT_FORMATS
    pdf_variant: str | None = DEFAULT_VARIANT
    fit: bool = True
    time_limit: float | None = TIME_LIMIT
    memory_limit: int | None = MEMORY_LIMIT

    def settings(self, project: Project) -> Settings:
        return Settings(project.root, (project.root, BUILTIN_TEMPLATES), {"pdf": {"variant": self.pdf_variant}},
                        project.config)


@dataclass
class Rendered:
    """What rendering one document gave: its files by name, or the problems that stopped it."""

    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    note: str | None = None  # what fitting did, for the person running the build
    loaded: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # file name -> files read


def _short(url: str) -> str:
    """A URL for a message: a data: URI can be as long as the file it holds."""
    return url if len(url) <= 120 else url[:100] + "…"


def failed(job: Job, why: str, hint: str = "") -> Rendered:
    """A document that could not be rendered."""
    code = "render-limit" if hint else "render-crash"
    return Rendered(problems=[job.brief.problem((), f"{job.kind} '{job.stem}' {why}", code, hint=hint)])


def render_document(job: Job, project: Project, options: Options) -> Rendered:
    """Every output file of one document, fully rendered, and its manifest."""
    from briefgen.render.fit import fit
    from briefgen.render.html import render_html

    rendered = Rendered()
    brief = job.brief
    settings = options.settings(project)
    backends = [backend(name, settings) for name in options.formats]
    # The paged backend fitting lays out with: one asked for, or, for a brief
    # with a page limit to fit, the one a format asked for follows (whose
    # content is then the fitted content, as if that format were built too).
    lays_out = layout_format(options.formats)
    paged = next((b for b in backends if b.name == lays_out), None)
    if paged is None and lays_out is not None and options.fit and brief.max_pages is not None:
        paged = backend(lays_out, settings)

    def html_of(cited: CitedBrief, scale: float) -> str:
        return render_html(cited, project, scale)

    try:
        fitted = None
        if paged is None:
            document = Document(job.cited, html_of(job.cited, 1.0))
        else:
            fitted = fit(job.cited, html_of, paged.lay_out, options.fit)
            document = Document(fitted.cited, fitted.html, fitted.scale)
        # Backends that run a program of their own start it first, and work while the PDF is written.
        started = {b.name: b.start(document) for b in backends if b is not paged and hasattr(b, "start")}
        for b in backends:
            out = fitted.layout.output() if b is paged else started[b.name]() if b.name in started \
                else b.render(document)
            rendered.files[f"{job.stem}{b.suffix}"] = out.data
            rendered.loaded[f"{job.stem}{b.suffix}"] = out.loaded
            what = f"{job.kind} '{job.stem}'"
            rendered.warnings += [brief.problem((), f"{what}: blocked resource {_short(url)} (missing, or not a file "
                                                "inside the workspace)", "blocked-resource", "warning")
                                  for url in dict.fromkeys(out.blocked)]
            rendered.warnings += [brief.problem((), f"{what}: {b.name.upper()}: {m}", f"{b.name}-warning", "warning")
                                  for m in dict.fromkeys(out.messages)]
    except BriefgenError as exc:
        rendered.problems = exc.problems
        rendered.files = {}
        return rendered
    if fitted is not None and fitted.fitted:
        rendered.note = _fit_note(job, fitted)
    rendered.files[f"{job.stem}{manifest.SUFFIX}"] = manifest.manifest(job, document.cited, rendered.files, fitted,
                                                                       [b.name for b in backends if b.paged or
                                                                        getattr(b, "follows", None) == lays_out])
    return rendered


def _fit_note(job: Job, fitted) -> str:
    brief = job.brief
    dropped = ", ".join(fitted.dropped) or "none"
    kept = {s.heading for s in fitted.cited.sections}
    emptied = [s.heading for s in job.cited.sections if s.heading not in kept]
    return (f"fitted {job.stem} to {brief.max_pages} page{'s' if brief.max_pages > 1 else ''}: "
            f"scale {fitted.scale:.0%}, facts left out: {dropped}"
            + (f"; charts left out: {', '.join(fitted.charts_dropped)}" if fitted.charts_dropped else "")
            + (f"; sections left empty and out: {', '.join(emptied)}" if emptied else "")
            + f" ({fitted.layouts} extra layout{'s' if fitted.layouts != 1 else ''})")


class Digests:
    """The digest of everything a document's files are made from: its brief,
    the facts and references it shows, the files of its template, the formats
    asked for, the configuration (with the logo's bytes) and briefgen's
    version.  Each template's files are read once per build."""

    def __init__(self, project: Project, options: Options, earlier: dict | None = None):
        """`earlier`: the `records` of an earlier build's Digests, whose texts
        are taken again for the very same records (not just equal ones)."""
        self.project = project
        config = project.config
        # The limits change whether a document builds, not what it looks like.
        self.options = f"{options.formats}|{options.pdf_variant}|{options.fit}|{config.model_dump_json()}"
        logo = config.organization.logo if config.organization else None
        if logo and (path := project.file(logo)) is not None:
            self.options += "|" + digest(path.read_bytes())
        # Files a backend reads whether or not they exist (a reference document): added, changed or removed.
        for b in (backend(name, options.settings(project)) for name in options.formats):
            for path in getattr(b, "inputs", tuple)():
                self.options += "|" + (digest(path.read_bytes()) if path.is_file() else "-")
        self._templates: dict[str, str] = {}
        self._earlier = earlier or {}
        self.records: dict[tuple, tuple[object, str]] = {}  # (what, id(record)) -> (the record, its text)

    def _record(self, record, exclude: set | None = None) -> str:
        key = (bool(exclude), id(record))
        got = self.records.get(key)
        if got is None:
            got = self._earlier.get(key)
            if got is None or got[0] is not record:
                got = (record, record.model_dump_json(exclude=exclude))
            self.records[key] = got
        return got[1]

    def _template(self, name: str) -> str:
        if name not in self._templates:
            from briefgen.paths import TEMPLATE_SUFFIX
            from briefgen.render.html import template_files

            files = template_files(self.project, name + TEMPLATE_SUFFIX)
            self._templates[name] = digest(*(f"{p.name}\0" for p in files), *(p.read_bytes() for p in files))
        return self._templates[name]

    def _catalogs(self, lang: str) -> str:
        """The message catalogues the page's words come from (the workspace's and briefgen's)."""
        key = "\0lang:" + lang
        if key not in self._templates:
            from briefgen.source.messages import catalog_files

            files = catalog_files(lang, self.project.root)
            self._templates[key] = digest(lang, *(str(p) for p in files), *(p.read_bytes() for p in files))
        return self._templates[key]

    def of(self, job: Job) -> str:
        cited = job.cited
        return digest(
            __version__, self.options, job.stem, self._template(cited.brief.template), self._catalogs(cited.words.lang),
            # A sheet is dated the day it is built; a sheet whose content did
            # not change keeps the date of the day it last changed.
            self._record(cited.brief, {"date"} if job.kind != "brief" else None),
            *(self._record(cf.fact) for s in cited.sections for cf in s.facts),
            *(self._record(e.ref) for e in cited.references),
            *(e.html or "" for e in cited.references),  # as a citation style formatted them
            *(cf.in_text or "" for s in cited.sections for cf in s.facts),
            *((repr(cited.changes),) if cited.changes else ()),  # what a "Changes since" box and marks say
            *(f"stale:{cf.fact.id}:{cf.stale}" for s in cited.sections for cf in s.facts if cf.stale),
        )
