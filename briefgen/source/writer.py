"""Change, add or remove one record of a source file, leaving the rest byte for byte.

A source file is opened, edited in memory and saved::

    source = SourceFile.open(root, "sources/facts.yaml", expected=digest_seen_by_the_editor)
    source.set("fact", "few-convicted", {"id": "few-convicted", "claim": "...", ...})  # change or add
    source.remove("fact", "old-fact")
    source.save()                      # -> True if the file was written

or in one call, for edits that may span files: ``apply(root, [Edit(...)], expected={...})``.

The file is parsed with ruamel.yaml only to learn where each record, key and
value is written; an edit then splices new text into exactly that place (a
changed field's value, a field added after the record's last one, a record
appended after the list's last one), so every other character of the file
(comments, quoting, flow style such as ``cite: [{ref: r1}]``, key order,
blank lines, a byte-order mark, the line ending of each line) stays as it
was.  New text is laid out as the file lays out its lists, with ruamel.yaml
choosing how each scalar is quoted; it ends its lines as most of the file's
lines end.  A value given as None removes that field.

Before anything is written, the new bytes are read back with briefgen's own
reader: every record not edited must read exactly as before and each edited
record exactly as given, and the edited records must validate.  Otherwise
nothing is written and a BriefgenError says why (``path:line: message``).
Saving also re-reads the file and refuses to overwrite it if it changed since
it was opened (or since the digest `expected` was taken).  Paths must lie
under the workspace's sources/ folder, symlinks resolved.  The file is
replaced atomically.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal, Mapping

from briefgen.errors import BriefgenError, Problem
from briefgen.paths import SOURCES_DIR
from briefgen.source.yamltext import (
    block_map, clean, ending, flow, line_end, line_start, list_item, next_line, one_line, pairs, parse,
    plain, plain_document, splice, value_end, value_of,
)

Kind = Literal["reference", "fact", "brief"]
KINDS = ("reference", "fact", "brief")
MISSING = "missing"  # the digest of a file that does not exist


def digest(data: bytes | None) -> str:
    """What `expected` compares: the SHA-256 of a file's bytes, or MISSING."""
    return MISSING if data is None else hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Edit:
    """Set (add or change) a record, or remove it when `data` is None."""

    path: str  # workspace-relative, under sources/
    kind: Kind
    id: str
    data: Mapping | None = None


def apply(root: Path, edits: Iterable[Edit], expected: Mapping[str, str] | None = None) -> list[Path]:
    """Make `edits`; every file is checked before any is written.  `expected`
    maps a path to the digest of the bytes the caller saw.  Returns the files written."""
    files: dict[str, SourceFile] = {}
    for edit in edits:
        if edit.path not in files:
            files[edit.path] = SourceFile.open(root, edit.path, (expected or {}).get(edit.path))
        source = files[edit.path]
        source.set(edit.kind, edit.id, edit.data) if edit.data is not None else source.remove(edit.kind, edit.id)
    new = {rel: source.verified() for rel, source in files.items()}
    return [files[rel].path for rel, data in new.items() if data is not None and files[rel].write(data)]


@dataclass
class SourceFile:
    """One source file, as opened, and the edits made to it so far."""

    root: Path
    rel: str  # as shown in messages: sources/facts.yaml
    path: Path
    original: bytes | None  # None: the file does not exist yet
    expected: str  # the digest the file on disk must still have when saved
    text: str = ""  # the current text, without its byte-order mark
    bom: bool = False
    wanted: dict[tuple[str, str], dict | None] = field(default_factory=dict)

    @classmethod
    def open(cls, root: Path, rel: str, expected: str | None = None) -> SourceFile:
        """Read `rel` (which need not exist).  With `expected`, refuse it
        unless its bytes still have that digest."""
        path = source_path(root, rel)
        try:
            raw = path.read_bytes() if path.exists() else None
        except OSError as exc:
            raise BriefgenError(Problem(rel, 0, f"cannot read the file: {exc.strerror}", "unreadable-file")) from None
        source = cls(root, rel, path, raw, expected or digest(raw))
        source._fresh(raw)
        from briefgen.source.yamlread import Bad, read_yaml

        try:
            data, _ = read_yaml(raw or b"")
        except Bad as bad:
            raise BriefgenError(Problem(rel, bad.line, f"{bad.message}; fix this before the file can be edited",
                                        bad.code)) from None
        if not isinstance(data, (dict, type(None))):
            raise BriefgenError(Problem(rel, 1, "a source file holds up to three lists (references, facts, briefs), "
                                        "and this one holds something else; fix it before it can be edited",
                                        "not-a-mapping"))
        source.bom, source.text = (raw or b"").startswith(b"\xef\xbb\xbf"), (raw or b"").decode("utf-8-sig")
        return source

    def _fresh(self, raw: bytes | None) -> None:
        if digest(raw) != self.expected:
            raise BriefgenError(Problem(self.rel, 0, "the file changed on disk since it was opened; reload it "
                                        "(nothing was written)", "changed-on-disk"))

    # ------------------------------------------------------------ reading
    def records(self, kind: Kind) -> dict[str, dict]:
        """The records of `kind` in the current text, by id, as plain data."""
        data = plain_document(self.text).get(_list(kind)) or []
        return {r["id"]: r for r in data if isinstance(r, dict) and isinstance(r.get("id"), str)} \
            if isinstance(data, list) else {}

    def get(self, kind: Kind, record_id: str) -> dict | None:
        return self.records(kind).get(record_id)

    # ------------------------------------------------------------ editing
    def set(self, kind: Kind, record_id: str, data: Mapping) -> str:
        """Change the record `record_id` to `data`, or add it if there is none:
        "changed", "added" or "unchanged"."""
        _list(kind)
        data = dict(data)
        data = {"id": data.pop("id", record_id), **data}
        tree, plain = parse(self.text), plain_document(self.text)
        found = _find(tree, plain, kind, record_id)
        if data["id"] != record_id or found is None:
            self._refuse_taken(tree, plain, data["id"])
        if found is None:
            fresh = all((kind, i) in self.wanted for i in self.records(kind))  # a list begun here is spaced
            self.text = _add(self.text, tree, plain, kind, data, fresh)
            result = "added"
        else:
            node, old = found
            splices = _patch_mapping(self.text, node, old, data)
            if not splices:
                return "unchanged"
            self.text = splice(self.text, splices)
            result = "changed"
        self.wanted[(kind, record_id)] = None
        self.wanted[(kind, data["id"])] = {k: v for k, v in data.items() if v is not None}
        return result

    def remove(self, kind: Kind, record_id: str) -> None:
        tree, plain = parse(self.text), plain_document(self.text)
        found = _find(tree, plain, kind, record_id)
        if found is None:
            raise BriefgenError(Problem(self.rel, 0, f"there is no {kind} '{record_id}' in this file", "no-such-id"))
        self.text = _remove(self.text, tree, plain, kind, found[0])
        self.wanted[(kind, record_id)] = None

    def _refuse_taken(self, tree, plain, record_id: str) -> None:
        for other in KINDS:
            found = _find(tree, plain, other, record_id)
            if found:
                line = found[0].start_mark.line + 1
                raise BriefgenError(Problem(self.rel, line, f"the id '{record_id}' is already used by {other} "
                                            f"'{record_id}' on line {line} of this file: ids must be unique",
                                            "duplicate-id"))

    # ------------------------------------------------------------ saving
    def data(self) -> bytes:
        text = self.text
        if not self.original and text:  # a new (or empty) file says where its schema is
            text = f"# yaml-language-server: $schema={_schema_path(self.path, self.root)}{ending(text)}" + text
        return ("\ufeff" if self.bom else "").encode() + text.encode("utf-8")

    def verified(self) -> bytes | None:
        """The bytes to write, read back and checked; None if nothing changed."""
        from briefgen.source.load import load_text

        new = self.data()
        if new == (self.original or b"") or not self.wanted:
            return None
        before, after = load_text(self.rel, self.original or b""), load_text(self.rel, new)
        edited = {i for (_, i) in self.wanted}
        own = [p for p in after.problems if p.subject in edited]
        if own:
            raise BriefgenError(own)
        old = {(p.code, p.message) for p in before.problems}
        fault = [p for p in after.problems if (p.code, p.message) not in old]
        if fault:
            raise BriefgenError([Problem(p.path, p.line, f"saving would leave a file briefgen cannot read "
                                         f"({p.message}); nothing was written (please report this)", "internal")
                                 for p in fault])
        then, now = _dumps(before), _dumps(after)
        for key, data in self.wanted.items():
            if data is not None:
                from briefgen.source.model import RECORD_TYPES

                then[key] = RECORD_TYPES[_list(key[0])].model_validate(data).model_dump()
            else:
                then.pop(key, None)
        wrong = sorted({*then, *now} - {k for k in then if then[k] == now.get(k)})
        if wrong:
            raise BriefgenError(Problem(self.rel, 0, "saving would change what the file says of "
                                        + ", ".join(f"{k} '{i}'" for k, i in wrong) + " in a way that was not asked "
                                        "for; nothing was written (please report this)", "internal"))
        return new

    def write(self, data: bytes) -> bool:
        from briefgen.files import write_atomic

        self._fresh(self.path.read_bytes() if self.path.exists() else None)
        write_atomic(source_path(self.root, self.rel), data)
        return True

    def save(self) -> bool:
        """Check and write the file; False if there was nothing to write."""
        data = self.verified()
        return data is not None and self.write(data)


def _dumps(sources) -> dict[tuple[str, str], dict]:
    return {(kind, r.id): r.model_dump() for kind in KINDS for r in getattr(sources, _list(kind))}


def _list(kind: str) -> str:
    if kind not in KINDS:
        raise BriefgenError(f"'{kind}' is not a kind of record: a source file holds references, facts and briefs")
    return kind + "s"


def source_path(root: Path, rel: str) -> Path:
    """`root/rel`, refused unless it is a .yaml or .yml file under sources/, symlinks resolved."""
    parts = rel.replace("\\", "/").split("/")
    if rel.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", rel) or ".." in parts or parts[0] != SOURCES_DIR \
            or len(parts) < 2 or not rel.endswith((".yaml", ".yml")):
        raise BriefgenError(Problem(rel, 0, f"a source file must be a .yaml or .yml file inside the workspace's "
                                    f"{SOURCES_DIR}/ folder", "bad-path"))
    base, path = (root / SOURCES_DIR).resolve(), root / rel
    for n in range(2, len(parts) + 1):
        step = root.joinpath(*parts[:n])
        try:
            real = step.resolve()
        except (OSError, RuntimeError):
            real = None
        if real is None or not real.is_relative_to(base) or (n == len(parts) and step.is_symlink()):
            what = "file" if n == len(parts) else "folder"
            raise BriefgenError(Problem(rel, 0, f"the {what} {'/'.join(parts[:n])} is a link to a place outside "
                                        f"{SOURCES_DIR}/ (or a link at all, for the file itself); briefgen writes "
                                        f"only to plain files inside {SOURCES_DIR}/", "bad-path"))
        if n == len(parts) and step.exists() and not step.is_file():
            raise BriefgenError(Problem(rel, 0, "is not a plain file", "bad-path"))
    return path


def _schema_path(path: Path, root: Path) -> str:
    from briefgen.source.schema import SCHEMA_FILE

    return Path(os.path.relpath(root / SCHEMA_FILE, path.parent)).as_posix()


# ---------------------------------------------------------------- where things are


def _find(tree, plain: dict, kind: str, record_id: str):
    """The mapping node of the record and its plain data, or None."""
    _, seq = value_of(tree, _list(kind))
    items = plain.get(_list(kind))
    if seq is None or not seq.tag.endswith(":seq") or not isinstance(items, list):
        return None
    for node, item in zip(seq.value, items):
        if isinstance(item, dict) and item.get("id") == record_id and node.tag.endswith(":map"):
            return node, item
    return None


# ---------------------------------------------------------------- edits


def _patch_mapping(text: str, node, old: dict, new: dict) -> list[tuple[int, int, str]]:
    """Splices that make the mapping `node` (holding `old`) say `new`, keeping what does not change."""
    if node.flow_style:
        return [] if plain(old) == plain(clean(new)) else \
            [(node.start_mark.index, node.end_mark.index, flow(clean(new)))]
    col, nl, splices = node.start_mark.column, ending(text), []
    pairs = {k.value: (k, v) for k, v in node.value}
    for key, (knode, vnode) in pairs.items():
        value = new.get(key)
        if value is None:  # removed: its lines go, if it starts its line
            if text[line_start(text, knode.start_mark.index):knode.start_mark.index].strip():
                return [(node.start_mark.index, value_end(text, node), block_map(clean(new), col, nl)[col:])]
            splices.append((line_start(text, knode.start_mark.index), next_line(text, value_end(text, vnode, knode)), ""))
        elif plain(old.get(key)) != plain(value):
            splices += _patch_value(text, knode, vnode, old.get(key), value, nl)
    added = {k: v for k, v in new.items() if k not in pairs and v is not None}
    if added:
        at = line_end(text, value_end(text, node))
        splices.append((at, at, nl + block_map(added, col, nl)))
    return splices


def _patch_value(text: str, knode, vnode, old, new, nl: str) -> list[tuple[int, int, str]]:
    col = knode.start_mark.column
    is_map, is_seq = vnode.tag.endswith(":map"), vnode.tag.endswith(":seq")
    if is_map and not vnode.flow_style and isinstance(old, dict) and isinstance(new, Mapping):
        return _patch_mapping(text, vnode, old, dict(new))
    if is_seq and not vnode.flow_style and isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        splices = []
        for item, was, now in zip(vnode.value, old, new):
            if plain(was) == plain(now):
                continue
            if item.tag.endswith(":map") and isinstance(was, dict) and isinstance(now, Mapping):
                splices += _patch_mapping(text, item, was, dict(now))
            else:
                lines = list_item(now, item.start_mark.column - 2, nl)
                splices.append((item.start_mark.index, value_end(text, item), lines[item.start_mark.column:]))
        return splices
    start, end = vnode.start_mark.index, value_end(text, vnode, knode)
    if start == vnode.end_mark.index:  # an empty value: `key:` alone
        start = end
    style = vnode.style if isinstance(new, str) and vnode.tag.endswith(":str") else None
    inline = one_line(new, len(knode.value) + col + 2, style)
    if inline is not None and not (is_map or is_seq) or (inline is not None and vnode.flow_style):
        return [(start, end, (" " if start != vnode.start_mark.index else "") + inline)]
    return [(knode.start_mark.index, end, block_map({knode.value: new}, col, nl, style)[col:])]


def _add(text: str, tree, plain: dict, kind: str, data: dict, fresh: bool = False) -> str:
    nl = ending(text)
    key, seq = value_of(tree, _list(kind))
    if seq is not None and seq.tag.endswith(":seq") and seq.flow_style:  # facts: [...]: re-written as a block
        old = plain.get(_list(kind)) or []
        block = nl.join(list_item(r, 2, nl) for r in [*old, data])
        return splice(text, [(text.index(":", key.end_mark.index) + 1, seq.end_mark.index, nl + block)])
    if seq is not None and seq.tag.endswith(":seq") and seq.value:
        items, dash = seq.value, _dash_column(text, seq.value[0])
        between = [text[value_end(text, a):b.start_mark.index] for a, b in zip(items, items[1:])]
        spaced = any(re.search(r"\n[ \t]*\r?\n", s) for s in between) if between \
            else fresh or bool(re.search(r"\n[ \t]*\r?\n[ \t]*- ", text))
        last_top = pairs(tree)[-1][1] is seq
        at = len(text) if last_top else line_end(text, value_end(text, items[-1]))
        lead = (nl if text and not text.endswith("\n") else "") if last_top else nl
        return text[:at] + lead + (nl if spaced else "") + list_item(data, dash, nl) + (nl if last_top else "") + \
            text[at:]
    if key is not None:  # `references:` with nothing, or []
        if seq.tag.endswith(":map") or seq.tag.endswith(":str") and seq.value:
            raise BriefgenError(Problem("", seq.start_mark.line + 1, f"'{_list(kind)}' is not a list; fix it "
                                        "before adding to it", "not-a-list"))
        text = splice(text, [(seq.start_mark.index, seq.end_mark.index, "")])
        at = line_end(text, key.start_mark.index)
        return text[:at] + nl + list_item(data, 2, nl) + text[at:]
    lead = nl if text and not text.endswith("\n") else ""
    if tree is not None and pairs(tree):
        lead += nl
    return text + lead + f"{_list(kind)}:{nl}" + list_item(data, 2, nl) + nl


def _dash_column(text: str, item) -> int:
    start = line_start(text, item.start_mark.index)
    return text.index("-", start) - start


def _remove(text: str, tree, plain: dict, kind: str, node) -> str:
    key, seq = value_of(tree, _list(kind))
    if seq.flow_style or text[line_start(text, node.start_mark.index):node.start_mark.index].strip() != "-":
        rest = [r for r, n in zip(plain[_list(kind)], seq.value) if n is not node]
        new = flow(rest) if seq.flow_style else (ending(text) + ending(text).join(list_item(r, 2, ending(text)) for r in rest))
        return splice(text, [(text.index(":", key.end_mark.index) + 1, value_end(text, seq), " " + new if seq.flow_style
                               else new)])
    start, end = line_start(text, node.start_mark.index), next_line(text, value_end(text, node))
    dash = _dash_column(text, node)
    while start > 0:  # its own comments, just above it
        above = line_start(text, start - 1)
        line = text[above:start]
        if not line.strip().startswith("#") or len(line) - len(line.lstrip(" ")) != dash:
            break
        start = above
    before = text[line_start(text, start - 1):start] if start else ""
    after = text[end:next_line(text, end)]
    if not after.strip() and after and (not before.strip() or node is seq.value[0]):
        end += len(after)  # one blank line fewer
    elif not after and before and not before.strip() and node is seq.value[-1]:
        start -= len(before)  # the last record: the blank line above it goes with it
    return text[:start] + text[end:]


# ---------------------------------------------------------------- new text
