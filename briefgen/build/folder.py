"""The output folder of a build: what is up to date in it, and, once every
document has rendered, the writing, pruning and indexing of it.

The folder is read once per build: its cache (what each file was made from)
and its manifests (which documents it holds).  Every delete goes through
`output.remove`, which touches only files inside the folder.
"""

from __future__ import annotations

import json
from pathlib import Path

from briefgen import __version__
from briefgen.build import manifest
from briefgen.build.cache import CACHE_NAME, Cache, digest
from briefgen.build.document import Rendered
from briefgen.build.output import output_path, remove, sweep, write_atomic
from briefgen.compose.edition import editions
from briefgen.compose.plan import TAGS_DIR, Job, sheet_tags
from briefgen.errors import Problem
from briefgen.render.backend import FORMATS
from briefgen.source.check import FactBase
from briefgen.source.messages import Words
from briefgen.source.project import Project

INDEX_NAME = "index.html"
_KEY_PREFIX = {"brief": "brief", "tag sheet": "tag", "fact sheet": "sheet"}


def file_names(stem: str, formats=FORMATS) -> list[str]:
    """The files a document may have in the folder, its manifest last."""
    return [*(f"{stem}.{fmt}" for fmt in formats), f"{stem}{manifest.SUFFIX}"]


class Remembered:
    """What a process that builds the same folders again and again (a
    preview server) keeps of each between builds: its cache and manifests as
    the last build left them, read again only when the folder's cache file
    is no longer the one that build wrote."""

    def __init__(self) -> None:
        self._kept: dict[Path, tuple[tuple | None, Cache, dict]] = {}
        self.records: dict = {}  # each record's text for the digests, as the last build made it (Digests)

    def take(self, path: Path) -> tuple[Cache, dict] | None:
        kept = self._kept.pop(path.resolve(), None)
        if kept is None or kept[0] is None or kept[0] != _stamp(kept[1].path):
            return None
        return kept[1], kept[2]

    def keep(self, folder: OutputFolder) -> None:
        folder.cache.changed = False
        self._kept[folder.path.resolve()] = (_stamp(folder.cache.path), folder.cache, folder.documents)


def _stamp(path: Path) -> tuple | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


class OutputFolder:
    def __init__(self, project: Project, path: Path, own: bool, remembered: Remembered | None = None):
        self.project, self.path = project, path
        self.workspace = str(project.root.resolve())  # whose files these are, in a folder others may share
        self.own = own  # the workspace's own output/ (a folder named by the build may be shared)
        kept = remembered.take(path) if remembered is not None else None
        self.cache = kept[0] if kept else Cache.open(path)
        # With a cache that was there and readable, the folder knows which
        # documents this workspace's builds wrote: the index lists only those.
        self.cache_known = self.cache.path.is_file() and not self.cache.problem
        # The documents in the folder, by stem, as their manifests say: read
        # once, and kept up to date as documents are written and removed.
        self.documents = kept[1] if kept else {found.stem: found.data for found in manifest.read_all(path)}
        self.notes: list[str] = []
        self.written: list[Path] = []
        self.out_of_date: dict[str, str] = {}  # stem -> why the document in the folder is not current

    def fresh(self, job: Job, formats: tuple[str, ...], d: str) -> bool:
        return all(self.cache.fresh(n, self.path / n, d) for n in file_names(job.stem, formats))

    def write(self, stem: str, rendered: Rendered, d: str) -> None:
        """Write one document's files, the manifest last (it vouches for the
        rest), and remove its files in formats this build did not make: they
        were made from other inputs (an HTML-only build does not fit)."""
        for name in file_names(stem):
            if name not in rendered.files and remove(self.path, name):
                self.cache.forget(name)
                made = ", ".join(n.rsplit(".", 1)[-1] for n in rendered.files if not n.endswith(manifest.SUFFIX))
                self.notes.append(f"removed {self.project.shown(self.path / name)} (out of date: this build made "
                                  f"only {made}; a build in every format makes it again)")
        self.out_of_date.pop(stem, None)
        for name, data in rendered.files.items():
            path = output_path(self.path, name)
            write_atomic(path, data)
            self.cache.record(name, path, d, self.workspace, rendered.loaded.get(name, ()))
            self.written.append(path)
            if name.endswith(manifest.SUFFIX):
                self.documents[name[: -len(manifest.SUFFIX)]] = json.loads(data)

    def remove_document(self, stem: str, why: str) -> None:
        self.documents.pop(stem, None)
        for name in file_names(stem):
            if remove(self.path, name):
                self.cache.forget(name)
                self.notes.append(f"removed {self.project.shown(self.path / name)} ({why})")

    def prune(self, base: FactBase) -> None:
        """Remove the files of a brief that is no longer in the sources (deleted
        or renamed) and of a tag sheet whose tag no fact has any more, found by
        their manifests: an old PDF must not stay in the index as if current.
        Ad-hoc sheets stay: they were asked for by hand.  Only the workspace's
        own output folder is pruned."""
        if not self.own:
            return
        for stem, data in list(self.documents.items()):
            if not self.cache.written_by(f"{stem}{manifest.SUFFIX}", self.workspace):
                continue  # another workspace's document (the folder is shared), or one the cache forgot
            kind, ident = data["kind"], data["id"]
            if kind == "brief" and stem == ident and ident not in base.briefs:
                self.remove_document(stem, f"brief '{ident}' is no longer in the sources")
            elif kind == "brief" and stem == f"{ident}.{data.get('lang')}" and (
                    ident not in base.briefs or data.get("lang") not in editions(base.briefs[ident], self.project.config)):
                self.remove_document(stem, f"brief '{ident}' has no {data.get('lang')} edition any more")
            elif kind == "tag sheet" and stem == f"{TAGS_DIR}/{ident}" and ident not in sheet_tags(base):
                self.remove_document(stem, f"no fact has the tag '{ident}' any more")

    def sweep(self, jobs: list[Job]) -> None:
        """Remove what a killed build left half-written beside this build's files."""
        names = {n for job in jobs for n in file_names(job.stem)} | {INDEX_NAME, CACHE_NAME}
        sweep(self.path, names)

    def write_index(self) -> None:
        """Bring index.html up to date with the documents in the folder that
        this workspace's builds wrote, found by their manifests (after a lost
        cache, every document with a manifest)."""
        entries = []
        for stem, data in sorted(self.documents.items()):
            if self.cache_known and not self.cache.written_by(f"{stem}{manifest.SUFFIX}", self.workspace):
                continue  # not written by this workspace: another's in a shared folder, or planted
            present = {fmt: f"{stem}.{fmt}" for fmt in FORMATS
                       if fmt in data["files"] and (self.path / f"{stem}.{fmt}").is_file()}
            if not present:
                continue
            try:
                tags = [str(t) for t in data.get("tags", [])]
            except TypeError:
                continue
            entries.append({"key": f"{_KEY_PREFIX.get(data['kind'], 'brief')}:{stem.rsplit('/', 1)[-1]}",
                            "id": str(data["id"]), "lang": str(data.get("lang") or ""), "edition": stem != data["id"]
                            and stem == f"{data['id']}.{data.get('lang')}",
                            "kind": data["kind"], "title": str(data["title"]), "date": str(data["date"]),
                            "tags": tags, "draft": data.get("draft") is True,
                            "dropped": [str(d) for d in data.get("dropped") or []],
                            "charts_dropped": [str(d) for d in data.get("charts_dropped") or []],
                            "out_of_date": self.out_of_date.get(stem),
                            "files": [[fmt.upper(), name] for fmt, name in present.items()]})
        config = self.project.config
        words = Words(config.lang, str(self.project.root))
        title = (words("%(organization)s: briefs", organization=config.organization.name) if config.organization
                 else words.gettext("Briefs"))
        entries = editions_grouped(entries)
        path = output_path(self.path, INDEX_NAME)
        d = digest(__version__, title, config.model_dump_json(), json.dumps(entries, sort_keys=True))
        if self.cache.fresh(INDEX_NAME, path, d):
            return
        from briefgen.render.html import render_index

        write_atomic(path, render_index(entries, self.project, title).encode("utf-8"))
        self.cache.record(INDEX_NAME, path, d, self.workspace)
        self.written.append(path)

    def release_leftovers(self) -> list[str]:
        """Documents marked as drafts in a folder that should hold a release."""
        return [stem for stem, data in self.documents.items() if data.get("draft") is not False]

    def cache_problem(self) -> Problem | None:
        if not self.cache.problem:
            return None
        return Problem(self.project.shown(self.cache.path), 0, f"build cache {self.cache.problem}; "
                       "rebuilding everything", "cache-reset", "warning")

    def save(self) -> None:
        if self.cache.changed:  # a no-op build leaves the cache file alone
            self.cache.save()


def editions_grouped(entries: list[dict]) -> list[dict]:
    """One index entry per brief, its language editions' files beside its own
    ("PDF", "HTML", "PDF (es)", "HTML (es)"); an edition whose brief's own
    document is not in the folder keeps an entry of its own."""
    own = {e["id"]: e for e in entries if e["kind"] == "brief" and not e["edition"]}
    grouped = []
    for e in entries:
        main = own.get(e["id"]) if e["edition"] and e["kind"] == "brief" else None
        if main is None:
            grouped.append(e)
            continue
        main["files"] = main["files"] + [[f"{label} ({e['lang']})", name] for label, name in e["files"]]
        main["draft"] = main["draft"] or e["draft"]
        main["out_of_date"] = main["out_of_date"] or (e["out_of_date"] and f"{e['lang']}: {e['out_of_date']}")
    return grouped
