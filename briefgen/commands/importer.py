"""`briefgen import`: references from a reference manager's export (CSL-JSON,
as Zotero and Better BibTeX write it, or BibTeX) added to a references file.

Each entry becomes a reference whose id is its citation key, slugged, so
that importing the same export again finds the same ids.  An id that is
already taken is never overwritten or duplicated: the entry is skipped, or,
with `update`, the fields the export gives replace those of the existing
reference.  The file is edited
by briefgen.source.writer, so everything else in it (comments, quoting,
order) stays byte for byte, and written atomically, after the new text has
been read back and checked.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from briefgen.errors import BriefgenError, Problem, terminal_text
from briefgen.source.fields import CSL_TYPES, LONG_MAX
from briefgen.source.model import Reference
from briefgen.paths import SOURCES_DIR, shown
from briefgen.commands.bibtex import _bibtex
from briefgen.commands.entries import (ALIASES, DATES, FIELDS, IGNORED, JSON_HOOKS, NAMES, NESTED_TOO_DEEP, Entry,
                                       _date_from_csl, _name_from_csl, _tidy, slug, too_deep, unreadable)

@dataclass
class Imported:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # conflicts: not errors
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- reading


def read_entries(path: Path, shown_path: str) -> tuple[list[Entry], list[Problem]]:
    """The entries of a CSL-JSON or BibTeX file, and the problems of those that cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BriefgenError(Problem(shown_path, 0, "is not UTF-8 text", "not-utf8")) from None
    except OSError as exc:
        raise BriefgenError(Problem(shown_path, 0, f"cannot be read: {exc.strerror or exc}", "unreadable")) from None
    suffix = path.suffix.lower()
    if suffix == ".json" or (suffix not in (".bib", ".bibtex") and text.lstrip()[:1] in "[{"):
        return _csl_json(text, shown_path)
    return _bibtex(text, shown_path)


def _csl_json(text: str, where: str) -> tuple[list[Entry], list[Problem]]:
    deep = too_deep(text)
    if deep is not None:  # before json, whose decoder recurses
        raise BriefgenError(Problem(where, text.count("\n", 0, deep) + 1, NESTED_TOO_DEEP, "bad-json"))
    try:
        data = json.loads(text, **JSON_HOOKS)
    except json.JSONDecodeError as exc:
        raise BriefgenError(Problem(where, exc.lineno, f"not valid JSON: {exc.msg}", "bad-json")) from None
    except RecursionError:  # not reached: the bound above holds it
        raise BriefgenError(Problem(where, 1, NESTED_TOO_DEEP, "bad-json")) from None
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        raise BriefgenError(Problem(where, 1, "a CSL-JSON file holds a list of items", "bad-json"))
    lines = _item_lines(text)
    entries, problems = [], []
    for n, item in enumerate(data):
        line = lines[n] if n < len(lines) else 1
        if not isinstance(item, dict):
            problems.append(Problem(where, line, f"item {n + 1} is not an object", "bad-entry"))
            continue
        key = item.get("citation-key") or item.get("citationKey") or item.get("id")
        if not isinstance(key, (str, int)) or not slug(str(key)):
            problems.append(Problem(where, line, f"item {n + 1} has no id to become the reference's id",
                                    "bad-entry"))
            continue
        why = unreadable(item)  # the values' types, before anything uses them
        if why:
            problems.append(Problem(where, line, f"entry '{key}': {why}", "bad-entry"))
            continue
        entries.append(_tidy(_from_csl(str(key), line, item)))
    return entries, problems


def _item_lines(text: str) -> list[int]:
    """The line each item of a top-level JSON array starts on (the items are
    read again, one by one, by the standard decoder, to learn where they are)."""
    decoder, lines = json.JSONDecoder(**JSON_HOOKS), []
    i, line = text.find("[") + 1, 1
    line += text.count("\n", 0, i)
    while 0 < i < len(text):
        start = i
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
        line += text.count("\n", start, i)
        if i >= len(text) or text[i] == "]":
            break
        lines.append(line)
        try:
            _, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError:
            break
        line += text.count("\n", i, end)
        i = end
    return lines


# Lines that Zotero's Extra field and Better BibTeX keep in a note for their
# own use ("tex.ids: citron2017"): not part of the reference.
def _from_csl(key: str, line: int, item: dict) -> Entry:
    entry = Entry(key, line, {"id": slug(key)})
    kind = item.get("type")
    if kind in CSL_TYPES:
        entry.data["type"] = kind
    elif kind is not None:
        entry.data["type"] = "document"
        entry.left_out.append(f"type '{kind}' (not a CSL type; imported as 'document')")
    for name, value in item.items():
        name = ALIASES.get(name, name)
        if name in IGNORED or value in (None, "", []):
            continue
        if name not in FIELDS:
            entry.left_out.append(name)
        elif name in NAMES:
            entry.data[name] = [_name_from_csl(n) for n in value] if isinstance(value, list) else value
        elif name in DATES:
            date = _date_from_csl(value)
            if date is None:
                entry.left_out.append(f"{name} (not a date briefgen can read)")
            else:
                entry.data[name] = date
        elif name == "abstract" and isinstance(value, str) and len(value) > LONG_MAX:
            entry.left_out.append(f"abstract (longer than {LONG_MAX:,} characters; no brief shows it)")
        else:
            entry.data[name] = str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
                else value
    return entry


def check_entries(entries: list[Entry], where: str) -> tuple[list[Entry], list[Problem]]:
    """The entries that make valid references; a problem for each that does not."""
    from briefgen.source.validate import field_message

    good, problems, seen = [], [], {}
    for entry in entries:
        ref_id = entry.data["id"]
        if ref_id in seen:
            problems.append(Problem(where, entry.line, f"entry '{entry.key}': its id '{ref_id}' is also the id of "
                                    f"entry '{seen[ref_id]}' above; skipped", "duplicate-id", "warning"))
            continue
        seen[ref_id] = entry.key
        try:
            Reference.model_validate(entry.data)
        except ValidationError as exc:
            for err in exc.errors():
                message = field_message(Reference, f"entry '{entry.key}'", tuple(err["loc"]), err)
                problems.append(Problem(where, entry.line, message, "bad-entry"))
            continue
        good.append(entry)
    return good, problems


# ---------------------------------------------------------------- writing


def _same(old: object, new: object) -> bool:
    """Whether a value in the file already says what the import gives (a
    name written {family: Doe, given: Jane} is the name "Doe, Jane")."""
    from briefgen.source.model import _name

    if isinstance(old, list) and isinstance(new, list):
        return [_name(v) for v in old] == [_name(v) for v in new]
    return old == new


def merge(source, entries: list[Entry], existing: dict[str, tuple[str, int]], update: bool,
          where: str) -> Imported:
    """Add `entries` to the references file `source` (a SourceFile), or, with
    `update`, merge them into references of the same id in that file.
    `existing` maps every id the workspace already uses to where it is defined."""
    into = source.rel
    # the file's own spelling of the web address: url or URL
    url_key = "url" if re.search(r"^[ \t-]*url:", source.text, re.M) and \
        not re.search(r"^[ \t-]*URL:", source.text, re.M) else "URL"
    order = ["id", "type", "title", *(k for k in FIELDS if k not in ("id", "type", "title"))]
    result = Imported()
    for entry in entries:
        ref_id = entry.data["id"]
        if ref_id in existing:
            path, line = existing[ref_id]
            if not update:
                result.skipped.append(Problem(where, entry.line, f"entry '{entry.key}': id '{ref_id}' already exists "
                                              f"({path}:{line}); skipped (--update replaces its fields)",
                                              "id-taken", "warning"))
                continue
            target = source.get("reference", ref_id)
            if path != into or target is None:
                result.skipped.append(Problem(where, entry.line, f"entry '{entry.key}': id '{ref_id}' is defined in "
                                              f"{path}:{line}, not in {into}; skipped", "id-taken", "warning"))
                continue
            merged, changed = dict(target), False
            for key, value in entry.data.items():
                if key == "URL" and "url" in target:
                    key = "url"  # as this reference spells it
                if key != "id" and not _same(target.get(key), value):
                    merged[key], changed = value, True
            if changed:
                source.set("reference", ref_id, merged)
            (result.updated if changed else result.unchanged).append(ref_id)
        else:
            source.set("reference", ref_id, {(url_key if k == "URL" else k): entry.data[k]
                                             for k in order if k in entry.data})
            result.added.append(ref_id)
        if entry.left_out:
            # what the export holds reaches the terminal escaped, as problems do
            result.notes.append(terminal_text(f"{ref_id}: left out {', '.join(entry.left_out)}"))
    return result


def import_file(root: Path, source: Path, into_rel: str, update: bool = False,
                skip_invalid: bool = False) -> tuple[Imported, bool]:
    """Import `source` into the references file `into_rel` (a path inside
    the workspace at `root`, under sources/).  Returns what happened and
    whether the file was written."""
    from briefgen.source.load import load
    from briefgen.source.fields import _relative_path
    from briefgen.source.writer import SourceFile

    where = shown(source, root)
    try:
        into_rel = Path(_relative_path(into_rel)).as_posix()
    except ValueError as exc:
        raise BriefgenError(f"--into: {exc}") from None
    if not into_rel.startswith(SOURCES_DIR + "/") or not into_rel.endswith((".yaml", ".yml")):
        raise BriefgenError(f"--into: '{into_rel}' must be a .yaml file under {SOURCES_DIR}/, "
                            "where briefgen reads references")
    into = root / into_rel
    if into.is_symlink() or (into.exists() and not into.is_file()):
        raise BriefgenError(f"--into: '{into_rel}' is not a plain file")
    sources = load(root)
    if sources.problems:  # ids and lines must be known for sure before anything is added
        raise BriefgenError(sources.problems)
    entries, problems = read_entries(source, where)
    entries, invalid = check_entries(entries, where)
    problems += invalid
    if any(p.severity == "error" for p in problems) and not skip_invalid:
        raise BriefgenError(problems)
    problems = [p if p.severity == "warning" else dataclasses.replace(p, severity="warning", message=p.message +
                                                                       "; skipped") for p in problems]
    existing = {r.id: (r.origin.path, r.origin.line)
                for r in [*sources.references, *sources.facts, *sources.briefs]}
    target = SourceFile.open(root, into_rel)
    result = merge(target, entries, existing, update, where)
    result.skipped = problems + result.skipped
    if not (result.added or result.updated):
        return result, False
    return result, target.save()
