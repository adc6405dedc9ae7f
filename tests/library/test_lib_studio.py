"""The editor's library side (briefgen.build.studio): a change is checked
against the workspace with it applied in memory before anything is written;
problems come back by field; saving changes only the record changed;
a file changed on disk since the form was opened is never overwritten."""

from __future__ import annotations

import subprocess

import pytest

from briefgen.build.studio import Change, Studio
from briefgen.source.records import kept
from briefgen.source.forms import form
from briefgen.source.writer import digest
from conftest import copy_sample

EXPLOITATION = "sources/facts/online-exploitation.yaml"
BRIEFS = "sources/briefs.yaml"


@pytest.fixture
def root(tmp_path):
    return copy_sample(tmp_path)


def as_form_sends(data: dict, kind: str = "fact") -> dict:
    """What the browser's form sends for a record: every field, None where empty."""
    return {f.key: data.get(f.key) for f in form(kind).children}


def new_fact(**fields) -> dict:
    fact = {"id": "survivors-silenced", "claim": "According to the segment, survivors find it outrageous.",
            "tags": ["survivors"], "status": "draft",
            "cite": [{"ref": "msnbc-2025-08-24", "locator": "point 8",
                      "quote": "Survivors and their families find it outrageous and silencing"}]}
    return as_form_sends({**fact, **fields})


def test_an_untouched_form_saves_nothing(root):
    studio = Studio(root)
    before = {p: p.read_bytes() for p in (root / "sources").rglob("*.yaml")}
    for entry in studio.entries():
        opened = studio.open(entry.kind, entry.id)
        outcome = studio.save(Change(entry.kind, entry.id, opened.file, opened.digest,
                                     as_form_sends(opened.data, entry.kind)))
        assert outcome.saved and outcome.ok, (entry, outcome.problems)
    assert {p: p.read_bytes() for p in (root / "sources").rglob("*.yaml")} == before


def test_a_changed_field_changes_only_its_line(root):
    studio = Studio(root)
    opened = studio.open("fact", "few-convicted")
    before = (root / EXPLOITATION).read_text(encoding="utf-8")
    outcome = studio.save(Change("fact", "few-convicted", opened.file, opened.digest,
                                 as_form_sends({**opened.data, "priority": 2})))
    assert outcome.saved, outcome.problems
    after = (root / EXPLOITATION).read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changed == [("    priority: 1", "    priority: 2")]
    assert outcome.digest == digest((root / EXPLOITATION).read_bytes())


def test_a_new_fact_is_added_to_the_file_chosen_and_nothing_else_changes(root):
    studio = Studio(root)
    target = studio.file_for("fact", ["survivors"])
    assert target == "sources/facts/maxwell-case.yaml"  # where the facts tagged 'survivors' first live
    others = {p: p.read_bytes() for p in (root / "sources").rglob("*.yaml") if p != root / target}
    before = (root / target).read_text(encoding="utf-8")
    opened = studio.new("fact", target)
    outcome = studio.save(Change("fact", None, target, opened.digest, new_fact()))
    assert outcome.saved and outcome.id == "survivors-silenced", outcome.problems
    after = (root / target).read_text(encoding="utf-8")
    assert after.startswith(before) and "id: survivors-silenced" in after[len(before):]
    assert "kind:" not in after[len(before):]  # a default the form showed is not written
    assert {p: p.read_bytes() for p in others} == others
    assert "survivors-silenced" in {e.id for e in studio.entries()}


def test_problems_come_back_at_their_fields_and_nothing_is_written(root):
    studio = Studio(root)
    opened = studio.open("fact", "few-convicted")
    before = (root / EXPLOITATION).read_bytes()
    bad = {**opened.data, "priority": 9, "tags": ["accountability", "Bad Tag"],
           "cite": [{"ref": "msnbc-2025-08-24", "locator": "point 12", "quote": "words the summary never used"}]}
    outcome = studio.save(Change("fact", "few-convicted", opened.file, opened.digest, as_form_sends(bad)))
    assert not outcome.saved and not outcome.ok
    assert (root / EXPLOITATION).read_bytes() == before
    assert set(outcome.fields) >= {"priority", "tags[1]"}
    assert "at most 5" in outcome.fields["priority"][0].message
    assert outcome.fields["priority"][0].path == EXPLOITATION and outcome.fields["priority"][0].line > 0
    # once the schema holds, the trust checks speak at the field too
    wrong_quote = {**opened.data, "cite": bad["cite"]}
    outcome = studio.propose(Change("fact", "few-convicted", opened.file, opened.digest, as_form_sends(wrong_quote)))
    assert "cite[0].quote" in outcome.fields and "snapshot" in outcome.fields["cite[0].quote"][0].message


def test_a_brief_naming_an_unknown_fact_is_refused_at_that_entry(root):
    studio = Studio(root)
    opened = studio.open("brief", "section-230-one-pager")
    sections = [dict(s) for s in opened.data["sections"]]
    sections[0]["facts"] = [*sections[0]["facts"], "no-such-fact"]
    outcome = studio.propose(Change("brief", opened.id, opened.file, opened.digest,
                                    as_form_sends({**opened.data, "sections": sections}, "brief")))
    assert not outcome.ok
    assert "sections[0].facts[3]" in outcome.fields, outcome.fields
    assert "no-such-fact" in outcome.fields["sections[0].facts[3]"][0].message


def test_a_file_changed_on_disk_is_not_overwritten(root):
    studio = Studio(root)
    opened = studio.open("fact", "few-convicted")
    path = root / EXPLOITATION
    path.write_text(path.read_text(encoding="utf-8").replace("priority: 1", "priority: 4", 1), encoding="utf-8")
    theirs = path.read_bytes()
    change = Change("fact", "few-convicted", opened.file, opened.digest,
                    as_form_sends({**opened.data, "claim": "According to the segment, few are convicted."}))
    outcome = studio.save(change)
    assert not outcome.saved and outcome.conflict is not None
    disk, mine, now, both = outcome.conflict
    assert "priority: '4'" in disk or "priority: 4" in disk
    assert "few are convicted" in mine and now == digest(theirs)
    assert path.read_bytes() == theirs
    # keeping one's own version replaces only the record
    outcome = studio.save(Change(change.kind, change.id, change.file, now, change.data))
    assert outcome.saved, outcome.problems
    assert b"few are convicted" in path.read_bytes()


def test_a_fact_that_briefs_name_cannot_be_deleted(root):
    studio = Studio(root)
    opened = studio.open("fact", "few-convicted")
    before = (root / EXPLOITATION).read_bytes()
    outcome = studio.delete("fact", "few-convicted", opened.file, opened.digest)
    assert not outcome.saved
    assert "section-230-one-pager" in outcome.problems[0].message
    assert "maxwell-interview-fact-sheet" in outcome.problems[0].message
    assert (root / EXPLOITATION).read_bytes() == before
    # a fact no brief names goes, and only it
    opened = studio.open("fact", "interview-called-pardon-campaign")
    outcome = studio.delete("fact", "interview-called-pardon-campaign", opened.file, opened.digest)
    assert outcome.saved, outcome.problems
    assert "interview-called-pardon-campaign" not in {e.id for e in studio.entries()}
    # nor one whose going would leave a brief's tag expression naming nothing
    opened = studio.open("fact", "change-tech-incentives")
    outcome = studio.delete("fact", "change-tech-incentives", opened.file, opened.digest)
    assert not outcome.saved and "recommendation" in outcome.problems[0].message


def test_a_reference_that_facts_cite_cannot_be_deleted(root):
    studio = Studio(root)
    opened = studio.open("reference", "msnbc-2025-08-24")
    outcome = studio.delete("reference", "msnbc-2025-08-24", opened.file, opened.digest)
    assert not outcome.saved and "few-convicted" in outcome.problems[0].message


def test_writes_stay_inside_sources(root):
    studio = Studio(root)
    for rel in ("briefgen.yaml", "sources/../x.yaml", "sources/x.txt", "/etc/passwd"):
        outcome = studio.save(Change("fact", None, rel, "missing", new_fact()))
        assert not outcome.saved and outcome.problems[0].code == "bad-path", rel
    assert not (root / "x.yaml").exists()


def test_the_preview_shows_the_unsaved_change_and_writes_no_source(root):
    studio = Studio(root, root / "drafts")
    opened = studio.open("fact", "few-convicted")
    before = (root / EXPLOITATION).read_bytes()
    change = Change("fact", "few-convicted", opened.file, opened.digest,
                    as_form_sends({**opened.data, "claim": "According to the segment, <b>hardly</b> anyone is "
                                   "convicted."}))
    outcome = studio.propose(change)
    assert outcome.ok
    path = studio.preview(change, "section-230-one-pager", outcome.checked)
    html = path.read_text(encoding="utf-8")
    assert "hardly" in html and "<b>hardly</b>" not in html
    assert (root / EXPLOITATION).read_bytes() == before
    assert sorted(studio.users("fact", "few-convicted")) == ["maxwell-interview-fact-sheet", "section-230-one-pager"]


def test_names_and_numbers_written_as_text_stay_as_written():
    spec = form("reference")
    old = {"id": "r", "title": "T", "volume": "47", "author": ["Doe, Jane", {"literal": "A Committee"}]}
    sent = {**{f.key: None for f in spec.children}, "id": "r", "title": "T", "volume": 47,
            "author": [{"family": "Doe", "given": "Jane"}, {"literal": "A Committee"}]}
    assert kept(spec, old, sent) == old


def test_a_save_can_be_a_commit(root, monkeypatch):
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    studio = Studio(root, commit=True)
    opened = studio.open("fact", "few-convicted")
    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{name}_NAME", "t")
        monkeypatch.setenv(f"GIT_{name}_EMAIL", "t@example.org")
    outcome = studio.save(Change("fact", "few-convicted", opened.file, opened.digest,
                                 as_form_sends({**opened.data, "priority": 2})))
    assert outcome.saved and outcome.note.startswith("committed"), outcome.note
    log = subprocess.run([*git, "log", "-1", "--format=%s"], capture_output=True, text=True).stdout.strip()
    assert log == "Change fact 'few-convicted' (briefgen serve)"
    assert subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True).stdout == ""


def test_a_new_record_with_an_id_already_taken_is_refused_at_its_id(root):
    studio = Studio(root)
    opened = studio.new("fact", "sources/facts/maxwell-case.yaml")
    outcome = studio.save(Change("fact", None, opened.file, opened.digest, new_fact(id="few-convicted")))
    assert not outcome.saved and "duplicate id 'few-convicted'" in outcome.fields["id"][0].message
    outcome = studio.save(Change("fact", None, opened.file, opened.digest, new_fact(id=None)))
    assert not outcome.saved and outcome.fields["id"][0].message == "a fact needs an id"


def test_renaming_a_fact_renames_it_where_briefs_list_it(root):
    studio = Studio(root)
    opened = studio.open("fact", "few-convicted")
    briefs = (root / BRIEFS).read_text(encoding="utf-8")
    outcome = studio.save(Change("fact", "few-convicted", opened.file, opened.digest,
                                 as_form_sends({**opened.data, "id": "few-are-convicted"})))
    assert outcome.saved, outcome.problems
    assert "brief 'section-230-one-pager'" in outcome.note and "brief 'maxwell-interview-fact-sheet'" in outcome.note
    after = (root / BRIEFS).read_text(encoding="utf-8")
    assert after == briefs.replace("facts: [one-in-four-children, few-convicted,",
                                   "facts: [one-in-four-children, few-are-convicted,").replace(
        "facts: [few-convicted]", "facts: [few-are-convicted]")
    assert {e.id for e in studio.entries()} >= {"few-are-convicted"}


def test_renaming_a_reference_renames_it_in_the_citations_that_cite_it(root):
    studio = Studio(root)
    opened = studio.open("reference", "usc-47-230")
    outcome = studio.save(Change("reference", "usc-47-230", opened.file, opened.digest,
                                 as_form_sends({**opened.data, "id": "section-230"}, "reference")))
    assert outcome.saved, outcome.problems
    text = (root / "sources/facts/online-exploitation.yaml").read_text(encoding="utf-8")
    assert "ref: usc-47-230" not in text and "ref: section-230" in text


def test_an_edit_made_on_disk_meanwhile_is_merged_field_by_field(root):
    """With what the form first showed (`base`), a field only the file changed keeps the file's value, a
    field only the form changed takes the form's; a change to another record of the file is no conflict."""
    studio = Studio(root)
    opened = studio.open("fact", "few-convicted")
    base = as_form_sends(opened.data)
    path = root / EXPLOITATION
    text = path.read_text(encoding="utf-8")
    text = text.replace("    priority: 1\n    cite:\n      - ref: msnbc-2025-08-24\n        locator: point 12",
                        "    priority: 2   # raised by a colleague\n    cite:\n      - ref: msnbc-2025-08-24\n"
                        "        locator: point 12", 1)
    path.write_text(text.replace("kind: recommendation", "kind: recommendation  # checked", 1), encoding="utf-8")
    mine = {**base, "detail": "Added in the form."}
    outcome = studio.save(Change("fact", "few-convicted", opened.file, opened.digest, mine, base))
    assert outcome.saved and outcome.conflict is None, outcome.problems
    after = path.read_text(encoding="utf-8")
    assert "priority: 2   # raised by a colleague" in after and "detail: Added in the form." in after
    assert "kind: recommendation  # checked" in after


def test_a_field_changed_both_ways_is_a_conflict_naming_it(root):
    studio = Studio(root)
    opened = studio.open("fact", "few-convicted")
    base = as_form_sends(opened.data)
    path = root / EXPLOITATION
    path.write_text(path.read_text(encoding="utf-8").replace("    priority: 1\n    cite:", "    priority: 2\n    cite:", 1),
                    encoding="utf-8")
    theirs = path.read_bytes()
    change = Change("fact", "few-convicted", opened.file, opened.digest, {**base, "priority": 4}, base)
    outcome = studio.save(change)
    assert not outcome.saved and outcome.conflict[3] == ["Priority"]
    assert path.read_bytes() == theirs
    # choosing one's own: saved over the file as it is now, this field the form's
    outcome = studio.save(Change(change.kind, change.id, change.file, outcome.conflict[2], change.data, base))
    assert outcome.saved and b"    priority: 4\n    cite:" in path.read_bytes()


def test_existing_problems_elsewhere_do_not_stop_an_unrelated_save(root):
    studio = Studio(root)
    maxwell = root / "sources/facts/maxwell-case.yaml"
    maxwell.write_text(maxwell.read_text(encoding="utf-8").replace(
        'quote: "The interviewer', 'quote: "Words the summary never had. The interviewer', 1), encoding="utf-8")
    opened = studio.open("fact", "few-convicted")
    base = as_form_sends(opened.data)
    outcome = studio.save(Change("fact", "few-convicted", opened.file, opened.digest, {**base, "priority": 2}, base))
    assert outcome.saved, outcome.problems
    assert [p.code for p in outcome.existing] == ["quote-mismatch"] and outcome.problems == []
    # a problem the change brings still stops it
    opened = studio.open("fact", "few-convicted")
    base = as_form_sends(opened.data)
    outcome = studio.save(Change("fact", "few-convicted", opened.file, opened.digest, {**base, "priority": 9}, base))
    assert not outcome.saved and "priority" in outcome.fields


def test_a_file_the_writer_cannot_rewrite_is_named_not_crashed_on(root):
    path = root / "sources/facts/tabbed.yaml"
    path.write_text("facts:\n  - id: tabbed\n    claim: A claim.\n    tags: [t]\n    status: draft\t# a note\n"
                    "    cite: [{ref: msnbc-2025-08-24}]\n", encoding="utf-8")
    studio = Studio(root)
    assert any(p.path == "sources/facts/tabbed.yaml" for p in studio.unreadable())
    outcome = studio.save(Change("fact", None, "sources/facts/tabbed.yaml", digest(path.read_bytes()), new_fact()))
    assert not outcome.saved and outcome.problems[0].code == "not-editable", outcome.problems


def test_hidden_files_and_odd_values_are_refused_plainly(root):
    studio = Studio(root)
    for rel in ("sources/.git/x.yaml", "sources/facts/.hidden.yaml", "sources/./facts/online-exploitation.yaml"):
        outcome = studio.save(Change("fact", None, rel, "missing", new_fact()))
        assert not outcome.saved and outcome.problems[0].code == "bad-path", rel
    opened = studio.new("fact", EXPLOITATION)
    outcome = studio.save(Change("fact", None, EXPLOITATION, opened.digest, new_fact(claim=12345)))
    assert outcome.saved and studio.open("fact", "survivors-silenced").data["claim"] == "12345"
    outcome = studio.save(Change("fact", None, "sources/" + "x" * 300 + ".yaml", "missing", new_fact(id="other")))
    assert not outcome.saved and outcome.problems[0].code == "bad-path"
