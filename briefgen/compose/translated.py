"""What `check` says about translations: each missing one, for a language a
brief is built in (a warning naming the field, an error for a release), and
each stale one, made before its original last changed."""

from __future__ import annotations

from briefgen.compose.cite import CitedBrief
from briefgen.compose.edition import editions, own_language
from briefgen.errors import Problem
from briefgen.source.check import FactBase
from briefgen.source.messages import SHIPPED, catalog_files, catalog_problems
from briefgen.source.model import Config
from briefgen.source.translations import missing_translations, stale_translations


def translation_problems(base: FactBase, cited: dict[str, CitedBrief], config: Config, root=None,
                         severity: str = "warning") -> list[Problem]:
    """Every stale translation in the sources, and every text a brief's
    language editions would show untranslated."""
    problems: list[Problem] = catalog_problems(root) if root is not None else []
    for record in [*base.references.values(), *base.facts.values(), *base.briefs.values()]:
        problems += stale_translations(record, severity)
    seen: set[tuple[str, str]] = set()
    for brief in base.briefs.values():
        for lang in editions(brief, config)[1:]:
            problems += missing_translations(brief, lang, severity)
            shown = cited.get(brief.id)
            for record in [*(cf.fact for s in shown.sections for cf in s.facts),
                           *(base.references[e.ref.id] for e in shown.references)] if shown else []:
                if (record.id, lang) not in seen:
                    seen.add((record.id, lang))
                    problems += missing_translations(record, lang, severity,
                                                     f" (shown in the {lang} edition of brief '{brief.id}')")
    for lang in config.languages:
        if not catalog_files(lang, root):
            path, line = config.at("languages")
            problems.append(Problem(path, line, f"briefgen has no catalogue of labels for '{lang}' (it has "
                                    f"{', '.join(SHIPPED)}): its pages' labels stay English; add locale/{lang}.po",
                                    "no-catalogue", "warning"))
    return problems


def edition_problems(cited: CitedBrief, base: FactBase, config: Config, severity: str = "error") -> list[Problem]:
    """What a language edition would show untranslated or translated from an
    older original: for a release, which takes none of it."""
    brief = base.briefs.get(cited.brief.id)
    lang = cited.words.lang
    if brief is None or cited.brief.id != brief.id or lang == own_language(brief, config):
        return []
    problems = stale_translations(brief, severity, lang)
    problems += missing_translations(brief, lang, severity)
    for original in [*(base.facts.get(cf.fact.id, cf.fact) for s in cited.sections for cf in s.facts),
                     *(base.references.get(e.ref.id, e.ref) for e in cited.references)]:
        problems += stale_translations(original, severity, lang)
        problems += missing_translations(original, lang, severity)
    return problems
