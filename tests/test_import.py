"""`briefgen import`: CSL-JSON and BibTeX exports become references; ids
stay stable, nothing is overwritten or duplicated, --update merges in place,
and the rest of the file stays byte for byte; export gives it all back."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.source.csl import csl_json
from briefgen.commands.importer import slug
from briefgen.source.load import load
from conftest import FACTS, files_under

# A references file with comments everywhere and quoting of every kind: an
# import must leave all of it as it is.
COMMENTED = """\
# Our references.  Keep this comment.
references:
  # the statute
  - id: statute
    type: legislation
    title: "An Act"   # quoted, with a comment after it
    issued: 1996

  - id: report-2024
    type: report
    title: 'A report on things'
    publisher: Example Institute  # who
    issued: 2024-05
    url: https://example.org/report
# a comment at the end
"""

CSL = [
    {   # Zotero's own export: an item URI as id, corporate author, no date
        "id": "http://zotero.org/users/1/items/ABCD1234", "type": "report",
        "title": "Online safety: a review", "author": [{"literal": "World Health Organization, Europe"}],
        "publisher": "WHO", "URL": "https://example.org/who",
    },
    {   # Better BibTeX: a citation key, particles, unicode, a raw date, fields briefgen does not keep
        "id": "x1", "citation-key": "Müller2020:Safety", "type": "article-journal",
        "title": "Sécurité en ligne", "author": [{"family": "Müller", "given": "Jérôme"},
                                                 {"family": "Beethoven", "given": "Ludwig",
                                                  "non-dropping-particle": "van"}],
        "container-title": "Revue", "journalAbbreviation": "Rev.", "volume": 12, "issue": "3",
        "page": "5-9", "issued": {"raw": "2020-03-01"}, "DOI": "10.1000/xyz", "custom": "x",
        "accessed": {"date-parts": [["2025", "9", "1"]]},
    },
    {"id": "case-1", "type": "legal_case", "title": "Jane Doe No. 1 v. Backpage.com, LLC",
     "container-title": "F.3d", "volume": "817", "page": "12", "authority": "1st Cir.",
     "issued": {"date-parts": [[2016]]}},
    {"id": "odd-type", "type": "tweet", "title": "A post", "event": "A hearing",
     "author": [{"family": "Roe", "given": "Ann", "parse-names": True}], "abstract": "x" * 6000},
]

BIBTEX = r"""
% exported from a reference manager
@book{Kosseff2019,
  author = {Kosseff, Jeff},
  title = {The Twenty-Six Words That Created the Internet},
  publisher = {Cornell University Press},
  address = {Ithaca, NY},
  year = 2019,
}

@article{citron:2017,
  author = {Citron, Danielle Keats and Wittes, Benjamin},
  title = {The Internet Will Not Break: Denying Bad Samaritans {\S}~230 Immunity},
  journal = {Fordham Law Review},
  volume = {86}, number = {2}, pages = {401--423}, year = {2017}, month = nov,
}

@techreport{who-report,
  author = {{World Health Organization} and M{\"u}ller, J{\'e}r{\^o}me},
  title = {Growth \& {GDP}: 50\% more},
  institution = {WHO},
  keywords = {ignored},
  annotation = {not kept},
}

@misc{Kosseff2019, title = {The same key again}}
"""


def workspace(make_workspace, references=COMMENTED):
    return make_workspace(references=references, facts=FACTS.replace("report-2024", "statute"), briefs=None)


def write(root, name, content):
    path = root / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, indent=1),
                    encoding="utf-8")
    return path


def references(root) -> dict:
    sources = load(root)
    assert sources.problems == []
    return {r.id: r for r in sources.references}


def test_csl_json_entries_become_references_with_stable_ids(make_workspace, run):
    root = workspace(make_workspace)
    result = run(root, "import", str(write(root, "lib.json", CSL)))
    assert result.exit_code == 0, result.output
    refs = references(root)
    assert {"abcd1234", "muller2020-safety", "case-1", "odd-type"} <= set(refs)
    who = refs["abcd1234"]
    assert [n.literal for n in who.author] == ["World Health Organization, Europe"] and who.issued is None
    muller = refs["muller2020-safety"]
    assert [n.display for n in muller.author] == ["Jérôme Müller", "Ludwig van Beethoven"]
    assert (muller.issued, muller.accessed, muller.volume, muller.container_title_short, muller.doi) == (
        "2020-03-01", "2025-09-01", "12", "Rev.", "10.1000/xyz")
    odd = refs["odd-type"]
    assert odd.type == "document" and odd.event_title == "A hearing" and odd.abstract is None
    assert [(n.family, n.given) for n in odd.author] == [("Roe", "Ann")]  # citeproc-js's flag is not a name part
    assert "note: muller2020-safety: left out custom" in result.stdout
    assert "note: odd-type: left out type 'tweet' (not a CSL type; imported as 'document'), abstract (longer " \
           "than 5,000 characters; no brief shows it)" in result.stdout
    assert "added 4, updated 0, unchanged 0, skipped 0; wrote sources/references.yaml" in result.stdout
    # importing the same export again adds nothing
    again = run(root, "import", str(root / "lib.json"))
    assert again.exit_code == 0
    assert "added 0, updated 0, unchanged 0, skipped 4; nothing written" in again.stdout
    assert "lib.json:2: warning: entry 'http://zotero.org/users/1/items/ABCD1234': id 'abcd1234' already exists " \
           "(sources/references.yaml:" in again.stderr


def test_bibtex_entries_with_latex_corporate_authors_and_duplicate_keys(make_workspace, run):
    root = workspace(make_workspace)
    result = run(root, "import", str(write(root, "lib.bib", BIBTEX)))
    assert result.exit_code == 0, result.output
    refs = references(root)
    kosseff, citron, who = refs["kosseff2019"], refs["citron-2017"], refs["who-report"]
    assert (kosseff.type, kosseff.publisher, kosseff.publisher_place, kosseff.issued) == (
        "book", "Cornell University Press", "Ithaca, NY", "2019")
    assert citron.title == "The Internet Will Not Break: Denying Bad Samaritans § 230 Immunity"
    assert (citron.issue, citron.page, citron.issued) == ("2", "401-423", "2017-11")
    assert [n.display for n in who.author] == ["World Health Organization", "Jérôme Müller"]
    assert who.title == "Growth & GDP: 50% more" and who.publisher == "WHO" and who.issued is None
    assert kosseff.title == "The Twenty-Six Words That Created the Internet"  # the first of the two keys
    assert result.stderr.splitlines() == [
        "lib.bib:26: warning: entry 'Kosseff2019': the key is used by an earlier entry of the file; skipped"]
    assert "note: who-report: left out keywords, annotation" in result.stdout


def test_what_reference_managers_add_for_themselves_is_tidied(make_workspace, run):
    root = workspace(make_workspace, COMMENTED)
    bib = write(root, "lib.bib", r"""
@misc{tipline,
  author = {Berg, Jan and Smith, John and others},
  title = {CyberTipline data},
  howpublished = {\url{https://example.org/data}},
  doi = {https://doi.org/10.1000/xyz},
  shortjournal = {Ex. J.},
  note = {tex.ids: tipline2024},
  year = 2024,
}
""")
    result = run(root, "import", str(bib))
    assert result.exit_code == 0, result.output
    ref = references(root)["tipline"]
    assert ref.url == "https://example.org/data" and ref.medium is None  # howpublished's address is the URL
    assert ref.doi == "10.1000/xyz" and ref.container_title_short == "Ex. J."
    assert ref.note is None
    assert [n.display for n in ref.author] == ["Jan Berg", "John Smith", "others"]  # 'and others' is not a person
    assert "left out note lines kept by the reference manager for itself (tex.ids: tipline2024)" in result.stdout
    text = (root / "sources" / "references.yaml").read_text()
    assert "    url: https://example.org/data\n" in text  # spelled as this file spells it
    item = {"id": "zot", "type": "book", "title": "T", "note": "tex.ids: zot2020\nCitation Key: zot\nCited as published"}
    assert run(root, "import", str(write(root, "lib.json", [item]))).exit_code == 0
    assert references(root)["zot"].note == "Cited as published"


def test_a_new_file_parts_its_entries_with_blank_lines(make_workspace, run):
    root = workspace(make_workspace)
    assert run(root, "import", str(write(root, "lib.json", CSL[2:])), "--into", "sources/new.yaml").exit_code == 0
    text = (root / "sources" / "new.yaml").read_text()
    assert "\n\n  - id: odd-type\n" in text and text.count("\n\n") == 1


def test_an_unreadable_entry_stops_the_import_unless_told_to_skip_it(make_workspace, run):
    root = workspace(make_workspace)
    bib = write(root, "lib.bib", BIBTEX + "\n@article{broken,\n  title = {never closed\n")
    before = files_under(root)
    result = run(root, "import", str(bib))
    assert result.exit_code == 1
    assert "\nlib.bib:28: cannot read this entry: unexpectedly reached end of file\n" in result.stderr
    assert files_under(root) == before  # nothing written
    result = run(root, "import", str(bib), "--skip-invalid")
    assert result.exit_code == 0
    assert "lib.bib:28: warning: cannot read this entry" in result.stderr and "; skipped" in result.stderr
    assert "kosseff2019" in references(root)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{\"id\": \"a\", \"title\": \"T\",}]", "lib.json:1: not valid JSON: "),
        ({"id": "a"}, "lib.json:1: a CSL-JSON file holds a list of items"),
        ([{"id": "a", "type": "book"}], "lib.json:2: entry 'a': missing required field 'title'"),
        ([{"id": "a", "title": "T", "URL": "javascript:alert(1)"}],
         "lib.json:2: entry 'a': URL: 'javascript:alert(1)' is not a web address"),
        ([{"id": "a", "title": "T", "issued": {"date-parts": [[2020, 2, 30]]}}],
         "lib.json:2: entry 'a': issued: '2020-02-30' is not a real date"),
        ([{"title": "T"}], "lib.json:2: item 1 has no id to become the reference's id"),
    ],
    ids=["bad-json", "not-a-list", "no-title", "bad-url", "impossible-date", "no-id"],
)
def test_a_bad_entry_is_refused_with_its_line_and_nothing_written(make_workspace, run, content, message):
    root = workspace(make_workspace)
    source = write(root, "lib.json", content)
    before = files_under(root)
    result = run(root, "import", str(source))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(message)
    assert "Traceback" not in result.stderr
    assert files_under(root) == before


def test_into_must_be_a_yaml_file_under_sources(make_workspace, run):
    root = workspace(make_workspace)
    source = write(root, "lib.json", CSL)
    for into in ("../elsewhere.yaml", "notes/refs.yaml", "sources/refs.txt", "/tmp/refs.yaml"):
        result = run(root, "import", str(source), "--into", into)
        assert result.exit_code == 1, into
        assert result.stderr.startswith("--into: "), result.stderr
    result = run(root, "import", str(source), "--into", "sources/law.yaml")
    assert result.exit_code == 0
    text = (root / "sources" / "law.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../sources.schema.json\nreferences:\n")
    assert "case-1" in references(root)


def test_a_broken_workspace_is_not_imported_into(make_workspace, run):
    root = workspace(make_workspace, COMMENTED.replace("issued: 1996", "issued: 1996-13"))
    result = run(root, "import", str(write(root, "lib.json", CSL)))
    assert result.exit_code == 1
    assert result.stderr.startswith("sources/references.yaml:7: reference 'statute': issued: '1996-13'")


def test_new_references_are_appended_and_the_rest_stays_byte_for_byte(make_workspace, run):
    root = workspace(make_workspace)
    assert run(root, "import", str(write(root, "lib.json", CSL[2:3]))).exit_code == 0
    text = (root / "sources" / "references.yaml").read_text()
    body, added = text[:len(COMMENTED)], text[len(COMMENTED):]
    assert body == COMMENTED  # comments, quotes and blank lines as they were
    assert added == (
        "\n"
        "  - id: case-1\n"
        "    type: legal_case\n"
        '    title: "Jane Doe No. 1 v. Backpage.com, LLC"\n'
        "    issued: '2016'\n"
        "    container-title: F.3d\n"
        "    volume: '817'\n"
        "    page: '12'\n"
        "    authority: 1st Cir.\n"
    )


def test_update_replaces_given_fields_in_place_and_keeps_everything_else(make_workspace, run):
    root = workspace(make_workspace)
    update = [{"id": "report-2024", "type": "report", "title": "A report on things, revised",
               "publisher": "Example Institute", "issued": {"date-parts": [[2024, 6]]}}]
    source = write(root, "lib.json", update)
    refused = run(root, "import", str(source))
    assert "id 'report-2024' already exists (sources/references.yaml:9); skipped (--update replaces its fields)" \
        in refused.stderr
    result = run(root, "import", str(source), "--update")
    assert result.exit_code == 0, result.output
    assert "updated 1: report-2024" in result.stdout
    text = (root / "sources" / "references.yaml").read_text()
    assert text == COMMENTED.replace("'A report on things'", '"A report on things, revised"') \
                            .replace("issued: 2024-05", "issued: 2024-06")
    # the url the import did not give is kept
    assert references(root)["report-2024"].url == "https://example.org/report"
    again = run(root, "import", str(source), "--update")
    assert "unchanged 1" in again.stdout and "nothing written" in again.stdout


def test_update_never_touches_an_id_defined_elsewhere(make_workspace, run):
    root = workspace(make_workspace)
    source = write(root, "lib.json", [{"id": "fact-a", "title": "T"}, {"id": "statute", "title": "T"}])
    result = run(root, "import", str(source), "--update", "--into", "sources/other.yaml")
    assert result.exit_code == 0
    assert "id 'fact-a' is defined in sources/facts.yaml:2, not in sources/other.yaml; skipped" in result.stderr
    assert "id 'statute' is defined in sources/references.yaml:4, not in sources/other.yaml; skipped" in result.stderr
    assert not (root / "sources" / "other.yaml").exists()


def test_import_then_export_gives_the_csl_json_back(make_workspace, run):
    root = workspace(make_workspace, "references:\n")
    items = [item for item in CSL if item["type"] != "tweet"]
    assert run(root, "import", str(write(root, "lib.json", items))).exit_code == 0
    exported = {item["id"]: item for item in json.loads(run(root, "export", "references").stdout)}
    case = exported["case-1"]
    assert case == {**CSL[2], "issued": {"date-parts": [[2016]]}}
    muller = exported["muller2020-safety"]
    assert muller["author"] == CSL[1]["author"] and muller["container-title-short"] == "Rev."
    assert muller["issued"] == {"date-parts": [[2020, 3, 1]]} and muller["volume"] == "12"


def test_slugs_of_citation_keys():
    assert slug("Kosseff2019") == "kosseff2019"
    assert slug("doe_v_backpage:2016") == "doe-v-backpage-2016"
    assert slug("http://zotero.org/users/1/items/ABCD1234") == "abcd1234"
    assert slug("___") == ""


# ---------------------------------------------------------------- round trip, for any reference

text = st.text(alphabet=string.ascii_letters + string.digits + " .,:;'&§éü-", min_size=1, max_size=30).map(
    lambda s: " ".join(s.split())).filter(bool)
name = st.one_of(
    st.builds(lambda f, g: {"family": f, "given": g}, text, text),
    st.builds(lambda lit: {"literal": lit}, text),
)
date = st.builds(lambda y, m, d: {"date-parts": [[y, m, d][: 1 + (m is not None) + (m is not None and d is not None)]]},
                 st.integers(1900, 2100), st.one_of(st.none(), st.integers(1, 12)), st.one_of(st.none(),
                                                                                               st.integers(1, 28)))
item = st.fixed_dictionaries(
    {"id": st.from_regex(r"[a-z][a-z0-9-]{0,20}[a-z0-9]", fullmatch=True), "type": st.sampled_from(
        ["book", "report", "legislation", "bill", "legal_case", "webpage", "article-journal", "broadcast",
         "article-newspaper"]), "title": text},
    optional={"author": st.lists(name, min_size=1, max_size=3), "editor": st.lists(name, min_size=1, max_size=2),
              "issued": date, "accessed": date, "container-title": text, "publisher": text,
              "publisher-place": text, "volume": text, "issue": text, "page": text, "number": text,
              "section": text, "genre": text, "medium": text, "authority": text, "jurisdiction": text,
              "note": text, "DOI": text, "ISBN": text, "chapter-number": text, "collection-title": text,
              "URL": st.from_regex(r"https://example\.org/[a-z0-9]{1,10}", fullmatch=True)},
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(item, min_size=1, max_size=4, unique_by=lambda i: i["id"]))
def test_import_export_round_trip_is_lossless(make_workspace, run, items):
    root = workspace(make_workspace, "references:\n")
    (root / "sources" / "references.yaml").write_text("references:\n", encoding="utf-8")
    result = run(root, "import", str(write(root, "lib.json", items)))
    assert result.exit_code == 0, result.output
    assert csl_json(load(root).references) == items


def test_line_endings_and_a_bom_stay_as_the_file_has_them(make_workspace, run):
    root = workspace(make_workspace)
    path = root / "sources" / "references.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + COMMENTED.replace("\n", "\r\n").encode())
    assert run(root, "import", str(write(root, "lib.json", CSL[2:3]))).exit_code == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + COMMENTED.replace("\n", "\r\n").encode())
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line ends as the others do
    assert "case-1" in references(root)


def test_unusual_text_survives_the_round_trip(make_workspace, run):
    root = workspace(make_workspace)
    title = "Line\u2028separator and \ufeffmark"  # NEL, a C1 control, is refused like any control
    item = {"id": "odd", "type": "book", "title": title,
            "author": [{"literal": "Barnes and Noble, Inc."}]}
    assert run(root, "import", str(write(root, "lib.json", [item]))).exit_code == 0
    assert references(root)["odd"].title == title


def test_a_braced_organisation_with_a_comma_stays_one_organisation(make_workspace, run):
    root = workspace(make_workspace)
    bib = write(root, "lib.bib", "@book{b, title = {T}, author = {Roe, Ann and {Barnes and Noble, Inc.}}}\n")
    assert run(root, "import", str(bib)).exit_code == 0
    author = references(root)["b"].author
    assert [(n.family, n.literal) for n in author] == [("Roe", None), (None, "Barnes and Noble, Inc.")]


def test_update_with_the_same_names_written_another_way_changes_nothing(make_workspace, run):
    root = workspace(make_workspace, COMMENTED.replace("    issued: 1996\n",
                                                        "    issued: 1996\n    author:\n      - family: Doe\n"
                                                        "        given: Jane\n"))
    before = (root / "sources" / "references.yaml").read_bytes()
    item = {"id": "statute", "type": "legislation", "title": "An Act", "author": [{"family": "Doe", "given": "Jane"}],
            "issued": {"date-parts": [[1996]]}}
    result = run(root, "import", str(write(root, "lib.json", [item])), "--update")
    assert "unchanged 1" in result.stdout and "nothing written" in result.stdout
    assert (root / "sources" / "references.yaml").read_bytes() == before


def test_a_json_file_nested_too_deeply_is_one_line(make_workspace, run):
    root = workspace(make_workspace)
    source = write(root, "lib.json", "[" * 100_000 + "]" * 100_000)
    result = run(root, "import", str(source))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("lib.json:")


@pytest.mark.parametrize("before", [
    "# References for the law briefs.\n# Add them below.\n",  # comments only: they stay
    "facts:\n  - id: zz\n    claim: Z\n    tags: [topic-x]\n    cite: [{ref: statute}]\n",  # flow style stays
    "references:\r\n  - id: r-old\n    title: Old\n",  # each line keeps its own ending
], ids=["comments-only", "flow-style", "mixed-endings"])
def test_the_rest_of_any_file_stays_byte_for_byte(make_workspace, run, before):
    root = workspace(make_workspace)
    path = root / "sources" / "other.yaml"
    path.write_bytes(before.encode())
    result = run(root, "import", str(write(root, "lib.json", CSL[2:3])), "--into", "sources/other.yaml")
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(before.encode())
    assert b"\r" not in path.read_bytes()[len(before):]
    assert "case-1" in references(root)
