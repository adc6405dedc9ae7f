"""References take the CSL-JSON variables that citation styles use, and
refuse what is not one of them with the line and a hint."""

from __future__ import annotations

import pytest

from briefgen.source.load import load
from tests.test_load import BAD, REFERENCE, bad_file

# One reference using every variable the citation styles read; the values are
# placeholders, the point is that each key is accepted under its CSL-JSON name.
EVERY_FIELD = """\
references:
  - id: rr
    type: article-journal
    title: "T"
    title-short: "T."
    author: ["Doe, Jane", {family: Roe, given: Richard, suffix: Jr.}, {literal: "Committee on X, Subcommittee Y"}]
    editor: [{family: Beethoven, given: Ludwig, non-dropping-particle: van}]
    translator: ["Tr, Anna"]
    collection-editor: ["Ce, Bo"]
    container-author: ["Ca, Cy"]
    issued: 2020-02
    accessed: 2025-09-01
    original-date: 1999
    container-title: A Journal
    container-title-short: A J.
    collection-title: A Series
    collection-number: 4
    publisher: A Press
    publisher-place: Ithaca, NY
    event-title: A Hearing
    event-place: Washington, DC
    URL: https://example.org/a
    DOI: 10.1000/xyz
    ISBN: 978-0-00-000000-0
    ISSN: 0000-0000
    page: 401-423
    volume: 86
    issue: 2
    number: 115-164
    chapter-number: 7
    number-of-pages: 300
    edition: 2
    section: 230
    genre: Working paper
    medium: Television
    authority: 1st Cir.
    jurisdiction: us
    archive: An Archive
    archive_location: Box 3
    call-number: KF1
    language: en-US
    note: A note
    abstract: An abstract.
"""


def only(root, ref_id="rr"):
    sources = load(root)
    assert sources.problems == []
    return next(r for r in sources.references if r.id == ref_id)


def test_every_csl_variable_is_accepted(make_workspace):
    ref = only(bad_file(make_workspace, EVERY_FIELD))
    assert ref.container_title == "A Journal" and ref.publisher_place == "Ithaca, NY"
    assert ref.url == "https://example.org/a" and ref.doi == "10.1000/xyz"
    assert (ref.volume, ref.issue, ref.page, ref.number, ref.section) == ("86", "2", "401-423", "115-164", "230")
    assert ref.authority == "1st Cir." and ref.archive_location == "Box 3"
    assert [n.display for n in ref.author] == ["Jane Doe", "Richard Roe, Jr.", "Committee on X, Subcommittee Y"]
    assert [n.display for n in ref.editor] == ["Ludwig van Beethoven"]
    assert ref.names == ["Jane Doe", "Richard Roe, Jr.", "Committee on X, Subcommittee Y"]


def test_a_name_is_family_comma_given_or_else_an_organisation(make_workspace):
    ref = only(bad_file(make_workspace, REFERENCE + '    author: ["Doe, Jane", "World Health Organization"]\n'))
    assert [(n.family, n.given, n.literal) for n in ref.author] == [
        ("Doe", "Jane", None), (None, None, "World Health Organization")]


def test_url_may_be_spelled_either_way(make_workspace):
    assert only(bad_file(make_workspace, REFERENCE + "    url: https://example.org/x\n")).url == "https://example.org/x"
    assert only(bad_file(make_workspace, REFERENCE + "    URL: https://example.org/x\n")).url == "https://example.org/x"


def test_a_reference_without_a_date_is_accepted(make_workspace):
    assert only(bad_file(make_workspace, REFERENCE.replace("    issued: 2020\n", ""))).issued is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("    publisher_place: Ithaca\n",
         "5: reference 'rr': unknown field 'publisher_place' (did you mean 'publisher-place'?)"),
        ("    containertitle: J\n",
         "5: reference 'rr': unknown field 'containertitle' (did you mean 'container-title'?)"),
        ("    doi: 10.1/x\n", "5: reference 'rr': unknown field 'doi' (did you mean 'DOI'?)"),
        ("    url: https://example.org/a\n    URL: https://example.org/b\n",
         "2: reference 'rr': has both 'url' and 'URL'; keep one"),
        ("    author:\n      - {family: Doe, literal: Doe Inc}\n",
         "6: reference 'rr': author[0]: a name needs either 'family' (with 'given') or 'literal' "
         "(an organisation's name), not both"),
        ("    author:\n      - {given: Jane}\n",
         "6: reference 'rr': author[0]: a name needs either 'family' (with 'given') or 'literal' "
         "(an organisation's name), not neither"),
        ("    editor:\n      - {family: Doe, gven: Jane}\n",
         "6: reference 'rr': unknown field 'editor[0].gven' (did you mean 'given'?)"),
        ("    original-date: 2020-13\n",
         "5: reference 'rr': original-date: '2020-13' is not a real date"),
        ("    volume: [1, 2]\n", "5: reference 'rr': 'volume' should be text, not a list"),
    ],
    ids=["underscore", "no-hyphen", "case", "url-twice", "name-both", "name-neither", "name-typo",
         "impossible-date", "list-for-text"],
)
def test_bad_reference_fields_are_refused_with_the_line(make_workspace, refused, extra, message):
    assert refused(bad_file(make_workspace, REFERENCE + extra)) == [f"{BAD}:{message}"]


# How briefgen's own numbered style lists these references, seen in the
# built HTML through the command line (whatever the modules are called).

LISTED_REFERENCES = """\
references:
  - id: segment
    type: broadcast
    title: "A segment on the news"
    publisher: A Network
    issued: 2025-08-24
  - id: page
    type: webpage
    title: "A page on the web"
    publisher: An Institute
    issued: 2024-05
    URL: https://example.org/page
    accessed: 2025-09-01
"""

LISTED_FACTS = """\
facts:
  - id: fact-a
    claim: "Fact A."
    tags: [topic-x]
    cite:
      - ref: segment
      - ref: page
"""

LISTED_BRIEFS = """\
briefs:
  - id: brief-one
    title: "Brief one"
    template: one-pager
    date: 2026-01-15
    sections:
      - heading: "First"
        facts: [fact-a]
  - id: sheet-one
    title: "Sheet one"
    template: fact-sheet
    date: 2026-01-15
    sections:
      - heading: "First"
        facts: [fact-a]
"""


def listed_entries(make_workspace, run, brief_id) -> dict[str, str]:
    """reference id -> the text of its entry in the brief's list of sources."""
    import re

    root = make_workspace(references=LISTED_REFERENCES, facts=LISTED_FACTS, briefs=LISTED_BRIEFS)
    result = run(root, "build", "--format", "html")
    assert result.exit_code == 0, result.stderr
    html = (root / "output" / f"{brief_id}.html").read_text(encoding="utf-8")
    entries = re.findall(r'<li id="ref-([a-z0-9-]+)"[^>]*>(.*?)</li>', html, re.DOTALL)
    return {ref_id: " ".join(re.sub(r"<[^>]+>", "", body).split()) for ref_id, body in entries}


@pytest.mark.parametrize("brief_id", ["brief-one", "sheet-one"])
def test_numbered_entry_names_the_medium(make_workspace, run, brief_id):
    entries = listed_entries(make_workspace, run, brief_id)
    assert entries["segment"] == "A Network. “A segment on the news.” Broadcast, August 24, 2025."


@pytest.mark.parametrize("brief_id", ["brief-one", "sheet-one"])
def test_numbered_entry_gives_the_date_a_web_source_was_accessed(make_workspace, run, brief_id):
    entries = listed_entries(make_workspace, run, brief_id)
    assert entries["page"] == (
        "An Institute. “A page on the web.” May 2024. https://example.org/page (accessed September 1, 2025).")
