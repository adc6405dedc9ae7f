"""Editing a workspace's records one at a time, as the browser's editor does.

A `Studio` opens a record of a workspace (a reference, fact or brief) as
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

from briefgen.build.pipeline import BuildRequest, Checked, build, check_project
from briefgen.errors import BriefgenError, Problem
from briefgen.source.forms import Field, form
from briefgen.source.project import Project
from briefgen.source.tree import Overlay
from briefgen.source.writer import KINDS, SourceFile, digest
from briefgen.source.yamltext import list_item, parse, plain, plain_document, value_of

KEEP_DEFAULT = {"status", "type"}  # written even when the default: a reader should see them
POINT = re.compile(r"\[(\d{1,4})\]")  # "… go uninvestigated [12]": a numbered point of a summary


@dataclass(frozen=True)
class Entry:
    """A record as the editor lists it."""

    kind: str
    id: str
    label: str  # its claim or title
    file: str
    line: int
    tags: tuple[str, ...] = ()
    status: str = ""
    priority: str = ""
    names: tuple[str, ...] = ()  # a brief's facts named in its sections; a fact's references
    snapshot: str = ""  # a reference's snapshot


@dataclass(frozen=True)
class Opened:
    kind: str
    id: str | None  # None: a new record
    file: str
    digest: str
    data: dict


@dataclass(frozen=True)
class Change:
    kind: str
    id: str | None  # the record's id when opened; None for a new record
    file: str
    digest: str  # of the file's bytes when the record was opened
    data: dict  # every field of the form; None (or empty) for a field left empty


@dataclass
class Outcome:
    problems: list[Problem] = field(default_factory=list)  # errors and warnings, anywhere
    fields: dict[str, list[Problem]] = field(default_factory=dict)  # of this record, by field path
    saved: bool = False
    digest: str = ""  # the file's digest after the change was saved
    # When the file changed on disk: the record there and as asked, as YAML,
    # and the file's digest now.
    conflict: tuple[str, str, str] | None = None
    checked: Checked | None = None
    id: str = ""
    note: str = ""  # said after a save: the commit made, or why none was

    @property
    def ok(self) -> bool:
        return self.conflict is None and not any(p.severity == "error" for p in self.problems)


class Studio:
    def __init__(self, root: Path, folder: Path | None = None, commit: bool = False):
        self.root = Path(root).resolve()
        self.folder = folder
        self.commit = commit
        self.lock = threading.Lock()  # one change at a time is checked and written
        self.drafts = 0

    # ------------------------------------------------------------- reading
    def entries(self) -> list[Entry]:
        """Every record of the workspace's source files, even one that does not validate."""
        project = Project.open(self.root)
        found = []
        for rel in project.tree.files():
            raw = project.read_source(rel) or b""
            try:
                text = raw.decode("utf-8-sig")
                tree, data = parse(text), plain_document(text)
            except Exception:  # a file that does not parse: `check` says where; the editor cannot open it
                continue
            for kind in KINDS:
                _, seq = value_of(tree, kind + "s") if tree is not None else (None, None)
                items = data.get(kind + "s")
                if seq is None or not isinstance(items, list) or not seq.tag.endswith(":seq"):
                    continue
                for node, item in zip(seq.value, items):
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        found.append(_entry(kind, item, rel, node.start_mark.line + 1))
        return found

    def open(self, kind: str, record_id: str) -> Opened:
        for entry in self.entries():
            if entry.kind == kind and entry.id == record_id:
                source = SourceFile.open(self.root, entry.file)
                return Opened(kind, record_id, entry.file, source.expected, source.get(kind, record_id) or {})
        raise BriefgenError(Problem("", 0, f"there is no {kind} '{record_id}' in this workspace", "no-such-id"))

    def new(self, kind: str, file: str) -> Opened:
        """A new, empty record of `kind`, to go in `file`."""
        source = SourceFile.open(self.root, file)
        return Opened(kind, None, file, source.expected, {})

    def files(self, kind: str) -> list[str]:
        """The source files holding records of `kind`, most first."""
        counts: dict[str, int] = {}
        for e in self.entries():
            if e.kind == kind:
                counts[e.file] = counts.get(e.file, 0) + 1
        return sorted(counts, key=lambda f: (-counts[f], f))

    def file_for(self, kind: str, tags: list[str] | tuple[str, ...] = ()) -> str:
        """Where a new record of `kind` goes by default: where records of that
        kind with the same first tag live, else the file with most of them."""
        entries = [e for e in self.entries() if e.kind == kind]
        if tags:
            same = [e.file for e in entries if e.tags[:1] == tuple(tags[:1])]
            if same:
                return max(set(same), key=lambda f: (same.count(f), f))
        files = self.files(kind)
        return files[0] if files else f"sources/{kind}s.yaml"

    def users(self, kind: str, record_id: str) -> list[str]:
        """The briefs that show a record: a brief itself, the briefs showing a
        fact, or showing a fact that cites a reference."""
        if kind == "brief":
            return [record_id]
        try:
            checked = check_project(Project.open(self.root))
        except BriefgenError:  # the workspace does not check: the briefs that name it
            entries = self.entries()
            facts = {record_id} if kind == "fact" else {e.id for e in entries if e.kind == "fact" and
                                                         record_id in e.names}
            return [e.id for e in entries if e.kind == "brief" and facts & set(e.names)]
        shown = []
        for brief_id, cited in checked.cited.items():
            facts = [cf.fact for s in cited.sections for cf in s.facts]
            if any(f.id == record_id if kind == "fact" else record_id in {c.ref for c in f.cite} for f in facts):
                shown.append(brief_id)
        return shown

    def snapshot(self, ref_id: str) -> tuple[str, list[tuple[int, str]]]:
        """The text of a reference's snapshot, as quotes are checked against it,
        and where its numbered points end: (offset, locator)."""
        from briefgen.source.load import load
        from briefgen.source.review import snapshot_text

        project = Project.open(self.root)
        ref = next((r for r in load(project).references if r.id == ref_id), None)
        if ref is None or not ref.snapshot:
            raise BriefgenError(Problem("", 0, f"reference '{ref_id}' has no snapshot", "no-snapshot"))
        text, problem = snapshot_text(ref, project)
        if text is None:
            raise BriefgenError(problem)
        return text, [(m.start(), f"point {m.group(1)}") for m in POINT.finditer(text)]

    # ------------------------------------------------------------- changing
    def propose(self, change: Change) -> Outcome:
        """What the workspace would say with `change` made; nothing is written."""
        with self.lock:
            return self._try(change)[0]

    def save(self, change: Change) -> Outcome:
        """Make `change` if the workspace checks with it; else say why, writing nothing."""
        with self.lock:
            outcome, source = self._try(change)
            if not outcome.ok or source is None:
                return outcome
            try:
                data = source.verified()
                if data is not None:
                    source.write(data)
            except BriefgenError as exc:
                if any(p.code == "changed-on-disk" for p in exc.problems):
                    outcome.conflict = self._conflict(change)
                    return outcome
                outcome.problems += exc.problems
                return outcome
            outcome.saved, outcome.digest = True, digest(data if data is not None else source.original)
            if data is not None:
                outcome.note = self._commit(change, outcome.id)
            return outcome

    def delete(self, kind: str, record_id: str, file: str, seen: str) -> Outcome:
        """Remove a record, unless other records name it."""
        users = [e for e in self.entries() if record_id in e.names and
                 (kind, e.kind) in (("fact", "brief"), ("reference", "fact"))]
        if users:
            what = "briefs" if kind == "fact" else "facts"
            names = ", ".join(f"'{e.id}' ({e.file}:{e.line})" for e in users)
            return Outcome([Problem(file, 0, f"{kind} '{record_id}' cannot be deleted: the {what} {names} use it; "
                                    f"take it out of them first", "in-use", subject=record_id)])
        return self.save(Change(kind, record_id, file, seen, {}))

    def preview(self, change: Change, stem: str, checked: Checked | None = None) -> Path | None:
        """Brief `stem`'s HTML with `change` made (not saved): the file, or
        None when it cannot be built."""
        if self.folder is None:
            return None
        with self.lock:
            try:
                source = self._edited(change)
                project = self._project(change.file, source)
                self.drafts += 1
                result = build(project, BuildRequest(briefs=(stem,), formats=("html",), out_dir=self.folder,
                                                     fit=False), checked=checked)
            except BriefgenError:
                return None
        path = self.folder / f"{stem}.html"
        return path if stem in result.documents and path.is_file() else None

    # ------------------------------------------------------------- the steps
    def _try(self, change: Change) -> tuple[Outcome, SourceFile | None]:
        try:
            source = self._edited(change)
        except BriefgenError as exc:
            if any(p.code == "changed-on-disk" for p in exc.problems):
                return Outcome(conflict=self._conflict(change)), None
            return self._placed(Outcome(list(exc.problems)), change), None
        outcome = Outcome(id=str((change.data or {}).get("id") or change.id or ""))
        try:
            outcome.checked = check_project(self._project(change.file, source))
            outcome.problems = list(outcome.checked.warnings)
        except BriefgenError as exc:
            outcome.problems = list(exc.problems)
        return self._placed(outcome, change), source

    def _edited(self, change: Change) -> SourceFile:
        if change.kind not in KINDS:
            raise BriefgenError(Problem("", 0, f"'{change.kind}' is not a kind of record", "bad-kind"))
        source = SourceFile.open(self.root, change.file, change.digest)
        if not change.data:  # removed
            source.remove(change.kind, change.id or "")
            return source
        old = source.get(change.kind, change.id) if change.id else None
        data = kept(form(change.kind), old or {}, change.data)
        new_id = data.get("id")
        if not isinstance(new_id, str) or not new_id:
            raise BriefgenError(Problem(change.file, 0, f"a {change.kind} needs an id", "missing-field",
                                        subject="", field="id"))
        if change.id is None and source.get(change.kind, new_id) is not None:
            raise BriefgenError(Problem(change.file, 0, f"the id '{new_id}' is already used by a {change.kind} "
                                        "in this file: ids must be unique", "duplicate-id", field="id"))
        source.set(change.kind, change.id or new_id, data)
        return source

    def _project(self, rel: str, source: SourceFile) -> Project:
        project = Project.open(self.root)
        return project.with_tree(Overlay(project.tree, {rel: source.data()}))

    def _placed(self, outcome: Outcome, change: Change) -> Outcome:
        """The problems of the edited record, by the field they concern."""
        ids = {change.id, outcome.id} - {None, ""}
        for p in outcome.problems:
            if p.path == change.file and (p.subject in ids or (not p.subject and p.field and "." not in p.field)):
                at = p.field.split(".", 1)[1] if "." in p.field else (p.field if "[" not in p.field else "")
                outcome.fields.setdefault(at, []).append(p)
        return outcome

    def _conflict(self, change: Change) -> tuple[str, str, str]:
        source = SourceFile.open(self.root, change.file)
        disk = source.get(change.kind, change.id) if change.id else None
        nl = "\n"
        shown = list_item(disk, 0, nl) if disk else "(not in the file)"
        mine = list_item({k: v for k, v in change.data.items() if v not in (None, [], {})}, 0, nl) \
            if change.data else "(deleted)"
        return shown, mine, source.expected

    def _commit(self, change: Change, record_id: str) -> str:
        if not self.commit:
            return ""
        verb = "Remove" if not change.data else "Add" if change.id is None else "Change"
        message = f"{verb} {change.kind} '{record_id or change.id}' (briefgen serve)"

        def git(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True, timeout=30)

        try:
            if git("rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
                return "not committed: the workspace is not a git repository"
            git("add", "--", change.file)
            done = git("commit", "-q", "-m", message, "--", change.file)
        except (OSError, subprocess.SubprocessError) as exc:
            return f"saved, but not committed: {exc}"
        if done.returncode:
            return "saved, but git did not commit: " + (done.stderr.strip().splitlines() or ["unknown error"])[-1]
        return f"committed: {message}"


def _entry(kind: str, item: dict, rel: str, line: int) -> Entry:
    tags = tuple(t for t in item.get("tags") or () if isinstance(t, str)) if isinstance(item.get("tags"), list) else ()
    if kind == "brief":
        names = tuple(f for s in item.get("sections") or () if isinstance(s, dict)
                      for f in (s.get("facts") or ()) if isinstance(f, str)) \
            if isinstance(item.get("sections"), list) else ()
    elif kind == "fact":
        names = tuple(c.get("ref") for c in item.get("cite") or () if isinstance(c, dict) and
                      isinstance(c.get("ref"), str)) if isinstance(item.get("cite"), list) else ()
    else:
        names = ()
    label = item.get("claim") if kind == "fact" else item.get("title")
    return Entry(kind, item["id"], str(label or ""), rel, line, tags, str(item.get("status") or ""),
                 str(item.get("priority") or ""), names, str(item.get("snapshot") or ""))


def kept(spec: Field, old: object, new: object) -> object:
    """`new` as the form gave it, with every part that says what `old` says
    written as `old` wrote it, and a field left at its default, that `old`
    did not have, left out (so that an untouched field never changes its file)."""
    if isinstance(new, str):
        new = new.strip() or None
    if new in ([], {}):
        new = None if old not in ([], {}) else old
    if new is None or old is None and spec.widget != "group":
        if new is not None and old is None and spec.default is not None and spec.key not in KEEP_DEFAULT \
                and plain(new) == plain(spec.default):
            return None
        return new
    if spec.widget == "group" and isinstance(new, dict):
        was = old if isinstance(old, dict) else {}
        names = {c.key: c for c in spec.children}
        out = {k: kept(names[k], was.get(k), v) if k in names else v for k, v in new.items()}
        out = {k: v for k, v in out.items() if v is not None or k in was or k not in names}
        if isinstance(old, str) and _same_name(old, out):
            return old
        return out if any(v is not None for v in out.values()) else None
    if spec.widget == "list" and isinstance(new, list) and spec.item is not None:
        was = old if isinstance(old, list) else []
        out = [kept(spec.item, was[i] if i < len(was) else None, v) for i, v in enumerate(new)]
        return [v for v in out if v is not None] or None
    return old if plain(old) == plain(new) else new


def _same_name(old: str, new: dict) -> bool:
    from briefgen.source.model import _name

    return plain(_name(old)) == plain(new)
