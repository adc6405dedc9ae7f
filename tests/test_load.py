"""Stage 1, load: what one source file may hold, and how each mistake is reported.

Every bad-input case is written to its own file, sources/x.yaml, next to the
valid default fact base, so that the problem under test is the only one.  Each
case runs through both `briefgen check` and `briefgen build`: both must print
the same `path:line: message` lines on stderr, exit 1, and write nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest

from briefgen.source.load import load
from conftest import FACT, FACTS, expected

BAD = "sources/x.yaml"

#   1 references:
#   2   - id: rr
#   3     title: "T"
#   4     issued: 2020
REFERENCE = """\
references:
  - id: rr
    title: "T"
    issued: 2020
"""

#   1 brief:
#   2   - id: bb
#   3     title: "B"
#   4     template: one-pager
#   5     date: 2026-01-01
#   6     sections:
#   7       - heading: "H"
#   8         facts: [fact-a]
BRIEF = """\
briefs:
  - id: bb
    title: "B"
    template: one-pager
    date: 2026-01-01
    sections:
      - heading: "H"
        facts: [fact-a]
"""

SLUG_HELP = "is not a valid id: use lowercase letters, digits and hyphens, starting with a letter or digit"
TOP_LEVEL_HINT = "a source file holds up to three lists: references, facts, briefs"


def bad_file(make_workspace, text: str):
    """The default valid workspace plus sources/x.yaml holding `text`."""
    return make_workspace(extra={BAD: text})


# ---------------------------------------------------------------- YAML syntax


QUOTE_IT = ("this text contains ': ', which YAML takes for the start of another field: put the whole text in "
            'quotes, as in detail: "Note: ..."')
LINE_UP = ("this line is not lined up with the lines above it: indent it by as many spaces as the entries it "
           "belongs with")
AFTER_QUOTE = ("text goes on after the closing quotation mark: to put ' inside a text in '...' write it twice "
               "(it''s), or quote the whole text with \"...\"")


# The commonest YAML mistakes of people who have never written YAML, each
# said in plain words at the line where it starts.
@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param('facts:\n  - id: zz\n    detail: Note: this matters\n', 3, QUOTE_IT, id="colon-in-text"),
        pytest.param('facts:\n  - id: zz\n    claim: "One in four\n    tags: [t]\n', 3,
                     'a quotation mark (") opened on this line is never closed: end the text with " too',
                     id="unclosed-quote"),
        pytest.param('facts:\n  - id: zz\n    claim: "One in four\n    tags: ["t"]\n  - id: b\n', 3,
                     "a quotation mark opened on this line is not closed on it, so the lines after it are read as "
                     "part of the text: close it on this line", id="quote-closed-lines-later"),
        pytest.param("facts:\n  - id: zz\n    claim: 'it's here'\n", 3, AFTER_QUOTE, id="apostrophe-in-quotes"),
        pytest.param('facts:\n  - id: zz\n    claim: "a" b\n    tags: [t]\n', 3, AFTER_QUOTE, id="text-after-quote"),
        pytest.param("facts:\n  - id: zz\n   claim: b\n    tags: [t]\n", 3, LINE_UP, id="key-indented-less"),
        pytest.param("facts:\n  - id: zz\n    claim: a\n - id: b\n", 4, LINE_UP, id="item-indented-less"),
        pytest.param("facts:\n  - id: zz\n    claim: text\n      tags: [t]\n", 4,
                     "this line is indented further than the field above it, which already has a value: line it up "
                     "with the fields above (or, if it continues that text, put the whole text in quotes)",
                     id="indented-under-a-value"),
        pytest.param("facts:\n  - id: zz\n    tags: [a, b\n    claim: x\n", 3,
                     "a list opened with [ on this line is never closed: end it with ] on the same line",
                     id="unclosed-bracket"),
        pytest.param("facts:\n  - id: zz\n    cite: {ref: r\n    claim: x\n", 3,
                     "a mapping opened with { on this line is never closed: end it with } on the same line",
                     id="unclosed-brace"),
        pytest.param("facts:\n  - id: zz\n    claim: @x said\n", 3,
                     'a text cannot start with @ in YAML: put the whole text in quotes ("@...")', id="at-sign"),
        pytest.param("facts:\n  - id: zz\n    claim a fact\n    tags: [t]\n", 3,
                     "this line has no ':' after its field name: write it as name: value", id="no-colon"),
        pytest.param("facts:\n  -id: zz\n    claim: x\n", 2,
                     "a list entry needs a space after its dash: write - id: ..., not -id: ...", id="dash-no-space"),
        pytest.param("facts:\n\t- id: zz\n", 2, "a tab character in the indentation: YAML indents with spaces only",
                     id="tab"),
    ],
)
def test_common_yaml_mistakes_are_said_in_plain_words(make_workspace, refused, text, line, message):
    assert refused(bad_file(make_workspace, text)) == [f"{BAD}:{line}: {message}"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("facts:\n  - id: zz\n\tclaim: y\n", 3),  # tab before a key
        ("facts:\n\t- id: zz\n", 2),  # tab before a list dash
        ("facts:\n  -\tid: zz\n    claim: x\n", 2),  # tab after the dash
    ],
    ids=["before-key", "before-dash", "after-dash"],
)
def test_tab_in_indentation(make_workspace, refused, text, line):
    assert refused(bad_file(make_workspace, text)) == [
        f"{BAD}:{line}: a tab character in the indentation: YAML indents with spaces only"
    ]


def test_tab_inside_a_value_is_kept(make_workspace):
    root = bad_file(make_workspace, FACT.replace('claim: "Z"', "claim: a\tb"))
    sources = load(root)
    assert sources.problems == []
    assert {f.id: f.claim for f in sources.facts}["zz"] == "a\tb"


STRAY_QUOTE = ('ends with a quotation mark (") that nothing opens, and it is kept as part of the text: to quote '
               'the whole text, start it with " too; to keep the mark, put the whole text in \'...\'')


def test_a_half_quoted_value_keeps_its_stray_quote_mark_with_a_warning(make_workspace, run):
    root = bad_file(make_workspace, FACT + '        quote: An Act"\n')
    result = run(root, "check")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [f"{BAD}:7: warning: fact 'zz': cite[0].quote: {STRAY_QUOTE}"]
    sources = load(root)
    (problem,) = sources.warnings
    assert sources.problems == [] and [f.id for f in sources.facts] == ["fact-a", "fact-b", "fact-c", "zz"]
    assert (problem.code, problem.severity, problem.field) == ("stray-quote", "warning", "facts[0].cite[0].quote")
    assert run(root, "check", "--strict").exit_code == 1


def test_a_stray_quote_mark_in_briefgen_yaml_is_a_warning_too(make_workspace, run):
    root = make_workspace(extra={"briefgen.yaml": 'paper: a4\nfooter: For discussion only."\n'})
    result = run(root, "check")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [f"briefgen.yaml:2: warning: footer: {STRAY_QUOTE}"]


@pytest.mark.parametrize("value", ['He called it "abnormal"', '\'it was "abnormal"\'', '\'An Act"\'', '"An Act\\""',
                                   "the workers'"])
def test_quote_marks_that_pair_or_were_quoted_on_purpose_are_no_warning(make_workspace, value):
    root = bad_file(make_workspace, FACT.replace('claim: "Z"', f"claim: {value}"))
    sources = load(root)
    assert sources.problems == [] and sources.warnings == []


@pytest.mark.parametrize(
    ("text", "expected_line"),
    [
        (FACT + '    claim: "again"\n', f"{BAD}:7: duplicate key 'claim' (first written on line 3)"),
        (FACT + "facts:\n  - id: yy\n", f"{BAD}:7: duplicate key 'facts' (first written on line 1)"),
        (FACT + "        ref: statute\n", f"{BAD}:7: duplicate key 'ref' (first written on line 6)"),
    ],
    ids=["field", "top-level", "nested"],
)
def test_duplicate_key_names_the_first_line(make_workspace, refused, text, expected_line):
    assert refused(bad_file(make_workspace, text)) == [expected_line]


def anchors_refused(name: str) -> str:
    return f"YAML anchors (&{name}) are not supported: write the value out in full"


def test_anchor_is_refused_where_it_is_written(make_workspace, refused):
    text = FACT.replace("tags: [topic-x]", "tags: [&t topic-x, *t]")
    assert refused(bad_file(make_workspace, text)) == [f"{BAD}:4: {anchors_refused('t')}"]


def test_anchor_without_alias_is_refused(make_workspace, refused):
    text = FACT.replace('claim: "Z"', 'claim: &c "Z"')
    assert refused(bad_file(make_workspace, text)) == [f"{BAD}:3: {anchors_refused('c')}"]


def test_alias_is_refused_where_it_is_written(make_workspace, refused):
    text = "facts:\n  - *nowhere\n"
    assert refused(bad_file(make_workspace, text)) == [
        f"{BAD}:2: YAML aliases (*nowhere) are not supported: write the value out in full"]


def _alias_bomb(indent: str) -> str:
    """A 'billion laughs': 9 levels, each 9 aliases of the level below (9**9
    leaves if expanded).  Each line defines its anchor and repeats it at once,
    so the first alias sits on the anchor's line."""
    lines = [indent + "a: [&a [" + ", ".join(["lol"] * 9) + "], " + ", ".join(["*a"] * 8) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi"):
        inner = ", ".join([f"*{prev}"] * 9)
        lines.append(f"{indent}{name}: [&{name} [{inner}], " + ", ".join([f"*{name}"] * 8) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("facts:\n  - id: zz\n    claim: x\n" + _alias_bomb("    "), 4),
        (_alias_bomb(""), 1),
    ],
    ids=["inside-an-entry", "top-level"],
)
def test_alias_bomb_is_refused(make_workspace, refused, text, line):
    assert refused(bad_file(make_workspace, text)) == [f"{BAD}:{line}: {anchors_refused('a')}"]


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!python/object:os.system {}", "!!python/object:os.system"),
        ('!!python/object/apply:os.system ["echo hi"]', "!!python/object/apply:os.system"),
        ("!!python/name:os.system ''", "!!python/name:os.system"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!custom value", "!custom"),
    ],
    ids=["python-object", "python-apply", "python-name", "binary", "local-tag"],
)
def test_non_standard_tag_is_refused(make_workspace, refused, value, tag):
    text = FACT.replace('claim: "Z"', f"claim: {value}")
    assert refused(bad_file(make_workspace, text)) == [f"{BAD}:3: YAML tag '{tag}' is not allowed"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("facts: []\n---\nfacts: []\n", 2),
        ("---\n" + FACT + "---\n" + REFERENCE, 8),
    ],
    ids=["two-documents", "explicit-start-then-second"],
)
def test_several_documents_in_one_file(make_workspace, refused, text, line):
    assert refused(bad_file(make_workspace, text)) == [
        f"{BAD}:{line}: only one YAML document per file is allowed (remove the '---' separator)"
    ]


def test_one_document_with_explicit_markers_is_fine(make_workspace):
    sources = load(bad_file(make_workspace, "---\n" + FACT + "...\n"))
    assert sources.problems == []
    assert "zz" in {f.id for f in sources.facts}


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        (b"\xff\xfefacts: []\n", 1),  # a UTF-16 byte-order mark
        (b'facts:\n  - id: zz\n    claim: "caf\xe9"\n', 3),  # Latin-1
        (b'facts:\n  - id: zz\n    claim: "\xff\xfe"\n', 3),
    ],
    ids=["utf16-bom", "latin1", "ff-fe-mid-file"],
)
def test_file_not_utf8(make_workspace, refused, raw, line):
    root = make_workspace()
    (root / BAD).write_bytes(raw)
    assert refused(root) == [f"{BAD}:{line}: file is not UTF-8 text (save it as UTF-8)"]


def test_utf8_with_byte_order_mark_is_fine(make_workspace):
    root = make_workspace()
    (root / BAD).write_bytes(b"\xef\xbb\xbf" + FACT.encode("utf-8"))
    sources = load(root)
    assert sources.problems == []
    assert "zz" in {f.id for f in sources.facts}


# ---------------------------------------------------------------- file structure


@pytest.mark.parametrize(
    ("key", "hint"),
    [("fact", " (did you mean 'facts'?)"), ("referances", " (did you mean 'references'?)"),
     ("notes", "")],
)
def test_unknown_top_level_key(make_workspace, refused, key, hint):
    text = FACT.replace("facts:", f"{key}:", 1)
    assert refused(bad_file(make_workspace, text)) == [
        f"{BAD}:1: unknown top-level key '{key}'{hint}; {TOP_LEVEL_HINT}"
    ]


def test_top_level_not_a_mapping(make_workspace, refused):
    assert refused(bad_file(make_workspace, "- id: zz\n- id: yy\n")) == [f"{BAD}:1: {TOP_LEVEL_HINT}"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("facts:\n  - just text\n", 2),
        (FACT + "  - [a, b]\n", 7),
    ],
    ids=["text", "list"],
)
def test_entry_not_a_mapping(make_workspace, refused, text, line):
    assert refused(bad_file(make_workspace, text)) == [
        f"{BAD}:{line}: each entry of 'facts' must be a mapping of fields (id: ..., ...)"
    ]


@pytest.mark.parametrize("value", ["12", "{id: zz}", "just text"])
def test_list_key_not_a_list(make_workspace, refused, value):
    assert refused(bad_file(make_workspace, f"facts: {value}\n")) == [
        f"{BAD}:1: 'facts' must be a list (each entry starting with '- ')"
    ]


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "# only a comment\n", "facts: []\n", "references: []\nfacts: []\nbriefs: []\n"],
    ids=["empty", "blank-lines", "comment", "empty-list", "three-empty-lists"],
)
def test_empty_file_is_fine(make_workspace, run, text):
    root = bad_file(make_workspace, text)
    result = run(root, "check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "ok: 2 references, 3 facts, 1 brief\n"
    assert result.stderr == ""


# ---------------------------------------------------------------- fields


@pytest.mark.parametrize(
    ("text", "expected_line"),
    [
        (FACT.replace('    claim: "Z"\n', ""), f"{BAD}:2: fact 'zz': missing required field 'claim'"),
        (FACT.replace("    tags: [topic-x]\n", ""), f"{BAD}:2: fact 'zz': missing required field 'tags'"),
        (FACT.replace("    cite:\n      - ref: statute\n", ""), f"{BAD}:2: fact 'zz': missing required field 'cite'"),
        (FACT.replace("      - ref: statute\n", "      - locator: p. 3\n"),
         f"{BAD}:6: fact 'zz': missing required field 'cite[0].ref'"),
        (REFERENCE.replace('    title: "T"\n', ""), f"{BAD}:2: reference 'rr': missing required field 'title'"),
        (REFERENCE.replace("  - id: rr\n    title", "  - title"), f"{BAD}:2: reference: missing required field 'id'"),
        (BRIEF.replace("    template: one-pager\n", ""), f"{BAD}:2: brief 'bb': missing required field 'template'"),
        (BRIEF.replace("    date: 2026-01-01\n", ""), f"{BAD}:2: brief 'bb': missing required field 'date'"),
        (BRIEF.replace('      - heading: "H"\n        facts', "      - facts"),
         f"{BAD}:7: brief 'bb': missing required field 'sections[0].heading'"),
    ],
    ids=["claim", "tags", "cite", "cite-ref", "title", "id", "template", "date", "heading"],
)
def test_missing_required_field(make_workspace, refused, text, expected_line):
    assert refused(bad_file(make_workspace, text)) == [expected_line]


@pytest.mark.parametrize(
    ("text", "expected_line"),
    [
        (FACT + "    prority: 2\n", f"{BAD}:7: fact 'zz': unknown field 'prority' (did you mean 'priority'?)"),
        (REFERENCE + "    publsher: X\n",
         f"{BAD}:5: reference 'rr': unknown field 'publsher' (did you mean 'publisher'?)"),
        (REFERENCE + "    container_title: X\n",
         f"{BAD}:5: reference 'rr': unknown field 'container_title' (did you mean 'container-title'?)"),
        (BRIEF + "    subtitel: S\n", f"{BAD}:9: brief 'bb': unknown field 'subtitel' (did you mean 'subtitle'?)"),
        (FACT + "    colour: red\n", f"{BAD}:7: fact 'zz': unknown field 'colour'"),
    ],
    ids=["fact", "reference", "csl-hyphen", "brief", "no-hint"],
)
def test_misspelt_field(make_workspace, refused, text, expected_line):
    assert refused(bad_file(make_workspace, text)) == [expected_line]


def test_misspelt_required_field_reports_both_sides(make_workspace, refused):
    text = FACT.replace("claim:", "cliam:")
    assert refused(bad_file(make_workspace, text)) == expected(
        f"{BAD}:2: fact 'zz': missing required field 'claim'",
        f"{BAD}:3: fact 'zz': unknown field 'cliam' (did you mean 'claim'?)",
    )


@pytest.mark.parametrize(
    ("text", "expected_line"),
    [
        (FACT + "        locatr: p. 3\n",
         f"{BAD}:7: fact 'zz': unknown field 'cite[0].locatr' (did you mean 'locator'?)"),
        (FACT + "      - ref: report-2024\n        qoute: q\n",
         f"{BAD}:8: fact 'zz': unknown field 'cite[1].qoute' (did you mean 'quote'?)"),
        (BRIEF.replace("facts: [fact-a]", "selct: topic-x"),
         f"{BAD}:8: brief 'bb': unknown field 'sections[0].selct' (did you mean 'select'?)"),
    ],
    ids=["cite-locator", "second-cite-quote", "section-select"],
)
def test_nested_misspelt_field(make_workspace, refused, text, expected_line):
    assert refused(bad_file(make_workspace, text)) == [expected_line]


@pytest.mark.parametrize(
    ("text", "expected_line"),
    [
        (FACT.replace('claim: "Z"', "claim: [a, b]"), f"{BAD}:3: fact 'zz': 'claim' should be text, not a list"),
        (FACT.replace('claim: "Z"', "claim: {a: b}"), f"{BAD}:3: fact 'zz': 'claim' should be text, not a mapping"),
        (REFERENCE.replace('title: "T"', "title: [T]"), f"{BAD}:3: reference 'rr': 'title' should be text, not a list"),
        (FACT.replace("tags: [topic-x]", "tags: [[topic-x]]"),
         f"{BAD}:4: fact 'zz': 'tags[0]' should be text, not a list"),
        (FACT.replace("tags: [topic-x]", "tags: topic-x"), f"{BAD}:4: fact 'zz': 'tags' should be a list, not 'topic-x': write it in brackets, as [topic-x]"),
        (REFERENCE + "    author: Jane Doe\n", f"{BAD}:5: reference 'rr': 'author' should be a list, not 'Jane Doe'"),
        (FACT.replace("    cite:\n      - ref: statute\n", "    cite: statute\n"),
         f"{BAD}:5: fact 'zz': 'cite' should be a list, not 'statute'"),
        (BRIEF.replace("facts: [fact-a]", "facts: fact-a"),
         f"{BAD}:8: brief 'bb': 'sections[0].facts' should be a list, not 'fact-a': write it in brackets, as [fact-a]"),
    ],
    ids=["claim-flow-list", "claim-mapping", "title-list", "tag-list",
         "tags-text", "author-text", "cite-text", "section-facts-text"],
)
def test_mistyped_field(make_workspace, refused, text, expected_line):
    assert refused(bad_file(make_workspace, text)) == [expected_line]


@pytest.mark.parametrize(
    ("text", "expected_line"),
    [
        (FACT.replace('claim: "Z"', 'claim: ""'), f"{BAD}:3: fact 'zz': 'claim' is empty"),
        (FACT.replace('claim: "Z"', 'claim: "   "'), f"{BAD}:3: fact 'zz': 'claim' is empty"),
        (FACT.replace("tags: [topic-x]", "tags: []"), f"{BAD}:4: fact 'zz': 'tags' needs at least one entry"),
        (FACT.replace("    cite:\n      - ref: statute\n", "    cite: []\n"),
         f"{BAD}:5: fact 'zz': 'cite' needs at least one entry"),
    ],
    ids=["empty-claim", "blank-claim", "no-tags", "no-cite"],
)
def test_empty_field(make_workspace, refused, text, expected_line):
    assert refused(bad_file(make_workspace, text)) == [expected_line]


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected_line"),
    [
        (FACT + "    as_of: 2025-02-30\n", f"{BAD}:7: fact 'zz': as_of: '2025-02-30' is not a real date"),
        (FACT + "    as_of: 2025-13-01\n", f"{BAD}:7: fact 'zz': as_of: '2025-13-01' is not a real date"),
        (BRIEF.replace("2026-01-01", "2026-02-29"), f"{BAD}:5: brief 'bb': date: '2026-02-29' is not a real date"),
        (REFERENCE.replace("2020", "2025-02-30"), f"{BAD}:4: reference 'rr': issued: '2025-02-30' is not a real date"),
        (REFERENCE.replace("2020", "2025-13"), f"{BAD}:4: reference 'rr': issued: '2025-13' is not a real date"),
        (REFERENCE + "    accessed: 2024-04-31\n",
         f"{BAD}:5: reference 'rr': accessed: '2024-04-31' is not a real date"),
    ],
    ids=["as_of-feb-30", "as_of-month-13", "date-not-leap-year", "issued-feb-30", "issued-month-13",
         "accessed-apr-31"],
)
def test_impossible_date(make_workspace, refused, text, expected_line):
    assert refused(bad_file(make_workspace, text)) == [expected_line]


FULL_DATE = "is not a date: write YYYY-MM-DD"
PARTIAL_DATE = "is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"


@pytest.mark.parametrize(
    ("text", "expected_line"),
    [
        # 20261124 is a number to YAML 1.1 and a timestamp to nothing: refused
        (FACT + "    as_of: 20261124\n", f"{BAD}:7: fact 'zz': as_of: '20261124' {FULL_DATE}"),
        (BRIEF.replace("2026-01-01", "20261124"), f"{BAD}:5: brief 'bb': date: '20261124' {FULL_DATE}"),
        (REFERENCE.replace("2020", "20261124"), f"{BAD}:4: reference 'rr': issued: '20261124' {PARTIAL_DATE}"),
        (REFERENCE + "    accessed: 20261124\n", f"{BAD}:5: reference 'rr': accessed: '20261124' {PARTIAL_DATE}"),
        # other shapes that are not YYYY-MM-DD
        (FACT + "    as_of: 2024-5-1\n", f"{BAD}:7: fact 'zz': as_of: '2024-5-1' {FULL_DATE}"),
        (FACT + "    as_of: 2024-05\n", f"{BAD}:7: fact 'zz': as_of: '2024-05' {FULL_DATE}"),
        (FACT + "    as_of: 24/11/2026\n", f"{BAD}:7: fact 'zz': as_of: '24/11/2026' {FULL_DATE}"),
        (BRIEF.replace("2026-01-01", "2026-01-01T10:00:00"),
         f"{BAD}:5: brief 'bb': date: '2026-01-01T10:00:00' {FULL_DATE}"),
        (REFERENCE.replace("2020", "2024-5"), f"{BAD}:4: reference 'rr': issued: '2024-5' {PARTIAL_DATE}"),
        (REFERENCE.replace("2020", "May 2024"), f"{BAD}:4: reference 'rr': issued: 'May 2024' {PARTIAL_DATE}"),
    ],
    ids=["as_of-8-digits", "date-8-digits", "issued-8-digits", "accessed-8-digits", "as_of-short-parts",
         "as_of-month-only", "as_of-slashes", "date-timestamp", "issued-short-month", "issued-words"],
)
def test_bad_date_format(make_workspace, refused, text, expected_line):
    assert refused(bad_file(make_workspace, text)) == [expected_line]


@pytest.mark.parametrize("issued", ["2024", "2024-05", "2024-05-31", "2024-02-29", "'1999'"])
def test_issued_accepts_year_month_day_precision(make_workspace, issued):
    root = bad_file(make_workspace, REFERENCE.replace("2020", issued))
    sources = load(root)
    assert sources.problems == []
    [ref] = [r for r in sources.references if r.id == "rr"]
    assert ref.issued == issued.strip("'")  # kept as the text written


def test_full_dates_become_dates(make_workspace):
    root = bad_file(make_workspace, FACT + "    as_of: 2026-11-24\n" + REFERENCE + "    accessed: 2025-01-31\n")
    sources = load(root)
    assert sources.problems == []
    assert {f.id: f.as_of for f in sources.facts}["zz"] == dt.date(2026, 11, 24)
    assert {r.id: r.accessed for r in sources.references}["rr"] == "2025-01-31"  # CSL dates stay text


# ---------------------------------------------------------------- ids, choices, numbers


@pytest.mark.parametrize(("bad_id", "near"), [("Bad_Id", "bad-id"), ("a/b", "a-b"), ("../x", "x"), ("-x", "x"),
                                              ("a b", "a-b"), ("caf\u00e9", "caf"), ("''", "")])
def test_bad_slug_as_id(make_workspace, refused, bad_id, near):
    """A bad id is refused with the nearest valid one suggested (only valid slugs are ever suggested)."""
    text = FACT.replace("id: zz", f"id: {bad_id}")
    shown = bad_id.strip("'")
    hint = f" (write '{near}')" if near else ""
    assert refused(bad_file(make_workspace, text)) == [f"{BAD}:2: fact '{shown}': id: '{shown}' {SLUG_HELP}{hint}"]


@pytest.mark.parametrize(
    ("text", "expected_line"),
    [
        (BRIEF.replace("id: bb", "id: ../../etc"), f"{BAD}:2: brief '../../etc': id: '../../etc' {SLUG_HELP} (write 'etc')"),
        (BRIEF.replace("template: one-pager", "template: ../secret"),
         f"{BAD}:4: brief 'bb': template: '../secret' {SLUG_HELP} (write 'secret')"),
        (FACT.replace("tags: [topic-x]", "tags: [topic-x, Bad_Tag]"),
         f"{BAD}:4: fact 'zz': tags[1]: 'Bad_Tag' {SLUG_HELP.replace('valid id', 'valid tag')} (write 'bad-tag')"),
        (FACT.replace("tags: [topic-x]", "tags:\n      - topic-x\n      - a/b"),
         f"{BAD}:6: fact 'zz': tags[1]: 'a/b' {SLUG_HELP.replace('valid id', 'valid tag')} (write 'a-b')"),
        (FACT.replace("ref: statute", "ref: ../x"), f"{BAD}:6: fact 'zz': cite[0].ref: '../x' {SLUG_HELP} (write 'x')"),
        (BRIEF.replace("facts: [fact-a]", "facts: [Fact-A]"),
         f"{BAD}:8: brief 'bb': sections[0].facts[0]: 'Fact-A' {SLUG_HELP} (write 'fact-a')"),
    ],
    ids=["brief-id", "template", "tag-flow", "tag-block", "cite-ref", "section-fact"],
)
def test_bad_slug_elsewhere(make_workspace, refused, text, expected_line):
    assert refused(bad_file(make_workspace, text)) == [expected_line]


def test_overlong_id(make_workspace, refused):
    long_id = "a" * 81
    text = FACT.replace("id: zz", f"id: {long_id}")
    assert refused(bad_file(make_workspace, text)) == [
        f"{BAD}:2: fact '{long_id}': 'id' is too long (81 characters; the limit is 80)"
    ]


@pytest.mark.parametrize(
    ("text", "expected_line"),
    [
        (REFERENCE + "    type: reprot\n", f"{BAD}:5: reference 'rr': 'reprot' is not a valid type (did you mean 'report'?)"),
        (REFERENCE + "    type: legal-case\n",
         f"{BAD}:5: reference 'rr': 'legal-case' is not a valid type (did you mean 'legal_case'?)"),
        (REFERENCE + "    type: nonsense\n", f"{BAD}:5: reference 'rr': 'nonsense' is not a valid type"),
        (FACT + "    kind: statistc\n", f"{BAD}:7: fact 'zz': 'statistc' is not a valid kind (did you mean 'statistic'?)"),
        (FACT + "    status: verifed\n", f"{BAD}:7: fact 'zz': 'verifed' is not a valid status (did you mean 'verified'?)"),
    ],
    ids=["csl-typo", "csl-hyphen", "csl-no-hint", "kind", "status"],
)
def test_bad_choice(make_workspace, refused, text, expected_line):
    assert refused(bad_file(make_workspace, text)) == [expected_line]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "'priority' is 0; it must be at least 1"),
        ("-1", "'priority' is -1; it must be at least 1"),
        ("6", "'priority' is 6; it must be at most 5"),
        ("100", "'priority' is 100; it must be at most 5"),
        ("high", "'priority' should be a whole number, not 'high'"),
        ("2.5", "'priority' should be a whole number, not '2.5'"),
    ],
)
def test_priority_out_of_range(make_workspace, refused, value, message):
    text = FACT + f"    priority: {value}\n"
    assert refused(bad_file(make_workspace, text)) == [f"{BAD}:7: fact 'zz': {message}"]


@pytest.mark.parametrize("value", [1, 5])
def test_priority_bounds_are_accepted(make_workspace, value):
    sources = load(bad_file(make_workspace, FACT + f"    priority: {value}\n"))
    assert sources.problems == []
    assert {f.id: f.priority for f in sources.facts}["zz"] == value


# ---------------------------------------------------------------- scalars stay text


def test_scalars_stay_the_text_written(make_workspace):
    root = bad_file(make_workspace, """\
        references:
          - id: rr
            title: 1.10
            issued: 2024
            note: 0x1F
        facts:
          - id: zz
            claim: no
            detail: 1e3
            tags: [01234, yes, off, 12]
            cite:
              - ref: rr
                locator: 12
                quote: true
          - id: "0777"
            claim: 2024-01-01
            tags: [topic-x]
            cite: [{ref: rr}]
          - id: yy
            claim: 1_000
            tags: [on]
            cite: [{ref: rr}]
        """)
    sources = load(root)
    assert sources.problems == []
    ref = {r.id: r for r in sources.references}["rr"]
    assert ref.title == "1.10"
    assert ref.issued == "2024"
    assert ref.note == "0x1F"
    facts = {f.id: f for f in sources.facts}
    assert facts["zz"].claim == "no"
    assert facts["zz"].detail == "1e3"
    assert facts["zz"].tags == ["01234", "yes", "off", "12"]
    assert facts["zz"].cite[0].locator == "12"
    assert facts["zz"].cite[0].quote == "true"
    assert facts["0777"].claim == "2024-01-01"
    assert facts["yy"].claim == "1_000"
    assert facts["yy"].tags == ["on"]


# ---------------------------------------------------------------- which files


def test_files_at_any_depth_and_both_extensions_are_read(make_workspace, run):
    root = make_workspace(extra={
        "sources/deep/er/still/more.yml": FACT,
        "sources/refs.yml": REFERENCE,
        "sources/one/brief.yaml": BRIEF,
    })
    sources = load(root)
    assert sources.problems == []
    assert {"sources/deep/er/still/more.yml", "sources/refs.yml", "sources/one/brief.yaml"} <= set(sources.files)
    assert "zz" in {f.id for f in sources.facts}
    assert "rr" in {r.id for r in sources.references}
    assert "bb" in {b.id for b in sources.briefs}
    result = run(root, "check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "ok: 3 references, 4 facts, 2 briefs\n"


def test_files_outside_sources_or_with_other_extensions_are_ignored(make_workspace, run):
    root = make_workspace(extra={
        "notes.yaml": "not: [valid\n",
        "sources/readme.txt": "not: [valid\n",
        "sources/old.yaml.bak": "not: [valid\n",
    })
    result = run(root, "check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "ok: 2 references, 3 facts, 1 brief\n"


def test_problems_at_depth_name_the_full_relative_path(make_workspace, refused):
    root = make_workspace(extra={"sources/a/b/c.yml": FACT + "    priority: 9\n"})
    assert refused(root) == ["sources/a/b/c.yml:7: fact 'zz': 'priority' is 9; it must be at most 5"]


def test_every_problem_in_every_file_in_one_run(make_workspace, refused):
    root = make_workspace(
        facts=FACTS.replace("priority: 2", "priority: 9"),
        extra={
            BAD: FACT.replace("claim:", "claimm:"),
            "sources/y/z.yml": "fact: []\n",
            "sources/w.yaml": "facts:\n  - id: zz\n    claim: a: b\n",
            "sources/v.yaml": REFERENCE.replace("2020", "2025-02-30") + "    type: reprot\n",
        },
    )
    lines = refused(root)
    assert len(lines) == 8  # 7 problems and the count
    assert lines[-1] == "7 problems found."
    assert lines[:-1] == [
        "sources/facts.yaml:8: fact 'fact-a': 'priority' is 9; it must be at most 5",
        "sources/v.yaml:4: reference 'rr': issued: '2025-02-30' is not a real date",
        "sources/v.yaml:5: reference 'rr': 'reprot' is not a valid type (did you mean 'report'?)",
        lines[3],  # the YAML error, checked below
        f"{BAD}:2: fact 'zz': missing required field 'claim'",
        f"{BAD}:3: fact 'zz': unknown field 'claimm' (did you mean 'claim'?)",
        f"sources/y/z.yml:1: unknown top-level key 'fact' (did you mean 'facts'?); {TOP_LEVEL_HINT}",
    ]
    assert lines[3].startswith("sources/w.yaml:3: this text contains ': '")


def test_every_problem_in_one_entry_is_reported(make_workspace, refused):
    text = """\
        facts:
          - id: Bad_Id
            claim: [a]
            tags: []
            cite:
              - ref: statute
                page: 3
            kind: statistc
            priority: 0
        """
    assert refused(bad_file(make_workspace, text)) == expected(
        f"{BAD}:2: fact 'Bad_Id': id: 'Bad_Id' {SLUG_HELP} (write 'bad-id')",
        f"{BAD}:3: fact 'Bad_Id': 'claim' should be text, not a list",
        f"{BAD}:4: fact 'Bad_Id': 'tags' needs at least one entry",
        f"{BAD}:7: fact 'Bad_Id': unknown field 'cite[0].page'",
        f"{BAD}:8: fact 'Bad_Id': 'statistc' is not a valid kind (did you mean 'statistic'?)",
        f"{BAD}:9: fact 'Bad_Id': 'priority' is 0; it must be at least 1",
    )


# ------------------------------------------- places and forms of YAML mistakes


def test_control_character_is_reported_on_its_line(make_workspace, refused):
    text = "facts:\n  - id: zz\n    claim: a\x07b\n"
    assert refused(bad_file(make_workspace, text)) == [
        f"{BAD}:3: invalid YAML: the control character '\\x07' is not allowed"]


@pytest.mark.parametrize(
    ("line3", "words"),
    [
        ('    claim: "oops', "a quotation mark"),
        ("    tags: [a, b", "a list opened with ["),
        ("    claim", "this line has no ':' after its field name"),
    ],
    ids=["open-quote", "open-bracket", "key-without-colon"],
)
def test_something_left_open_is_reported_where_it_was_opened(make_workspace, refused, line3, words):
    text = f"facts:\n  - id: zz\n{line3}\n    cite: [{{ref: statute}}]\n"
    (line,) = refused(bad_file(make_workspace, text))
    assert line.startswith(f"{BAD}:3: {words}")


@pytest.mark.parametrize("empty", ["", " ~", " null", " Null"])
def test_an_empty_value_is_empty_not_text(make_workspace, refused, empty):
    text = f"facts:\n  - id: zz\n    claim:{empty}\n    tags: [t]\n    cite: [{{ref: statute}}]\n"
    assert refused(bad_file(make_workspace, text)) == [
        f"{BAD}:3: fact 'zz': 'claim' is empty; it should be text"]


def test_empty_optional_values_and_lists_are_allowed(make_workspace):
    from briefgen.source.load import load

    text = ("references:\nfacts:\n  - id: zz\n    claim: '~'\n    detail:\n    tags: [t]\n"
            "    as_of: null\n    cite: [{ref: statute}]\nbriefs: ~\n")
    sources = load(bad_file(make_workspace, text))
    assert sources.problems == []
    fact = next(f for f in sources.facts if f.id == "zz")
    assert (fact.claim, fact.detail, fact.as_of) == ("~", None, None)  # quoted '~' stays text


def test_a_newline_in_a_value_is_shown_escaped_on_one_line(make_workspace, refused):
    text = 'facts:\n  - id: "ok\\n"\n    claim: x\n    tags: [t]\n    cite: [{ref: statute}]\n'
    assert refused(bad_file(make_workspace, text)) == [
        f"{BAD}:2: fact 'ok\\n': id: 'ok\\n' is not a valid id: use lowercase letters, digits and "
        "hyphens, starting with a letter or digit (write 'ok')"]


def test_a_section_with_neither_facts_nor_select(make_workspace, refused):
    text = ("briefs:\n  - id: b2\n    title: B\n    template: one-pager\n    date: 2026-01-01\n"
            "    sections:\n      - heading: H\n")
    assert refused(bad_file(make_workspace, text)) == [
        f"{BAD}:7: brief 'b2': sections[0]: a section needs either 'facts' (a list of fact ids) "
        "or 'select' (a tag expression); this one has neither"]


# ----------------------------------------------------------------- parse cache


def test_parse_cache_gives_the_same_records(make_workspace, parse_cache):
    from briefgen.source.load import load

    root = make_workspace()
    first = load(root)
    entries = sorted(parse_cache.glob("records/*.pickle"))
    assert len(entries) == 3  # one per source file, kept as its records
    second = load(root)
    assert [f.model_dump() for f in second.facts] == [f.model_dump() for f in first.facts]
    def places(sources):
        return [(f.origin.path, f.origin.line, f.at("claim"), f.at("cite", 0, "ref")) for f in sources.facts]

    assert places(second) == places(first)  # lines too


def test_parse_cache_follows_content_and_survives_garbage(make_workspace, parse_cache):
    from briefgen.source.load import load

    root = make_workspace()
    load(root)
    for entry in [*parse_cache.glob("*.json"), *parse_cache.glob("records/*.pickle")]:
        entry.write_text("{garbage")
    facts = root / "sources/facts.yaml"
    facts.write_text(facts.read_text().replace("Fact B holds.", "Fact B holds still."))
    claims = {f.id: f.claim for f in load(root).facts}
    assert claims["fact-b"] == "Fact B holds still."
    assert claims["fact-a"] == "Fact A is *true*."


def test_files_with_problems_are_not_cached(make_workspace, parse_cache):
    from briefgen.source.load import load

    root = bad_file(make_workspace, "facts: [unclosed\n")
    load(root)
    assert len(list(parse_cache.glob("records/*.pickle"))) == 3  # the three good files only
    assert list(parse_cache.glob("*.json")) == []


def test_parse_cache_can_be_turned_off(make_workspace, monkeypatch, parse_cache):
    from briefgen.source.load import load

    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", "")
    assert len(load(make_workspace()).facts) == 3
    assert list(parse_cache.iterdir()) == []


def test_a_file_that_does_not_validate_is_kept_parsed_not_as_records(make_workspace, refused, parse_cache):
    from briefgen.source.load import load

    root = bad_file(make_workspace, FACT.replace("claim:", "clam:"))
    first = load(root).problems
    assert len(list(parse_cache.glob("*.json"))) == 1  # parsed, to be validated again next time
    assert len(list(parse_cache.glob("records/*.pickle"))) == 3
    assert load(root).problems == first


def test_records_from_the_cache_are_the_records_validated(make_workspace, parse_cache):
    from briefgen.source.load import load

    root = make_workspace()
    first = load(root)
    again = load(root)  # every file from the records cache
    for kind in ("references", "facts", "briefs"):
        assert [r.model_dump() for r in getattr(again, kind)] == [r.model_dump() for r in getattr(first, kind)]
        assert [type(r) for r in getattr(again, kind)] == [type(r) for r in getattr(first, kind)]
    assert [(f.origin.path, f.origin.line, f.at("claim"), f.at("cite", 0, "ref"), f.origin.column_of("claim"))
            for f in again.facts] == [(f.origin.path, f.origin.line, f.at("claim"), f.at("cite", 0, "ref"),
                                       f.origin.column_of("claim")) for f in first.facts]


def test_a_problem_found_after_loading_has_its_line_with_records_from_the_cache(make_workspace, refused,
                                                                                parse_cache):
    text = FACT.replace("ref: statute", "ref: no-such-ref")
    root = bad_file(make_workspace, text)
    first = refused(root)
    assert any(f"{BAD}:6: " in line and "no-such-ref" in line for line in first), first
    assert refused(root) == first  # the file came from the records cache, its lines read again


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\x80\x05K\x01.", b"\x80\x05cos\nsystem\n."])
def test_a_damaged_records_cache_entry_is_a_warning_and_a_full_parse(make_workspace, parse_cache, damage, caplog):
    from briefgen.source.load import load

    root = make_workspace()
    first = load(root)
    for entry in parse_cache.glob("records/*.pickle"):
        entry.write_bytes(damage)
    with caplog.at_level("WARNING", logger="briefgen"):
        again = load(root)
    assert [f.model_dump() for f in again.facts] == [f.model_dump() for f in first.facts]
    assert len(caplog.records) == 3
    assert "the records cache entry for sources/" in caplog.records[0].getMessage()
    assert "the file was read again" in caplog.records[0].getMessage()
    caplog.clear()
    load(root)  # written anew
    assert caplog.records == []


def test_the_sample_comes_back_from_the_records_cache_whole(tmp_path, parse_cache, caplog):
    """Every kind of record the sample holds (figures, translations of facts,
    briefs and references) can be read back from the cache: none is refused
    as foreign and parsed again."""
    from conftest import copy_sample

    root = copy_sample(tmp_path / "ws")
    first = load(root)
    assert any(f.translations for f in first.facts) and any(b.translations for b in first.briefs)
    with caplog.at_level("WARNING", logger="briefgen"):
        again = load(root)
    assert caplog.records == []
    for kind in ("references", "facts", "briefs"):
        assert [r.model_dump() for r in getattr(again, kind)] == [r.model_dump() for r in getattr(first, kind)]


def test_the_records_cache_is_keyed_by_path(make_workspace, parse_cache):
    from briefgen.source.load import load

    root = make_workspace()
    load(root)
    (root / "sources/facts.yaml").rename(root / "sources/moved.yaml")
    assert {f.origin.path for f in load(root).facts} == {"sources/moved.yaml"}


@pytest.mark.parametrize("word", ["and", "or", "not"])
def test_the_words_of_tag_expressions_cannot_be_tags(make_workspace, refused, word):
    text = FACT.replace("tags: [topic-x]", f"tags: [topic-x, {word}]")
    assert refused(bad_file(make_workspace, text)) == [
        f"{BAD}:4: fact 'zz': tags[1]: '{word}' cannot be a tag: it is a word of tag expressions"]


def test_invisible_characters_are_shown_escaped(make_workspace, refused):
    text = FACT.replace("id: zz", "id: \"z\u200bz\u202e\"")
    (line,) = refused(bad_file(make_workspace, text))
    assert "'z\\u200bz\\u202e' is not a valid id" in line
