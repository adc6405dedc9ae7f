"""Stage 4, cite: number the references of a brief and format its reference list.

References are numbered in the order of first citation, reading the sections
top to bottom; a reference cited by several facts keeps its one number; a
reference that no rendered fact cites is not listed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup

from briefgen.source.messages import ENGLISH, Words
from briefgen.source.model import Brief, Fact, Reference
from briefgen.source.translations import translated
from briefgen.compose.select import SelectedSection
from briefgen.compose.citeproc import Formatted


@dataclass(frozen=True)
class Marker:
    """One citation marker beside a claim: [number] with an optional pinpoint."""

    number: int
    ref_id: str
    locator: str | None = None
    quote: str | None = None  # the source's own words
    translation: str | None = None  # the quote in the brief's language, shown beside it
    in_text: Markup | None = None  # this citation alone, in an in-text style
    note: Markup | None = None  # as a note style's footnote reads it, pinpoint included, without the layout's affixes


@dataclass(frozen=True)
class CitedFact:
    fact: Fact
    markers: tuple[Marker, ...]
    in_text: Markup | None = None  # an in-text style's citation: "(Doe 2020, 4; Roe 2019)"
    change: str | None = None  # "new" or "updated" since the version a build compares with
    stale: str | None = None  # why the fact is stale on the day of the build, if it is


@dataclass(frozen=True)
class ChangeNote:
    """What a document marks as changed since an earlier version (named
    `since`): a mark for each fact id, and the facts it no longer shows, as
    (id, claim, why)."""

    since: str
    marks: dict[str, str]
    withdrawn: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class CitedSection:
    heading: str
    facts: tuple[CitedFact, ...]
    charts: str = "beside"  # where its facts' charts show: "beside" each claim, "lead" (first), "none"


@dataclass(frozen=True)
class Entry:
    """One numbered entry of the reference list, split into display parts."""

    number: int
    ref: Reference
    who: str | None
    title: str
    italic: bool
    details: tuple[str, ...]
    url: str | None
    accessed: str | None
    html: Markup | None = None  # the entry as a CSL style formats it (sanitised)


@dataclass(frozen=True)
class CitedBrief:
    brief: Brief
    sections: tuple[CitedSection, ...]
    references: tuple[Entry, ...]
    formatted: Formatted | None = None  # the citation style, when not briefgen's own
    changes: ChangeNote | None = None  # what changed since an earlier version, when a build was asked to say
    charts: bool = True  # whether facts with a figure show their chart (fitting may leave charts out)
    words: Words = ENGLISH  # the page's language: its labels, dates, and its sources' words

    @property
    def changed_facts(self) -> list[CitedFact]:
        """The facts shown with a "new" or "updated" mark, in order."""
        return [cf for s in self.sections for cf in s.facts if cf.change]

    @property
    def numbered(self) -> bool:
        """Whether sources are numbered [1], [2] (else cited by author and date)."""
        return self.formatted is None or self.formatted.style.numbered

    @property
    def fact_ids(self) -> list[str]:
        return [cf.fact.id for s in self.sections for cf in s.facts]

    @property
    def charted(self) -> list[str]:
        """The facts whose charts the document shows, in order: those with a
        figure, in sections that place charts, unless fitting left them out."""
        if not self.charts:
            return []
        return [cf.fact.id for s in self.sections if s.charts != "none" for cf in s.facts
                if cf.fact.figure is not None]



def cite(brief: Brief, sections: list[SelectedSection], references: dict[str, Reference],
         words: Words = ENGLISH, entries: dict | None = None) -> CitedBrief:
    """The brief with its markers and list of sources, in the language of `words`
    (a quote's translation into it shown beside the quote).  `entries`, when
    given, keeps each list entry made, by number, reference and language, for
    the next call (a long-lived process): an entry is made again unless its
    reference is the very same record."""
    numbers: dict[str, int] = {}
    cited_sections = []
    for section in sections:
        cited_facts = []
        for fact in section.facts:
            markers = []
            for c in fact.cite:
                number = numbers.setdefault(c.ref, len(numbers) + 1)
                t = c.translations.get(words.lang)
                markers.append(Marker(number, c.ref, t.locator if t and t.locator else c.locator, c.quote,
                                      t.quote if t and c.quote else None))
            cited_facts.append(CitedFact(fact, tuple(markers)))
        cited_sections.append(CitedSection(section.heading, tuple(cited_facts), section.charts))
    if entries is None:
        listed = tuple(entry(number, references[ref_id], words) for ref_id, number in numbers.items())
    else:
        listed = tuple(_entry_kept(number, references[ref_id], words, entries) for ref_id, number in numbers.items())
    return CitedBrief(brief, tuple(cited_sections), listed, words=words)


def _entry_kept(number: int, ref: Reference, words: Words, entries: dict) -> Entry:
    kept = entries.get((number, ref.id, words.lang))
    if kept is None or kept.ref is not ref:
        kept = entries[(number, ref.id, words.lang)] = entry(number, ref, words)
    return kept


# Works whose titles are set in italics; shorter works get quotation marks.
ITALIC_TYPES = frozenset({"bill", "book", "legal_case", "legislation", "report", "periodical",
                          "regulation", "thesis", "treaty", "motion_picture", "dataset"})
# What kind of source a reader should expect, where the title does not say.
def medium(kind: str, words: Words) -> str | None:
    return {"broadcast": words.gettext("Broadcast"), "interview": words.gettext("Interview"),
            "speech": words.gettext("Speech"), "hearing": words.gettext("Hearing"),
            "post": words.gettext("Online post"), "post-weblog": words.gettext("Blog post")}.get(kind)


LEGAL_TYPES = frozenset({"legislation", "regulation", "bill", "legal_case"})


def entry(number: int, ref: Reference, words: Words = ENGLISH) -> Entry:
    """A reference list entry: who. Title. Where it is found, medium,
    publisher, date.  A law, bill or case is found by its citation
    ('47 U.S.C. § 230', 'Pub. L. No. 115-164, 132 Stat. 1253'), anything
    else by its container, volume, issue and pages."""
    if words.lang in ref.translations:  # its title and note in the page's language, where given
        ref = ref.model_copy(update={"title": translated(ref, words.lang, "title"),
                                     "note": translated(ref, words.lang, "note")})
    who = join_names(ref.names, words) if ref.names else ref.publisher
    if ref.type in LEGAL_TYPES:
        public_law = ref.type == "legislation" and (ref.number or "")[:1].isdigit()
        found = [
            words("Pub. L. No. %(number)s", number=ref.number) if public_law else ref.number,
            " ".join(p for p in (ref.volume, ref.container_title, f"§ {ref.section}" if ref.section else ref.page)
                     if p) or None,
            ref.authority,
        ]
    else:
        found = [
            ref.container_title,
            words("vol. %(volume)s", volume=ref.volume) if ref.volume else None,
            words("no. %(issue)s", issue=ref.issue) if ref.issue else None,
            (words("pp. %(pages)s", pages=ref.page) if "-" in ref.page or "–" in ref.page
             else words("p. %(page)s", page=ref.page)) if ref.page else None,
            ref.number,
        ]
    details = [
        *found,
        medium(ref.type, words),
        ref.publisher if ref.names else None,
        words.date(ref.issued) if ref.issued else words.gettext("n.d."),
    ]
    return Entry(
        number=number,
        ref=ref,
        who=who,
        title=ref.title,
        italic=ref.type in ITALIC_TYPES,
        details=tuple(d for d in details if d),
        url=ref.url,
        accessed=words.date(ref.accessed) if ref.accessed else None,
    )


def join_names(names: list[str], words: Words = ENGLISH) -> str:
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return words("%(first)s and %(last)s", first=names[0], last=names[1])
    return words("%(names)s, and %(last)s", names=", ".join(names[:-1]), last=names[-1])


def format_date(value: str | dt.date, words: Words = ENGLISH) -> str:
    """'2025-08-24' as 'August 24, 2025'; '2025-08' as 'August 2025'; '2025' as is (in English, or `words`' language)."""
    return words.date(value)


def without(cited: CitedBrief, dropped: set[str]) -> CitedBrief:
    """The same brief with some facts left out, its sources numbered afresh:
    no reference that only a dropped fact cited remains, and a section left
    with no facts goes too."""
    sections = [
        SelectedSection(s.heading, tuple(cf.fact for cf in s.facts if cf.fact.id not in dropped), s.charts)
        for s in cited.sections
    ]
    references = {e.ref.id: e.ref for e in cited.references}
    stale = {cf.fact.id: cf.stale for s in cited.sections for cf in s.facts if cf.stale}
    return aged(noted(styled(cite(cited.brief, [s for s in sections if s.facts], references, cited.words), cited.formatted),
                      cited.changes), stale)


def aged(cited: CitedBrief, stale: dict[str, str]) -> CitedBrief:
    """The brief with its stale facts marked (`stale`: why each stale fact
    of the build is stale, by fact id)."""
    if not any(cf.fact.id in stale or cf.stale for s in cited.sections for cf in s.facts):
        return cited
    sections = tuple(
        dataclasses.replace(s, facts=tuple(dataclasses.replace(cf, stale=stale.get(cf.fact.id)) for cf in s.facts))
        for s in cited.sections)
    return dataclasses.replace(cited, sections=sections)


def noted(cited: CitedBrief, changes: ChangeNote | None) -> CitedBrief:
    """The brief with the marks of `changes` on its facts (and the note kept for its box)."""
    if changes is None:
        return cited
    sections = tuple(
        dataclasses.replace(s, facts=tuple(dataclasses.replace(cf, change=changes.marks.get(cf.fact.id))
                                           for cf in s.facts))
        for s in cited.sections)
    return dataclasses.replace(cited, sections=sections, changes=changes)


def styled(cited: CitedBrief, formatted: Formatted | None) -> CitedBrief:
    """The brief with its sources and markers in a CSL style: each entry as
    the style formats it and, for an in-text style, each claim's markers as
    one citation ("(Doe 2020, 4)") and the sources in the style's order."""
    if formatted is None:
        return cited
    entries = [dataclasses.replace(e, html=Markup(formatted.entries[e.ref.id])) for e in cited.references]
    sections = cited.sections
    if formatted.style.kind == "note":  # each citation's footnote, for formats with real notes
        sections = tuple(
            dataclasses.replace(s, facts=tuple(
                dataclasses.replace(cf, markers=tuple(
                    dataclasses.replace(m, note=Markup(formatted.citations[(m.ref_id, m.locator)]))
                    if (m.ref_id, m.locator) in formatted.citations else m for m in cf.markers))
                for cf in s.facts))
            for s in sections)
    if not formatted.style.numbered:
        position = {ref_id: i for i, ref_id in enumerate(formatted.order)}
        entries.sort(key=lambda e: position.get(e.ref.id, len(position)))
        sections = tuple(
            dataclasses.replace(s, facts=tuple(
                dataclasses.replace(
                    cf, in_text=formatted.marker([(m.ref_id, m.locator) for m in cf.markers]),
                    markers=tuple(dataclasses.replace(m, in_text=formatted.marker([(m.ref_id, m.locator)]))
                                  for m in cf.markers))
                for cf in s.facts))
            for s in sections)
    return dataclasses.replace(cited, sections=sections, references=tuple(entries), formatted=formatted)
