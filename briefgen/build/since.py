"""Marking what changed: for a build asked for the changes since a version
(the request's `changes_since`, or a brief's own), each document's new and
updated facts get a mark and the page a "Changes since" box, which also
lists the facts the document no longer shows.

Each version named is opened and loaded once per build.  A version that
does not check is still compared as far as it loads.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from briefgen.build import manifest
from briefgen.compose.changes import LAST_BUILD, Since, since_last_build
from briefgen.compose.plan import Job
from briefgen.compose.select import Selector
from briefgen.errors import BriefgenError, Problem
from briefgen.paths import SOURCES_DIR
from briefgen.source.check import FactBase
from briefgen.source.load import paused_gc
from briefgen.source.project import Project
from briefgen.source.versions import open_version, version_exists


def mark_changes(planned: list[Job], resident: list[Job], base: FactBase, selector: Selector, project: Project,
                 since: str | None, memo: dict | None = None, previous: dict[str, dict] | None = None,
                 whole: bool = True) -> tuple[list[Job], list[Job], list[Problem]]:
    """The jobs, each with the changes since its version marked (those with
    no version to compare with as they were).  `memo` is the one the
    project's sources were loaded with: files a version shares with them
    are not validated again.  The version "last-build" is each document's
    own last build, as its manifest in the folder (`previous`, by stem) says.
    In a build that is not `whole`, the documents of the folder it does not
    build (`resident`) are marked only as their briefs ask, so that they are
    judged current as they were built.  Also returns a warning for each
    version that does not check."""
    versions: dict[str, Since | None] = {}  # None: the version could not be opened (reported once)
    stored: dict[str, dict[str, dict] | None] = {}  # the manifests of a folder holding no sources, by stem
    problems: list[Problem] = []
    warnings: list[Problem] = []

    def marked(job: Job, since: str | None) -> Job:
        spec = since or (job.brief.changes_since if job.kind == "brief" else None)
        if not spec:
            return job
        if spec == LAST_BUILD:
            return dataclasses.replace(job, cited=since_last_build(job, (previous or {}).get(job.stem), base))
        if spec not in stored:
            stored[spec] = _stored_manifests(spec)
        if stored[spec] is not None:  # a copy of an earlier output folder: its manifests say what each document showed
            label = Path(spec).resolve().name
            return dataclasses.replace(job, cited=since_last_build(job, stored[spec].get(job.stem), base, label))
        if spec not in versions:
            try:
                with paused_gc():
                    version = open_version(project.root, spec, memo)
                    versions[spec] = Since(version, base, selector)
                if version.problems:
                    count = len(version.problems)
                    warnings.append(Problem("", 0, f"changes since '{spec}': that version has {count} problem"
                                            f"{'s' if count > 1 else ''} (first: {version.problems[0]}); its facts "
                                            "were compared as far as they load", "version-problems", "warning"))
            except BriefgenError as exc:
                versions[spec] = None
                message = exc.problems[0].message
                if since:
                    problems.append(Problem("", 0, message, "unknown-version", field="changes_since"))
                else:
                    problems.append(job.brief.problem(("changes_since",), f"brief '{job.brief.id}': changes_since: "
                                                      f"{message}", "unknown-version"))
                return job
        found = versions[spec]
        return job if found is None else dataclasses.replace(job, cited=found.note(job))

    jobs = [marked(job, since) for job in planned], [marked(job, since if whole else None) for job in resident]
    if problems:
        raise BriefgenError(sorted(set(problems)))
    return (*jobs, warnings)


def version_problems(project: Project, briefs) -> list[Problem]:
    """An error at each brief's `changes_since` that names no version: not
    'last-build', a folder, a release or a git revision of the workspace.
    (Cheap: nothing is loaded; a version that exists but does not load is
    the build's to report.)"""
    known: dict[str, bool] = {}
    found = []
    for brief in briefs:
        spec = brief.changes_since
        if not spec or spec == LAST_BUILD:
            continue
        if spec not in known:
            known[spec] = Path(spec).is_dir() or version_exists(project.root, spec)
        if not known[spec]:
            found.append(brief.problem(("changes_since",), f"brief '{brief.id}': changes_since: '{spec}' is not "
                                       "'last-build', a release, a folder or a git revision of this workspace",
                                       "unknown-version"))
    return found


def _stored_manifests(spec: str) -> dict[str, dict] | None:
    """The manifests in the folder `spec`, by stem, if it is a folder of
    manifests (a copy of an earlier output folder) and not a workspace."""
    folder = Path(spec)
    if not folder.is_dir() or (folder / SOURCES_DIR).is_dir():
        return None
    found = {m.stem: m.data for m in manifest.read_all(folder)}
    return found or None
