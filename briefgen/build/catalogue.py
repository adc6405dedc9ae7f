"""The records of a workspace as an editor lists and opens them: every
record of every source file (even one that does not validate), where it is,
which briefs show it, the files a new record may go in, and the stored text
of a reference's snapshot.  `briefgen.build.studio.Studio` adds changing them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from briefgen.build.pipeline import check_project
from briefgen.errors import BriefgenError, Problem
from briefgen.source.project import Project
from briefgen.source.records import editable, records_in
from briefgen.source.writer import SourceFile

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


class Catalogue:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()

    # ------------------------------------------------------------- reading
    def entries(self) -> list[Entry]:
        """Every record of the workspace's source files, even one that does not validate."""
        project = Project.open(self.root)
        found = []
        for rel in project.tree.files():
            for kind, item, line in records_in(project.read_source(rel) or b""):
                found.append(_entry(kind, item, rel, line))
        return found

    def unreadable(self) -> list[Problem]:
        """The source files that are not YAML briefgen can read: their records cannot be edited in a form."""
        from briefgen.source.yamlread import Bad, read_yaml

        project = Project.open(self.root)
        found = []
        for rel in project.tree.files():
            try:
                raw = project.read_source(rel) or b""
                read_yaml(raw)
            except Bad as bad:
                found.append(Problem(rel, bad.line, f"{bad.message}; the records of this file cannot be edited "
                                     "here until it is fixed in a text editor", bad.code))
                continue
            except OSError as exc:
                found.append(Problem(rel, 0, f"cannot read the file: {exc}", "unreadable-file"))
                continue
            if (problem := editable(rel, raw)) is not None:
                found.append(problem)
        return found

    def open(self, kind: str, record_id: str) -> Opened:
        for entry in self.entries():
            if entry.kind == kind and entry.id == record_id:
                source = SourceFile.open(self.root, entry.file)
                data = dict(source.get(kind, record_id) or {})
                if "URL" in data and "url" not in data:  # the form's field is 'url', as briefgen writes it
                    data = {("url" if k == "URL" else k): v for k, v in data.items()}
                return Opened(kind, record_id, entry.file, source.expected, data)
        raise BriefgenError(self.unreadable() or
                            Problem("", 0, f"there is no {kind} '{record_id}' in this workspace", "no-such-id"))

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
