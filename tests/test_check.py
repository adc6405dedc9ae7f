"""Stage 2, check: rules across records, and `build` refusing what `check` reports.

The default fact base (tests/conftest.py) is valid; each test adds or changes
one thing.  Its briefs file, with the second brief these tests append:

     1 brief:
     2   - id: brief-one
     3     title: "Brief one"
     4     template: one-pager
     5     date: 2026-01-15
     6     sections:
     7       - heading: "First"
     8         facts: [fact-a]
     9       - heading: "Second"
    10         select: "topic-x or recommendation"
    11   - id: brief-two
    12     title: Two
    13     template: one-pager
    14     date: 2026-01-01
    15     sections:
    16       - heading: H
    17         ...
"""

from __future__ import annotations

import pytest

from briefgen.build.pipeline import check_project
from briefgen.source.project import Project
from briefgen.errors import BriefgenError, Problem
from conftest import BRIEFS, FACT, FACTS, expected, files_under

BAD = "sources/x.yaml"


def brief_two(sections: str) -> str:
    """The default briefs plus brief-two, whose sections start on line 16."""
    return BRIEFS + (
        "  - id: brief-two\n"
        "    title: Two\n"
        "    template: one-pager\n"
        "    date: 2026-01-01\n"
        "    sections:\n"
    ) + sections


# ---------------------------------------------------------------- the clean case


def test_clean_workspace_checks_ok(make_workspace, run):
    result = run(make_workspace(), "check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "ok: 2 references, 3 facts, 1 brief\n"
    assert result.stderr == ""


def test_clean_workspace_builds(make_workspace, run):
    # The baseline for the "writes nothing" tests below: a clean build writes.
    root = make_workspace()
    result = run(root, "build", "--format", "html")
    assert result.exit_code == 0, result.stderr
    assert (root / "output" / "brief-one.html").is_file()
    assert "wrote" in result.stdout


# ---------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("extra", "expected_line"),
    [
        # the later file's entry is the duplicate; the message points at the first
        ({BAD: FACT.replace("id: zz", "id: fact-b")},
         f"{BAD}:2: duplicate id 'fact-b' (already used in sources/facts.yaml:13)"),
        ({"sources/a.yaml": FACT.replace("id: zz", "id: fact-b")},
         "sources/facts.yaml:13: duplicate id 'fact-b' (already used in sources/a.yaml:2)"),
        ({BAD: "references:\n  - id: statute\n    title: T\n    issued: 2020\n"},
         f"{BAD}:2: duplicate id 'statute' (already used in sources/references.yaml:8)"),
        ({BAD: BRIEFS.replace('title: "Brief one"', 'title: "Another"')},
         f"{BAD}:2: duplicate id 'brief-one' (already used in sources/briefs.yaml:2)"),
        ({BAD: FACT + FACT.replace("facts:\n", "")}, f"{BAD}:7: duplicate id 'zz' (already used in {BAD}:2)"),
    ],
    ids=["fact-later-file", "fact-earlier-file", "reference", "brief", "same-file"],
)
def test_duplicate_id(make_workspace, refused, extra, expected_line):
    assert refused(make_workspace(extra=extra)) == [expected_line]


# ---------------------------------------------------------------- citations


@pytest.mark.parametrize(
    ("text", "expected_line"),
    [
        (FACT.replace("ref: statute", "ref: statue"),
         f"{BAD}:6: fact 'zz' cites unknown reference 'statue' (did you mean 'statute'?)"),
        (FACT.replace("ref: statute", "ref: nothing-like-it"),
         f"{BAD}:6: fact 'zz' cites unknown reference 'nothing-like-it'"),
        (FACT + "        locator: p. 1\n      - ref: reprot-2024\n",
         f"{BAD}:8: fact 'zz' cites unknown reference 'reprot-2024' (did you mean 'report-2024'?)"),
    ],
    ids=["hint", "no-hint", "second-citation"],
)
def test_citation_of_unknown_reference(make_workspace, refused, text, expected_line):
    assert refused(make_workspace(extra={BAD: text})) == [expected_line]


# ---------------------------------------------------------------- facts named by briefs


@pytest.mark.parametrize(
    ("sections", "expected_line"),
    [
        ("      - heading: H\n        facts: [fact-a, fact-d]\n",
         "sources/briefs.yaml:17: brief 'brief-two' names unknown fact 'fact-d' (did you mean 'fact-c'?)"),
        ("      - heading: H\n        facts:\n          - fact-a\n          - nothing-like-it\n",
         "sources/briefs.yaml:19: brief 'brief-two' names unknown fact 'nothing-like-it'"),
    ],
    ids=["hint", "block-list-no-hint"],
)
def test_brief_names_unknown_fact(make_workspace, refused, sections, expected_line):
    assert refused(make_workspace(briefs=brief_two(sections))) == [expected_line]


def test_a_fact_listed_twice_in_a_section_is_an_error(make_workspace, refused):
    sections = "      - heading: H\n        facts:\n          - fact-a\n          - fact-c\n          - fact-a\n"
    assert refused(make_workspace(briefs=brief_two(sections))) == [
        "sources/briefs.yaml:20: brief 'brief-two' lists fact 'fact-a' twice in the section 'H'"]


def test_brief_names_retired_and_disputed_facts(make_workspace, refused):
    facts = (FACT + "    status: retired\n"
             + FACT.replace("facts:\n", "").replace("zz", "yy") + "    status: disputed\n")
    sections = "      - heading: H\n        facts:\n          - fact-a\n          - zz\n          - yy\n"
    root = make_workspace(briefs=brief_two(sections), extra={BAD: facts})
    assert refused(root) == expected(
        "sources/briefs.yaml:19: brief 'brief-two' names fact 'zz', which is retired and cannot be rendered",
        "sources/briefs.yaml:20: brief 'brief-two' names fact 'yy', which is disputed and cannot be rendered",
    )


def test_retired_and_disputed_facts_are_not_errors_when_unused(make_workspace, run):
    facts = (FACT + "    status: retired\n"
             + FACT.replace("facts:\n", "").replace("zz", "yy") + "    status: disputed\n")
    result = run(make_workspace(extra={BAD: facts}), "check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "ok: 2 references, 5 facts, 1 brief\n"


def test_naming_an_entry_that_failed_validation_is_not_a_second_error(make_workspace, refused):
    # Reference 'rr' and fact 'yy' exist but are invalid: report only that,
    # not also "unknown reference" for the valid fact 'zz' citing 'rr', nor
    # "unknown fact" for the brief naming 'yy'.
    text = ("references:\n  - id: rr\n    title: T\n    issued: 2020-13\n"  # lines 1-4
            + FACT.replace("ref: statute", "ref: rr")  # lines 5-10
            + FACT.replace("facts:\n", "").replace("zz", "yy") + "    priority: 9\n")  # lines 11-16
    root = make_workspace(briefs=brief_two("      - heading: H\n        facts: [zz, yy]\n"), extra={BAD: text})
    assert refused(root) == expected(
        f"{BAD}:4: reference 'rr': issued: '2020-13' is not a real date",
        f"{BAD}:16: fact 'yy': 'priority' is 9; it must be at most 5",
    )


# ---------------------------------------------------------------- tag expressions


@pytest.mark.parametrize(
    ("select", "column", "detail"),
    [
        ("topic-x and (topic-y", 21, "expression ends too early: expected )"),
        ("topic-x and", 12, "expression ends too early: expected tag"),
        ("topic-x topic-y", 9, "unexpected 'topic-y' (join tags with 'and', 'or', 'not')"),
        ("topic-x and Topic-y", 13, "unexpected character 'T' (tags are lowercase slugs)"),
        ("topic-x & topic-y", 9, "unexpected character '&' (tags are lowercase slugs)"),
        ("(topic-x or topic-y))", 21, "unexpected ')' (join tags with 'and', 'or', 'not')"),
        ("and topic-x", 1, "expected tag, found 'and'"),
        ("topic-x or not", 15, "expression ends too early: expected tag"),
    ],
)
def test_tag_expression_that_does_not_parse(make_workspace, refused, select, column, detail):
    root = make_workspace(briefs=brief_two(f'      - heading: H\n        select: "{select}"\n'))
    assert refused(root) == [
        f"sources/briefs.yaml:17: brief 'brief-two': bad tag expression '{select}' at column {column}: {detail}"
    ]


@pytest.mark.parametrize(
    ("select", "lines"),
    [
        ("topic-x and topic-z",
         ["sources/briefs.yaml:17: brief 'brief-two': tag expression names 'topic-z', which no fact has "
          "(did you mean 'topic-y'?)"]),
        ("statistic or nothing-like-it",
         ["sources/briefs.yaml:17: brief 'brief-two': tag expression names 'nothing-like-it', which no fact has"]),
        ("not (ghost or phantom)",
         ["sources/briefs.yaml:17: brief 'brief-two': tag expression names 'ghost', which no fact has",
          "sources/briefs.yaml:17: brief 'brief-two': tag expression names 'phantom', which no fact has"]),
    ],
    ids=["hint", "no-hint", "two-unknown"],
)
def test_tag_expression_names_unknown_tag(make_workspace, refused, select, lines):
    root = make_workspace(briefs=brief_two(f'      - heading: H\n        select: "{select}"\n'))
    assert refused(root) == expected(*lines)


def test_tag_expression_may_name_a_kind(make_workspace, run):
    root = make_workspace(briefs=brief_two('      - heading: H\n        select: "statistic or recommendation"\n'))
    result = run(root, "check")
    assert result.exit_code == 0, result.stderr


# ---------------------------------------------------------------- templates


@pytest.mark.parametrize(
    ("template", "extra", "expected_line"),
    [
        ("one-pagr", {},
         "sources/briefs.yaml:4: brief 'brief-one' uses unknown template 'one-pagr' (did you mean 'one-pager'?) "
         "(available: fact-sheet, one-pager)"),
        ("xyz", {},
         "sources/briefs.yaml:4: brief 'brief-one' uses unknown template 'xyz' (available: fact-sheet, one-pager)"),
        # the workspace's own templates are listed; partials (_*.html) are not
        ("xyz", {"templates/memo.html": "<p>{{ brief.title }}</p>\n", "templates/_part.html": ""},
         "sources/briefs.yaml:4: brief 'brief-one' uses unknown template 'xyz' "
         "(available: fact-sheet, memo, one-pager)"),
    ],
    ids=["hint", "no-hint", "workspace-templates"],
)
def test_unknown_template(make_workspace, refused, template, extra, expected_line):
    root = make_workspace(briefs=BRIEFS.replace("template: one-pager", f"template: {template}"), extra=extra)
    assert refused(root) == [expected_line]


# ---------------------------------------------------------------- sections


def test_section_with_both_facts_and_select(make_workspace, refused):
    root = make_workspace(briefs=brief_two("      - heading: H\n        facts: [fact-a]\n        select: topic-x\n"))
    assert refused(root) == [
        "sources/briefs.yaml:16: brief 'brief-two': sections[0]: a section needs either 'facts' "
        "(a list of fact ids) or 'select' (a tag expression); this one has both"
    ]


EMPTY_SELECT = ("sources/briefs.yaml:17: brief 'brief-two': section 'H' would be empty: "
                "no renderable fact matches 'lonely'")


@pytest.fixture
def select_matches_nothing_renderable(make_workspace):
    # 'lonely' is a tag, so the expression checks, but its only fact is retired.
    facts = FACT.replace("topic-x", "lonely") + "    status: retired\n"
    return make_workspace(briefs=brief_two("      - heading: H\n        select: lonely\n"), extra={BAD: facts})


def test_select_matching_nothing_renderable_is_reported(select_matches_nothing_renderable, refused):
    assert refused(select_matches_nothing_renderable) == [EMPTY_SELECT]


def test_check_workspace_reports_select_matching_nothing(select_matches_nothing_renderable):
    with pytest.raises(BriefgenError) as info:
        check_project(Project.open(select_matches_nothing_renderable))
    assert info.value.problems == [Problem("sources/briefs.yaml", 17, EMPTY_SELECT.split(":17: ", 1)[1],
                                           "empty-section", subject="brief-two")]


def test_section_whose_facts_all_appear_earlier_is_reported(make_workspace, refused):
    sections = "      - heading: A\n        select: topic-x\n      - heading: H\n        facts: [fact-a]\n"
    assert refused(make_workspace(briefs=brief_two(sections))) == [
        "sources/briefs.yaml:19: brief 'brief-two': section 'H' would be empty: "
        "all of its facts already appear in earlier sections"
    ]


# ---------------------------------------------------------------- everything at once


def test_load_and_check_problems_come_in_one_run(make_workspace, refused):
    root = make_workspace(
        facts=FACTS.replace("priority: 2", "priority: 9"),  # fact-a invalid: load problem
        briefs=BRIEFS.replace("template: one-pager", "template: one-pagr"),
        extra={BAD: FACT.replace("ref: statute", "ref: statue")},
    )
    assert refused(root) == expected(
        "sources/briefs.yaml:4: brief 'brief-one' uses unknown template 'one-pagr' (did you mean 'one-pager'?) "
        "(available: fact-sheet, one-pager)",
        "sources/facts.yaml:8: fact 'fact-a': 'priority' is 9; it must be at most 5",
        f"{BAD}:6: fact 'zz' cites unknown reference 'statue' (did you mean 'statute'?)",
    )


def test_an_unknown_style_is_reported_with_the_other_problems(make_workspace, refused):
    root = make_workspace(briefs=BRIEFS.replace("    template: one-pager\n", "    template: one-pager\n    style: apaa\n"),
                          extra={BAD: FACT.replace("ref: statute", "ref: statue")})
    assert refused(root) == expected(
        "sources/briefs.yaml:5: brief 'brief-one': unknown style 'apaa' (did you mean 'apa'?) (one of: numbered, "
        "chicago-notes, chicago-author-date, apa, mla, ieee, legal, the name of a style in the CSL style repository, "
        "or the path of a .csl file)",
        f"{BAD}:6: fact 'zz' cites unknown reference 'statue' (did you mean 'statute'?)",
    )


def test_a_brief_with_a_schema_error_still_has_its_facts_checked(make_workspace, refused):
    """One run reports both: the bad date and the fact the brief names that does not exist."""
    from tests.test_load import BRIEF

    root = make_workspace(extra={BAD: BRIEF.replace("2026-01-01", "2026-02-30")
                                 .replace("facts: [fact-a]", "facts: [fact-a, fact-z, Bad_Id]")})
    assert refused(root) == expected(
        f"{BAD}:5: brief 'bb': date: '2026-02-30' is not a real date",
        f"{BAD}:8: brief 'bb' names unknown fact 'fact-z' (did you mean 'fact-c'?)",
        f"{BAD}:8: brief 'bb': sections[0].facts[2]: 'Bad_Id' is not a valid id: use lowercase letters, digits "
        "and hyphens, starting with a letter or digit (write 'bad-id')",
    )


# ---------------------------------------------------------------- build refuses


@pytest.mark.parametrize(
    ("ids", "lines"),
    [
        (["nope"], ["no brief with id 'nope'"]),
        (["brief-on"], ["no brief with id 'brief-on' (did you mean 'brief-one'?)"]),
        (["brief-one", "nope", "other"], ["no brief with id 'nope'", "no brief with id 'other'"]),
    ],
    ids=["unknown", "hint", "one-known-two-unknown"],
)
def test_build_unknown_brief_id_writes_nothing(make_workspace, run, ids, lines):
    root = make_workspace()
    before = files_under(root)
    result = run(root, "build", *ids)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == expected(*lines)
    assert result.stdout == ""
    assert files_under(root) == before
    assert not (root / "output").exists()


BROKEN = {
    "load": dict(facts=FACTS.replace("priority: 2", "priority: 9")),
    "yaml": dict(extra={BAD: "facts:\n  - id: zz\n    claim: a: b\n"}),
    "cross-record": dict(extra={BAD: FACT.replace("ref: statute", "ref: statue")}),
    "empty-section": dict(
        briefs=brief_two("      - heading: H\n        select: lonely\n"),
        extra={BAD: FACT.replace("topic-x", "lonely") + "    status: retired\n"},
    ),
}


@pytest.mark.parametrize("broken", list(BROKEN))
@pytest.mark.parametrize("args", [[], ["brief-one"], ["--format", "html"]], ids=["all", "named", "html"])
def test_build_on_broken_workspace_leaves_output_untouched(make_workspace, run, broken, args):
    root = make_workspace(**BROKEN[broken])
    old = b"<html>previous build, byte for byte</html>\n\x00\xff"
    (root / "output").mkdir()
    (root / "output" / "brief-one.html").write_bytes(old)
    before = files_under(root)

    checked = run(root, "check")
    result = run(root, "build", *args)

    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == checked.stderr  # the same messages as check
    assert checked.exit_code == 1 and checked.stderr
    assert result.stdout == ""
    assert (root / "output" / "brief-one.html").read_bytes() == old
    assert files_under(root) == before
    assert sorted(p.name for p in (root / "output").iterdir()) == ["brief-one.html"]  # not even a temp file


def test_duplicate_across_kinds_names_the_earlier_file_first_and_nothing_else(make_workspace, refused):
    # a reference in a file read before facts.yaml takes the id 'fact-a'
    root = make_workspace(extra={"sources/a-refs.yaml": "references:\n  - {id: fact-a, title: T, issued: '2020'}\n"})
    assert refused(root) == expected(
        "sources/facts.yaml:2: duplicate id 'fact-a' (already used in sources/a-refs.yaml:2)")


def test_an_unreadable_file_hides_unknown_name_errors(make_workspace, refused):
    # facts.yaml cannot be parsed: briefs naming its facts and tags are not blamed
    root = make_workspace(facts="facts:\n  - id: [unclosed\n")
    (line,) = refused(root)
    assert line == "sources/facts.yaml:2: a list opened with [ on this line is never closed: end it with ] on the same line"


def test_a_tag_only_an_invalid_fact_has_is_not_a_second_error(make_workspace, refused):
    root = make_workspace(extra={"sources/x.yaml": "facts:\n  - id: only\n    tags: [only-here]\n    cite: [{ref: statute}]\n"})
    briefs = (root / "sources/briefs.yaml").read_text().replace('select: "topic-x or recommendation"', 'select: "only-here"')
    (root / "sources/briefs.yaml").write_text(briefs)
    assert refused(root) == ["sources/x.yaml:2: fact 'only': missing required field 'claim'"]


def test_a_misspelt_list_name_is_the_only_problem_reported(make_workspace, refused):
    """`fact:` for `facts:`: the cause, not a line for every brief and tag that names its facts."""
    root = make_workspace(facts=FACTS.replace("facts:", "fact:", 1))
    assert refused(root) == [
        "sources/facts.yaml:1: unknown top-level key 'fact' (did you mean 'facts'?); a source file holds up to "
        "three lists: references, facts, briefs"]


@pytest.mark.parametrize(("written", "expected"), [
    ("tags: Housing, Vouchers", "'tags' should be a list, not 'Housing, Vouchers': write it in brackets, as "
                                "[housing, vouchers]"),
    ("tags: [Housing, vouchers]", "tags[0]: 'Housing' is not a valid tag: use lowercase letters, digits and "
                                  "hyphens, starting with a letter or digit (write 'housing')"),
])
def test_tag_mistakes_get_a_valid_suggestion(make_workspace, refused, written, expected):
    text = FACT.replace("tags: [topic-x]", written)
    lines = refused(make_workspace(extra={"sources/x.yaml": text}))
    assert lines == [f"sources/x.yaml:4: fact 'zz': {expected}"]
