"""The documents already in an output folder that a build was not asked for.

An output folder must tell the truth: every document in it is current, or
its index entry says why not.  So a build looks at each document the
folder's manifests name and did not plan itself: a brief still in the
sources, a tag sheet whose tag still has facts, an ad-hoc sheet (whose
manifest records the expression, title and template it was asked for).
Each is planned again, so that a whole build can bring it up to date and a
partial one can say whether it still is.
"""

from __future__ import annotations

import datetime as dt

from briefgen.build.folder import OutputFolder
from briefgen.compose.cite import CitedBrief
from briefgen.compose.edition import cite_edition, editions
from briefgen.compose.plan import TAGS_DIR, Job, SheetRequest, ad_hoc_sheet, sheet_tags, tag_sheet
from briefgen.compose.select import Selector
from briefgen.errors import BriefgenError
from briefgen.source.check import FactBase
from briefgen.source.project import Project


def resident_jobs(folder: OutputFolder, planned: list[Job], base: FactBase, cited: dict[str, CitedBrief],
                  selector: Selector, project: Project, today: dt.date) -> tuple[list[Job], dict[str, str]]:
    """The jobs that would make again the documents in `folder` that are not
    `planned`, and, by stem, why some of them cannot be made again."""
    stems = {job.stem for job in planned}
    tags = set(sheet_tags(base))
    known = base.labels | {t for b in base.briefs.values() for t in b.tags}
    jobs: list[Job] = []
    unplannable: dict[str, str] = {}
    for stem, data in sorted(folder.documents.items()):
        if stem in stems:
            continue
        kind, ident = data["kind"], data["id"]
        if kind == "brief" and stem == ident and ident in cited:
            jobs.append(Job(f"brief:{ident}", "brief", ident, cited[ident]))
        elif (kind == "brief" and ident in cited and stem == f"{ident}.{data.get('lang')}"
              and data.get("lang") in editions(base.briefs[ident], project.config)[1:]):
            jobs.append(Job(f"brief:{stem}", "brief", stem,
                            cite_edition(base.briefs[ident], data["lang"], selector, str(project.root))))
        elif kind == "tag sheet" and stem == f"{TAGS_DIR}/{ident}" and ident in tags:
            jobs.append(tag_sheet(ident, selector, project.templates, today))
        elif kind == "fact sheet":
            asked = data.get("sheet")
            if not isinstance(asked, dict) or not isinstance(asked.get("expression"), str):
                unplannable[stem] = "made by an earlier briefgen that did not record what it was asked for"
                continue
            try:
                job = ad_hoc_sheet(SheetRequest(asked["expression"], asked.get("title") or None,
                                                asked.get("template") or "fact-sheet"),
                                   base, selector, project.templates, known, today)
            except BriefgenError as exc:
                unplannable[stem] = f"cannot be made again: {exc.problems[0].message}"
                continue
            if job.stem == stem:
                jobs.append(job)
    return jobs, unplannable
