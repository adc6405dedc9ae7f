"""Citation styles for a build: which style each document takes, a check
that every style named can be used, and the formatting of the reference set
once per style (and language), shared by every document in it.

The style of a document is the one the build asks for, else its brief's
own, else briefgen.yaml's, else briefgen's numbered style.  A problem with a
style the build asked for carries the field "style" and no file.
"""

from __future__ import annotations

import dataclasses
import threading

from briefgen.compose.cite import styled
from briefgen.compose.plan import Job
from briefgen.compose.citeproc import Formatted, format_references
from briefgen.compose.style import DEFAULT, resolve
from briefgen.errors import BriefgenError, Problem
from briefgen.source.check import FactBase
from briefgen.source.load import Sources
from briefgen.source.model import Brief, Config
from briefgen.source.project import Project


def style_of(brief: Brief, option: str | None, config: Config) -> tuple[str, str]:
    """The citation style and language of a brief."""
    return option or brief.style or config.style or DEFAULT, brief.lang or config.lang


def check_option(name: str | None, project: Project) -> None:
    """The style a build asks for must be one briefgen can use."""
    if name is None:
        return
    try:
        resolve(name, project.root)
    except ValueError as exc:
        raise BriefgenError(Problem("", 0, str(exc), "unknown-style", field="style")) from None


def style_problems(project: Project, briefs) -> list[Problem]:
    """The styles briefgen.yaml and the briefs name must be ones briefgen can use."""
    problems = []
    for record in (project.config, *briefs):
        if record.style is None:
            continue
        try:
            resolve(record.style, project.root)
        except ValueError as exc:
            message = f"brief '{record.id}': {exc}" if isinstance(record, Brief) else str(exc)
            problems.append(record.problem(("style",), message, "unknown-style"))
    return problems


class EarlyStyles:
    """Format the reference set in the styles a build will use while the
    workspace is still being checked (pandoc works on another core): the
    result lands in the style cache, where `apply_styles` finds it.
    Whatever goes wrong here is only lost time: `apply_styles` does the work
    again and reports any problem."""

    def __init__(self, project: Project, option: str | None, workers: int):
        self.project, self.option, self.workers = project, option, workers
        self.threads: list[threading.Thread] = []

    def start(self, sources: Sources) -> None:
        config = self.project.config
        wanted = {style_of(b, self.option, config) for b in sources.briefs}
        wanted.add((self.option or config.style or DEFAULT, config.lang))  # sheets, which have no style of their own
        for name, lang in sorted(wanted - {(DEFAULT, lang) for _, lang in wanted}):
            thread = threading.Thread(target=self._format, args=(name, lang, sources.references), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _format(self, name: str, lang: str, references: list) -> None:
        try:
            chosen = resolve(name, self.project.root)
            if chosen is not None:
                format_references(chosen, references, set(), lang, self.workers)
        except Exception:  # noqa: BLE001 - only an early start: the build does it again and reports
            pass

    def wait(self) -> None:
        for thread in self.threads:
            thread.join()


def apply_styles(jobs: list[Job], base: FactBase, project: Project, option: str | None,
                 workers: int = 1, notes: bool = False) -> list[Job]:
    """Each job with its citation style applied.  The whole reference set is
    formatted once per style (and language) and shared.  With `notes`, a
    note style's citations are formatted too, each as its footnote reads."""
    config = project.config
    shared: dict[tuple[str, str], Formatted] = {}
    wanted: dict[tuple[str, str], list[Job]] = {}
    for job in jobs:
        key = style_of(job.brief, option, config)
        if key[0] != DEFAULT:
            wanted.setdefault(key, []).append(job)
    for (name, lang), group in wanted.items():
        chosen = resolve(name, project.root)  # checked already
        citations = {(m.ref_id, m.locator) for job in group for s in job.cited.sections for cf in s.facts
                     for m in cf.markers} if not chosen.numbered or (notes and chosen.kind == "note") else set()
        try:
            shared[(name, lang)] = format_references(chosen, list(base.references.values()), citations,
                                                     lang, workers)
        except BriefgenError as exc:  # a style file pandoc refuses: said where the style was chosen
            named_by = None if option else next((j.brief for j in group if j.brief.style), config)
            if named_by is None:
                raise BriefgenError([dataclasses.replace(p, path="", line=0, field="style")
                                     for p in exc.problems]) from None
            path, line = named_by.at("style")
            raise BriefgenError([dataclasses.replace(p, path=path, line=line, field=named_by.field_path("style"))
                                 for p in exc.problems]) from None
    styled_jobs = {id(job): dataclasses.replace(job, cited=styled(job.cited, shared[key]))
                   for key, group in wanted.items() for job in group}
    return [styled_jobs.get(id(job), job) for job in jobs]
