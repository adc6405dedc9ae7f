"""A fact base you can trust: draft marks, release builds, review records,
staleness, quotes checked against snapshots, machine-readable checks."""

import json
import re

import pytest
from pypdf import PdfReader

SNAPSHOT = """\
Report on things, 2024.
The survey found that “one in four” respondents – mostly adults – had seen it\u2026
Other  findings   follow on the next page.
"""
REFERENCES = """\
references:
  - id: rep
    type: report
    title: Report on things
    issued: 2024
    snapshot: snapshots/rep.txt
"""
FACTS = """\
facts:
  - id: seen-it
    claim: "One in four respondents had seen it."
    tags: [survey]
    kind: statistic
    status: verified
    reviewed: {by: Ann Analyst, on: 2026-01-10}
    as_of: 2024-01-01
    cite:
      - ref: rep
        quote: 'The survey found that "one in four" respondents - mostly adults - had seen it...'
  - id: still-draft
    claim: "A finding not yet checked."
    tags: [survey]
    cite: [{ref: rep}]
  - id: overdue
    claim: "A finding due for review."
    tags: [other]
    status: verified
    reviewed: {by: Ann Analyst, on: 2025-01-10}
    review_by: 2026-06-01
    cite: [{ref: rep}]
"""
BRIEFS = """\
briefs:
  - id: survey-brief
    title: The survey
    template: one-pager
    date: 2026-01-15
    sections: [{heading: Findings, select: survey}]
  - id: clean-brief
    title: Only the verified statistic
    template: one-pager
    date: 2026-01-15
    sections: [{heading: Findings, facts: [seen-it]}]
  - id: overdue-brief
    title: The overdue one
    template: one-pager
    date: 2026-01-15
    sections: [{heading: Findings, facts: [overdue]}]
"""


@pytest.fixture
def ws(make_workspace):
    return make_workspace(references=REFERENCES, facts=FACTS, briefs=BRIEFS,
                          extra={"snapshots/rep.txt": SNAPSHOT})


# ----------------------------------------------------------- drafts, release


def test_draft_facts_are_marked_in_pdf_and_html(ws, run):
    assert run(ws, "build", "survey-brief", "--today", "2026-01-20").exit_code == 0
    html = (ws / "output/survey-brief.html").read_text()
    assert '<p class="draft-banner" role="note"><strong>Draft, not for circulation:</strong> 1 fact has not been ' \
           'verified (still-draft).</p>' in html
    assert '<span class="draft-mark">draft</span>' in html
    text = PdfReader(ws / "output/survey-brief.pdf").pages[0].extract_text()
    assert "DRAFT" in text and "Draft, not for circulation" in text
    assert json.loads((ws / "output/survey-brief.manifest.json").read_text())["draft"] is True


def test_verified_briefs_carry_no_draft_mark(ws, run):
    run(ws, "build", "clean-brief", "--today", "2026-01-20")
    html = (ws / "output/clean-brief.html").read_text()
    assert 'class="draft-banner"' not in html and 'class="draft-watermark"' not in html
    assert 'class="draft-mark"' not in html
    assert "DRAFT" not in PdfReader(ws / "output/clean-brief.pdf").pages[0].extract_text()
    assert json.loads((ws / "output/clean-brief.manifest.json").read_text())["draft"] is False


def test_release_refuses_every_draft_and_stale_fact_and_builds_the_rest(ws, run):
    result = run(ws, "build", "--release", "--today", "2026-07-01", "--format", "html")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "sources/facts.yaml:21: warning: fact 'overdue' is stale: its review was due on 2026-06-01",
        "sources/facts.yaml:12: release: brief 'survey-brief' would show fact 'still-draft', which is a draft",
        "sources/facts.yaml:16: release: brief 'overdue-brief' would show fact 'overdue', which is stale "
        "(its review was due on 2026-06-01)",
        "2 problems found.",
    ]
    assert (ws / "output/release/clean-brief.html").exists()
    assert not (ws / "output/release/survey-brief.html").exists()
    assert not (ws / "output/release/overdue-brief.html").exists()


# ------------------------------------------------------------ review, stale


def test_unreviewed_verified_facts_and_staleness_are_warnings(make_workspace, run):
    facts = FACTS.replace("    reviewed: {by: Ann Analyst, on: 2026-01-10}\n", "", 1)
    root = make_workspace(references=REFERENCES, facts=facts, briefs=BRIEFS,
                          extra={"snapshots/rep.txt": SNAPSHOT, "briefgen.yaml": "stale_after_days: 365\n"})
    result = run(root, "check", "--today", "2026-07-01")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "sources/facts.yaml:6: warning: fact 'seen-it' is verified but has no review record "
        "(add reviewed: {by: NAME, on: DATE})",
        "sources/facts.yaml:7: warning: fact 'seen-it' is stale: it describes 2024-01-01, more than the "
        "workspace's stale_after_days (365) ago",
        "sources/facts.yaml:20: warning: fact 'overdue' is stale: its review was due on 2026-06-01",
    ]
    assert result.stdout == "ok: 1 reference, 3 facts, 3 briefs, 3 warnings\n"
    # on an earlier day nothing is stale
    early = run(root, "check", "--today", "2024-06-01")
    assert "stale" not in early.stderr
    # --strict makes warnings errors
    strict = run(root, "check", "--strict", "--today", "2026-07-01")
    assert strict.exit_code == 1
    assert "sources/facts.yaml:20: fact 'overdue' is stale" in strict.stderr


# ----------------------------------------------------------------- quotes


def test_a_quote_matches_despite_white_space_case_curly_quotes_dashes_and_ellipsis(ws, run):
    result = run(ws, "check", "--today", "2026-01-20")
    assert result.exit_code == 0, result.stderr


def test_a_changed_word_in_a_quote_is_an_error_with_the_closest_passage(make_workspace, run):
    facts = FACTS.replace("mostly adults", "mostly children")
    root = make_workspace(references=REFERENCES, facts=facts, briefs=BRIEFS, extra={"snapshots/rep.txt": SNAPSHOT})
    result = run(root, "check", "--today", "2026-01-20")
    assert result.exit_code == 1
    assert result.stderr == (
        "sources/facts.yaml:11: fact 'seen-it': the quote does not occur in the snapshot of 'rep'; the closest "
        "passage is: \"The survey found that “one in four” respondents – mostly adults – had seen it…\"\n")


def test_the_closest_passage_of_an_html_snapshot_keeps_its_own_characters(make_workspace, run):
    page = ("<p>The survey found that <em>&ldquo;one in four&rdquo;</em> respondents&nbsp;&ndash; mostly adults "
            "&ndash; had seen it&hellip;</p>")
    refs = REFERENCES.replace("snapshots/rep.txt", "snapshots/rep.html")
    facts = FACTS.replace("mostly adults", "mostly children")
    root = make_workspace(references=refs, facts=facts, briefs=BRIEFS, extra={"snapshots/rep.html": page})
    result = run(root, "check", "--today", "2026-01-20")
    assert result.stderr.endswith(
        "the closest passage is: \"The survey found that “one in four” respondents – mostly adults – had seen it…\"\n")


def test_a_missing_snapshot_is_an_error(make_workspace, run):
    root = make_workspace(references=REFERENCES, facts=FACTS, briefs=BRIEFS)
    result = run(root, "check", "--today", "2026-01-20")
    assert result.exit_code == 1
    assert result.stderr == "sources/references.yaml:6: reference 'rep': no file 'snapshots/rep.txt' in the workspace\n"


def test_an_html_snapshot_is_read_as_its_text(make_workspace, run):
    page = ("<html><head><style>p {color: red}</style><script>var x = 1;</script></head><body><p>The survey "
            "found that <em>&ldquo;one in four&rdquo;</em> respondents &ndash; mostly adults &ndash; had seen it&hellip;"
            "</p></body></html>")
    refs = REFERENCES.replace("snapshots/rep.txt", "snapshots/rep.html")
    root = make_workspace(references=refs, facts=FACTS, briefs=BRIEFS, extra={"snapshots/rep.html": page})
    assert run(root, "check", "--today", "2026-01-20").exit_code == 0


def test_the_sample_quotes_are_all_verified_against_the_seed(tmp_path, run):
    from conftest import copy_sample

    root = copy_sample(tmp_path / "sample")
    result = run(root, "check", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    from briefgen.source.load import load

    quoted = [c for f in load(root).facts for c in f.cite if c.quote and c.ref == "msnbc-2025-08-24"]
    assert len(quoted) >= 8


# ------------------------------------------------------- machine formats


def test_check_json_format(make_workspace, run):
    facts = FACTS.replace("mostly adults", "mostly children").replace("    reviewed: {by: Ann Analyst, on: 2026-01-10}\n", "", 1)
    root = make_workspace(references=REFERENCES, facts=facts, briefs=BRIEFS, extra={"snapshots/rep.txt": SNAPSHOT})
    result = run(root, "check", "--format", "json", "--today", "2026-01-20")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [  # in file order
        {"severity": "warning", "code": "unreviewed", "path": "sources/facts.yaml", "line": 6, "column": 5,
         "message": "fact 'seen-it' is verified but has no review record (add reviewed: {by: NAME, on: DATE})",
         "id": "seen-it"},
        {"severity": "error", "code": "quote-mismatch", "path": "sources/facts.yaml", "line": 10, "column": 9,
         "message": "fact 'seen-it': the quote does not occur in the snapshot of 'rep'; the closest passage is: "
                    "\"The survey found that “one in four” respondents – mostly adults – had seen it…\"",
         "id": "seen-it"},
    ]


def test_check_json_lists_warnings_when_clean(make_workspace, run):
    facts = FACTS.replace("    reviewed: {by: Ann Analyst, on: 2026-01-10}\n", "", 1)
    root = make_workspace(references=REFERENCES, facts=facts, briefs=BRIEFS, extra={"snapshots/rep.txt": SNAPSHOT})
    result = run(root, "check", "--format", "json", "--today", "2026-01-20")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {"severity": "warning", "code": "unreviewed", "path": "sources/facts.yaml", "line": 6, "column": 5,
         "message": "fact 'seen-it' is verified but has no review record (add reviewed: {by: NAME, on: DATE})",
         "id": "seen-it"},
    ]


def test_check_github_format(make_workspace, run):
    root = make_workspace(facts="facts:\n  - id: x\n    clam: 'a, b: 100%'\n    tags: [t]\n    cite: [{ref: statute}]\n")
    result = run(root, "check", "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "::error file=sources/facts.yaml,line=3,col=5,title=briefgen unknown-field::fact 'x': unknown field " \
           "'clam' (did you mean 'claim'?)" in lines
    assert all(re.match(r"::(error|warning) file=[^,]+(,line=\d+)?(,col=\d+)?,title=briefgen [a-z-]+::", l) for l in lines)


# ----------------------------------------------- quotes: what a reviewer found


@pytest.mark.parametrize("quote, ok", [
    ("15 million reports", True),
    ("5 million reports", False),  # not inside "15 million"
    ("25% of cases involved minors", True),
    ("5% of cases involved minors", False),
    ("officials said ... involved minors", True),  # an ellipsis stands for words left out
    ("involved minors ... officials said", False),  # but the parts keep their order
    ("Budget: 25% increase approved", True),  # <b>25</b>% in the HTML is one word
])
def test_quotes_match_whole_words_and_ellipses(make_workspace, run, quote, ok):
    page = ("<html><body><p>Officials said 15 million reports were filed; 25% of cases involved minors.</p>"
            "<p>Budget: <b>25</b>% increase approved.</p></body></html>")
    refs = REFERENCES.replace("snapshots/rep.txt", "snapshots/rep.html")
    facts = f"""facts:
  - id: q
    claim: "A claim."
    tags: [survey]
    cite: [{{ref: rep, quote: "{quote}"}}]
"""
    briefs = "briefs: []\n"
    root = make_workspace(references=refs, facts=facts, briefs=briefs, extra={"snapshots/rep.html": page})
    result = run(root, "check")
    assert (result.exit_code == 0) is ok, result.stderr


def test_a_long_snapshot_is_searched_quickly_enough_to_finish(make_workspace, run):
    import random

    rng = random.Random(1)
    words = [rng.choice("alpha beta gamma delta epsilon zeta eta theta iota kappa".split()) for _ in range(200_000)]
    facts = 'facts:\n  - id: q\n    claim: "A claim."\n    tags: [survey]\n    cite: [{ref: rep, quote: "lambda mu nu xi omicron pi"}]\n'
    root = make_workspace(references=REFERENCES, facts=facts, briefs="briefs: []\n",
                          extra={"snapshots/rep.txt": " ".join(words)})
    result = run(root, "check")
    assert result.exit_code == 1 and "quote-mismatch" not in result.stderr and "does not occur" in result.stderr


def test_a_review_after_the_due_date_ends_staleness_and_retired_facts_are_never_stale(make_workspace, run):
    facts = FACTS.replace("    reviewed: {by: Ann Analyst, on: 2025-01-10}\n",
                          "    reviewed: {by: Ann Analyst, on: 2026-06-15}\n")
    root = make_workspace(references=REFERENCES, facts=facts, briefs=BRIEFS, extra={"snapshots/rep.txt": SNAPSHOT})
    assert "stale" not in run(root, "check", "--today", "2026-07-01").stderr
    retired = FACTS.replace("    status: verified\n    reviewed: {by: Ann Analyst, on: 2025-01-10}\n",
                            "    status: retired\n")
    root2 = make_workspace(references=REFERENCES, facts=retired, briefs=BRIEFS.split("  - id: overdue-brief")[0],
                           extra={"snapshots/rep.txt": SNAPSHOT})
    assert "stale" not in run(root2, "check", "--today", "2026-07-01").stderr


def test_release_removes_what_it_refuses_from_the_release_folder_and_leaves_the_drafts_alone(ws, run):
    run(ws, "build", "--format", "html", "--today", "2026-01-20")
    run(ws, "build", "--format", "html", "--today", "2026-01-20", "--out", str(ws / "output/release"))  # by hand
    assert (ws / "output/release/survey-brief.html").exists()
    result = run(ws, "build", "--release", "--format", "html", "--today", "2026-01-20")
    assert result.exit_code == 1
    assert "removed output/release/survey-brief.html (not releasable)" in result.stdout
    assert not (ws / "output/release/survey-brief.html").exists()
    assert "survey-brief" not in (ws / "output/release/index.html").read_text()
    assert (ws / "output/release/clean-brief.html").exists()
    # The working folder keeps its drafts, and its index does not list the release's documents.
    assert (ws / "output/survey-brief.html").exists()
    run(ws, "build", "--format", "html", "--today", "2026-01-20")
    assert "release/" not in (ws / "output/index.html").read_text()
