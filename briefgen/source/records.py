"""Records as a source file writes them: every record of a file with its
line, a record's own lines, and a form's values written as the file wrote
them wherever they say the same (so that an untouched field never changes
its file)."""

from __future__ import annotations

import datetime as dt
import re

from briefgen.errors import Problem
from briefgen.source.forms import Field
from briefgen.source.writer import KINDS
from briefgen.source.yamltext import parse, plain, plain_document, value_end, value_of

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
KEEP_DEFAULT = {"status", "type"}  # written even when the default: a reader should see them


def records_in(raw: bytes) -> list[tuple[str, dict, int]]:
    """(kind, plain data, line) of every record with an id in a source file's
    bytes, even one that does not validate; none of a file that does not parse."""
    try:
        text = raw.decode("utf-8-sig")
        tree, data = parse(text), plain_document(text)
    except Exception:  # a file that does not parse: `check` says where
        return []
    found = []
    for kind in KINDS:
        seq, items = _list(tree, data, kind)
        for node, item in zip(seq.value if seq is not None else (), items):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                found.append((kind, item, node.start_mark.line + 1))
    return found


def not_editable(rel: str, exc: Exception) -> Problem:
    """The problem of a file that briefgen reads but its round-trip writer cannot parse (a tab before a comment)."""
    mark = getattr(exc, "problem_mark", None)
    return Problem(rel, mark.line + 1 if mark else 0, "the editor cannot rewrite this file safely "
                   f"({getattr(exc, 'problem', None) or exc}); edit it in a text editor", "not-editable")


def editable(rel: str, raw: bytes) -> Problem | None:
    """None if the round-trip writer can parse the file, else why not."""
    from ruamel.yaml.error import YAMLError

    try:
        parse(raw.decode("utf-8-sig"))
    except YAMLError as exc:
        return not_editable(rel, exc)
    except UnicodeDecodeError:
        return Problem(rel, 0, "the file is not UTF-8 text", "unreadable-file")
    return None


def _list(tree, data: dict, kind: str):
    _, seq = value_of(tree, kind + "s") if tree is not None else (None, None)
    items = data.get(kind + "s")
    if seq is None or not seq.tag.endswith(":seq") or not isinstance(items, list):
        return None, []
    return seq, items


def written(text: str, kind: str, record_id: str) -> str | None:
    """The lines of a record as its file writes them."""
    tree, data = parse(text), plain_document(text)
    seq, items = _list(tree, data, kind)
    for node, item in zip(seq.value if seq is not None else (), items):
        if isinstance(item, dict) and item.get("id") == record_id:
            start = text.rfind("\n", 0, node.start_mark.index) + 1
            dash = len(text[start:node.start_mark.index]) - len(text[start:node.start_mark.index].lstrip(" "))
            lines = text[start:value_end(text, node)].splitlines()
            return "\n".join(line[dash:] if line[:dash].strip() == "" else line for line in lines)
    return None



def kept(spec: Field, old: object, new: object) -> object:
    """`new` as the form gave it, with every part that says what `old` says
    written as `old` wrote it, and a field left at its default, that `old`
    did not have, left out (so that an untouched field never changes its file)."""
    if isinstance(new, (int, float)) and spec.widget not in ("number", "checkbox", "group", "list"):
        new = str(new).lower() if isinstance(new, bool) else str(new)  # a number sent for a text field
    if isinstance(new, str):
        new = new.strip() or None
    if spec.widget == "date" and isinstance(new, str) and ISO_DATE.fullmatch(new):
        try:
            new = dt.date.fromisoformat(new)  # so that it is written as a date, as the file writes dates
        except ValueError:
            pass  # an impossible date: the check says so at the field
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
    if spec.widget == "map" and isinstance(new, dict) and spec.item is not None:
        was = old if isinstance(old, dict) else {}
        out = {k: kept(spec.item, was.get(k), v) for k, v in new.items()}
        return {k: v for k, v in out.items() if v is not None} or None
    if spec.widget == "list" and isinstance(new, list) and spec.item is not None:
        was = old if isinstance(old, list) else []
        out = [kept(spec.item, was[i] if i < len(was) else None, v) for i, v in enumerate(new)]
        return [v for v in out if v is not None] or None
    return old if plain(old) == plain(new) else new


def same(spec: Field, old: object, new: object) -> bool:
    """Whether the form's value `new` says what `old` (as a file or the form wrote it) says."""
    return plain(kept(spec, old, new)) == plain(old)


def merged(spec: Field, disk: dict, base: dict, mine: dict) -> tuple[dict, list[str]]:
    """The form's values `mine` for a record that holds `disk` now and held
    what the form showed, `base`, when it was opened: every field the form
    did not change keeps what the file says now (an edit made meanwhile
    stays), every field it changed takes the form's value.  Also the labels
    of the fields changed both ways, differently; and the fields the form
    does not show (a mistyped key) are kept as written."""
    out, clashes = {}, []
    names = {c.key: c for c in spec.children}
    for key, value in mine.items():
        child = names.get(key)
        if child is None:
            out[key] = value
        elif same(child, base.get(key), value):
            out[key] = disk.get(key)  # untouched in the form
        else:
            out[key] = value
            if not same(child, disk.get(key), base.get(key)) and not same(child, disk.get(key), value):
                clashes.append(child.label)
    out.update({k: v for k, v in disk.items() if k not in names and k not in out})
    return out, clashes


def _same_name(old: str, new: dict) -> bool:
    from briefgen.source.model import _name

    return plain(_name(old)) == plain(new)
