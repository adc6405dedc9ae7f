"""What changed, seen from the documents: which briefs and tag sheets each
changed fact reaches, what each brief now shows, and the "Changes since"
notes a build puts on a page.

The versions compared need not check: facts and briefs are selected as far
as they resolve (a fact a brief names that does not exist is skipped, a tag
expression that does not parse selects nothing), so that what loads is
still compared.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from briefgen.compose.cite import ChangeNote, CitedBrief, format_date, noted
from briefgen.source.messages import ENGLISH, Words
from briefgen.compose.plan import Job
from briefgen.compose.select import Selector
from briefgen.source import tags as tagexpr
from briefgen.source.check import FactBase
from briefgen.source.load import paused_gc
from briefgen.source.diff import RecordChange, Records, compare
from briefgen.source.model import Brief
from briefgen.source.versions import Version

BRIEF, TAG_SHEET, SHEET = "brief", "tag sheet", "sheet"
_RANK = {BRIEF: 0, TAG_SHEET: 1, SHEET: 2}


@dataclass(frozen=True)
class Change:
    """A record's change, with the documents it reaches (kind, id), and for a
    brief the facts it shows now and did not, and showed and does not."""

    record: RecordChange
    reaches: tuple[tuple[str, str], ...] = ()
    shows_added: tuple[str, ...] = ()
    shows_removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    old: Version
    new: Version
    changes: tuple[Change, ...]

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.record.kind == kind]

    @property
    def problems(self):
        return [*self.old.problems, *self.new.problems]


class Shown:
    """Which facts each document of one version shows: every brief, the tag
    sheet of every fact tag, and the ad-hoc sheets named in `sheets` (slug
    -> tag expression)."""

    def __init__(self, records: Records, sheets: dict[str, str] | None = None):
        self.selector = Selector(FactBase(records.references, records.facts, records.briefs))
        self.briefs = {b.id: shown_ids(b, self.selector) for b in records.briefs.values()}
        self.by_fact: dict[str, list[tuple[str, str]]] = {}
        for brief_id, ids in self.briefs.items():
            for fact_id in ids:
                self.by_fact.setdefault(fact_id, []).append((BRIEF, brief_id))
        for fact in self.selector.ordered:
            self.by_fact.setdefault(fact.id, []).extend((TAG_SHEET, t) for t in fact.tags)
        for slug, expression in (sheets or {}).items():
            try:
                shown = self.selector.matching(expression)
            except (tagexpr.TagExprError, KeyError):
                continue
            for fact in shown:
                self.by_fact.setdefault(fact.id, []).append((SHEET, slug))


def shown_ids(brief: Brief, selector: Selector) -> tuple[str, ...]:
    """The ids of the facts a brief shows, in order, as far as its sections resolve."""
    used: dict[str, None] = {}
    for section in brief.sections:
        if section.facts is not None:
            candidates = [i for i in section.facts if i in selector.base.facts]
        else:
            try:
                candidates = [f.id for f in selector.matching(section.select)]
            except tagexpr.TagExprError:
                candidates = []
        used.update(dict.fromkeys(candidates))
    return tuple(used)


def compare_versions(old: Version, new: Version, sheets: dict[str, str] | None = None) -> Comparison:
    """Every record that changed from `old` to `new`, with what it reaches:
    briefs, tag sheets, and the ad-hoc sheets named in `sheets` (slug -> tag
    expression, as an output folder's manifests record them)."""
    with paused_gc():  # nothing made here is garbage before the end: the collector would only cost time
        return _compare(old, new, sheets)


def _compare(old: Version, new: Version, sheets: dict[str, str] | None) -> Comparison:
    before, after = Shown(old.records, sheets), Shown(new.records, sheets)
    changes = []
    records = compare(old.records, new.records)
    by_id = {r.id: r for r in records if r.kind == "brief"}
    for record in records:
        if record.kind == "fact":
            reaches = _order([*after.by_fact.get(record.id, ()), *before.by_fact.get(record.id, ())])
            changes.append(Change(record, reaches))
        elif record.kind == "reference":
            citing = {f.id for v in (old, new) for f in v.records.facts.values() if any(c.ref == record.id for c in f.cite)}
            reaches = _order([d for i in citing for s in (after, before) for d in s.by_fact.get(i, ())])
            changes.append(Change(record, reaches))
    for brief_id in [*new.records.briefs, *(b for b in old.records.briefs if b not in new.records.briefs)]:
        unknown = old.records.invalid | new.records.invalid  # facts with errors in one version: not compared
        now = tuple(i for i in after.briefs.get(brief_id, ()) if i not in unknown)
        then = tuple(i for i in before.briefs.get(brief_id, ()) if i not in unknown)
        record = by_id.get(brief_id)
        if record is not None and record.change != "changed":
            changes.append(Change(record, ((BRIEF, brief_id),)))
        elif record is not None or now != then:
            if now != then:
                brief = new.records.briefs[brief_id]
                record = record or RecordChange("brief", brief_id, "changed", (), *brief.at("sections"),
                                                old=old.records.briefs[brief_id], new=brief)
                record = dataclasses.replace(record, events=(*record.events, "facts shown changed"))
            changes.append(Change(record, ((BRIEF, brief_id),), tuple(i for i in now if i not in then),
                                  tuple(i for i in then if i not in now)))
    return Comparison(old, new, tuple(changes))


def _order(documents) -> tuple[tuple[str, str], ...]:
    """Briefs first, then tag sheets, then ad-hoc sheets, each by id, once."""
    return tuple(sorted(set(documents), key=lambda d: (_RANK[d[0]], d[1])))


# -- "Changes since" on a page ------------------------------------------------

def label_text(label: str, words: Words = ENGLISH) -> str:
    """A version's label as a reader sees it: a date written out ("November 24, 2026"), a name as it is."""
    try:
        return format_date(dt.date.fromisoformat(label), words)
    except ValueError:
        return label


class Since:
    """What changed since one version, for the documents of a build."""

    def __init__(self, old: Version, base: FactBase, selector: Selector):
        self.old = old
        self.before = Shown(old.records)
        self.base = base
        new = Records(dict(base.facts), dict(base.references), dict(base.briefs))
        self.changed = {c.id: c for c in compare(old.records, new) if c.kind == "fact"}

    def note(self, job: Job) -> CitedBrief:
        """The job's cited brief with its new and updated facts marked and the facts it no longer shows listed."""
        cited = job.cited
        shown = cited.fact_ids
        then = self._then(job)
        marks = {}
        for fact_id in shown:
            change = self.changed.get(fact_id)
            if fact_id in self.old.records.invalid:
                continue  # the old version could not read it: what changed is not known
            if (then is not None and fact_id not in then) or (change is not None and change.change == "added"):
                marks[fact_id] = "new"
            elif change is not None and change.visible:
                marks[fact_id] = "updated"
        withdrawn = []
        for fact_id in then or ():
            if fact_id in shown:
                continue
            fact = self.base.facts.get(fact_id)
            words = cited.words
            status = {"retired": words.gettext("retired"), "disputed": words.gettext("disputed")}
            why = (words.gettext("removed from the sources") if fact is None
                   else words("now %(status)s", status=status.get(fact.status, fact.status)) if not fact.renderable
                   else words.gettext("no longer in this document"))
            withdrawn.append((fact_id, self.old.records.facts[fact_id].claim, why))
        return noted(cited, ChangeNote(label_text(self.old.label, cited.words), marks, tuple(withdrawn)))

    def _then(self, job: Job) -> tuple[str, ...] | None:
        """The facts the old version of this document showed; None if it had none."""
        if job.kind == BRIEF:
            return self.before.briefs.get(job.brief.id)
        if job.kind == TAG_SHEET:
            tag = job.brief.id
            return tuple(f.id for f in self.before.selector.ordered if tag in f.tags) or None
        if job.request is not None:
            try:
                return tuple(f.id for f in self.before.selector.matching(job.request.expression)) or None
            except (tagexpr.TagExprError, KeyError):
                return None
        return None


LAST_BUILD = "last-build"  # the version a document's own previous build was made from, as its manifest says


def since_last_build(job: Job, previous: dict | None, base: FactBase, label: str = "the last build") -> CitedBrief:
    """The job's cited brief marked with what changed since an earlier build
    of it (its last build, or the one whose manifests are in a copy of an
    output folder named `label`), from the per-fact digests of that build's
    manifest (`previous`): no git needed.  A document with no such manifest
    is left as it is."""
    from briefgen.source.diff import fact_digest

    digests = (previous or {}).get("fact_digests")
    if not isinstance(digests, dict):
        return job.cited
    marks = {}
    for cf in (cf for s in job.cited.sections for cf in s.facts):
        if cf.fact.id not in digests:
            marks[cf.fact.id] = "new"
        elif digests[cf.fact.id] != fact_digest(cf.fact):
            marks[cf.fact.id] = "updated"
    shown = set(job.cited.fact_ids)
    withdrawn = []
    for fact_id in (i for i in previous.get("facts", ()) if isinstance(i, str) and i not in shown):
        fact = base.facts.get(fact_id)
        why = ("removed from the sources" if fact is None else f"now {fact.status}" if not fact.renderable
               else "no longer in this document")
        withdrawn.append((fact_id, fact.claim if fact is not None else f"fact '{fact_id}'", why))
    return noted(job.cited, ChangeNote(label, marks, tuple(withdrawn)))
