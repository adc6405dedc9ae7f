"""Translated content: a fact's claim and detail, a brief's words, a
reference's title, each given per language in a `translations` block, and
a quote's translation beside the source's own words.

A translation keeps the record's citations (it has none of its own), and
records a digest of the original it was made from (`digest:`), so that a
translation made before the original last changed is found stale: a changed
number never hides in a translation.
"""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel, ConfigDict, Field

from briefgen.errors import Problem
from briefgen.source.fields import Claim, Lang, Long, Short

DIGEST_LENGTH = 8


class _Translation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    digest: Short | None = None  # the digest of the original the translation was made from


class FactTranslation(_Translation):
    claim: Claim
    detail: Long | None = None
    figure_label: Short | None = None  # the figure's label (what is counted), drawn on the chart
    figure_names: list[Short] | None = Field(default=None, min_length=1)  # one per category of a series, in order


class BriefTranslation(_Translation):
    title: Short | None = None
    subtitle: Short | None = None
    audience: Short | None = None
    bottom_line: Long | None = None
    ask: Long | None = None
    contact: Short | None = None
    headings: list[Short] | None = Field(default=None, min_length=1)  # one per section, in order


class ReferenceTranslation(_Translation):
    title: Short | None = None  # a source's title may stay in its own language
    note: Short | None = None


class CitationTranslation(BaseModel):
    """A citation in another language: its pinpoint ("punto 12"), and the
    quote's translation, shown beside the quote, which stays the source's words."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    locator: Short | None = None
    quote: Claim | None = None


FactTranslations = dict[Lang, FactTranslation]
BriefTranslations = dict[Lang, BriefTranslation]
ReferenceTranslations = dict[Lang, ReferenceTranslation]
CitationTranslations = dict[Lang, CitationTranslation]

# What each kind of record translates, besides a brief's section headings.
FACT_FIELDS = ("claim", "detail")
BRIEF_FIELDS = ("title", "subtitle", "audience", "bottom_line", "ask", "contact")
REFERENCE_FIELDS = ("title", "note")


def original_of(record) -> dict:
    """The translatable text of a record as written in its own language."""
    kind = type(record).__name__
    if kind == "Brief":
        data = {f: getattr(record, f) for f in BRIEF_FIELDS}
        data["headings"] = [s.heading for s in record.sections]
        return data
    fields = FACT_FIELDS if kind == "Fact" else REFERENCE_FIELDS
    data = {f: getattr(record, f) for f in fields}
    if kind == "Fact":
        data.update(_figure_words(record.figure))
    return data


def _figure_words(figure) -> dict:
    """The words a fact's chart draws, when it has any: what is counted and
    the names of a series' categories (years need no translation).  Absent
    when there are none, so that a fact without them keeps its digest."""
    words = {}
    if figure is None:
        return words
    if figure.label:
        words["figure_label"] = figure.label
    if figure.series and any(p.label for p in figure.series):
        words["figure_names"] = [p.name for p in figure.series]
    return words


def digest_of(record) -> str:
    """A short digest of the record's translatable text, white space
    normalised (re-wrapping a line is no change): what a translation records."""
    def norm(value):
        if isinstance(value, list):
            return [norm(v) for v in value]
        return " ".join(value.split()) if isinstance(value, str) else value
    text = json.dumps({k: norm(v) for k, v in original_of(record).items()}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]


def _kind(record) -> str:
    return type(record).__name__.lower()


def stale_translations(record, severity: str = "warning", only: str | None = None) -> list[Problem]:
    """A translation (into `only`, or any language) whose digest is not that of
    the original now, or that records none: the original changed since, or no
    one can tell."""
    translations = {lang: t for lang, t in (getattr(record, "translations", None) or {}).items()
                    if only is None or lang == only}
    if not translations:
        return []
    problems = []
    now = digest_of(record)
    for lang, t in translations.items():
        loc = ("translations", lang, "digest") if t.digest else ("translations", lang)
        if t.digest is None:
            problems.append(record.problem(loc, f"the {lang} translation of {_kind(record)} '{record.id}' records no "
                                           f"digest of the original it was made from: check it against the "
                                           f"original and add 'digest: {now}'", "stale-translation", severity))
        elif t.digest != now:
            problems.append(record.problem(loc, f"the {lang} translation of {_kind(record)} '{record.id}' is stale: "
                                           f"the original changed after it was translated (digest {t.digest}, "
                                           f"now {now}); update the translation, then its digest",
                                           "stale-translation", severity))
    return problems


def missing_translations(record, lang: str, severity: str = "warning", why: str = "") -> list[Problem]:
    """Each field of `record` written in its own language with no `lang`
    translation, as a problem at the original's line."""
    t = (getattr(record, "translations", None) or {}).get(lang)
    problems = []
    for name, value in original_of(record).items():
        if not value or name == "title" and _kind(record) == "reference":
            continue  # a source's title may stay in its own language
        if t is not None and getattr(t, name) is not None:
            if name in _COUNTED and len(getattr(t, name)) != len(value):
                what, of = _COUNTED[name]
                problems.append(record.problem(("translations", lang, name),
                                               f"the {lang} translation of {_kind(record)} '{record.id}' has "
                                               f"{len(getattr(t, name))} {what} for {len(value)} {of}",
                                               "bad-translation", "error"))
            continue
        loc = _WHERE.get(name, (name,))
        problems.append(record.problem(loc, f"{_kind(record)} '{record.id}' has no {lang} translation of "
                                       f"'{name}'{why}", "missing-translation", severity))
    return problems


# Translations given as a list, one per item of the original, and where a
# missing one is reported.
_COUNTED = {"headings": ("headings", "sections"), "figure_names": ("names", "categories of its figure")}
_WHERE = {"headings": ("sections", 0, "heading"), "figure_label": ("figure", "label"),
          "figure_names": ("figure", "series", 0, "label")}


def translated(record, lang: str, name: str):
    """The record's `name` in `lang`: its translation, else the original."""
    t = (getattr(record, "translations", None) or {}).get(lang)
    value = getattr(t, name, None) if t is not None else None
    return value if value is not None else getattr(record, name)
