"""A brief's language editions: the brief, its facts and its sources' titles
in one language, cited with that language's words.

A brief is written in its own language (`lang`, else the workspace's); it
has an edition in each language of `languages` in briefgen.yaml and in each
its `translations` give.  An edition shows each text in its translation
where there is one and the original otherwise (which `check` reports); a
fact keeps its citations, and a quote stays the source's own words.
"""

from __future__ import annotations

from briefgen.compose.cite import CitedBrief, cite
from briefgen.compose.select import SelectedSection, Selector, select
from briefgen.source.figure import Figure
from briefgen.source.messages import Words
from briefgen.source.model import Brief, Config, Fact
from briefgen.source.translations import BRIEF_FIELDS, FACT_FIELDS, translated


def own_language(brief: Brief, config: Config) -> str:
    return brief.lang or config.lang


def editions(brief: Brief, config: Config) -> list[str]:
    """The languages the brief is built in, its own first."""
    return list(dict.fromkeys([own_language(brief, config), *config.languages, *brief.translations]))


def stem_of(brief: Brief, lang: str, config: Config) -> str:
    """'section-230-one-pager' for the brief's own language, 'section-230-one-pager.es' for another."""
    return brief.id if lang == own_language(brief, config) else f"{brief.id}.{lang}"


def brief_in(brief: Brief, lang: str) -> Brief:
    update = {name: translated(brief, lang, name) for name in BRIEF_FIELDS}
    t = brief.translations.get(lang)
    if t is not None and t.headings and len(t.headings) == len(brief.sections):
        update["sections"] = [s.model_copy(update={"heading": h}) for s, h in zip(brief.sections, t.headings)]
    return brief.model_copy(update={**update, "lang": lang})


def fact_in(fact: Fact, lang: str) -> Fact:
    t = fact.translations.get(lang)
    if t is None:
        return fact
    update = {name: translated(fact, lang, name) for name in FACT_FIELDS}
    if fact.figure is not None:
        update["figure"] = figure_in(fact.figure, t.figure_label, t.figure_names)
    return fact.model_copy(update=update)


def figure_in(figure: Figure, label: str | None, names: list[str] | None) -> Figure:
    """The figure with its label and its categories' names translated, where given."""
    update: dict = {"label": label} if label and figure.label else {}
    if names and figure.series and len(names) == len(figure.series):
        update["series"] = [p.model_copy(update={"label": n}) if p.label else p for p, n in zip(figure.series, names)]
    return figure.model_copy(update=update) if update else figure


def cite_edition(brief: Brief, lang: str, selector: Selector, root: str | None) -> CitedBrief:
    """The brief's edition in `lang`, cited: the original's facts, in their
    translations where they have one, with the words of `lang`."""
    chosen = select(brief, selector)  # what the original shows, so that every edition shows the same facts
    localized = brief_in(brief, lang)
    sections = [SelectedSection(heading, tuple(fact_in(f, lang) for f in s.facts))
                for s, heading in zip(chosen, (s.heading for s in localized.sections))]
    return cite(localized, sections, selector.base.references, Words(lang, root))
