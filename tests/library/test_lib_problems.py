"""Problems carry where they are: path, line, column and the field's path in the
record; a request's problems name the setting.  No message names a command-line option."""

from __future__ import annotations

import pytest
from library_support import files_under, no_options, raises_problems

from briefgen.api import (
    BuildRequest,
    Problem,
    Project,
    SheetRequest,
    build,
    check,
    load,
)


def edit(root, name, old, new):
    path = root / "sources" / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def by_code(problems: list[Problem], code: str) -> Problem:
    [found] = [p for p in problems if p.code == code]
    return found


def test_misspelt_field(make_workspace):
    root = make_workspace()
    edit(root, "facts.yaml", '        locator: "p. 3"', '        locatr: "p. 3"')
    p = by_code(raises_problems(check, Project.open(root)), "unknown-field")
    assert (p.path, p.line, p.field, p.subject) == ("sources/facts.yaml", 11, "facts[0].cite[0].locatr", "fact-a")
    assert p.column == 9
    assert "locator" in p.message  # did you mean


def test_misspelt_top_field_of_a_brief(make_workspace):
    root = make_workspace()
    edit(root, "briefs.yaml", "    date: 2026-01-15", "    dat: 2026-01-15")
    problems = raises_problems(check, Project.open(root))
    p = next(p for p in problems if p.code == "unknown-field")
    assert (p.path, p.line, p.field) == ("sources/briefs.yaml", 5, "briefs[0].dat")


def test_unknown_reference_in_second_cite(make_workspace):
    root = make_workspace()
    edit(root, "facts.yaml", "      - ref: statute\n      - ref: report-2024\n",
         "      - ref: statute\n      - ref: nope\n")
    p = by_code(raises_problems(check, Project.open(root)), "unknown-reference")
    assert (p.path, p.line, p.field, p.subject) == ("sources/facts.yaml", 19, "facts[1].cite[1].ref", "fact-b")
    assert "'nope'" in p.message


def test_unknown_fact_in_a_brief_section(make_workspace):
    root = make_workspace()
    edit(root, "briefs.yaml", "facts: [fact-a]", "facts: [fact-a, fact-zz]")
    p = by_code(raises_problems(check, Project.open(root)), "unknown-fact")
    assert (p.path, p.line, p.field, p.subject) == ("sources/briefs.yaml", 8, "briefs[0].sections[0].facts[1]",
                                                    "brief-one")
    assert p.column > 0


def test_unknown_fact_in_an_invalid_brief(make_workspace):
    """A brief that fails validation still has the facts it names checked, with their field."""
    root = make_workspace()
    edit(root, "briefs.yaml", "facts: [fact-a]", "facts: [fact-a, fact-zz]")
    edit(root, "briefs.yaml", "    date: 2026-01-15", "    dat: 2026-01-15")
    problems = raises_problems(check, Project.open(root))
    p = by_code(problems, "unknown-fact")
    assert (p.path, p.line, p.field) == ("sources/briefs.yaml", 8, "briefs[0].sections[0].facts[1]")
    assert by_code(problems, "unknown-field").field == "briefs[0].dat"


def test_fields_are_the_same_through_load(make_workspace):
    root = make_workspace()
    edit(root, "facts.yaml", '        locator: "p. 3"', '        locatr: "p. 3"')
    sources = load(Project.open(root))
    assert [p.field for p in no_options(sources.problems)] == ["facts[0].cite[0].locatr"]


def test_unknown_top_level_key(make_workspace):
    root = make_workspace(extra={"sources/x.yaml": "fact:\n  - id: q\n"})
    p = by_code(raises_problems(check, Project.open(root)), "unknown-key")
    assert (p.path, p.line, p.field) == ("sources/x.yaml", 1, "fact")


@pytest.mark.parametrize("tag", ["topic-x and (", "topic-x andd topic-y", "", "no-such-tag"])
def test_bad_tag_expression_names_the_setting(make_workspace, tmp_path, tag):
    project = Project.open(make_workspace())
    out = tmp_path / "out"
    problems = raises_problems(build, project, BuildRequest(tag=tag, formats=("html",), out_dir=out))
    assert [p.field for p in problems] == ["tag"]
    assert problems[0].path == "" and problems[0].line == 0
    assert not out.exists()


def test_bad_sheet_expression_names_the_setting(make_workspace, tmp_path):
    project = Project.open(make_workspace())
    problems = raises_problems(build, project, BuildRequest(sheets=(SheetRequest("topic-x or"),), formats=("html",),
                                                            out_dir=tmp_path / "out"))
    assert [p.field for p in problems] == ["sheet"]


@pytest.mark.parametrize("request_, field", [
    (BuildRequest(briefs=("nope",)), "briefs"),
    (BuildRequest(style="no-such-style"), "style"),
    (BuildRequest(formats=("odt",)), "formats"),
])
def test_request_problems_name_the_setting(make_workspace, tmp_path, request_, field):
    import dataclasses

    project = Project.open(make_workspace())
    out = tmp_path / "out"
    problems = raises_problems(build, project, dataclasses.replace(request_, out_dir=out))
    assert [p.field for p in problems] == [field]
    assert not out.exists()


def test_output_folder_cannot_be_the_workspace(make_workspace):
    root = make_workspace()
    before = files_under(root)
    problems = raises_problems(build, Project.open(root), BuildRequest(formats=("html",), out_dir=root))
    assert [p.field for p in problems] == ["out_dir"]
    assert files_under(root) == before


def test_limit_problem_hints_a_setting_not_an_option(make_workspace, tmp_path, monkeypatch):
    """A document stopped by the time limit says so with hint 'time_limit'."""
    import time

    from briefgen.build import pipeline

    real = pipeline.render_document

    def slow(job, project, options):
        end = time.monotonic() + 5
        while time.monotonic() < end:  # busy: the watchdog stops it
            pass
        return real(job, project, options)

    monkeypatch.setattr(pipeline, "render_document", slow)
    result = build(Project.open(make_workspace()), BuildRequest(formats=("html",), out_dir=tmp_path / "out",
                                                                 time_limit=0.3))
    assert result.failed == ["brief:brief-one"]
    [p] = no_options(result.failures)
    assert (p.code, p.hint, p.field) == ("render-limit", "time_limit", "briefs[0]")
    assert not (tmp_path / "out/brief-one.html").exists()


def test_no_problem_names_an_option(make_workspace, tmp_path):
    """Many kinds of problem at once, from the files and from the request: no
    message names a command-line option (the other tests check theirs too)."""
    root = make_workspace(extra={"briefgen.yaml": "papr: a4\nstale_after_days: -3\n",
                                 "sources/bad.yaml": "facts: [\n", "sources/odd.yaml": "- a list\n"})
    edit(root, "facts.yaml", '        locator: "p. 3"', '        locatr: "p. 3"')
    edit(root, "facts.yaml", "    priority: 1\n", "    priority: high\n")
    edit(root, "briefs.yaml", "facts: [fact-a]", "facts: [fact-a, fact-zz]")
    edit(root, "briefs.yaml", "template: one-pager", "template: one-pagr")
    problems = raises_problems(check, Project.open(root))
    assert len({p.code for p in problems}) >= 5
    requests = [BuildRequest(tag="("), BuildRequest(tag="nope"), BuildRequest(briefs=("x",)), BuildRequest(style="x"),
                BuildRequest(formats=("x",)), BuildRequest(sheets=(SheetRequest("("),)),
                BuildRequest(sheets=(SheetRequest("topic-x", template="nope"),))]
    fixed = tmp_path / "fixed"
    from conftest import BRIEFS, FACTS, REFERENCES, write_workspace

    write_workspace(fixed, {"sources/references.yaml": REFERENCES, "sources/facts.yaml": FACTS,
                            "sources/briefs.yaml": BRIEFS})
    requests.append(BuildRequest(out_dir=fixed))  # the workspace itself
    for request in requests:
        problems += raises_problems(build, Project.open(fixed), request)
    assert len(problems) >= 12
    assert not [p for p in problems if "--" in str(p)]
