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
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal, Mapping

from briefgen.errors import BriefgenError, Problem
from briefgen.project import SOURCES_DIR

Kind = Literal["reference", "fact", "brief"]
KINDS = ("reference", "fact", "brief")
MISSING = "missing"  # the digest of a file that does not exist
WIDTH = 100  # a list or mapping is written on one line ([a, b]) if its line stays this short
_NL = re.compile(r"\r?\n")  # (a lone CR does not end a line here)


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
        from briefgen.source.load import _Bad, read_yaml

        try:
            data, _ = read_yaml(raw or b"")
        except _Bad as bad:
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
        data = _plain_document(self.text).get(_list(kind)) or []
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
        tree, plain = _parse(self.text), _plain_document(self.text)
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
            self.text = _splice(self.text, splices)
            result = "changed"
        self.wanted[(kind, record_id)] = None
        self.wanted[(kind, data["id"])] = {k: v for k, v in data.items() if v is not None}
        return result

    def remove(self, kind: Kind, record_id: str) -> None:
        tree, plain = _parse(self.text), _plain_document(self.text)
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
            text = f"# yaml-language-server: $schema={_schema_path(self.path, self.root)}{_ending(text)}" + text
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
        from briefgen.build.output import write_atomic

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


def _parse(text: str):
    """The ruamel.yaml node tree of `text` (None for a file of comments only)."""
    from ruamel.yaml import YAML

    return YAML().compose(text)


def _plain_document(text: str) -> dict:
    from briefgen.source.load import read_yaml

    data, _ = read_yaml(text.encode("utf-8"))
    return data if isinstance(data, dict) else {}


def _pairs(node) -> list:
    return node.value if node is not None and node.tag.endswith(":map") else []


def _value_of(mapping, key: str):
    return next(((k, v) for k, v in _pairs(mapping) if k.value == key), (None, None))


def _find(tree, plain: dict, kind: str, record_id: str):
    """The mapping node of the record and its plain data, or None."""
    _, seq = _value_of(tree, _list(kind))
    items = plain.get(_list(kind))
    if seq is None or not seq.tag.endswith(":seq") or not isinstance(items, list):
        return None
    for node, item in zip(seq.value, items):
        if isinstance(item, dict) and item.get("id") == record_id and node.tag.endswith(":map"):
            return node, item
    return None


def _end(text: str, node, key=None) -> int:
    """Where the value `node` (of `key`) ends: its last character that is not space."""
    if node.tag.endswith((":map", ":seq")) and not node.flow_style and node.value:
        last = node.value[-1]
        return _end(text, last[1], last[0]) if isinstance(last, tuple) else _end(text, last)
    if key is not None and node.start_mark.index == node.end_mark.index:  # `key:` and no value
        return text.index(":", key.end_mark.index) + 1
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _line_start(text: str, i: int) -> int:
    return text.rfind("\n", 0, i) + 1


def _line_end(text: str, i: int) -> int:
    m = _NL.search(text, i)
    return m.start() if m else len(text)


def _next_line(text: str, i: int) -> int:
    m = _NL.search(text, i)
    return m.end() if m else len(text)


def _ending(text: str) -> str:
    """The line ending most of `text`'s lines have (LF if none)."""
    endings = _NL.findall(text)
    return max(("\n", "\r\n"), key=endings.count) if endings else "\n"


def _splice(text: str, splices: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(splices, reverse=True):
        text = text[:start] + new + text[end:]
    return text


# ---------------------------------------------------------------- edits


def _patch_mapping(text: str, node, old: dict, new: dict) -> list[tuple[int, int, str]]:
    """Splices that make the mapping `node` (holding `old`) say `new`, keeping what does not change."""
    if node.flow_style:
        return [] if _plain(old) == _plain(_clean(new)) else \
            [(node.start_mark.index, node.end_mark.index, _flow(_clean(new)))]
    col, nl, splices = node.start_mark.column, _ending(text), []
    pairs = {k.value: (k, v) for k, v in node.value}
    for key, (knode, vnode) in pairs.items():
        value = new.get(key)
        if value is None:  # removed: its lines go, if it starts its line
            if text[_line_start(text, knode.start_mark.index):knode.start_mark.index].strip():
                return [(node.start_mark.index, _end(text, node), _block_map(_clean(new), col, nl)[col:])]
            splices.append((_line_start(text, knode.start_mark.index), _next_line(text, _end(text, vnode, knode)), ""))
        elif _plain(old.get(key)) != _plain(value):
            splices += _patch_value(text, knode, vnode, old.get(key), value, nl)
    added = {k: v for k, v in new.items() if k not in pairs and v is not None}
    if added:
        at = _line_end(text, _end(text, node))
        splices.append((at, at, nl + _block_map(added, col, nl)))
    return splices


def _patch_value(text: str, knode, vnode, old, new, nl: str) -> list[tuple[int, int, str]]:
    col = knode.start_mark.column
    is_map, is_seq = vnode.tag.endswith(":map"), vnode.tag.endswith(":seq")
    if is_map and not vnode.flow_style and isinstance(old, dict) and isinstance(new, Mapping):
        return _patch_mapping(text, vnode, old, dict(new))
    if is_seq and not vnode.flow_style and isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        splices = []
        for item, was, now in zip(vnode.value, old, new):
            if _plain(was) == _plain(now):
                continue
            if item.tag.endswith(":map") and isinstance(was, dict) and isinstance(now, Mapping):
                splices += _patch_mapping(text, item, was, dict(now))
            else:
                lines = _item(now, item.start_mark.column - 2, nl)
                splices.append((item.start_mark.index, _end(text, item), lines[item.start_mark.column:]))
        return splices
    start, end = vnode.start_mark.index, _end(text, vnode, knode)
    if start == vnode.end_mark.index:  # an empty value: `key:` alone
        start = end
    style = vnode.style if isinstance(new, str) and vnode.tag.endswith(":str") else None
    inline = _inline(new, len(knode.value) + col + 2, style)
    if inline is not None and not (is_map or is_seq) or (inline is not None and vnode.flow_style):
        return [(start, end, (" " if start != vnode.start_mark.index else "") + inline)]
    return [(knode.start_mark.index, end, _block_map({knode.value: new}, col, nl, style)[col:])]


def _add(text: str, tree, plain: dict, kind: str, data: dict, fresh: bool = False) -> str:
    nl = _ending(text)
    key, seq = _value_of(tree, _list(kind))
    if seq is not None and seq.tag.endswith(":seq") and seq.flow_style:  # facts: [...]: re-written as a block
        old = plain.get(_list(kind)) or []
        block = nl.join(_item(r, 2, nl) for r in [*old, data])
        return _splice(text, [(text.index(":", key.end_mark.index) + 1, seq.end_mark.index, nl + block)])
    if seq is not None and seq.tag.endswith(":seq") and seq.value:
        items, dash = seq.value, _dash_column(text, seq.value[0])
        between = [text[_end(text, a):b.start_mark.index] for a, b in zip(items, items[1:])]
        spaced = any(re.search(r"\n[ \t]*\r?\n", s) for s in between) if between \
            else fresh or bool(re.search(r"\n[ \t]*\r?\n[ \t]*- ", text))
        last_top = _pairs(tree)[-1][1] is seq
        at = len(text) if last_top else _line_end(text, _end(text, items[-1]))
        lead = (nl if text and not text.endswith("\n") else "") if last_top else nl
        return text[:at] + lead + (nl if spaced else "") + _item(data, dash, nl) + (nl if last_top else "") + \
            text[at:]
    if key is not None:  # `references:` with nothing, or []
        if seq.tag.endswith(":map") or seq.tag.endswith(":str") and seq.value:
            raise BriefgenError(Problem("", seq.start_mark.line + 1, f"'{_list(kind)}' is not a list; fix it "
                                        "before adding to it", "not-a-list"))
        text = _splice(text, [(seq.start_mark.index, seq.end_mark.index, "")])
        at = _line_end(text, key.start_mark.index)
        return text[:at] + nl + _item(data, 2, nl) + text[at:]
    lead = nl if text and not text.endswith("\n") else ""
    if tree is not None and _pairs(tree):
        lead += nl
    return text + lead + f"{_list(kind)}:{nl}" + _item(data, 2, nl) + nl


def _dash_column(text: str, item) -> int:
    start = _line_start(text, item.start_mark.index)
    return text.index("-", start) - start


def _remove(text: str, tree, plain: dict, kind: str, node) -> str:
    key, seq = _value_of(tree, _list(kind))
    if seq.flow_style or text[_line_start(text, node.start_mark.index):node.start_mark.index].strip() != "-":
        rest = [r for r, n in zip(plain[_list(kind)], seq.value) if n is not node]
        new = _flow(rest) if seq.flow_style else (_ending(text) + _ending(text).join(_item(r, 2, _ending(text)) for r in rest))
        return _splice(text, [(text.index(":", key.end_mark.index) + 1, _end(text, seq), " " + new if seq.flow_style
                               else new)])
    start, end = _line_start(text, node.start_mark.index), _next_line(text, _end(text, node))
    dash = _dash_column(text, node)
    while start > 0:  # its own comments, just above it
        above = _line_start(text, start - 1)
        line = text[above:start]
        if not line.strip().startswith("#") or len(line) - len(line.lstrip(" ")) != dash:
            break
        start = above
    before = text[_line_start(text, start - 1):start] if start else ""
    after = text[end:_next_line(text, end)]
    if not after.strip() and after and (not before.strip() or node is seq.value[0]):
        end += len(after)  # one blank line fewer
    return text[:start] + text[end:]


# ---------------------------------------------------------------- new text


def _clean(data: Mapping) -> dict:
    return {k: v for k, v in data.items() if v is not None}


def _plain(value: object) -> object:
    """A value as briefgen's reader would give it back: text, lists and mappings."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    return None if value is None else str(value).lower() if isinstance(value, bool) else str(value)


# Text that every YAML reader takes as the same plain text; anything else
# is written in double quotes (ruamel would otherwise write '? g' bare).
_PLAIN = re.compile(r"[A-Za-z0-9(\u00c0-\uffff][^:#\[\]{},\"'\\]*(?:[:#,'][^ :#\[\]{},\"'\\][^:#\[\]{},\"'\\]*)*")
_FLOW_PLAIN = re.compile(r"[A-Za-z0-9(\u00c0-\uffff][^:#\[\]{},\"'\\]*")  # inside [ ] or { }: none of those
_BREAKS = re.compile("[\x85\u2028\u2029\ufeff]")  # line breaks to YAML, or a BOM: never bare
_YAML = None


def _scalar(value: object, flow: bool, style: str | None = None, col: int = 0) -> str:
    """One scalar as ruamel.yaml writes it in a block (or, with `flow`, inside [ ])."""
    global _YAML
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString

    if _YAML is None:
        from ruamel.yaml import YAML

        _YAML = YAML()
        _YAML.width = 4096  # never re-wrap a line
    if isinstance(value, str):
        plain = (_FLOW_PLAIN if flow else _PLAIN).fullmatch(value) and value == value.strip() and \
            not _BREAKS.search(value)
        if style in ("|", ">") and not flow and value == value.strip() and not _BREAKS.search(value) and \
                (style == "|" or "\n" not in value):
            value = (LiteralScalarString if style == "|" else FoldedScalarString)(value)
        else:
            value = value if plain else DoubleQuotedScalarString(value)
    elif not isinstance(value, (int, float)) or isinstance(value, bool):
        value = str(value).lower() if isinstance(value, bool) else str(value)
    if flow:
        from ruamel.yaml.comments import CommentedSeq

        value = CommentedSeq([value])
        value.fa.set_flow_style()
    out = io.StringIO()
    _YAML.width = max(40, 88 - col) if isinstance(value, FoldedScalarString) else 4096
    _YAML.dump(value if flow else {"k": value}, out)
    text = out.getvalue().rstrip("\n")
    return text[1:-1] if flow else text[3:]


def _inline(value: object, col: int = 0, style: str | None = None) -> str | None:
    """`value` written on one line (a list or mapping in flow style, if short enough), or None."""
    if isinstance(value, (list, tuple, Mapping)):
        text = _flow(value)
        return text if col + len(text) <= WIDTH else None
    text = _scalar(value, False, style, col)
    return None if "\n" in text else text


def _flow(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value if v is not None) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_scalar(k, True)}: {_flow(v)}" for k, v in value.items() if v is not None) + "}"
    return _scalar(value, True)


def _block_map(data: Mapping, col: int, nl: str, style: str | None = None) -> str:
    """The mapping `data` in block style, each key at column `col` (the first one indented too)."""
    lines = []
    for key, value in data.items():
        head = " " * col + _scalar(key, False) + ":"
        inline = _inline(value, len(head) + 1, style)
        if inline is not None:
            lines.append(f"{head} {inline}")
        elif isinstance(value, Mapping):
            lines += [head, _block_map(_clean(value), col + 2, nl)]
        elif isinstance(value, (list, tuple)):
            lines += [head, *(_item(v, col + 2, nl) for v in value if v is not None)]
        else:  # a block scalar: `>-` and its lines
            text = _scalar(value, False, style, col + 2)
            lines.append(f"{head} " + _NL.sub(lambda _: nl + " " * col, text))
    return nl.join(lines)


def _item(value: object, dash: int, nl: str) -> str:
    """One item of a block list, its dash at column `dash`."""
    if isinstance(value, Mapping):
        return " " * dash + "- " + _block_map(_clean(value), dash + 2, nl)[dash + 2:]
    inline = _inline(value, dash + 2)
    if inline is not None:
        return " " * dash + "- " + inline
    if isinstance(value, (list, tuple)):
        return " " * dash + "- " + nl.join(_item(v, dash + 2, nl) for v in value)[dash + 2:]
    return " " * dash + "- " + _NL.sub(lambda _: nl + " " * (dash + 2), _scalar(value, False, None, dash + 2))
