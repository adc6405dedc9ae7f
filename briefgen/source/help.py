"""What each field of a record is for, in words a first-time author can act on.

These texts are the `description` of each field in the JSON Schema
(`briefgen schema`), which editors show on hover, and the help under each
field of the browser's forms (`briefgen serve`).  `COMMON` names the fields
of a reference shown first; the others are folded away.
"""

from __future__ import annotations

HELP: dict[str, dict[str, str]] = {
    "Fact": {
        "id": "A short name for this fact, used by briefs to pick it: lowercase letters, digits and hyphens "
              "(one-in-four-children). It must not be used by any other record.",
        "claim": "The fact as it will be printed, in one or two sentences. Say who said it (\"According to the "
                 "segment, …\") and write only what the source supports. *Words between stars* print in italics.",
        "detail": "Optional background printed with the claim in fact sheets: what the source does not say, or what "
                  "to check before relying on it.",
        "tags": "Topics this fact is about (section-230, child-safety). Briefs select facts by tag.",
        "cite": "The sources that support the claim: at least one. A claim never reaches a page without them.",
        "kind": "What sort of fact this is: a statistic, a finding, a law, a quote, a recommendation or context.",
        "status": "draft (shown, marked as a draft; refused by release builds), verified (checked against its "
                  "sources), disputed or retired (never shown).",
        "priority": "1 (keep at all costs) to 5 (leave out first when a page is too full); 3 if not given.",
        "as_of": "The date the claim describes, if it is a number that changes over time.",
        "reviewed": "Who last checked this fact against its sources, and when.",
        "review_by": "The date by which the fact should be checked again; after it, the fact is reported as stale.",
        "figure": "The numbers the claim states, so that briefgen can draw a chart of them. Every number must "
                  "appear in the claim.",
    },
    "Citation": {
        "ref": "The reference (source) this citation points to.",
        "locator": "Where in the source: a page, a section, a point (point 12, p. 4).",
        "quote": "The source's exact words supporting the claim. If the reference has a stored snapshot, the quote "
                 "is checked against it.",
    },
    "Review": {
        "by": "Who checked the fact.",
        "on": "When they checked it.",
    },
    "Figure": {
        "value": "One number: a percentage, a count or an amount (25 for 25%).",
        "unit": "What the number counts: percent, count, or a currency.",
        "magnitude": "For large amounts: thousand, million, billion or trillion (3.2 billion).",
        "label": "What the number is of, in a few words.",
        "part": "A part of a whole: the part (with whole).",
        "whole": "A part of a whole: the whole (with part).",
        "series": "A short series: years or categories, each with its value (2 to 12 points).",
        "locator": "Where in the source the numbers are, if not where the claim's citation points.",
        "chart": "The chart to draw: icon-array (1 in 4), callout (a big number), bar, column or line.",
    },
    "Point": {
        "year": "The year of this point (or give a label instead).",
        "label": "The category of this point (or give a year instead).",
        "value": "The value at this point.",
        "locator": "Where in the source this value is.",
    },
    "Brief": {
        "id": "A short name for this brief, used for its file names: lowercase letters, digits and hyphens.",
        "title": "The title printed at the top of the page.",
        "subtitle": "An optional line under the title.",
        "template": "The layout: one-pager or fact-sheet (or a template of your own).",
        "date": "The date printed on the brief.",
        "tags": "Topics of this brief, for building every brief about a topic at once.",
        "audience": "Who the brief is for (legislative staff).",
        "bottom_line": "The one paragraph a reader must take away, printed first.",
        "sections": "The brief's sections, in order. Each lists its facts by name, or selects them by tag.",
        "ask": "What you ask the reader to do, printed in its own box.",
        "max_pages": "The most pages the PDF may have. If the facts do not fit, the least important are left out "
                     "and reported.",
        "style": "The citation style (chicago-notes, apa, …); empty for the workspace's default.",
        "contact": "Who to contact about the brief, printed at the foot of the page.",
        "lang": "The language of the brief, such as en or es.",
        "url": "A web address printed as a QR code on the PDF, when the workspace turns QR codes on.",
        "changes_since": "A version (a release or a git revision) whose changes the brief marks.",
        "charts": "Where facts' charts are shown: beside each claim (beside, the default), first in each section "
                  "(lead), or not at all (none).",
    },
    "Section": {
        "heading": "The section's heading.",
        "facts": "The facts this section shows, in order.",
        "select": "Or, instead of a list: a tag expression choosing the facts (law and section-230).",
        "charts": "Where this section shows its facts' charts (beside, lead or none), if not as the brief says.",
    },
    "Reference": {
        "id": "A short name for this source, used by facts to cite it: lowercase letters, digits and hyphens "
              "(msnbc-2025-08-24).",
        "type": "What kind of source this is, as reference managers name it (broadcast, report, legislation, …).",
        "title": "The source's title, exactly as published.",
        "title-short": "A short form of the title, for styles that cite in the text.",
        "author": "Who wrote or made it: a person (family and given names) or an organisation (literal).",
        "issued": "When it was published: a year, year-month, or full date (2025-08-24).",
        "accessed": "When you last read it online.",
        "publisher": "Who published it (MSNBC).",
        "container-title": "What it was published in: a journal, a newspaper, a code of laws (U.S.C.).",
        "volume": "The volume, if any (47 for 47 U.S.C.).",
        "section": "The section, if any (230 for § 230).",
        "number": "A report or law number (115-164).",
        "page": "The pages, if any.",
        "url": "Its web address, starting with https://.",
        "note": "A note printed with the reference.",
        "snapshot": "A copy of the source's text stored in the workspace (snapshots/….txt): quotes are checked "
                    "against it, and the editor lets you pick a quote from it.",
    },
    "Name": {
        "family": "A person's family name.",
        "given": "A person's given names.",
        "literal": "An organisation's name (instead of family and given).",
        "suffix": "Jr., III, …",
        "dropping-particle": "A particle dropped when sorting (de, van).",
        "non-dropping-particle": "A particle kept when sorting (de, van).",
    },
}

TRANSLATION = {
    "translations": "The same text in other languages, one block per language (es, fr). A translation keeps the "
                    "original's citations.",
    "digest": "Which version of the original this was translated from: when the original changes, `briefgen "
              "check` reports the translation as stale and gives the value to write here once it is brought up to "
              "date.",
}
for _model in ("Fact", "Brief", "Reference", "Citation", "FactTranslation", "BriefTranslation",
               "ReferenceTranslation", "CitationTranslation"):
    HELP.setdefault(_model, {}).update({k: v for k, v in TRANSLATION.items() if k not in HELP.get(_model, {})})
HELP["CitationTranslation"]["quote"] = "A translation of the quote, shown beside it; the quote itself stays the " \
    "source's exact words."
HELP["FactTranslation"]["figure_label"] = "The figure's label in this language (what is counted, as the " \
    "translated claim names it): the chart shows it."
HELP["FactTranslation"]["figure_names"] = "The names of the figure's categories in this language, one for each " \
    "point of its series, in the same order: the chart shows them."
HELP["CitationTranslation"]["locator"] = "Where in the source, in this language (punto 12)."

# The fields of a reference a form shows first; the others are folded away.
COMMON = ("id", "type", "title", "title-short", "author", "issued", "publisher", "container-title", "volume",
          "section", "number", "page", "url", "accessed", "note", "snapshot")


def describe(defs: dict) -> None:
    """Give each field of the schema's definitions its help text."""
    for model, texts in HELP.items():
        properties = defs.get(model, {}).get("properties", {})
        for key, text in texts.items():
            if key in properties:
                properties[key]["description"] = text
