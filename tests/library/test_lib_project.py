"""Stage 0, the project: `Project.open` and what it knows of the workspace."""

from __future__ import annotations

from library_support import raises_problems

from briefgen.api import BriefgenError, BuildRequest, Project, build, check, load
from briefgen.paths import BUILTIN_TEMPLATES


def test_open_gives_root_config_and_read(make_workspace):
    root = make_workspace(extra={"briefgen.yaml": "paper: a4\nlang: de\n"})
    project = Project.open(root)
    assert project.root == root
    assert project.config.paper == "a4" and project.config.lang == "de"
    assert project.config_problems == []
    assert project.read == ["briefgen.yaml"]


def test_config_is_read_once(make_workspace, tmp_path):
    root = make_workspace(extra={"briefgen.yaml": "paper: a4\n"})
    project = Project.open(root)
    (root / "briefgen.yaml").write_text("paper: letter\n")  # changed after opening: not seen
    check(project)
    build(project, BuildRequest(formats=("html",), out_dir=tmp_path / "out"))
    assert project.read.count("briefgen.yaml") == 1
    assert project.config.paper == "a4"


def test_no_config_is_defaults(make_workspace):
    project = Project.open(make_workspace())
    assert project.read == []
    assert project.config.paper == "letter"


def test_config_problem_is_kept_not_raised(make_workspace):
    project = Project.open(make_workspace(extra={"briefgen.yaml": "papr: a4\n"}))
    assert [p.code for p in project.config_problems] == ["unknown-field"]
    assert project.config_problems[0].path == "briefgen.yaml"
    assert project.config_problems[0].field == "papr"
    problems = raises_problems(check, project)
    assert any(p.path == "briefgen.yaml" for p in problems)


def test_template_dirs_workspace_first(make_workspace):
    root = make_workspace(extra={
        "templates/one-pager.html": "<p>{{ brief.title }}</p>\n",  # overrides the built-in
        "templates/custom.html": "<p>{{ brief.title }}</p>\n",
        "templates/_partial.html": "<b>part</b>\n",
        "templates/notes.txt": "not a template\n",
    })
    project = Project.open(root)
    assert project.template_dirs == (root / "templates", BUILTIN_TEMPLATES)
    assert project.own_templates == root / "templates"
    assert project.templates == {"one-pager", "fact-sheet", "custom"}
    assert not any(name.startswith("_") for name in project.templates)


def test_template_dirs_without_own_templates(make_workspace):
    project = Project.open(make_workspace())
    assert project.template_dirs == (BUILTIN_TEMPLATES,)
    assert project.own_templates is None
    assert {"one-pager", "fact-sheet"} <= project.templates
    assert not any(name.startswith("_") for name in project.templates)


def test_not_a_workspace(tmp_path):
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "missing"):
        problems = raises_problems(Project.open, folder)
        assert [(p.code, p.hint) for p in problems] == [("not-a-workspace", "root")]
        assert "sources/" in problems[0].message


def test_sources_as_a_file_is_not_a_workspace(tmp_path):
    (tmp_path / "sources").write_text("facts: []\n")
    problems = raises_problems(Project.open, tmp_path)
    assert problems[0].code == "not-a-workspace"


def test_read_lists_every_file_read_in_order(make_workspace):
    root = make_workspace(extra={"briefgen.yaml": "paper: a4\n", "sources/more/extra.yml": "facts: []\n"})
    project = Project.open(root)
    sources = load(project)
    assert project.read[0] == "briefgen.yaml"
    assert project.read[1:] == sources.files
    assert set(sources.files) == {"sources/briefs.yaml", "sources/facts.yaml", "sources/references.yaml",
                                  "sources/more/extra.yml"}


def test_read_lists_workspace_files_a_check_reads(tmp_path):
    from conftest import copy_sample

    project = Project.open(copy_sample(tmp_path))
    check(project)
    assert "snapshots/msnbc-2025-08-24.txt" in project.read  # the quotes are checked against it
    assert all(not rel.startswith("/") for rel in project.read)


def test_load_of_a_path_opens_it(make_workspace):
    sources = load(make_workspace())
    assert {f.id for f in sources.facts} == {"fact-a", "fact-b", "fact-c"}
    assert sources.problems == []


def test_briefgen_error_from_a_string():
    exc = BriefgenError("plain")
    assert [(p.path, p.line, p.message) for p in exc.problems] == [("", 0, "plain")]
