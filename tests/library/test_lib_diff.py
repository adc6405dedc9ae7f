"""What changed, as the library says it: records compared by id, word-level
diffs with their numbers, status events, and which documents a change reaches."""

from __future__ import annotations

import pytest
from library_support import no_options

from briefgen.api import BriefgenError, compare_versions, open_version
from briefgen.source.diff import numbers_in, word_diff


def test_word_diff_keeps_words_and_pairs_the_numbers():
    change = word_diff("One in four children (25%) report it", "One in five children (20%) report it today")
    assert [(s.op, s.text) for s in change.segments] == [
        ("equal", "One in"), ("delete", "four"), ("insert", "five"), ("equal", "children"), ("delete", "(25%)"),
        ("insert", "(20%)"), ("equal", "report it"), ("insert", "today")]
    assert change.numbers == (("four", "five"), ("25%", "20%"))


def test_white_space_is_no_change_and_a_number_taken_out_is_paired_with_none():
    assert word_diff("a  b\nc", "a b c").segments[0].op == "equal" and not word_diff("a b", "a  b").numbers
    assert word_diff("cost $3.5 million in all", "cost a lot in all").numbers == (("$3.5 million", None),)


@pytest.mark.parametrize("text, numbers", [
    ("1,200 people and 4.5% of them", ["1,200", "4.5%"]),
    ("twenty-five percent, one quarter", ["twenty-five percent", "one quarter"]),
    ("someone often tried", []),
])
def test_numbers_in(text, numbers):
    assert numbers_in(text) == numbers


def _changes(make_workspace, facts_before: str, facts_after: str, extra_after=None):
    root = make_workspace(facts=facts_before)
    old = open_version(root, None)
    (root / "sources/facts.yaml").write_text(facts_after, encoding="utf-8")
    for name, text in (extra_after or {}).items():
        (root / name).write_text(text, encoding="utf-8")
    return compare_versions(old, open_version(root, None))


FACTS = """\
facts:
  - id: fact-a
    claim: "Fact A is *true*."
    tags: [topic-x]
    status: {status}
    priority: 2
    cite:
      - ref: report-2024
        locator: "p. 3"
  - id: fact-c
    claim: "Fact C is a recommendation."
    tags: [topic-y]
    kind: recommendation
    cite:
      - ref: report-2024
"""


@pytest.mark.parametrize("before, after, event", [
    ("draft", "verified", "verified"), ("verified", "disputed", "disputed"), ("disputed", "verified", "re-verified"),
    ("verified", "retired", "retired"), ("verified", "draft", "back to draft"),
])
def test_status_events(make_workspace, before, after, event):
    comparison = _changes(make_workspace, FACTS.format(status=before), FACTS.format(status=after))
    (change,) = comparison.of("fact")
    assert change.record.events == (event,)
    assert [(f.field, f.old, f.new) for f in change.record.fields] == [("status", before, after)]


def test_a_fact_moved_to_another_file_is_no_change(make_workspace):
    facts = FACTS.format(status="draft")
    moved = facts[facts.index("  - id: fact-c"):]
    comparison = _changes(make_workspace, facts, facts[:facts.index("  - id: fact-c")],
                          {"sources/more.yaml": "# moved here\n\nfacts:\n" + moved})
    assert comparison.changes == ()


def test_citation_re_pointed_and_fields_changed(make_workspace):
    facts = FACTS.format(status="draft")
    after = facts.replace('locator: "p. 3"', 'locator: "p. 4"').replace("priority: 2", "priority: 1").replace(
        "tags: [topic-x]", "tags: [topic-x, topic-y]")
    (change,) = _changes(make_workspace, facts, after).of("fact")
    r = change.record
    assert r.events == ("citation re-pointed", "tags changed", "priority changed")
    assert [(c.change, c.ref, c.old.locator, c.new.locator, c.line) for c in r.citations] == [
        ("re-pointed", "report-2024", "p. 3", "p. 4", 8)]
    assert [(f.field, f.old, f.new) for f in r.fields] == [("tags", ["topic-x"], ["topic-x", "topic-y"]),
                                                          ("priority", 2, 1)]
    assert r.line == 4  # the first field that changed, in the new version
    # the default brief names fact-a and selects "topic-x or recommendation"
    assert change.reaches == (("brief", "brief-one"), ("tag sheet", "topic-x"), ("tag sheet", "topic-y"))


def test_an_unknown_version_names_no_option(make_workspace):
    root = make_workspace()
    with pytest.raises(BriefgenError) as caught:
        open_version(root, "HEAD")
    assert no_options(caught.value.problems)[0].message == (
        "'HEAD' is not a folder or a release, and the workspace is not in a git repository, so it cannot be a git "
        "revision")


def test_a_brief_says_which_section_changed_and_what_it_now_shows(make_workspace):
    root = make_workspace(facts=FACTS.format(status="verified"))
    old = open_version(root, None)
    briefs = root / "sources/briefs.yaml"
    briefs.write_text(briefs.read_text().replace('select: "topic-x or recommendation"', 'select: "topic-x"'))
    (change,) = compare_versions(old, open_version(root, None)).of("brief")
    assert change.record.events == ("sections changed", "facts shown changed")
    assert [(f.field, f.old, f.new) for f in change.record.fields] == [
        ("sections[1].select", "topic-x or recommendation", "topic-x")]
    assert change.record.line == 10
    assert (change.shows_added, change.shows_removed) == ((), ("fact-c",))
