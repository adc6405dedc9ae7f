"""The pipeline: load → check → select → cite → render → write.

`check_workspace` runs the data stages for every brief, so `briefgen check`
reports everything a build would refuse.  `build` renders each brief fully in
memory and writes its files only once all of them are ready; a brief that
fails (a template error, a page limit) is reported and the others still build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from briefgen.check import Workspace, check
from briefgen.cite import CitedBrief, cite
from briefgen.errors import BriefgenError, Problem
from briefgen.load import SOURCES_DIR, did_you_mean, load
from briefgen.render import BUILTIN_TEMPLATES, render_html, template_names
from briefgen.select import Selector, select
from briefgen.write import output_path, write_atomic

FORMATS = ("html", "pdf")
DEFAULT_OUT = "output"


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def find_root(root: Path) -> Path:
    if not (root / SOURCES_DIR).is_dir():
        raise BriefgenError(f"{root}: not a briefgen workspace (no '{SOURCES_DIR}/' folder); use --root DIR to name one")
    return root


def check_workspace(root: Path) -> tuple[Workspace, dict[str, CitedBrief]]:
    """Load and check the workspace and cite every brief; raise on any problem."""
    workspace = check(load(find_root(root)), template_names(root))
    selector = Selector(workspace)
    cited, problems = {}, []
    for brief in workspace.briefs.values():
        try:
            cited[brief.id] = cite(brief, select(brief, selector), workspace.references)
        except BriefgenError as exc:
            problems += exc.problems
    if problems:
        raise BriefgenError(problems)
    return workspace, cited


def build(root: Path, brief_ids: list[str] | None = None, formats: tuple[str, ...] = FORMATS,
          out_dir: Path | None = None) -> BuildResult:
    """Build the named briefs (all when none are named) into `out_dir`."""
    workspace, cited = check_workspace(root)
    ids = list(brief_ids) if brief_ids else list(workspace.briefs)
    unknown = [i for i in ids if i not in workspace.briefs]
    if unknown:
        raise BriefgenError([
            Problem("", 0, f"no brief with id '{i}'{did_you_mean(i, workspace.briefs)}") for i in unknown
        ])
    out_dir = out_dir if out_dir is not None else root / DEFAULT_OUT
    result = BuildResult()
    for brief_id in dict.fromkeys(ids):
        try:
            files = render_files(cited[brief_id], root, formats, result.warnings)
            for name, data in files.items():
                path = output_path(out_dir, name)
                write_atomic(path, data)
                result.written.append(path)
        except BriefgenError as exc:
            result.failures += exc.problems
    return result


def render_files(cited: CitedBrief, root: Path, formats: tuple[str, ...],
                 warnings: list[Problem] | None = None) -> dict[str, bytes]:
    """Every output file of one brief, by file name, fully rendered.

    What the PDF renderer refused or ignored is added to `warnings`."""
    brief = cited.brief
    html = render_html(cited, root)
    files = {}
    if "html" in formats:
        files[f"{brief.id}.html"] = html.encode("utf-8")
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
        files[f"{brief.id}.pdf"] = pdf.data
    return files
