"""An output folder shared with another workspace, and files a template
makes the renderer read: what a build may delete, and what makes a
document out of date."""

import shutil

from conftest import write_workspace


def test_a_shared_output_folder_keeps_the_other_workspaces_documents(make_workspace, run, tmp_path):
    """output/ a link to a folder another workspace builds into too: pruning
    removes only this workspace's documents, never the other team's."""
    from conftest import BRIEFS, FACTS, REFERENCES

    ours = make_workspace()
    theirs = write_workspace(tmp_path / "theirs", {"sources/references.yaml": REFERENCES, "sources/facts.yaml": FACTS,
                                                   "sources/briefs.yaml": BRIEFS.replace("id: brief-one",
                                                                                         "id: their-brief")})
    shared = tmp_path / "shared"
    shared.mkdir()
    for root in (ours, theirs):
        shutil.rmtree(root / "output", ignore_errors=True)
        (root / "output").symlink_to(shared)
    assert run(theirs, "build", "--format", "html").exit_code == 0
    assert (shared / "their-brief.html").is_file()
    result = run(ours, "build", "--format", "html")
    assert result.exit_code == 0, result.stderr
    assert (shared / "their-brief.html").is_file() and (shared / "their-brief.manifest.json").is_file()
    assert "removed" not in result.stdout
    assert (shared / "brief-one.html").is_file()


def test_our_renamed_brief_is_still_pruned_from_a_linked_output_folder(make_workspace, run, tmp_path):
    root = make_workspace()
    shared = tmp_path / "shared"
    shared.mkdir()
    shutil.rmtree(root / "output", ignore_errors=True)
    (root / "output").symlink_to(shared)
    assert run(root, "build", "--format", "html").exit_code == 0
    briefs = root / "sources/briefs.yaml"
    briefs.write_text(briefs.read_text().replace("id: brief-one", "id: brief-renamed"))
    result = run(root, "build", "--format", "html")
    assert "brief-one.html (brief 'brief-one' is no longer in the sources)" in result.stdout, result.stdout
    assert not (shared / "brief-one.html").exists()


def test_a_file_the_renderer_reads_is_an_input_of_the_pdf(make_workspace, run):
    """A workspace template shows an image: change the image and the PDF is built again."""
    from briefgen.paths import BUILTIN_TEMPLATES

    root = make_workspace()
    (root / "templates").mkdir()
    template = (BUILTIN_TEMPLATES / "one-pager.html").read_text()
    (root / "templates/one-pager.html").write_text(
        template.replace("{% block content %}", '{% block content %}<img src="assets/banner.svg" alt="Banner">', 1))
    (root / "assets").mkdir()
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="{}"/></svg>'
    (root / "assets/banner.svg").write_text(svg.format("red"))
    assert run(root, "build", "--format", "pdf").exit_code == 0
    assert "nothing to do" in run(root, "build", "--format", "pdf").stdout
    (root / "assets/banner.svg").write_text(svg.format("blue"))
    result = run(root, "build", "--format", "pdf")
    assert "nothing to do" not in result.stdout
    assert "wrote" in result.stdout and ".pdf" in result.stdout
