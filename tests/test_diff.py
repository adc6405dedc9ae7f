"""What changed: `briefgen diff` between versions of the sample, and
`build --changes-since` marking it on the page.

The history is made here, from the sample: a claim reworded, a number
corrected, a fact retired, a citation added, a file renamed (no change)."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import copy_sample

from briefgen.commands.cli import cli

FACTS = "sources/facts/online-exploitation.yaml"
MAXWELL = "sources/facts/maxwell-case.yaml"

ENV = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
       "GIT_AUTHOR_DATE": "2026-11-24T12:00:00Z", "GIT_COMMITTER_DATE": "2026-11-24T12:00:00Z"}


def git(repo: Path, *args: str, date: str = "2026-11-24") -> str:
    env = {**ENV, "GIT_AUTHOR_DATE": f"{date}T12:00:00Z", "GIT_COMMITTER_DATE": f"{date}T12:00:00Z"}
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                           "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                          cwd=repo, check=True, capture_output=True, text=True, env=env).stdout


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def commit(root: Path, message: str, date: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """The sample in git, then five commits.  The first commit holds the
    FOSTA fact with the year of the Act's title (2017) where the sample has
    the year it was enacted (2018), so that correcting it changes a number
    without inventing one."""
    root = copy_sample(tmp_path_factory.mktemp("history") / "ws")
    git(root, "init", "-q")
    edit(root, FACTS, "In 2018 Congress enacted", "In 2017 Congress enacted")
    commit(root, "the sample", "2026-11-01")
    edit(root, FACTS, "while many abusers and clients are never investigated.",
         "while many abusers and clients go uninvestigated.")
    edit(root, FACTS, "digest: 10da0dbe", "digest: 3cd9e03b")  # its Spanish translation, checked against it
    commit(root, "reword a claim", "2026-11-02")
    edit(root, FACTS, "In 2017 Congress enacted", "In 2018 Congress enacted")
    commit(root, "correct a year", "2026-11-03")
    text = (root / MAXWELL).read_text(encoding="utf-8")
    start = text.index("  - id: interviewer-finished-sentences")
    (root / MAXWELL).write_text(text[:start] + text[start:].replace("status: verified", "status: retired", 1),
                                encoding="utf-8")
    commit(root, "retire a fact", "2026-11-04")
    edit(root, FACTS, """particularly children, vulnerable to online sex trafficking"
        translations:
          es: {locator: punto 15}
""", """particularly children, vulnerable to online sex trafficking"
        translations:
          es: {locator: punto 15}
      - ref: usc-47-230
        locator: "§ 230(c)(1)"
""")
    commit(root, "cite the statute too", "2026-11-05")
    git(root, "mv", MAXWELL, "sources/facts/maxwell.yaml")
    commit(root, "rename a file", "2026-11-06")
    return root


@pytest.fixture
def repo(history, tmp_path) -> Path:
    """A copy of the history of one's own (a test may build in it or change it)."""
    root = tmp_path / "ws"
    shutil.copytree(history, root)
    return root


def diff(root: Path, *args: str):
    result = CliRunner().invoke(cli, ["--root", str(root), "diff", *args], catch_exceptions=False)
    assert "Traceback" not in result.output
    assert gc.isenabled() and gc.get_freeze_count() == 0  # diff pauses the collector, and only that long
    return result


WHOLE_HISTORY = """\
Changes from HEAD~5 to HEAD: 4 facts changed; 1 brief changed.
HEAD:sources/facts/maxwell.yaml:91: fact 'interviewer-finished-sentences': retired
    status: verified → retired
    reaches: brief maxwell-interview-fact-sheet; tag sheet maxwell-case
HEAD:sources/facts/online-exploitation.yaml:5: fact 'few-convicted': claim reworded
    claim: … States, while many abusers and clients [-are never investigated.-]{+go uninvestigated.+}
    reaches: briefs maxwell-interview-fact-sheet, section-230-one-pager; tag sheets accountability, sex-trafficking
HEAD:sources/facts/online-exploitation.yaml:42: fact 'section-230-broad-immunity': citation added
    citation added: usc-47-230, § 230(c)(1)
    reaches: briefs maxwell-interview-fact-sheet, section-230-one-pager; tag sheets child-safety, online-exploitation, section-230
HEAD:sources/facts/online-exploitation.yaml:133: fact 'fosta-2018': claim reworded, number changed (2017 → 2018)
    claim: In [-2017-]{+2018+} Congress enacted the Allow States and …
    reaches: briefs maxwell-interview-fact-sheet, section-230-one-pager; tag sheets online-exploitation, section-230, sex-trafficking
HEAD:sources/briefs.yaml:56: brief 'maxwell-interview-fact-sheet': facts shown changed
    no longer shows: interviewer-finished-sentences
"""


def test_diff_says_what_each_commit_changed_fact_by_fact(history):
    result = diff(history, "HEAD~5", "HEAD")
    assert result.exit_code == 0, result.output
    assert result.stdout == WHOLE_HISTORY
    assert result.stderr == ""


def test_a_renamed_file_with_the_same_records_is_no_change(history):
    assert diff(history, "HEAD~1", "HEAD").stdout == "No changes from HEAD~1 to HEAD.\n"
    assert diff(history, "HEAD~2", "HEAD").stdout == diff(history, "HEAD~2", "HEAD~1").stdout.replace(
        "HEAD~1", "HEAD").replace("online-exploitation.yaml", "online-exploitation.yaml")


def test_json_has_stable_keys(history):
    result = diff(history, "HEAD~4", "HEAD~3", "--format", "json")
    assert result.exit_code == 0
    old_claim = ("In 2017 Congress enacted the Allow States and Victims to Fight Online Sex Trafficking Act (FOSTA), "
                 "which the House Judiciary Committee described as clarifying that Section 230 does not prohibit "
                 "enforcing federal and state criminal and civil law on the sexual exploitation of children or sex "
                 "trafficking against online services.")
    assert json.loads(result.stdout) == {
        "old": {"version": "HEAD~4", "problems": []},
        "new": {"version": "HEAD~3", "problems": []},
        "facts": [{
            "id": "fosta-2018", "change": "changed", "events": ["claim reworded", "number changed"],
            "version": "HEAD~3", "path": FACTS, "line": 131, "fields": [],
            "claim": {"old": old_claim, "new": old_claim.replace("2017", "2018"),
                      "diff": [{"op": "equal", "text": "In"}, {"op": "delete", "text": "2017"},
                               {"op": "insert", "text": "2018"}, {"op": "equal", "text": old_claim[8:]}],
                      "numbers": [{"old": "2017", "new": "2018"}]},
            "detail": None, "citations": [],
            "reaches": [{"kind": "brief", "id": "maxwell-interview-fact-sheet"},
                        {"kind": "brief", "id": "section-230-one-pager"},
                        {"kind": "tag sheet", "id": "online-exploitation"}, {"kind": "tag sheet", "id": "section-230"},
                        {"kind": "tag sheet", "id": "sex-trafficking"}],
        }],
        "references": [],
        "briefs": [],
    }


def test_json_of_a_retired_fact_and_a_citation(history):
    data = json.loads(diff(history, "HEAD~3", "HEAD~1", "--format", "json").stdout)
    retired, cited = data["facts"]
    assert (retired["id"], retired["events"], retired["fields"]) == (
        "interviewer-finished-sentences", ["retired"], [{"field": "status", "old": "verified", "new": "retired"}])
    assert cited["citations"] == [{"change": "added", "ref": "usc-47-230", "old": None,
                                   "new": {"ref": "usc-47-230", "locator": "§ 230(c)(1)", "quote": None}, "line": 42}]
    assert data["briefs"] == [{"id": "maxwell-interview-fact-sheet", "change": "changed",
                               "events": ["facts shown changed"], "version": "HEAD~1", "path": "sources/briefs.yaml",
                               "line": 56, "fields": [], "shows": {"added": [], "removed": [
                                   "interviewer-finished-sentences"]}}]


def test_markdown_for_a_pull_request_comment(history):
    result = diff(history, "HEAD~3", "HEAD~2", "--format", "markdown")
    assert result.stdout == """\
**Changes from HEAD\\~3 to HEAD\\~2: 1 fact changed; 1 brief changed.**

### Facts

- `interviewer-finished-sentences` (HEAD\\~2:sources/facts/maxwell-case.yaml:91): retired
  - status: verified → retired
  - reaches: brief maxwell-interview-fact-sheet; tag sheet maxwell-case

### Briefs

- `maxwell-interview-fact-sheet` (HEAD\\~2:sources/briefs.yaml:56): facts shown changed
  - no longer shows: interviewer-finished-sentences
"""
    reworded = diff(history, "HEAD~5", "HEAD~4", "--format", "markdown").stdout
    assert "clients ~~are never investigated.~~ **go uninvestigated.**" in reworded


def test_a_committed_number_change_against_the_working_tree(repo):
    """The issue's own test: commit a changed number; diff HEAD~1 names the fact,
    the number, and the one-pager and tag sheets that show it."""
    edit(repo, FACTS, "One in four children (25%)", "One in four children (one quarter)")
    commit(repo, "a number as words", "2026-11-07")
    edit(repo, FACTS, "One in four children (one quarter)", "One in four children (25%)")
    result = diff(repo)  # HEAD against the working tree: paths as they are on disk
    assert result.stdout == """\
Changes from HEAD to the working tree: 1 fact changed.
sources/facts/online-exploitation.yaml:54: fact 'one-in-four-children': claim reworded, number changed (one quarter → 25%)
    claim: One in four children [-(one quarter)-]{+(25%)+} report having had an online sexual …
    reaches: briefs maxwell-interview-fact-sheet, section-230-one-pager; tag sheets child-safety, online-exploitation
"""
    assert diff(repo, "HEAD~1").stdout.startswith("No changes from HEAD~1 to the working tree.")


def test_a_folder_and_a_release_are_versions_too(repo, tmp_path):
    old = tmp_path / "old-copy"
    git(repo, "worktree", "add", "-q", str(old), "HEAD~5")
    result = diff(repo, str(old))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"Changes from {old} to the working tree: 4 facts changed; 1 brief changed."
    assert lines[1:] == [line.replace("HEAD:", "") for line in WHOLE_HISTORY.splitlines()[1:]]


def test_release_tags_a_named_version(repo, run):
    result = run(repo, "release", "2026-11")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("tagged release-2026-11 at ")
    assert git(repo, "tag", "--list").split() == ["release-2026-11"]
    edit(repo, FACTS, "In 2018 Congress enacted", "In 2017 Congress enacted")
    assert diff(repo, "2026-11").stdout.splitlines()[:2] == [
        "Changes from release-2026-11 to the working tree: 1 fact changed.",
        "sources/facts/online-exploitation.yaml:133: fact 'fosta-2018': claim reworded, number changed (2018 → 2017)"]
    refused = run(repo, "release", "2026-12")
    assert (refused.exit_code, refused.stderr) == (1, "the sources have changes not committed "
                                                      "(sources/facts/online-exploitation.yaml...): commit them "
                                                      "first, so that the release is what was built\n")
    again = run(repo, "release", "2026-11")
    assert (again.exit_code, again.stderr) == (1, "release '2026-11' exists already (git tag release-2026-11)\n")


def test_release_without_git_stores_the_sources(tmp_path, run):
    root = copy_sample(tmp_path / "plain")
    result = run(root, "release", "v3")
    assert (result.exit_code, result.stdout) == (0, "stored the sources as releases/v3/\n")
    edit(root, FACTS, "In 2018 Congress enacted", "In 2017 Congress enacted")
    result = diff(root, "v3")
    assert result.stdout.splitlines()[:2] == [
        "Changes from v3 to the working tree: 1 fact changed.",
        "sources/facts/online-exploitation.yaml:131: fact 'fosta-2018': claim reworded, number changed (2018 → 2017)"]


# -- errors -------------------------------------------------------------------

def test_an_unknown_revision_is_one_line(history):
    result = diff(history, "no-such-rev")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"'no-such-rev' is not a git revision of the repository holding {history}\n"


def test_a_folder_that_is_not_a_workspace_is_one_line(history, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = diff(history, str(empty))
    assert (result.exit_code, result.stderr) == (1, f"{empty}: not a briefgen workspace (no 'sources/' folder), "
                                                    "nor a git revision\n")


def test_no_git_and_no_such_folder(tmp_path):
    root = copy_sample(tmp_path / "plain")
    result = diff(root, "HEAD~1")
    assert (result.exit_code, result.stderr) == (1, "'HEAD~1' is not a folder or a release, and the workspace is "
                                                    "not in a git repository, so it cannot be a git revision\n")


def test_a_revision_that_does_not_check_is_still_compared(repo):
    edit(repo, FACTS, "    tags: [sex-trafficking, accountability]\n", "    tags: [sex-trafficking, accountability]\n"
         "    clam: a typo\n")
    edit(repo, FACTS, "In 2018 Congress enacted", "In 2017 Congress enacted")
    commit(repo, "a broken fact", "2026-11-08")
    result = diff(repo, "HEAD~1", "HEAD")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "Changes from HEAD~1 to HEAD: 1 fact changed; 1 fact not compared.",
        "HEAD:sources/facts/online-exploitation.yaml:134: fact 'fosta-2018': claim reworded, number changed (2018 → 2017)",
        "    claim: In [-2018-]{+2017+} Congress enacted the Allow States and …",
        "    reaches: briefs maxwell-interview-fact-sheet, section-230-one-pager; tag sheets online-exploitation, "
        "section-230, sex-trafficking",
        "HEAD~1:sources/facts/online-exploitation.yaml:4: fact 'few-convicted': not compared: it has errors in HEAD",
        "    reaches: briefs maxwell-interview-fact-sheet, section-230-one-pager; tag sheets accountability, "
        "sex-trafficking",
    ]
    assert result.stderr.splitlines() == [
        "HEAD:sources/facts/online-exploitation.yaml:9: fact 'few-convicted': unknown field 'clam' (did you mean "
        "'claim'?)"]
    as_json = diff(repo, "HEAD~1", "HEAD", "--format", "json")
    assert (as_json.exit_code, as_json.stderr) == (1, "")  # the problems are in the document
    assert json.loads(as_json.stdout)["new"]["problems"] == [{
        "severity": "error", "code": "unknown-field", "path": "HEAD:sources/facts/online-exploitation.yaml", "line": 9,
        "message": "fact 'few-convicted': unknown field 'clam' (did you mean 'claim'?)"}]


# -- "Changes since" in built documents ------------------------------------------

def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def test_build_changes_since_marks_the_page(repo, run):
    result = run(repo, "build", "--changes-since", "HEAD~5", "--per-tag", "--jobs", "1")
    assert result.exit_code == 0, result.output
    out = repo / "output"
    html = (out / "section-230-one-pager.html").read_text(encoding="utf-8")
    box = html[html.index('<section class="changes"'):html.index("</section>", html.index('<section class="changes"'))]
    assert 'aria-label="Changes since November 1, 2026"' in box
    assert "3 updated." in box
    for fact_id in ("few-convicted", "section-230-broad-immunity", "fosta-2018"):
        item = html[html.index(f'data-fact-id="{fact_id}"'):]
        item = item[:item.index("</li>")]
        assert item.endswith('<span class="change-mark">updated</span>'), fact_id
    unchanged = html[html.index('data-fact-id="one-in-four-children"'):]
    assert "change-mark" not in unchanged[:unchanged.index("</li>")]
    assert html.count('<span class="change-mark">') == 6  # three in the box, three on the facts

    sheet = (out / "maxwell-interview-fact-sheet.html").read_text(encoding="utf-8")
    assert ('<li><span class="change-mark">withdrawn</span> <del>The interviewer finished Maxwell&#39;s sentences, '
            'which the segment called abnormal in an…</del> (now retired)</li>' in sheet)

    text = _pdf_text(out / "section-230-one-pager.pdf")
    assert "CHANGES SINCE NOVEMBER 1, 2026 3 updated." in text
    assert text.count("UPDATED") == 6
    assert "WITHDRAWN" in _pdf_text(out / "maxwell-interview-fact-sheet.pdf")
    assert "CHANGES SINCE NOVEMBER 1, 2026 none in this document." in _pdf_text(out / "tags/survivors.pdf")

    manifest = json.loads((out / "maxwell-interview-fact-sheet.manifest.json").read_text(encoding="utf-8"))
    assert manifest["changes"] == {"since": "November 1, 2026", "new": [],
                                   "updated": ["few-convicted", "section-230-broad-immunity", "fosta-2018"],
                                   "withdrawn": [{"id": "interviewer-finished-sentences", "why": "now retired"}]}
    assert set(manifest["fact_digests"]) == set(manifest["facts"])

    again = run(repo, "build", "--changes-since", "HEAD~5", "--per-tag", "--jobs", "1")
    assert "nothing to do" in again.stdout  # the marks are part of what a document is made from
    plain = run(repo, "build", "--per-tag", "--format", "html")
    assert "change-mark" not in (out / "section-230-one-pager.html").read_text(encoding="utf-8").split("</style>")[1]
    assert plain.exit_code == 0


def test_a_new_fact_is_marked_new(repo, run):
    edit(repo, FACTS, "facts:\n", """facts:
  - id: few-investigated
    claim: According to the segment, many abusers and clients go uninvestigated.
    tags: [sex-trafficking, accountability]
    status: verified
    reviewed: {by: briefgen sample maintainers, on: 2026-11-29}
    cite:
      - ref: msnbc-2025-08-24
        locator: point 12
        quote: "many abusers and clients go uninvestigated"
""")
    result = run(repo, "build", "--changes-since", "HEAD", "--format", "html", "--per-tag", "--tag", "accountability")
    assert result.exit_code == 0, result.output
    html = (repo / "output/tags/accountability.html").read_text(encoding="utf-8")
    assert "Changes since November 6, 2026</span> 1 new." in html
    item = html[html.index('data-fact-id="few-investigated"'):]
    assert '<span class="change-mark">new</span>' in item[:item.index("</p>")]


def test_a_brief_asks_for_its_own_changes(repo, run):
    edit(repo, "sources/briefs.yaml", "    max_pages: 1\n", "    max_pages: 1\n    changes_since: HEAD~4\n")
    result = run(repo, "build", "--format", "html")
    assert result.exit_code == 0, result.output
    one_pager = (repo / "output/section-230-one-pager.html").read_text(encoding="utf-8")
    assert "Changes since November 2, 2026</span> 2 updated." in one_pager
    assert '<section class="changes"' not in (repo / "output/maxwell-interview-fact-sheet.html").read_text("utf-8")


def test_changes_since_an_unknown_version_is_an_error(repo, run):
    result = run(repo, "build", "--changes-since", "nope", "--format", "html")
    assert (result.exit_code, result.stderr) == (
        1, f"--changes-since 'nope' is not a git revision of the repository holding {repo}\n")
    edit(repo, "sources/briefs.yaml", "    max_pages: 1\n", "    max_pages: 1\n    changes_since: nope\n")
    message = ("sources/briefs.yaml:12: brief 'section-230-one-pager': changes_since: 'nope' is not 'last-build', "
               "a release, a folder or a git revision of this workspace\n")
    result = run(repo, "build", "--format", "html")
    assert (result.exit_code, result.stderr) == (1, message)
    assert not (repo / "output").exists()
    assert run(repo, "check").stderr == message  # check says so too, before any build


def test_changes_since_the_last_build_needs_no_git(tmp_path, run):
    """The per-fact digests of the manifests say what changed since a document was last built."""
    root = copy_sample(tmp_path / "plain")
    assert run(root, "build", "--format", "html").exit_code == 0
    edit(root, FACTS, "In 2018 Congress enacted", "In April 2018 Congress enacted")
    text = (root / MAXWELL).read_text(encoding="utf-8")
    start = text.index("  - id: interviewer-finished-sentences")
    (root / MAXWELL).write_text(text[:start] + text[start:].replace("status: verified", "status: disputed", 1),
                                encoding="utf-8")
    result = run(root, "build", "--format", "html", "--changes-since", "last-build")
    assert result.exit_code == 0, result.output
    sheet = (root / "output/maxwell-interview-fact-sheet.html").read_text(encoding="utf-8")
    assert "Changes since the last build</span> 1 updated, 1 withdrawn." in sheet
    assert "(now disputed)</li>" in sheet
    manifest = json.loads((root / "output/section-230-one-pager.manifest.json").read_text(encoding="utf-8"))
    assert manifest["changes"] == {"since": "the last build", "new": [], "updated": ["fosta-2018"], "withdrawn": []}


def test_changes_since_a_version_that_does_not_check_warns(repo, run):
    edit(repo, FACTS, "    tags: [sex-trafficking, accountability]\n", "    tags: [sex-trafficking, accountability]\n"
         "    clam: a typo\n")
    commit(repo, "a broken fact", "2026-11-08")
    edit(repo, FACTS, "    clam: a typo\n", "")
    result = run(repo, "build", "--changes-since", "HEAD", "--format", "html")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "warning: changes since 'HEAD': that version has 1 problem (first: HEAD:sources/facts/online-exploitation.yaml:9: "
        "fact 'few-convicted': unknown field 'clam' (did you mean 'claim'?)); its facts were compared as far as they "
        "load\n")
    html = (repo / "output/section-230-one-pager.html").read_text(encoding="utf-8")
    assert "Changes since November 8, 2026</span> none in this document." in html  # not "new": HEAD could not read it


def test_a_release_build_with_changes_since_still_refuses_drafts(repo, run):
    edit(repo, FACTS, "    status: verified\n    reviewed: {by: briefgen sample maintainers, on: 2026-11-29}\n"
         "    priority: 1\n    cite:\n      - ref: msnbc-2025-08-24\n        locator: point 12",
         "    status: draft\n    priority: 1\n    cite:\n      - ref: msnbc-2025-08-24\n        locator: point 12")
    result = run(repo, "build", "--release", "--changes-since", "HEAD", "--format", "html")
    assert result.exit_code == 1
    assert "would show fact 'few-convicted', which is a draft" in result.stderr
    assert not (repo / "output/release/section-230-one-pager.html").exists()


def test_an_ad_hoc_sheet_in_the_output_folder_is_reached_too(repo, run):
    assert run(repo, "sheet", "section-230 and law", "--format", "html").exit_code == 0
    lines = diff(repo, "HEAD~4", "HEAD~3").stdout.splitlines()
    assert lines[-1] == ("    reaches: briefs maxwell-interview-fact-sheet, section-230-one-pager; tag sheets "
                         "online-exploitation, section-230, sex-trafficking; sheet section-230-and-law-8d163902")


def test_a_partial_build_with_changes_since_leaves_the_others_current(repo, run):
    assert run(repo, "build", "--format", "html").exit_code == 0
    result = run(repo, "build", "section-230-one-pager", "--changes-since", "HEAD~5", "--format", "html")
    assert result.exit_code == 0, result.output
    assert "out of date" not in result.stdout
    assert "out of date" not in (repo / "output/index.html").read_text(encoding="utf-8").split("</style>")[1]


def test_a_release_name_is_a_slug(repo, run):
    result = run(repo, "release", "October release")
    assert (result.exit_code, result.stderr) == (1, "'October release' is not a release name: use lowercase letters, "
                                                    "digits and hyphens (2026-10, v3)\n")
    assert git(repo, "tag", "--list") == ""


def test_changes_since_a_stored_copy_of_an_output_folder(tmp_path, run):
    """Without git: the manifests of an earlier output folder, kept, say what each document showed then."""
    root = copy_sample(tmp_path / "plain")
    assert run(root, "build", "--format", "html").exit_code == 0
    kept = tmp_path / "handed-out-october"
    shutil.copytree(root / "output", kept)
    edit(root, FACTS, "In 2018 Congress enacted", "In April 2018 Congress enacted")
    result = run(root, "build", "--format", "html", "--changes-since", str(kept))
    assert result.exit_code == 0, result.output
    html = (root / "output/section-230-one-pager.html").read_text(encoding="utf-8")
    assert "Changes since handed-out-october</span> 1 updated." in html
