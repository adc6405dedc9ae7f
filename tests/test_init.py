"""`briefgen init`: a new workspace that builds at once, and never overwrites."""

from click.testing import CliRunner
from pypdf import PdfReader

from briefgen.commands.cli import cli


def test_init_then_build_works(tmp_path, run):
    folder = tmp_path / "new"
    result = CliRunner().invoke(cli, ["init", str(folder)])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        ".gitignore", "briefgen.yaml", "sources.schema.json", "sources/briefs.yaml", "sources/facts.yaml",
        "sources/references.yaml"]
    assert run(folder, "check").exit_code == 0
    built = run(folder, "build")
    assert built.exit_code == 0, built.stderr
    pdf = PdfReader(folder / "output/first-brief.pdf")
    assert len(pdf.pages) == 1
    assert "DRAFT" in pdf.pages[0].extract_text()  # the starter facts are drafts, and show it


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == (f"{tmp_path} is not empty: choose an empty folder, or use --force to add the missing "
                             "starter files (no file is ever overwritten)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_force_adds_missing_files_and_never_overwrites(tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources/facts.yaml").write_text("facts: []\n")
    result = CliRunner().invoke(cli, ["init", str(tmp_path), "--force"])
    assert result.exit_code == 0
    assert (tmp_path / "sources/facts.yaml").read_text() == "facts: []\n"
    assert "kept" in result.stdout and (tmp_path / "briefgen.yaml").exists()
    assert not (tmp_path / "sources/briefs.yaml").exists()  # a starter brief would name facts that are not there


def test_init_force_into_a_workspace_adds_no_records_that_could_collide(tmp_path, run):
    from conftest import copy_sample

    root = copy_sample(tmp_path / "ws")
    before = sorted(p.relative_to(root).as_posix() for p in (root / "sources").rglob("*"))
    result = CliRunner().invoke(cli, ["init", str(root), "--force"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.relative_to(root).as_posix() for p in (root / "sources").rglob("*")) == before
    assert "not added: the workspace has sources of its own" in result.stdout
    assert (root / "briefgen.yaml").exists() and (root / ".gitignore").exists()
    checked = run(root, "check")
    assert checked.exit_code == 0, checked.stderr  # no duplicate ids (the sample has both starter facts' ids)


def test_init_force_into_a_folder_without_sources_adds_them_all(tmp_path, run):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources/README.txt").write_text("not a source file")
    result = CliRunner().invoke(cli, ["init", str(tmp_path), "--force"])
    assert result.exit_code == 0
    assert {"facts.yaml", "references.yaml", "briefs.yaml"} <= {p.name for p in (tmp_path / "sources").iterdir()}
    assert run(tmp_path, "check").exit_code == 0
