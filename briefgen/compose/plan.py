"""Which documents a build makes: briefs by id or by tag, one fact sheet per
tag, and ad-hoc fact sheets of a tag expression.

Each document becomes a `Job`: a cited brief (real, or made up for a sheet)
and the output path it goes to.  Sheets are ordinary briefs built here from
the facts they show, so they go through the same select, cite and render
stages as the briefs a person wrote.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from briefgen.source import tags as tagexpr
from briefgen.source.check import FactBase
from briefgen.compose.cite import CitedBrief, cite
from briefgen.compose.edition import cite_edition, editions, own_language, stem_of
from briefgen.errors import BriefgenError, Problem
from briefgen.source.validate import did_you_mean
from briefgen.source.fields import SHORT_MAX
from briefgen.source.messages import ENGLISH, Words
from briefgen.source.model import Brief, Config, Fact
from briefgen.compose.select import Selector, select

TAG_SHEET_TEMPLATE = "tag-sheet"  # a workspace template of this name styles per-tag sheets
SHEET_TEMPLATE = "fact-sheet"
TAGS_DIR = "tags"
SHEETS_DIR = "sheets"

# Sheets group their facts by kind, in this order.
KIND_HEADINGS = {
    "statistic": "Statistics", "finding": "Findings", "law": "The law",
    "quote": "In their words", "recommendation": "Recommendations", "context": "Context",
}


def kind_headings(words: Words = ENGLISH) -> dict[str, str]:
    """The headings of a sheet grouped by kind, in the page's language."""
    return {"statistic": words.gettext("Statistics"), "finding": words.gettext("Findings"),
            "law": words.gettext("The law"), "quote": words.gettext("In their words"),
            "recommendation": words.gettext("Recommendations"), "context": words.gettext("Context")}


def kind_label(kind: str, words: Words = ENGLISH) -> str:
    """What kind of fact it is, as a sheet's line under it says: 'Statistic'."""
    return {"statistic": words.gettext("Statistic"), "finding": words.gettext("Finding"),
            "law": words.gettext("Law"), "quote": words.gettext("Quote"),
            "recommendation": words.gettext("Recommendation"), "context": words.gettext("Context")}.get(kind, kind)


@dataclass(frozen=True)
class Job:
    key: str  # unique among documents: "brief:<id>", "tag:<tag>" or "sheet:<slug>"
    kind: str  # "brief", "tag sheet" or "fact sheet"
    stem: str  # output path inside the output folder, without ".html" / ".pdf"
    cited: CitedBrief
    request: SheetRequest | None = None  # what an ad-hoc sheet was asked for with

    @property
    def brief(self) -> Brief:
        return self.cited.brief


@dataclass(frozen=True)
class SheetRequest:
    expression: str
    title: str | None = None
    template: str = SHEET_TEMPLATE


def parse_option(expression: str, field: str) -> tagexpr.Expr:
    """A tag expression a request gave in its setting `field` ("tag", "sheet")."""
    try:
        return tagexpr.parse(expression)
    except tagexpr.TagExprError as exc:
        raise BriefgenError(Problem("", 0, f"bad tag expression '{expression}' at column {exc.column}: {exc}",
                                    "bad-expression", field=field)) from None


def unknown_tags(expr: tagexpr.Expr, known: set[str], field: str, expression: str) -> None:
    unknown = sorted(tagexpr.names(expr) - known)
    if unknown:
        raise BriefgenError([Problem("", 0, f"'{expression}': no brief or fact has the tag '{name}'"
                                     f"{did_you_mean(name, known)}", "unknown-tag", field=field)
                             for name in unknown])


def plan(base: FactBase, cited: dict[str, CitedBrief], *, brief_ids: list[str] | None = None,
         tag: str | None = None, per_tag: bool = False, sheets: tuple[SheetRequest, ...] = (),
         templates: set[str] = frozenset(), today: dt.date | None = None,
         selector: Selector | None = None, config: Config | None = None, langs: tuple[str, ...] | None = None,
         root: str | None = None) -> list[Job]:
    """The documents to build.  `brief_ids=None` and no `tag` means every brief.
    `selector`, the one the briefs were cited with, is made again if not given.
    Each brief is built in each of its languages (`editions`), or, with
    `langs`, in those of them (a brief named by id, in each of `langs`)."""
    config = config or Config()
    today = today or dt.date.today()
    known = base.labels | {t for b in base.briefs.values() for t in b.tags}
    expr = None
    if tag is not None:
        expr = parse_option(tag, "tag")
        unknown_tags(expr, known, "tag", tag)
    unknown = [i for i in brief_ids or () if i not in base.briefs]
    if unknown:
        raise BriefgenError([
            Problem("", 0, f"no brief with id '{i}'{did_you_mean(i, base.briefs)}", "unknown-brief", subject=i,
                    field="briefs") for i in unknown
        ])
    if brief_ids is None and expr is None:
        chosen = list(base.briefs)
    else:
        chosen = list(dict.fromkeys([
            *(brief_ids or ()),
            *(b.id for b in base.briefs.values() if expr is not None and tagexpr.matches(expr, frozenset(b.tags))),
        ]))
    selector = selector or Selector(base)
    jobs = []
    for i in chosen:
        brief = base.briefs[i]
        own = own_language(brief, config)
        wanted = editions(brief, config)
        if langs is not None:
            wanted = [lang for lang in dict.fromkeys(langs) if lang in wanted or i in (brief_ids or ())]
        for lang in wanted:
            stem = stem_of(brief, lang, config)
            jobs.append(Job(f"brief:{stem}", "brief", stem,
                            cited[i] if lang == own else cite_edition(brief, lang, selector, root)))
    if langs is not None and chosen and not jobs:
        raise BriefgenError(Problem("", 0, f"no brief has an edition in {', '.join(langs)}: add the language to "
                                    "'languages' in briefgen.yaml, or translations to a brief", "no-edition",
                                    field="lang"))
    words = Words(config.lang, root)
    if per_tag:
        for name in sheet_tags(base):
            if expr is None or tagexpr.matches(expr, frozenset({name})):
                jobs.append(tag_sheet(name, selector, templates, today, words))
    for request in sheets:
        jobs.append(ad_hoc_sheet(request, base, selector, templates, known, today, words))
    return jobs


def sheet_tags(base: FactBase) -> list[str]:
    """The tags that have a tag sheet: those of renderable facts."""
    return sorted({t for f in base.facts.values() if f.renderable for t in f.tags})


def tag_sheet(name: str, selector: Selector, templates: set[str], today: dt.date, words: Words = ENGLISH) -> Job:
    """The fact sheet of every renderable fact with the tag `name`."""
    facts = [f for f in selector.ordered if name in f.tags]
    template = TAG_SHEET_TEMPLATE if TAG_SHEET_TEMPLATE in templates else SHEET_TEMPLATE
    title = words("Fact sheet: %(tag)s", tag=name.replace("-", " ").capitalize())
    return _sheet_job(f"tag:{name}", "tag sheet", f"{TAGS_DIR}/{name}", name, title, template, [name], facts,
                      selector, today, words)


def ad_hoc_sheet(request: SheetRequest, base: FactBase, selector: Selector, templates: set[str],
                 known: set[str], today: dt.date, words: Words = ENGLISH) -> Job:
    expr = parse_option(request.expression, "sheet")
    unknown_tags(expr, known, "sheet", request.expression)
    if request.template not in templates:
        raise BriefgenError(Problem("", 0, f"unknown template '{request.template}'"
                                    f"{did_you_mean(request.template, templates)} (available: "
                                    f"{', '.join(sorted(templates))})", "unknown-template", field="template"))
    facts = list(selector.matching(request.expression))
    if not facts:
        raise BriefgenError(Problem("", 0, f"no renderable fact matches '{request.expression}'", "empty-section",
                                    field="sheet"))
    slug = sheet_slug(request.expression)
    title = " ".join((request.title or words("Fact sheet: %(tag)s", tag=request.expression)).split())
    if not title or len(title) > SHORT_MAX:
        raise BriefgenError(Problem("", 0, f"must be 1 to {SHORT_MAX} characters", "bad-value",
                                    field="title"))
    job = _sheet_job(f"sheet:{slug}", "fact sheet", f"{SHEETS_DIR}/{slug}", slug, title, request.template,
                     sorted(tagexpr.names(expr) & {t for f in facts for t in f.tags}), facts, selector, today, words)
    return dataclasses.replace(job, request=request)


def sheet_slug(expression: str) -> str:
    """'child-safety' -> 'child-safety'; 'child-safety and law' ->
    'child-safety-and-law-' plus a short digest of the expression, since
    'a or b', the tag 'a-or-b' and 'not (a and b)' must not share a file."""
    canonical = " ".join(expression.replace("(", " ( ").replace(")", " ) ").split())
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", canonical):
        return canonical[:80]
    slug = re.sub(r"[^a-z0-9]+", "-", canonical.lower()).strip("-")[:64].strip("-") or "sheet"
    return slug + "-" + hashlib.sha256(canonical.encode()).hexdigest()[:8]


def _sheet_job(key: str, kind: str, stem: str, brief_id: str, title: str, template: str, tags: list[str],
               facts: list[Fact], selector: Selector, today: dt.date, words: Words = ENGLISH) -> Job:
    by_kind: dict[str, list[str]] = {}
    for fact in facts:
        by_kind.setdefault(fact.kind, []).append(fact.id)
    sections = [{"heading": heading, "facts": by_kind[k]} for k, heading in kind_headings(words).items() if k in by_kind]
    brief = Brief.model_validate({
        "id": brief_id, "title": title, "template": template, "date": today.isoformat(),
        "tags": tags, "sections": sections,
    })
    return Job(key, kind, stem, cite(brief, select(brief, selector), selector.base.references, words))
