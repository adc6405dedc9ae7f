"""The pipeline: check, then build; and the order of a build's effects on the
output folder (nothing written or deleted before every document has rendered)."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
from library_support import (
    BRIEF_TWO,
    OLD_BRIEF,
    add_briefs,
    files_under,
    raises_problems,
)

from briefgen.api import BuildRequest, Checked, Project, build, check
from briefgen.build import pipeline
from briefgen.compose.select import Selector
from briefgen.source.check import FactBase

HTML = BuildRequest(formats=("html",))


def html_request(out, **kw) -> BuildRequest:
    return BuildRequest(formats=("html",), out_dir=out, **kw)


def test_check_returns_checked(make_workspace):
    checked = check(Project.open(make_workspace()))
    assert isinstance(checked, Checked)
    base, cited, warnings, selector, stale = checked
    assert isinstance(base, FactBase) and isinstance(selector, Selector)
    assert set(base.facts) == {"fact-a", "fact-b", "fact-c"}
    assert set(cited) == {"brief-one"}
    assert [s.heading for s in cited["brief-one"].sections] == ["First", "Second"]
    assert warnings == [] and stale == {}
    assert checked.cited is cited and checked.stale is stale


REVIEW_BY = {"sources/due.yaml": """\
facts:
  - id: due
    claim: "Due for review in June."
    tags: [topic-x]
    review_by: 2026-06-01
    cite:
      - ref: statute
"""}


def test_check_staleness_is_judged_on_today(make_workspace):
    project = Project.open(make_workspace(extra=REVIEW_BY))
    assert check(project, today=dt.date(2026, 5, 31)).stale == {}
    later = check(project, today=dt.date(2026, 6, 2))
    assert list(later.stale) == ["due"]
    assert [(p.code, p.subject, p.severity) for p in later.warnings] == [("stale", "due", "warning")]


def test_check_strict_turns_warnings_into_errors(make_workspace):
    project = Project.open(make_workspace(extra=REVIEW_BY))
    problems = raises_problems(check, project, today=dt.date(2026, 6, 2), strict=True)
    assert [(p.code, p.severity) for p in problems] == [("stale", "error")]


def test_check_writes_nothing(make_workspace):
    root = make_workspace()
    before = files_under(root)
    check(Project.open(root))
    assert files_under(root) == before


def test_build_into_a_folder(make_workspace, tmp_path):
    root = make_workspace()
    out = tmp_path / "out"
    result = build(Project.open(root), html_request(out))
    assert result.failures == [] and result.failed == []
    assert result.built == ["brief:brief-one"] and result.unchanged == []
    assert sorted(files_under(out)) == [".briefgen-cache.json", "brief-one.html", "brief-one.manifest.json",
                                        "index.html"]
    assert set(result.written) == {out / "brief-one.html", out / "brief-one.manifest.json", out / "index.html"}
    assert not (root / "output").exists()  # the workspace's own folder is untouched
    assert "Fact A is <em>true</em>." in (out / "brief-one.html").read_text()


def test_second_build_is_all_unchanged(make_workspace, tmp_path):
    add_briefs(make_workspace(), BRIEF_TWO)
    project = Project.open(tmp_path / "ws")
    out = tmp_path / "out"
    first = build(project, html_request(out))
    assert sorted(first.built) == ["brief:brief-one", "brief:brief-two"]
    before = files_under(out)
    second = build(Project.open(tmp_path / "ws"), html_request(out))
    assert second.built == [] and second.written == [] and second.failures == []
    assert sorted(second.unchanged) == ["brief:brief-one", "brief:brief-two"]
    assert files_under(out) == before
    forced = build(project, html_request(out, force=True))
    assert sorted(forced.built) == ["brief:brief-one", "brief:brief-two"]
    after = files_under(out)
    del after[".briefgen-cache.json"], before[".briefgen-cache.json"]  # it records the files' times
    assert after == before  # the same bytes again


def test_a_change_rebuilds_only_what_shows_it(make_workspace, tmp_path):
    root = make_workspace()
    add_briefs(root, BRIEF_TWO.replace("facts: [fact-b, fact-c]", "facts: [fact-c]"))
    out = tmp_path / "out"
    build(Project.open(root), html_request(out))
    facts = root / "sources/facts.yaml"
    facts.write_text(facts.read_text().replace("Fact A is *true*.", "Fact A is now different."))
    result = build(Project.open(root), html_request(out))
    assert result.built == ["brief:brief-one"] and result.unchanged == ["brief:brief-two"]


def test_nothing_is_written_or_deleted_before_every_document_rendered(make_workspace, monkeypatch):
    root = make_workspace()
    add_briefs(root, BRIEF_TWO, OLD_BRIEF)
    out = root / "output"  # the workspace's own folder: the one that is pruned
    first = build(Project.open(root), HTML)
    assert (out / "old-brief.html").is_file() and (out / "old-brief.manifest.json").is_file()
    assert len(first.built) == 3
    # old-brief leaves the sources; brief-one changes, so that both are rendered anew.
    briefs = root / "sources/briefs.yaml"
    briefs.write_text(briefs.read_text().split("  - id: old-brief")[0].replace('"Brief one"', '"Brief one, again"'))
    before = files_under(out)
    calls = []
    real = pipeline.render_document

    def watched(job, project, options):
        calls.append((job.key, (out / "old-brief.html").is_file(), (out / "old-brief.manifest.json").is_file(),
                      files_under(out) == before))
        return real(job, project, options)

    monkeypatch.setattr(pipeline, "render_document", watched)
    result = build(Project.open(root), BuildRequest(formats=("html",), force=True))
    assert sorted(key for key, *_ in calls) == ["brief:brief-one", "brief:brief-two"]
    assert all(old_html and old_manifest and untouched for _, old_html, old_manifest, untouched in calls), calls
    assert not (out / "old-brief.html").exists() and not (out / "old-brief.manifest.json").exists()
    assert any("old-brief" in note for note in result.notes)
    assert "Brief one, again" in (out / "brief-one.html").read_text()
    assert "old-brief" not in (out / "index.html").read_text()


def test_prune_only_the_workspace_own_folder(make_workspace, tmp_path):
    root = make_workspace()
    add_briefs(root, OLD_BRIEF)
    out = tmp_path / "shared"
    build(Project.open(root), html_request(out))
    briefs = root / "sources/briefs.yaml"
    briefs.write_text(briefs.read_text().split("  - id: old-brief")[0])
    build(Project.open(root), html_request(out))
    assert (out / "old-brief.html").is_file()  # a folder named by the build may be shared: not pruned


FAILING = "{{ brief.no_such_field }}\n"
WORKING = "<!doctype html><title>{{ brief.title }}</title><p>{{ brief.title }}</p>\n"


def test_a_failing_template_leaves_the_old_files_as_they_were(make_workspace, tmp_path):
    root = make_workspace(extra={"templates/custom.html": WORKING})
    add_briefs(root, BRIEF_TWO.replace("template: fact-sheet", "template: custom"))
    out = tmp_path / "out"
    first = build(Project.open(root), html_request(out))
    assert sorted(first.built) == ["brief:brief-one", "brief:brief-two"]
    old = {name: data for name, data in files_under(out).items() if name.startswith("brief-two")}
    assert sorted(old) == ["brief-two.html", "brief-two.manifest.json"]
    (root / "templates/custom.html").write_text(FAILING)
    result = build(Project.open(root), html_request(out, force=True))
    assert result.failed == ["brief:brief-two"] and result.built == ["brief:brief-one"]
    [problem] = result.failures
    assert problem.code == "template-error" and problem.subject == "brief-two"
    assert problem.path == "templates/custom.html" and problem.line == 1
    assert "no_such_field" in problem.message
    now = files_under(out)
    assert {name: now[name] for name in old} == old  # byte-identical
    assert (out / "brief-one.html").is_file()


def test_a_failing_template_on_first_build_writes_nothing_for_it(make_workspace, tmp_path):
    root = make_workspace(extra={"templates/custom.html": FAILING})
    add_briefs(root, BRIEF_TWO.replace("template: fact-sheet", "template: custom"))
    out = tmp_path / "out"
    result = build(Project.open(root), html_request(out))
    assert result.failed == ["brief:brief-two"] and result.built == ["brief:brief-one"]
    assert not any(name.startswith("brief-two") for name in files_under(out))


def test_a_template_syntax_error_is_found_by_check(make_workspace):
    root = make_workspace(extra={"templates/custom.html": "{% if %}\n"})
    problems = raises_problems(check, Project.open(root))
    assert [(p.path, p.code) for p in problems] == [("templates/custom.html", "template-error")]


def test_gc_is_back_on_after_a_failed_check(make_workspace):
    root = make_workspace()
    (root / "sources/facts.yaml").write_text("facts: [\n")
    assert gc.isenabled()
    raises_problems(check, Project.open(root))
    assert gc.isenabled()


def test_progress_is_told_each_document(make_workspace, tmp_path):
    add_briefs(make_workspace(), BRIEF_TWO)
    seen = []

    def progress(n):
        seen.append(n)
        return lambda job: seen.append(job.key)

    build(Project.open(tmp_path / "ws"), html_request(tmp_path / "out"), progress=progress)
    assert seen[0] == 2 and sorted(seen[1:]) == ["brief:brief-one", "brief:brief-two"]


@pytest.mark.parametrize("only", [("brief-one",), ("brief-two",)])
def test_a_partial_build_leaves_the_others_alone(make_workspace, tmp_path, only):
    add_briefs(make_workspace(), BRIEF_TWO)
    out = tmp_path / "out"
    build(Project.open(tmp_path / "ws"), html_request(out))
    before = files_under(out)
    result = build(Project.open(tmp_path / "ws"), html_request(out, briefs=only, force=True))
    assert result.built == [f"brief:{only[0]}"]
    other = "brief-two" if only == ("brief-one",) else "brief-one"
    assert {k: v for k, v in files_under(out).items() if k.startswith(other)} == \
        {k: v for k, v in before.items() if k.startswith(other)}


MORE = """\
facts:
  - id: more-fact
    claim: "More is said here."
    tags: [topic-more]
    cite: [{ref: statute}]
briefs:
  - id: brief-more
    title: "Brief more"
    template: one-pager
    date: 2026-01-15
    sections:
      - heading: "More"
        facts: [more-fact]
"""


def test_a_long_lived_process_cites_again_only_the_briefs_whose_records_changed(make_workspace):
    from briefgen.build.pipeline import check_project
    from briefgen.source import load

    root = make_workspace(extra={"sources/more.yaml": MORE})
    remembered = load.Remembered()

    def checked():
        project = Project.open(root)
        project.remembered = remembered
        return check_project(project)

    first = checked()
    again = checked()
    assert sorted(first.cited) == ["brief-more", "brief-one"]
    assert all(again.cited[b] is first.cited[b] for b in first.cited)  # nothing changed: nothing cited again
    more = root / "sources/more.yaml"
    more.write_text(MORE.replace("More is said here.", "More is said, again."))
    third = checked()
    assert third.cited["brief-one"] is first.cited["brief-one"]
    assert third.cited["brief-more"] is not first.cited["brief-more"]
    assert [cf.fact.claim for s in third.cited["brief-more"].sections for cf in s.facts] == ["More is said, again."]
    assert repr(third.cited["brief-more"]) == repr(check_project(Project.open(root)).cited["brief-more"])  # as new
    (root / "sources/references.yaml").write_text((root / "sources/references.yaml").read_text()
                                                  .replace('title: "An Act"', 'title: "An Act, renamed"'))
    fourth = checked()
    assert [e.title for e in fourth.cited["brief-more"].references] == ["An Act, renamed"]
