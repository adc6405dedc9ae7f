"""Versions of a workspace's sources, to compare: a git revision, another
folder, or the working tree; and releases, the named versions.

A version is named as a person would name it: ``HEAD~3``, a branch, a tag
such as ``release-2026-10``, a release's name (``2026-10``, for the tag
``release-2026-10`` or, without git, the stored copy ``releases/2026-10/``),
or the path of another workspace folder.  Its sources are loaded and checked
like any workspace's; a version that does not check is still compared, as
far as it loads, and its problems are reported as that version's
(``HEAD~1:sources/facts.yaml:8: ...``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.errors import BriefgenError, Problem
from briefgen.paths import CONFIG_FILE, SOURCES_DIR
from briefgen.source.check import check
from briefgen.source.diff import Records
from briefgen.source.load import load, paused_gc
from briefgen.source.project import Project
from briefgen.source.tree import FileTree, GitTree

RELEASE_TAG = "release-"  # a release NAME is the git tag release-NAME
RELEASES_DIR = "releases"  # without git, a release is a copy of the sources in releases/NAME/
WORKING_TREE = "the working tree"


@dataclass
class Version:
    """One version of the sources, loaded."""

    name: str  # as the user named it ("HEAD~1", "release-2026-10"), or "the working tree"
    label: str  # for a reader ("Changes since <label>"): a release's name, a commit's date, a folder's name
    project: Project
    prefix: str = ""  # what its paths are shown with: "HEAD~1:" for a revision, "old-copy/" for a folder
    records: Records = field(default_factory=Records)
    problems: list[Problem] = field(default_factory=list)  # paths as this version's: "HEAD~1:sources/..."


def open_version(root: Path, spec: str | None, memo: dict | None = None) -> Version:
    """The version `spec` names of the workspace at `root` (None: the
    working tree), loaded.  Raises BriefgenError when there is no such
    version.  Versions opened with the same `memo` validate the files they
    share once (and share those records)."""
    root = Path(root)
    with paused_gc():
        return _open(root, spec, {} if memo is None else memo)


def _open(root: Path, spec: str | None, memo: dict) -> Version:
    if spec is None:
        return _loaded(Version(WORKING_TREE, "the working tree", Project.open(root)), "", memo)
    folder = Path(spec)
    stored = root / RELEASES_DIR / spec
    if not _is_revision(root, spec):
        if folder.is_dir() or (stored / SOURCES_DIR).is_dir():
            if folder.is_dir():  # another workspace, with its own templates
                if not (folder / SOURCES_DIR).is_dir():
                    raise BriefgenError(Problem(spec, 0, f"not a briefgen workspace (no '{SOURCES_DIR}/' folder), "
                                                "nor a git revision", "not-a-workspace"))
                return _loaded(Version(spec, folder.resolve().name, Project.open(folder)), _prefix(folder), memo)
            # a stored release: its sources, this workspace's templates
            project = Project.open(root, FileTree(stored))
            return _loaded(Version(spec, spec, project), f"{RELEASES_DIR}/{spec}/", memo)
        if _is_revision(root, RELEASE_TAG + spec):
            spec = RELEASE_TAG + spec
    if _git(root, "rev-parse", "--git-dir") is None:
        raise BriefgenError(Problem("", 0, f"'{spec}' is not a folder or a release, and the workspace is not in a git "
                                    "repository, so it cannot be a git revision", "unknown-version"))
    tree = GitTree(root, spec)  # no such revision: its own message
    if not tree.files():
        raise BriefgenError(Problem("", 0, f"'{spec}' has no source files (nothing under {SOURCES_DIR}/ at that "
                                    "revision)", "not-a-workspace"))
    return _loaded(Version(spec, _revision_label(root, spec), Project.open(root, tree)), spec + ":", memo)


def version_exists(root: Path, spec: str) -> bool:
    """Whether `spec` names a stored release or a git revision (or release tag) of the workspace at `root`."""
    return (Path(root) / RELEASES_DIR / spec / SOURCES_DIR).is_dir() or _is_revision(root, spec) \
        or _is_revision(root, RELEASE_TAG + spec)


def _prefix(folder: Path) -> str:
    text = folder.as_posix().rstrip("/")
    return text + "/"


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _is_revision(root: Path, spec: str) -> bool:
    return bool(spec) and not spec.startswith("-") and _git(root, "rev-parse", "--verify", "--quiet",
                                                             f"{spec}^{{commit}}") is not None


def _revision_label(root: Path, spec: str) -> str:
    """A tag by its name (a release by its own name), any other revision by its commit's date."""
    if _git(root, "rev-parse", "--verify", "--quiet", f"refs/tags/{spec}") is not None:
        return spec[len(RELEASE_TAG):] if spec.startswith(RELEASE_TAG) and len(spec) > len(RELEASE_TAG) else spec
    stamp = _git(root, "log", "-1", "--format=%cs", spec)
    try:
        return dt.date.fromisoformat(stamp or "").isoformat()
    except ValueError:
        return spec


def _loaded(version: Version, prefix: str, memo: dict) -> Version:
    """The version's records (first by file order for an id used twice) and its problems, named as its own."""
    version.prefix = prefix
    sources = load(version.project, memo)
    records = version.records
    records.invalid, records.name = set(sources.invalid_ids), version.name
    for kind in ("facts", "references", "briefs"):
        found = getattr(records, kind)
        for record in getattr(sources, kind):
            found.setdefault(record.id, record)
    try:
        check(sources, version.project)
    except BriefgenError as exc:
        version.problems = [dataclasses.replace(p, path=prefix + p.path) if p.path else p for p in exc.problems]
    return version


# -- releases ---------------------------------------------------------------

def release(root: Path, name: str) -> str:
    """Record the workspace's sources as the release `name`: in a git
    repository, the tag release-NAME on the current commit (refused while
    the sources have changes not committed); elsewhere, a copy of sources/
    (and briefgen.yaml) in releases/NAME/.  Returns what was made, in words."""
    from briefgen.source.fields import SLUG_RE

    root = Path(root)
    if not SLUG_RE.fullmatch(name):
        raise BriefgenError(Problem("", 0, f"'{name}' is not a release name: use lowercase letters, digits and "
                                    "hyphens (2026-10, v3)", "bad-value", field="name"))
    Project.open(root)  # a workspace, or its own message
    if _git(root, "rev-parse", "--is-inside-work-tree") == "true":
        tag = RELEASE_TAG + name
        if _is_revision(root, tag):
            raise BriefgenError(Problem("", 0, f"release '{name}' exists already (git tag {tag})", "bad-value",
                                        field="name"))
        if _git(root, "rev-parse", "--verify", "--quiet", "HEAD") is None:
            raise BriefgenError("a release needs a commit to tag: commit the sources first")
        dirty = _git(root, "status", "--porcelain", "--", SOURCES_DIR, CONFIG_FILE)
        if dirty:
            raise BriefgenError(f"the sources have changes not committed ({dirty.splitlines()[0].split(maxsplit=1)[-1]}...): "
                                "commit them first, so that the release is what was built")
        if _git(root, "tag", "-a", tag, "-m", f"briefgen release {name}") is None:
            raise BriefgenError(f"git could not make the tag {tag}")
        return f"tagged {tag} at {_git(root, 'rev-parse', '--short', 'HEAD')}"
    target = root / RELEASES_DIR / name
    if target.exists():
        raise BriefgenError(Problem("", 0, f"release '{name}' exists already ({RELEASES_DIR}/{name}/)", "bad-value",
                                    field="name"))
    staging = target.with_name(f".{name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(root / SOURCES_DIR, staging / SOURCES_DIR)
    if (root / CONFIG_FILE).is_file():
        shutil.copy2(root / CONFIG_FILE, staging / CONFIG_FILE)
    staging.rename(target)
    return f"stored the sources as {RELEASES_DIR}/{name}/"
