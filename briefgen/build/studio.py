"""Editing a workspace's records one at a time, as the browser's editor does.

A `Studio` (a `briefgen.build.catalogue.Catalogue` that can change what it
lists) opens a record of a workspace (a reference, fact or brief) as
plain data with the digest of its file, and takes back a `Change`: the
record's new fields, the file it goes in and the digest the editor saw.

    studio = Studio(root)
    opened = studio.open("fact", "few-convicted")
    outcome = studio.propose(Change("fact", "few-convicted", opened.file, opened.digest, new_fields))
    outcome.fields        # field path -> problems of that field ("cite[0].quote")
    outcome = studio.save(change)   # written only if the whole workspace checks with it

Every change is checked with the checks of `briefgen check`, against the
workspace with the change applied in memory (a `briefgen.source.tree.Overlay`),
before anything is written, and is written through the round-trip writer
(`briefgen.source.writer`), so that only the record changed changes in its
file.  `preview` builds one brief's HTML from the unsaved change into the
studio's own folder.  Nothing here knows about HTTP.
"""

from __future__ import annotations

import re
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.error import YAMLError

from briefgen.build.catalogue import Catalogue, Entry
from briefgen.build.pipeline import BuildRequest, Checked, build, check_project
from briefgen.errors import BriefgenError, Problem
from briefgen.source.forms import form
from briefgen.source.project import Project
from briefgen.source.tree import Overlay
from briefgen.source.writer import KINDS, SourceFile, digest
from briefgen.source.records import kept, merged, not_editable, written
from briefgen.source.yamltext import list_item

# What names a record of each kind by its id: (the kind of record, the field).
RENAMES = {"fact": ("brief", "sections"), "reference": ("fact", "cite")}


@dataclass(frozen=True)
class Change:
    kind: str
    id: str | None  # the record's id when opened; None for a new record
    file: str
    digest: str  # of the file's bytes when the record was opened
    data: dict  # every field of the form; None (or empty) for a field left empty
    base: dict | None = None  # the form's fields as it first showed them: what it changed is what differs


@dataclass
class Outcome:
    problems: list[Problem] = field(default_factory=list)  # errors and warnings the change brings, anywhere
    existing: list[Problem] = field(default_factory=list)  # errors there before it (they do not stop a save)
    fields: dict[str, list[Problem]] = field(default_factory=dict)  # of this record, by field path
    saved: bool = False
    digest: str = ""  # the file's digest after the change was saved
    # When the record changed on disk in a field the form changed too: the
    # record there and as asked, as YAML, the file's digest now, and the labels
    # of the fields changed both ways.
    conflict: tuple[str, str, str, list[str]] | None = None
    checked: Checked | None = None
    id: str = ""
    note: str = ""  # said after a save: the commit made, or why none was

    @property
    def ok(self) -> bool:
        return self.conflict is None and not any(p.severity == "error" for p in self.problems)


class Studio(Catalogue):
    def __init__(self, root: Path, folder: Path | None = None, commit: bool = False):
        super().__init__(root)
        self.folder = folder
        self.commit = commit
        self.lock = threading.Lock()  # one change at a time is checked and written
        self.drafts = 0

    # ------------------------------------------------------------- changing
    def propose(self, change: Change) -> Outcome:
        """What the workspace would say with `change` made; nothing is written."""
        with self.lock:
            return self._try(change)[0]

    def save(self, change: Change) -> Outcome:
        """Make `change` if the workspace checks with it; else say why, writing nothing."""
        with self.lock:
            outcome, sources = self._try(change)
            if not outcome.ok or not sources:
                return outcome
            try:
                new = {rel: source.verified() for rel, source in sources.items()}  # every file, before any is written
                for rel, data in new.items():
                    if data is not None:
                        sources[rel].write(data)
            except BriefgenError as exc:
                if any(p.code == "changed-on-disk" for p in exc.problems):
                    outcome.conflict = self._conflict(change)
                    return outcome
                outcome.problems += exc.problems
                return outcome
            mine = new[change.file]
            outcome.saved, outcome.digest = True, digest(mine if mine is not None else sources[change.file].original)
            written_files = [rel for rel, data in new.items() if data is not None]
            if written_files and self.commit:
                outcome.note = "; ".join(n for n in (outcome.note, self._commit(change, outcome.id, written_files)) if n)
            return outcome

    def delete(self, kind: str, record_id: str, file: str, seen: str, base: dict | None = None) -> Outcome:
        """Remove a record, unless other records name it (or it changed on disk since `base`)."""
        users = [e for e in self.entries() if record_id in e.names and
                 (kind, e.kind) in (("fact", "brief"), ("reference", "fact"))]
        if users:
            what = "briefs" if kind == "fact" else "facts"
            names = ", ".join(f"'{e.id}' ({e.file}:{e.line})" for e in users)
            return Outcome([Problem(file, 0, f"{kind} '{record_id}' cannot be deleted: the {what} {names} use it; "
                                    f"take it out of them first", "in-use", subject=record_id)])
        return self.save(Change(kind, record_id, file, seen, {}, base))

    def preview(self, change: Change, stem: str, checked: Checked | None = None) -> Path | None:
        """Brief `stem`'s HTML with `change` made (not saved): the file, or
        None when it cannot be built."""
        if self.folder is None:
            return None
        with self.lock:
            try:
                project = self._project(self._edited(change))
                self.drafts += 1
                result = build(project, BuildRequest(briefs=(stem,), formats=("html",), out_dir=self.folder,
                                                     fit=False), checked=checked)
            except BriefgenError:
                return None
        path = self.folder / f"{stem}.html"
        return path if stem in result.documents and path.is_file() else None

    # ------------------------------------------------------------- the steps
    def _try(self, change: Change) -> tuple[Outcome, dict[str, SourceFile]]:
        try:
            sources = self._edited(change)
        except BriefgenError as exc:
            if any(p.code == "changed-on-disk" for p in exc.problems):
                return Outcome(conflict=self._conflict(change)), {}
            return self._placed(Outcome(list(exc.problems)), change), {}
        except YAMLError as exc:  # briefgen's reader takes it, the round-trip writer's parser does not
            return self._placed(Outcome([not_editable(change.file, exc)]), change), {}
        except OSError as exc:  # a name the file system refuses, say
            return self._placed(Outcome([Problem(change.file, 0, f"cannot use this file: {exc.strerror or exc}",
                                                 "bad-path")]), change), {}
        outcome = Outcome(id=str((change.data or {}).get("id") or change.id or ""))
        try:
            outcome.checked = check_project(self._project(sources))
            outcome.problems = list(outcome.checked.warnings)
        except BriefgenError as exc:
            before = {_same_problem(p) for p in self._problems_now()}  # what the change did not bring
            outcome.problems = [p for p in exc.problems if _same_problem(p) not in before]
            outcome.existing = [p for p in exc.problems if _same_problem(p) in before]
        renamed = [f"{e.kind} '{e.id}'" for rel, source in sources.items() for e in self._renamed.get(rel, ())]
        if renamed:
            outcome.note = "its new id is written in " + ", ".join(renamed) + " too"
        return self._placed(outcome, change), sources

    def _edited(self, change: Change) -> dict[str, SourceFile]:
        """The files the change edits: the record's, and those of the records
        that name it by an id the change renames."""
        if change.kind not in KINDS:
            raise BriefgenError(Problem("", 0, f"'{change.kind}' is not a kind of record", "bad-kind"))
        if any(part.startswith(".") and part != ".." for part in change.file.replace("\\", "/").split("/")):
            raise BriefgenError(Problem(change.file, 0, "a source file's name and folders may not start with a "
                                        "dot", "bad-path"))
        try:
            source = SourceFile.open(self.root, change.file, change.digest)
        except BriefgenError as exc:  # changed on disk since the form opened: merged field by field below
            if not _changed(exc) or (change.id and change.base is None):
                raise
            source = SourceFile.open(self.root, change.file)
            if change.id and source.get(change.kind, change.id) is None:
                raise  # gone from the file
        self._renamed: dict[str, list[Entry]] = {}
        old = source.get(change.kind, change.id) if change.id else None
        mine = dict(change.data)
        if old is not None and change.base is not None:
            spec = form(change.kind)
            if "URL" in old:  # the web address as CSL-JSON spells it: kept so
                mine["URL"], base = mine.pop("url", None), {**change.base, "URL": change.base.get("url")}
            else:
                base = change.base
            mine, clashes = merged(spec, old, base, mine if change.data else {k: None for k in old})
            if clashes and source.expected != change.digest:
                raise BriefgenError(Problem(change.file, 0, "changed on disk", "changed-on-disk"))
        if not change.data:  # removed
            source.remove(change.kind, change.id or "")
            return {change.file: source}
        data = kept(form(change.kind), old or {}, mine)
        new_id = data.get("id")
        if not isinstance(new_id, str) or not new_id:
            raise BriefgenError(Problem(change.file, 0, f"a {change.kind} needs an id", "missing-field",
                                        subject="", field="id"))
        if change.id is None and source.get(change.kind, new_id) is not None:
            raise BriefgenError(Problem(change.file, 0, f"the id '{new_id}' is already used by a {change.kind} "
                                        "in this file: ids must be unique", "duplicate-id", field="id"))
        source.set(change.kind, change.id or new_id, _without_none(data))
        sources = {change.file: source}
        if change.id and new_id != change.id and change.kind in RENAMES:
            self._rename(sources, change.kind, change.id, new_id)
        return sources

    def _rename(self, sources: dict[str, SourceFile], kind: str, old: str, new: str) -> None:
        """Write a renamed fact's new id in the briefs' sections that list it, or
        a renamed reference's in the citations of the facts that cite it."""
        user, key = RENAMES[kind]
        for e in self.entries():
            if e.kind != user or old not in e.names:
                continue
            source = sources.get(e.file) or SourceFile.open(self.root, e.file)
            record = source.get(user, e.id) or {}
            parts = [dict(part) for part in record.get(key) or []]
            for part in parts:
                if kind == "fact" and isinstance(part.get("facts"), list):
                    part["facts"] = [new if f == old else f for f in part["facts"]]
                elif kind == "reference" and part.get("ref") == old:
                    part["ref"] = new
            source.set(user, e.id, {**record, key: parts})
            sources[e.file] = source
            self._renamed.setdefault(e.file, []).append(e)

    def _project(self, sources: dict[str, SourceFile]) -> Project:
        project = Project.open(self.root)
        return project.with_tree(Overlay(project.tree, {rel: source.data() for rel, source in sources.items()}))

    def _placed(self, outcome: Outcome, change: Change) -> Outcome:
        """The problems of the edited record, by the field they concern."""
        ids = {change.id, outcome.id} - {None, ""}
        for p in outcome.problems + outcome.existing:
            if p.code == "duplicate-id" and (p.subject in ids or not p.subject):
                outcome.fields.setdefault("id", []).append(p)  # the other record is elsewhere: this id is taken
            elif p.path == change.file and (p.subject in ids or (not p.subject and p.field and "." not in p.field)):
                at = p.field.split(".", 1)[1] if "." in p.field else (p.field if "[" not in p.field else "")
                outcome.fields.setdefault(at, []).append(p)
        return outcome

    def _conflict(self, change: Change) -> tuple[str, str, str]:
        source = SourceFile.open(self.root, change.file)
        shown = written(source.text, change.kind, change.id) if change.id else None
        disk = source.get(change.kind, change.id) if change.id else None
        mine = list_item({k: v for k, v in kept(form(change.kind), disk or {}, change.data).items()
                          if v is not None}, 0, "\n") if change.data else "(deleted)"
        clashes = merged(form(change.kind), disk, change.base, change.data)[1] \
            if disk and change.base is not None and change.data else []
        return shown or "(not in the file)", mine, source.expected, clashes

    def _problems_now(self) -> list[Problem]:
        """The errors of the workspace as it is on disk."""
        try:
            check_project(Project.open(self.root))
        except BriefgenError as exc:
            return [p for p in exc.problems if p.severity == "error"]
        return []

    def _commit(self, change: Change, record_id: str, files: list[str]) -> str:
        if not self.commit:
            return ""
        verb = "Remove" if not change.data else "Add" if change.id is None else "Change"
        message = f"{verb} {change.kind} '{record_id or change.id}' (briefgen serve)"

        def git(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True, timeout=30)

        try:
            if git("rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
                return "not committed: the workspace is not a git repository"
            git("add", "--", *files)
            done = git("commit", "-q", "-m", message, "--", *files)
        except (OSError, subprocess.SubprocessError) as exc:
            return f"saved, but not committed: {exc}"
        if done.returncode:
            return "saved, but git did not commit: " + (done.stderr.strip().splitlines() or ["unknown error"])[-1]
        return f"committed: {message}"


def _without_none(value):
    """A record's data without the fields left empty, at every depth (a field given as None is no field)."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def _changed(exc: BriefgenError) -> bool:
    return any(p.code == "changed-on-disk" for p in exc.problems)


def _same_problem(p: Problem) -> tuple:
    """A problem, told apart from others by what it says, not by its line (which an edit may move)."""
    return p.path, p.code, p.subject, re.sub(r"(line |\.ya?ml:)\d+", r"\1#", p.message)
