"""What changed between two versions of a fact base, record by record.

Records are matched by id, never by file or line: a fact moved to another
file, or a file renamed, with the same fields, is no change.  For each fact
the comparison says what a reader would want to know: added, removed,
retired, disputed, verified again; its claim reworded (a word-level diff,
with the numbers that changed singled out); citations added, removed or
re-pointed (same source, another locator or quote); any other field, old and
new.  References and briefs are compared field by field.

Which documents a change reaches is the composing stage's business
(`briefgen.compose.changes`); this module only compares records.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field

from briefgen.source.model import Brief, Citation, Fact, Record, Reference

# Status changes, by the new status (and, for "verified", the old one).
_STATUS_EVENT = {"retired": "retired", "disputed": "disputed", "draft": "back to draft"}

# The fields of a fact a reader sees on the page: a change to any of them
# makes the fact "updated" in a document marked with what changed.
VISIBLE_FIELDS = ("claim", "detail", "cite", "kind", "as_of", "status")


@dataclass(frozen=True)
class Segment:
    """A run of words of a word-level diff: kept ("equal"), or only in the old ("delete") or new ("insert") text."""

    op: str
    text: str


@dataclass(frozen=True)
class TextChange:
    """A text field reworded: old and new, the word-level diff, and the
    numbers that changed, as (old, new) pairs (None where a number was only
    taken out or only put in)."""

    old: str | None
    new: str | None
    segments: tuple[Segment, ...]
    numbers: tuple[tuple[str | None, str | None], ...]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class CitationChange:
    """A citation "added", "removed" or "re-pointed" (the same source, with
    another locator or quote); `line` is in the new version (the old one for
    a citation removed)."""

    change: str
    ref: str
    old: Citation | None
    new: Citation | None
    line: int


@dataclass(frozen=True)
class RecordChange:
    """One record that is new, gone, or different.  `path` and `line` are
    where it is in the new version (in the old one when it was removed), at
    the first field that changed."""

    kind: str  # "fact", "reference" or "brief"
    id: str
    change: str  # "added", "removed" or "changed"
    events: tuple[str, ...]  # what happened, in words: "retired", "claim reworded", "citation added", ...
    path: str
    line: int
    old: Record | None = None
    new: Record | None = None
    claim: TextChange | None = None
    detail: TextChange | None = None
    fields: tuple[FieldChange, ...] = ()
    citations: tuple[CitationChange, ...] = ()

    @property
    def visible(self) -> bool:
        """For a fact: whether a reader of a page showing it sees the change."""
        if self.change != "changed" or self.claim or self.detail or self.citations:
            return True
        return any(f.field in VISIBLE_FIELDS for f in self.fields)


@dataclass
class Records:
    """One version's records by id (the first in file order, for an id used twice)."""

    facts: dict[str, Fact] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    briefs: dict[str, Brief] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)  # ids of entries with errors: what they hold is unknown
    name: str = ""  # the version's name, for a message


# -- words and numbers ----------------------------------------------------

_NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                 "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred "
                 "thousand million billion trillion half third quarter dozen twice").split()
_ONE_NUMBER = r"(?:[$€£]?\d[\d,]*(?:\.\d+)?%?|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b)"
# A number is one or more of those in a row: "25%", "1,200", "$3.5 million", "one quarter", "twenty-five percent".
_NUMBER = re.compile(_ONE_NUMBER + r"(?:[\s-]+" + _ONE_NUMBER + r")*(?:\s?(?:percent|per cent)\b)?", re.IGNORECASE)


def numbers_in(text: str) -> list[str]:
    """The numbers written in `text`, in order: "25%", "1,200", "$3.5", "four"."""
    return [m.group(0).rstrip(",") for m in _NUMBER.finditer(text)]


def word_diff(old: str, new: str) -> TextChange:
    """The word-level difference of two texts (white space does not count),
    with the numbers that changed paired up in order."""
    a, b = old.split(), new.split()
    segments: list[Segment] = []
    numbers: list[tuple[str | None, str | None]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", " ".join(b[j1:j2])))
        gone, came = numbers_in(" ".join(a[i1:i2])), numbers_in(" ".join(b[j1:j2]))
        for i in range(max(len(gone), len(came))):
            pair = (gone[i] if i < len(gone) else None, came[i] if i < len(came) else None)
            if pair[0] != pair[1]:
                numbers.append(pair)
    return TextChange(old, new, tuple(segments), tuple(numbers))


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


# -- comparing records ----------------------------------------------------

def compare(old: Records, new: Records) -> list[RecordChange]:
    """Every record added, removed or changed, facts first, then references
    and briefs, each kind in the order of the new version (removed ones after)."""
    changes: list[RecordChange] = []
    for kind, compare_one in (("facts", _fact), ("references", _reference), ("briefs", _brief)):
        before, after = getattr(old, kind), getattr(new, kind)
        for record_id, record in after.items():
            previous = before.get(record_id)
            if previous is None and record_id in old.invalid:
                changes.append(_not_compared(kind[:-1], record, old.name, held_by_new=True))
            elif previous is None:
                changes.append(_added(kind[:-1], record))
            elif previous is not record and not _same(previous, record):
                change = compare_one(previous, record)
                if change is not None:
                    changes.append(change)
        for record_id, record in before.items():
            if record_id not in after and record_id in new.invalid:
                changes.append(_not_compared(kind[:-1], record, new.name, held_by_new=False))
            elif record_id not in after:
                changes.append(RecordChange(kind[:-1], record_id, "removed", ("removed",), *record.at(), old=record))
    return changes


def _same(a: Record, b: Record) -> bool:
    """Whether two records hold the same values, wherever each was written:
    their fields compared as values (nested models by theirs), a quick
    answer before the field-by-field comparison.  A cached property computed
    on only one of them makes this say no; the comparison then decides."""
    return a.__dict__ == b.__dict__


def fact_digest(fact: Fact) -> str:
    """A short digest of what a reader sees of a fact (claim, detail,
    citations, kind, date, status), for manifests to compare across builds."""
    shown = {name: True for name in VISIBLE_FIELDS} | {"cite": {"__all__": {"ref", "locator", "quote"}}}
    text = fact.model_dump_json(include=shown)  # a citation's translations are another edition's
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _not_compared(kind: str, record: Record, where: str, held_by_new: bool) -> RecordChange:
    """A record one version holds and the other has with errors."""
    return RecordChange(kind, record.id, "not compared", (f"not compared: it has errors in {where}",), *record.at(),
                        old=None if held_by_new else record, new=record if held_by_new else None)


def _added(kind: str, record: Record) -> RecordChange:
    events = ("added",) if kind != "fact" else (f"added ({record.status})",)
    return RecordChange(kind, record.id, "added", events, *record.at(), new=record)


def _status_event(old: Fact, new: Fact) -> str | None:
    if old.status != new.status:
        if new.status == "verified":
            return "verified" if old.status == "draft" else "re-verified"
        return _STATUS_EVENT[new.status]
    if new.status == "verified" and new.reviewed and old.reviewed != new.reviewed:
        return "re-verified"
    return None


def _fact(old: Fact, new: Fact) -> RecordChange | None:
    events: list[str] = []
    lines: list[int] = []
    status = _status_event(old, new)
    if status:
        events.append(status)
        lines.append(new.at("status" if new.status != old.status else "reviewed")[1])
    claim = detail = None
    if _text(old.claim) != _text(new.claim):
        claim = word_diff(_text(old.claim), _text(new.claim))
        events.append("claim reworded")
        if claim.numbers:
            events.append("number changed" if len(claim.numbers) == 1 else "numbers changed")
        lines.append(new.at("claim")[1])
    if _text(old.detail) != _text(new.detail):
        detail = word_diff(_text(old.detail), _text(new.detail))
        events.append("detail changed" if old.detail and new.detail else ("detail added" if new.detail else
                                                                           "detail removed"))
        lines.append(new.at("detail")[1])
    citations = _citations(old, new)
    for change in dict.fromkeys(c.change for c in citations):
        events.append(f"citation {change}")
    lines += [c.line for c in citations if c.change != "removed"]
    fields = [FieldChange("status", old.status, new.status)] if old.status != new.status else []
    for name in ("tags", "kind", "priority", "as_of", "review_by", "reviewed"):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            fields.append(FieldChange(name, _plain(before), _plain(after)))
            if not (name == "reviewed" and status == "re-verified"):  # said already
                events.append(f"{name} changed")
                lines.append(new.at(name)[1])
    if not events:
        return None
    path, line = new.at()
    return RecordChange("fact", new.id, "changed", tuple(events), path, min(lines) if lines else line, old, new,
                        claim, detail, tuple(fields), tuple(citations))


def _citations(old: Fact, new: Fact) -> list[CitationChange]:
    """Citations matched by reference (the n-th citation of a reference with
    the n-th): the rest were added or removed."""

    def keyed(fact: Fact) -> dict[tuple[str, int], tuple[int, Citation]]:
        seen: dict[str, int] = {}
        out = {}
        for index, c in enumerate(fact.cite):
            n = seen[c.ref] = seen.get(c.ref, -1) + 1
            out[(c.ref, n)] = (index, c)
        return out

    before, after = keyed(old), keyed(new)
    changes = []
    for key, (index, c) in after.items():
        line = new.at("cite", index)[1]
        if key not in before:
            changes.append(CitationChange("added", c.ref, None, c, line))
        elif before[key][1] != c:
            changes.append(CitationChange("re-pointed", c.ref, before[key][1], c, line))
    for key, (index, c) in before.items():
        if key not in after:
            changes.append(CitationChange("removed", c.ref, c, None, old.at("cite", index)[1]))
    return changes


def _plain(value: object) -> object:
    """A field's value as JSON would hold it: dates as text, models as mappings."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _fields(old: Record, new: Record, names) -> list[FieldChange]:
    a = old.model_dump(mode="json", by_alias=True, exclude_none=True)
    b = new.model_dump(mode="json", by_alias=True, exclude_none=True)
    return [FieldChange(name, a.get(name), b.get(name)) for name in names(a, b) if a.get(name) != b.get(name)]


def _ordered_names(a: dict, b: dict) -> list[str]:
    return list(dict.fromkeys([*b, *a]))


def _reference(old: Reference, new: Reference) -> RecordChange | None:
    fields = _fields(old, new, _ordered_names)
    if not fields:
        return None
    line = min(new.at(f.field)[1] for f in fields)
    return RecordChange("reference", new.id, "changed", tuple(f"{f.field} changed" for f in fields), new.origin.path,
                        line, old, new, fields=tuple(fields))


def _brief(old: Brief, new: Brief) -> RecordChange | None:
    fields = _fields(old, new, _ordered_names)
    if not fields:
        return None
    events = tuple(f"{f.field} changed" for f in fields)
    lines = [new.at(f.field)[1] for f in fields if f.field != "sections"]
    # The sections, one by one: "sections[2].select: recommendation → recommendation or law".
    parts = []
    for f in fields:
        if f.field != "sections":
            parts.append(f)
            continue
        before, after = f.old or [], f.new or []
        for i in range(max(len(before), len(after))):
            a, b = (before[i] if i < len(before) else None), (after[i] if i < len(after) else None)
            if a is None or b is None:
                parts.append(FieldChange(f"sections[{i}]", a, b))
                lines.append(new.at("sections", i)[1])
                continue
            for key in dict.fromkeys([*b, *a]):
                if a.get(key) != b.get(key):
                    parts.append(FieldChange(f"sections[{i}].{key}", a.get(key), b.get(key)))
                    lines.append(new.at("sections", i, key)[1])
    return RecordChange("brief", new.id, "changed", events, new.origin.path, min(lines), old, new,
                        fields=tuple(parts))
