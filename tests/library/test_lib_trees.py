"""Source trees: the folder on disk, a git revision, unsaved edits, and links."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from library_support import files_under, raises_problems

from briefgen.api import FileTree, GitTree, Overlay, Project, check, load

OUTSIDE_FACT = """\
facts:
  - id: secret
    claim: "Read from outside the workspace."
    tags: [topic-x]
    cite:
      - ref: statute
"""


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                           "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                          cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}).stdout


def claim(sources, fact_id: str) -> str:
    return next(f.claim for f in sources.facts if f.id == fact_id)


def commit_all(repo: Path, message: str = "sources") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


# -- FileTree ----------------------------------------------------------------

def test_file_tree_lists_sources_sorted(make_workspace):
    root = make_workspace(extra={"sources/a/z.yml": "facts: []\n", "sources/notes.txt": "not a source\n",
                                 "elsewhere.yaml": "facts: []\n"})
    tree = FileTree(root)
    assert tree.files() == ["sources/a/z.yml", "sources/briefs.yaml", "sources/facts.yaml",
                            "sources/references.yaml"]
    assert tree.refused == []
    assert tree.read("briefgen.yaml") is None
    assert tree.read("sources/facts.yaml") == (root / "sources/facts.yaml").read_bytes()


# -- GitTree -----------------------------------------------------------------

@pytest.fixture
def repo_with_edit(make_workspace):
    root = make_workspace(extra={"briefgen.yaml": "paper: a4\n"})
    git(root, "init", "-q")
    commit_all(root)
    facts = root / "sources/facts.yaml"
    facts.write_text(facts.read_text().replace("Fact A is *true*.", "Fact A, as edited."))
    (root / "briefgen.yaml").write_text("paper: letter\n")
    return root


def test_git_tree_gives_the_committed_claim(repo_with_edit):
    root = repo_with_edit
    old = Project.open(root, GitTree(root, "HEAD"))
    new = Project.open(root)
    assert claim(load(old), "fact-a") == "Fact A is *true*."
    assert claim(load(new), "fact-a") == "Fact A, as edited."
    assert old.config.paper == "a4" and new.config.paper == "letter"
    assert old.tree.files() == new.tree.files()
    check(old), check(new)


def test_git_tree_of_an_older_revision(repo_with_edit):
    root = repo_with_edit
    commit_all(root, "edit")
    assert claim(load(Project.open(root, GitTree(root, "HEAD~1"))), "fact-a") == "Fact A is *true*."
    assert claim(load(Project.open(root, GitTree(root, "HEAD"))), "fact-a") == "Fact A, as edited."


def test_git_tree_sees_only_committed_files(repo_with_edit):
    root = repo_with_edit
    (root / "sources/new.yaml").write_text("facts: []\n")
    assert "sources/new.yaml" not in GitTree(root, "HEAD").files()
    assert "sources/new.yaml" in FileTree(root).files()


def test_git_tree_of_a_workspace_in_a_subfolder(make_workspace, tmp_path):
    root = make_workspace()  # tmp_path/ws
    repo = tmp_path
    (repo / "README").write_text("a repository with a workspace in ws/\n")
    (repo / "sources").mkdir()  # a folder of the repository itself, not of the workspace
    (repo / "sources/ignored.yaml").write_text("facts: [not, a, workspace, file]\n")
    git(repo, "init", "-q")
    commit_all(repo)
    facts = root / "sources/facts.yaml"
    facts.write_text(facts.read_text().replace("Fact B holds.", "Fact B, edited."))
    tree = GitTree(root, "HEAD")
    assert tree.prefix == "ws/"
    assert tree.files() == ["sources/briefs.yaml", "sources/facts.yaml", "sources/references.yaml"]
    project = Project.open(root, tree)
    assert claim(load(project), "fact-b") == "Fact B holds."
    assert claim(load(Project.open(root)), "fact-b") == "Fact B, edited."
    check(project)


@pytest.mark.parametrize("revision", ["no-such-branch", "HEAD~5", "0" * 40])
def test_git_tree_bad_revision(repo_with_edit, revision):
    problems = raises_problems(GitTree, repo_with_edit, revision)
    assert revision in problems[0].message


def test_git_tree_outside_a_repository(make_workspace, monkeypatch):
    root = make_workspace()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(root.parent))  # find no repository above tmp
    raises_problems(GitTree, root, "HEAD")


# -- Overlay -----------------------------------------------------------------

def test_overlay_edit_changes_load_not_disk(make_workspace):
    root = make_workspace()
    before = files_under(root)
    project = Project.open(root)
    text = (root / "sources/facts.yaml").read_text()
    edited = project.with_tree(Overlay(project.tree, {
        "sources/facts.yaml": text.replace("Fact A is *true*.", "Fact A, unsaved.").encode()}))
    assert claim(load(edited), "fact-a") == "Fact A, unsaved."
    assert claim(load(project), "fact-a") == "Fact A is *true*."
    assert files_under(root) == before


def test_overlay_edit_changes_what_check_reports(make_workspace):
    root = make_workspace()
    before = files_under(root)
    project = Project.open(root)
    check(project)  # valid on disk
    text = (root / "sources/facts.yaml").read_text()
    broken = text.replace("      - ref: statute\n", "      - ref: statue\n")
    edited = project.with_tree(Overlay(project.tree, {"sources/facts.yaml": broken.encode()}))
    problems = raises_problems(check, edited)
    assert [(p.path, p.code, p.field) for p in problems] == [
        ("sources/facts.yaml", "unknown-reference", "facts[1].cite[0].ref")]
    check(project)  # still valid: nothing was written
    assert files_under(root) == before


def test_overlay_adds_and_removes_files(make_workspace):
    from conftest import FACT

    root = make_workspace(extra={"sources/extra.yaml": FACT})
    project = Project.open(root)
    assert "zz" in {f.id for f in load(project).facts}
    removed = project.with_tree(Overlay(project.tree, {"sources/extra.yaml": None}))
    assert "sources/extra.yaml" not in removed.tree.files()
    assert "zz" not in {f.id for f in load(removed).facts}
    check(removed)
    added = project.with_tree(Overlay(project.tree, {"sources/new/more.yml": FACT.replace("zz", "yy").encode()}))
    assert "sources/new/more.yml" in added.tree.files()
    assert {"yy", "zz"} <= {f.id for f in load(added).facts}
    assert (root / "sources/extra.yaml").is_file() and not (root / "sources/new").exists()


def test_overlay_of_the_config(make_workspace):
    root = make_workspace(extra={"briefgen.yaml": "paper: a4\n"})
    project = Project.open(root)
    assert project.with_tree(Overlay(project.tree, {"briefgen.yaml": b"paper: letter\n"})).config.paper == "letter"
    assert project.with_tree(Overlay(project.tree, {"briefgen.yaml": None})).config.paper == "letter"  # the default
    assert Project.open(root).config.paper == "a4"


@pytest.mark.parametrize("rel", ["templates/one-pager.html", "snapshots/x.txt", "facts.yaml", "sources/notes.txt",
                                 "output/brief-one.html"])
def test_overlay_refuses_paths_outside_sources(make_workspace, rel):
    project = Project.open(make_workspace())
    problems = raises_problems(Overlay, project.tree, {rel: b"facts: []\n"})
    assert rel in problems[0].message


# -- links out of the workspace ----------------------------------------------

def test_symlink_to_a_file_outside_is_not_read(make_workspace, tmp_path):
    root = make_workspace()
    outside = tmp_path / "outside.yaml"
    outside.write_text(OUTSIDE_FACT)
    (root / "sources/linked.yaml").symlink_to(outside)
    project = Project.open(root)
    sources = load(project)
    assert "secret" not in {f.id for f in sources.facts}
    assert "sources/linked.yaml" not in project.read
    assert [(p.path, p.code) for p in sources.problems] == [("sources/linked.yaml", "outside-workspace")]
    assert project.tree.refused == ["sources/linked.yaml"]
    assert project.tree.read("sources/linked.yaml") is None
    problems = raises_problems(check, project)
    assert [(p.path, p.code) for p in problems] == [("sources/linked.yaml", "outside-workspace")]


@pytest.fixture
def linked_folder(make_workspace, tmp_path):
    root = make_workspace()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/facts2.yaml").write_text(OUTSIDE_FACT)
    (root / "sources/linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    return root


def test_file_in_a_linked_folder_outside_is_not_read(linked_folder):
    project = Project.open(linked_folder)
    sources = load(project)
    assert "secret" not in {f.id for f in sources.facts}
    assert not any("linked" in rel for rel in project.read)


def test_file_in_a_linked_folder_outside_is_reported(linked_folder):
    sources = load(Project.open(linked_folder))
    assert [(p.path, p.code) for p in sources.problems] == [("sources/linked/facts2.yaml", "outside-workspace")]


def test_symlink_inside_the_workspace_is_read(make_workspace):
    from conftest import FACT

    root = make_workspace(extra={"kept/zz.yaml": FACT})
    (root / "sources/zz.yaml").symlink_to(root / "kept/zz.yaml")
    sources = load(Project.open(root))
    assert "zz" in {f.id for f in sources.facts}
    assert sources.problems == []
