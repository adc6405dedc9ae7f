"""The preview session (briefgen.build.preview): which documents a change
reaches, what is shown while the workspace does not check, and that the
workspace's own output/ is never written."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.build.preview import FULL, QUICK, Preview
from conftest import copy_sample

ONE_PAGER = "section-230-one-pager"
FACT_SHEET = "maxwell-interview-fact-sheet"
ONE_PAGER_ES = "section-230-one-pager.es"  # the one-pager's Spanish edition
EXPLOITATION = "sources/facts/online-exploitation.yaml"
MAXWELL = "sources/facts/maxwell-case.yaml"


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("ws"))
    (root / "README.md").write_text("not read by any build\n")
    session = Preview(root)
    rounds = list(session.update())
    assert [r.stage for r in rounds] == [QUICK, FULL] and all(r.ok for r in rounds), rounds
    yield session
    session.close()


def edit(root: Path, rel: str, old: str, new: str) -> str:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


def test_the_first_update_builds_every_document_in_both_passes(preview):
    assert preview.last[QUICK].built == (FACT_SHEET, ONE_PAGER, ONE_PAGER_ES)
    assert preview.last[FULL].built == (FACT_SHEET, ONE_PAGER, ONE_PAGER_ES)
    docs = {d.stem: d for d in preview.documents()}
    assert set(docs) == {ONE_PAGER, ONE_PAGER_ES, FACT_SHEET}
    one = docs[ONE_PAGER]
    assert (one.kind, one.template, one.pages, one.max_pages, one.fits) == ("brief", "one-pager", 1, 1, True)
    assert set(one.files) == {"html", "pdf", "docx"}  # every format build makes, to download
    assert preview.file(ONE_PAGER, "pdf").read_bytes().startswith(b"%PDF")
    assert preview.file(ONE_PAGER, "docx") is None  # not made by the passes: made when asked
    word = preview.on_demand(ONE_PAGER, "docx")
    assert word.read_bytes().startswith(b"PK") and word.name == f"{ONE_PAGER}.docx"


def test_a_change_to_one_fact_rebuilds_only_the_documents_that_show_it(preview):
    old = edit(preview.root, MAXWELL, "told the Justice Department that", "told the Justice Department that")
    old = edit(preview.root, MAXWELL, "prison sentence, told", "prison sentence, said to")
    try:
        assert preview.affected([preview.root / MAXWELL])
        quick, full = preview.update()
        assert quick.built == (FACT_SHEET,) and full.built == (FACT_SHEET,)
    finally:
        (preview.root / MAXWELL).write_text(old, encoding="utf-8")
    quick, full = preview.update()
    assert preview.affected([preview.root / MAXWELL]) and quick.ok
    assert quick.built == full.built == (FACT_SHEET,)


def test_a_claim_reworded_reaches_the_page_shown(preview):
    old = edit(preview.root, EXPLOITATION, "a figure the segment cited", "a figure that the segment cited")
    try:
        quick = next(preview.update(stages=(QUICK,)))
        assert quick.built == (FACT_SHEET, ONE_PAGER)  # the fact sheet shows every fact of the sample
        assert preview.shown[ONE_PAGER] == QUICK  # the new HTML, ahead of the PDFs
        assert "a figure that the segment cited" in preview.file(ONE_PAGER, "html").read_text(encoding="utf-8")
    finally:
        (preview.root / EXPLOITATION).write_text(old, encoding="utf-8")
    list(preview.update())
    assert preview.shown[ONE_PAGER] == FULL
    assert "a figure the segment cited" in preview.file(ONE_PAGER, "html").read_text(encoding="utf-8")


@pytest.mark.parametrize("rel, reaches", [
    (EXPLOITATION, True), ("briefgen.yaml", True), ("sources/facts/new.yaml", True),
    ("snapshots/msnbc-2025-08-24.txt", True),  # read to check quotes
    ("templates/one-pager.html", True),  # a workspace template, once there is one
    ("README.md", False), ("output/section-230-one-pager.html", False), (".git/index", False),
])
def test_which_files_can_change_a_document(preview, rel, reaches):
    assert preview.affected([preview.root / rel]) is reaches
    assert preview.affected([rel]) is reaches


def test_files_outside_the_workspace_and_the_previews_own_folders_change_nothing(preview, tmp_path):
    assert not preview.affected([tmp_path / "sources" / "x.yaml"])
    assert not preview.affected([preview.folders[FULL] / f"{ONE_PAGER}.html"])


def test_problems_are_shown_over_the_last_good_build_until_fixed(preview):
    good = preview.file(ONE_PAGER, "html").read_bytes()
    old = edit(preview.root, EXPLOITATION, "  - id: one-in-four-children\n",
               "  - id: one-in-four-children\n    claim: \"unclosed\n")
    try:
        rounds = list(preview.update())
        assert [r.stage for r in rounds] == [QUICK]  # the full pass would say the same
        problem = rounds[0].problems[0]
        assert (problem.path, problem.line) == (EXPLOITATION, 52)
        assert preview.problems == rounds[0].problems
        quoted = dict(preview.quoted(problem))
        assert quoted[52] == '    claim: "unclosed' and set(quoted) == {51, 52, 53}
        assert preview.file(ONE_PAGER, "html").read_bytes() == good  # the last good render stays on show
    finally:
        (preview.root / EXPLOITATION).write_text(old, encoding="utf-8")
    assert all(r.ok for r in preview.update())
    assert preview.problems == ()


def test_a_template_fault_is_a_problem_and_the_next_save_is_tried_again(preview):
    templates = preview.root / "templates"
    templates.mkdir()
    (templates / "one-pager.html").write_text("{% extends '_base.html' %}{% block main %}{{ brief.title }\n")
    try:
        assert preview.affected([templates / "one-pager.html"])
        rounds = list(preview.update())
        assert not rounds[-1].ok and "templates/one-pager.html" in str(rounds[-1].problems[0])
    finally:
        (templates / "one-pager.html").unlink()
        templates.rmdir()
    assert all(r.ok for r in preview.update())


def test_the_workspace_output_folder_is_never_written(preview):
    assert not (preview.root / "output").exists()


def test_a_folder_that_is_not_a_workspace_is_refused(tmp_path):
    from briefgen.errors import BriefgenError

    with pytest.raises(BriefgenError, match="not a briefgen workspace"):
        Preview(tmp_path)


def test_ad_hoc_and_tag_sheets_in_output_are_previewed_too(tmp_path):
    from briefgen.api import BuildRequest, Project, SheetRequest, build

    root = copy_sample(tmp_path)
    build(Project.open(root), BuildRequest(briefs=(), per_tag=True, formats=("html",),
                                           sheets=(SheetRequest("section-230", "Section 230: the law"),)))
    session = Preview(root, formats=("html",))
    try:
        assert session.per_tag
        list(session.update())
        kinds = {d.stem: d.kind for d in session.documents()}
        assert kinds["sheets/section-230"] == "fact sheet" and kinds["tags/maxwell-case"] == "tag sheet"
        assert kinds[ONE_PAGER] == "brief"
    finally:
        session.close()
    assert not session.folders[QUICK].exists()  # the temporary folder goes with the session


def test_what_the_preview_writes_into_the_workspace_is_no_change(tmp_path):
    root = copy_sample(tmp_path)
    session = Preview(root, out_dir=root / "sources" / "preview", formats=("html",))
    try:
        list(session.update())
        assert (root / "sources" / "preview" / f"{ONE_PAGER}.html").is_file()
        assert not session.affected([root / "sources" / "preview" / f"{ONE_PAGER}.html"])
        assert session.affected([root / "sources" / "facts" / "x.yaml"])
    finally:
        session.close()
    assert (root / "sources" / "preview" / f"{ONE_PAGER}.html").is_file()  # --out is kept


def test_a_remembered_load_validates_again_only_the_files_that_changed(tmp_path):
    from briefgen.api import Project, load
    from briefgen.source.load import Remembered

    root = copy_sample(tmp_path)
    remembered = Remembered()

    def loaded():
        project = Project.open(root)
        project.remembered = remembered
        return {f.id: f for f in load(project).facts}

    first = loaded()
    edit(root, MAXWELL, "prison sentence, told", "prison sentence, said to")
    second = loaded()
    assert second["one-in-four-children"] is first["one-in-four-children"]  # its file did not change
    assert second["maxwell-conviction"] is not first["maxwell-conviction"]
    assert "said to the Justice Department" in second["maxwell-conviction"].claim.replace("\n", " ")
    assert set(second) == set(first)


def test_an_ad_hoc_sheet_that_can_no_longer_be_made_leaves_the_rest_on_show(tmp_path):
    from briefgen.api import BuildRequest, Project, SheetRequest, build

    root = copy_sample(tmp_path)
    tagged = "tags: [section-230, sex-trafficking, online-exploitation]"
    edit(root, EXPLOITATION, tagged, tagged.replace("]", ", fosta]"))
    build(Project.open(root), BuildRequest(briefs=(), formats=("html",), sheets=(SheetRequest("fosta"),)))
    session = Preview(root, formats=("html",))
    try:
        assert session.sheets
        edit(root, EXPLOITATION, ", fosta]", "]")  # no fact has the tag any more
        rounds = list(session.update())
        assert all(r.ok for r in rounds) and session.sheets == ()
        assert {d.stem for d in session.documents()} == {ONE_PAGER, ONE_PAGER_ES, FACT_SHEET}
    finally:
        session.close()


def test_a_document_that_fails_to_render_is_shown_as_such_and_the_others_build(tmp_path):
    root = copy_sample(tmp_path)
    templates = root / "templates"
    templates.mkdir()
    # Compiles, so the check passes; fails while rendering (a renderer fault, as far as the preview knows).
    (templates / "fact-sheet.html").write_text("{{ brief.title.no_such_method() }}\n")
    session = Preview(root)
    try:
        quick, full = session.update()
        assert quick.ok and quick.failures and ONE_PAGER in quick.built
        docs = {d.stem: d for d in session.documents()}
        assert set(docs) == {ONE_PAGER, ONE_PAGER_ES}  # the fact sheet never built: nothing to show for it yet
        (templates / "fact-sheet.html").unlink()
        templates.rmdir()
        quick, full = session.update()
        assert quick.ok and not quick.failures and not full.failures
        assert FACT_SHEET in {d.stem for d in session.documents()}
        (root / "templates").mkdir()
        (root / "templates" / "fact-sheet.html").write_text("{{ brief.title.no_such_method() }}\n")
        quick, full = session.update()
        failed = {d.stem: d for d in session.documents()}[FACT_SHEET]
        assert failed.failure.startswith("the last build failed")  # the last good one stays, marked
        assert session.file(FACT_SHEET, "html") is not None
    finally:
        session.close()


def test_the_document_open_in_a_browser_is_laid_out_first(tmp_path):
    root = copy_sample(tmp_path)
    session = Preview(root)
    try:
        list(session.update())
        assert session.want(ONE_PAGER) is False  # a small workspace lays out every PDF anyway
        edit(root, EXPLOITATION, "a figure the segment cited", "a figure that the segment cited")
        rounds, between = [], None
        for done in session.update():
            rounds.append(done)
            if len(rounds) == 2:  # the fact sheet is not called out of date meanwhile: it is being made
                between = {d.stem: d.failure for d in session.documents()}
        assert [(r.stage, r.built) for r in rounds] == [
            (QUICK, (FACT_SHEET, ONE_PAGER)), (FULL, (ONE_PAGER,)), (FULL, (FACT_SHEET,))]
        assert between == {ONE_PAGER: None, ONE_PAGER_ES: None, FACT_SHEET: None}
    finally:
        session.close()
