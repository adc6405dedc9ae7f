"""Batch builds: briefs by tag, per-tag and ad-hoc sheets, the index, the
cache that skips unchanged documents, worker processes, and `list`."""

import json
import os
import re
from html.parser import HTMLParser

import pytest

REFERENCES = """\
references:
  - {id: r1, title: "Report one", publisher: Example, issued: "2024"}
  - {id: r2, title: "Report two", publisher: Example, issued: "2025-03"}
"""
FACTS = """\
facts:
  - {id: a1, claim: "Alpha one.", tags: [alpha], kind: statistic, priority: 1, cite: [{ref: r1}]}
  - {id: a2, claim: "Alpha two.", tags: [alpha, shared], cite: [{ref: r2}]}
  - {id: b1, claim: "Beta one.", tags: [beta], kind: law, cite: [{ref: r1}]}
  - {id: b2, claim: "Beta two.", tags: [beta, shared], kind: recommendation, cite: [{ref: r2}]}
  - {id: c1, claim: "Gamma one.", tags: [gamma], status: retired, cite: [{ref: r1}]}
"""
BRIEFS = """\
briefs:
  - id: brief-alpha
    title: "About alpha"
    template: one-pager
    date: 2026-01-01
    tags: [alpha]
    sections: [{heading: A, select: alpha}]
  - id: brief-beta
    title: "About beta"
    template: fact-sheet
    date: 2026-01-02
    tags: [beta, shared]
    sections: [{heading: B, select: beta}]
  - id: brief-both
    title: "About both"
    template: one-pager
    date: 2026-01-03
    tags: [shared]
    sections: [{heading: S, facts: [a1, b1]}]
"""


@pytest.fixture
def ws(make_workspace):
    return make_workspace(references=REFERENCES, facts=FACTS, briefs=BRIEFS)


def built(result) -> list[str]:
    """The output files a build reported writing, relative to the output folder, index and manifests aside."""
    names = []
    for line in result.stdout.splitlines():
        if line.startswith("wrote "):
            path = line[len("wrote "):]
            name = path.split("output/", 1)[1] if "output/" in path else os.path.basename(path)
            if name != "index.html" and not name.endswith(".manifest.json"):
                names.append(name)
    return sorted(names)


def html(root, *names):
    return sorted(f"{n}.html" for n in names)


# --------------------------------------------------------------- what is built


def test_tag_expression_selects_briefs_by_their_own_tags(ws, run):
    result = run(ws, "build", "--tag", "shared and not alpha", "--format", "html")
    assert result.exit_code == 0, result.stderr
    assert built(result) == html(ws, "brief-beta", "brief-both")


def test_tag_combines_with_named_briefs(ws, run):
    result = run(ws, "build", "brief-alpha", "--tag", "beta", "--format", "html")
    assert built(result) == html(ws, "brief-alpha", "brief-beta")


def test_tag_with_unknown_tag_is_an_error(ws, run):
    result = run(ws, "build", "--tag", "alpah")
    assert result.exit_code == 1
    assert result.stderr == "--tag 'alpah': no brief or fact has the tag 'alpah' (did you mean 'alpha'?)\n"


def test_tag_that_does_not_parse_is_an_error(ws, run):
    result = run(ws, "build", "--tag", "alpha and")
    assert result.exit_code == 1
    assert result.stderr == "--tag: bad tag expression 'alpha and' at column 10: expression ends too early: expected tag\n"


def test_per_tag_sheets_cover_every_renderable_fact_tag(ws, run):
    result = run(ws, "build", "--per-tag", "--format", "html")
    assert result.exit_code == 0, result.stderr
    # gamma's only fact is retired: no sheet for it
    assert built(result) == sorted(html(ws, "brief-alpha", "brief-beta", "brief-both")
                                   + html(ws, "tags/alpha", "tags/beta", "tags/shared"))
    sheet = (ws / "output/tags/shared.html").read_text()
    assert facts_in(sheet) == ["a2", "b2"]
    assert "<h1>Fact sheet: Shared</h1>" in sheet


def test_per_tag_with_tag_limits_the_sheets(ws, run):
    result = run(ws, "build", "--per-tag", "--tag", "beta", "--format", "html")
    assert built(result) == html(ws, "brief-beta", "tags/beta")


def test_tag_sheet_groups_facts_by_kind_and_uses_workspace_tag_sheet_template(ws, run):
    run(ws, "build", "--per-tag", "--format", "html")
    beta = (ws / "output/tags/beta.html").read_text()
    assert beta.index("The law") < beta.index("Recommendations")
    (ws / "templates").mkdir()
    (ws / "templates/tag-sheet.html").write_text(
        "<h1>custom {{ brief.title }}</h1>{% for s in sections %}{% for cf in s.facts %}"
        "<p data-fact-id='{{ cf.fact.id }}'></p>{% endfor %}{% endfor %}")
    run(ws, "build", "--per-tag", "--tag", "beta", "--format", "html")
    assert (ws / "output/tags/beta.html").read_text().startswith("<h1>custom Fact sheet: Beta</h1>")


def test_ad_hoc_sheet(ws, run):
    result = run(ws, "sheet", "shared or (alpha and statistic)", "--title", "Shared facts", "--format", "html")
    assert result.exit_code == 0, result.stderr
    (name,) = built(result)
    assert re.fullmatch(r"sheets/shared-or-alpha-and-statistic-[0-9a-f]{8}\.html", name)  # brackets: a digest too
    page = (ws / "output" / name).read_text()
    assert "<h1>Shared facts</h1>" in page
    assert sorted(facts_in(page)) == ["a1", "a2", "b2"]


@pytest.mark.parametrize("args, message", [
    (["zeta"], "sheet 'zeta': no brief or fact has the tag 'zeta' (did you mean 'beta'?)\n"),
    (["gamma"], "sheet: no renderable fact matches 'gamma'\n"),
    (["alpha", "--template", "nope"], "sheet: unknown template 'nope' (available: fact-sheet, one-pager)\n"),
])
def test_ad_hoc_sheet_errors(ws, run, args, message):
    result = run(ws, "sheet", *args)
    assert result.exit_code == 1
    assert result.stderr == message
    assert not (ws / "output" / "sheets").exists()


# ------------------------------------------------------------------ the index


class Index(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.keys, self.links = [], set()
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-key" in a:
            self.keys.append(a["data-key"])
        if tag == "a":
            self.links.add(a["href"])


def facts_in(page: str) -> list[str]:
    class Facts(HTMLParser):
        ids = []

        def handle_starttag(self, tag, attrs):
            if "data-fact-id" in dict(attrs):
                self.ids.append(dict(attrs)["data-fact-id"])

    parser = Facts()
    parser.ids = []
    parser.feed(page)
    return parser.ids


def test_index_lists_exactly_what_is_in_the_output_folder(ws, run):
    run(ws, "build", "brief-alpha", "--format", "html")
    index = Index((ws / "output/index.html").read_text())
    assert set(index.keys) == {"brief:brief-alpha"}
    assert index.links == {"./brief-alpha.html"}
    run(ws, "build", "--per-tag", "--tag", "beta", "--format", "html")
    run(ws, "sheet", "alpha", "--format", "html")
    index = Index((ws / "output/index.html").read_text())
    assert set(index.keys) == {"brief:brief-alpha", "brief:brief-beta", "tag:beta", "sheet:alpha"}
    assert index.links == {"./brief-alpha.html", "./brief-beta.html", "./tags/beta.html", "./sheets/alpha.html"}
    for link in index.links:
        assert (ws / "output" / link).is_file()
    (ws / "output/brief-alpha.html").unlink()  # gone from the folder: gone from the index
    run(ws, "build", "brief-beta", "--format", "html")
    assert "brief:brief-alpha" not in Index((ws / "output/index.html").read_text()).keys


def test_a_renamed_brief_and_a_vanished_tag_leave_no_old_files_behind(ws, run):
    assert run(ws, "build", "--per-tag").exit_code == 0
    assert run(ws, "sheet", "beta", "--format", "html").exit_code == 0
    (ws / "output" / "notes.manifest.json").write_text('{"kind": "brief", "id": "x"}')  # not briefgen's stem: kept
    briefs = ws / "sources" / "briefs.yaml"
    briefs.write_text(briefs.read_text().replace("id: brief-alpha", "id: brief-alpha-2026")
                      .replace("select: beta", "select: shared"))
    facts = ws / "sources" / "facts.yaml"
    facts.write_text(facts.read_text().replace("tags: [beta, shared], kind: recommendation",
                                               "tags: [shared], kind: recommendation")
                     .replace("tags: [beta], kind: law", "tags: [shared], kind: law"))
    result = run(ws, "build", "brief-beta", "--format", "html")
    assert result.exit_code == 0, result.output
    out = ws / "output"
    assert not any(out.glob("brief-alpha.*")) and not any((out / "tags").glob("beta.*"))
    assert "removed output/brief-alpha.pdf (brief 'brief-alpha' is no longer in the sources)" in result.stdout
    assert "removed output/tags/beta.html (no fact has the tag 'beta' any more)" in result.stdout
    assert (out / "sheets" / "beta.html").is_file()  # asked for by hand: kept
    assert (out / "notes.manifest.json").is_file()
    assert (out / "tags" / "alpha.pdf").is_file() and (out / "brief-both.pdf").is_file()
    index = Index((out / "index.html").read_text())
    assert "brief:brief-alpha" not in index.keys and "tag:beta" not in index.keys


def test_a_sheet_keeps_the_date_its_content_last_changed(ws, run, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    assert run(ws, "build", "--per-tag", "--tag", "beta", "--format", "html").exit_code == 0
    sheet = ws / "output" / "tags" / "beta.html"
    assert "January 1, 2026" in sheet.read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # the next day, nothing changed
    again = run(ws, "build", "--per-tag", "--tag", "beta", "--format", "html")
    assert "nothing to do" in again.stdout and "January 1, 2026" in sheet.read_text()
    facts = ws / "sources" / "facts.yaml"
    facts.write_text(facts.read_text().replace("Beta one.", "Beta one, revised."))
    assert "tags/beta.html" in run(ws, "build", "--per-tag", "--tag", "beta", "--format", "html").stdout
    assert "January 2, 2026" in sheet.read_text()


def test_a_shared_out_folder_keeps_other_workspaces_files(ws, run, tmp_path):
    shared = tmp_path / "shared"
    assert run(ws, "build", "brief-alpha", "--format", "html", "--out", str(shared)).exit_code == 0
    briefs = ws / "sources" / "briefs.yaml"
    briefs.write_text(briefs.read_text().replace("id: brief-alpha", "id: brief-alpha-2026"))
    result = run(ws, "build", "brief-beta", "--format", "html", "--out", str(shared))
    assert result.exit_code == 0 and "removed" not in result.stdout
    assert (shared / "brief-alpha.html").is_file()


# ------------------------------------------------------------ the build cache


def test_second_identical_build_renders_nothing(ws, run):
    first = run(ws, "build", "--format", "html")
    assert len(built(first)) == 3
    second = run(ws, "build", "--format", "html")
    assert second.exit_code == 0
    assert built(second) == []
    assert "nothing to do: all 3 documents are up to date" in second.stdout
    assert "built 0, unchanged 3, failed 0 in" in second.stdout


def test_changing_one_fact_rerenders_exactly_the_briefs_that_use_it(ws, run):
    run(ws, "build", "--format", "html")
    facts = ws / "sources/facts.yaml"
    facts.write_text(facts.read_text().replace("Beta one.", "Beta one, revised."))
    result = run(ws, "build", "--format", "html")
    assert built(result) == html(ws, "brief-beta", "brief-both")  # b1 is in both, not in brief-alpha
    assert "Beta one, revised." in (ws / "output/brief-both.html").read_text()


def test_editing_a_template_rerenders_the_briefs_that_use_it(ws, run):
    run(ws, "build", "--format", "html")
    (ws / "templates").mkdir()
    builtin = (ws / "templates/one-pager.html")
    from briefgen.paths import BUILTIN_TEMPLATES
    builtin.write_text((BUILTIN_TEMPLATES / "one-pager.html").read_text().replace("Policy brief", "Policy memo"))
    result = run(ws, "build", "--format", "html")
    assert built(result) == html(ws, "brief-alpha", "brief-both")  # brief-beta is a fact-sheet
    # the shared stylesheet is part of every template
    (ws / "templates/briefgen.css").write_text((BUILTIN_TEMPLATES / "briefgen.css").read_text() + "\n/* x */\n")
    assert built(run(ws, "build", "--format", "html")) == html(ws, "brief-alpha", "brief-beta", "brief-both")


def test_deleted_or_edited_output_is_rebuilt(ws, run):
    run(ws, "build", "--format", "html")
    (ws / "output/brief-alpha.html").unlink()
    (ws / "output/brief-beta.html").write_text("tampered")
    assert built(run(ws, "build", "--format", "html")) == html(ws, "brief-alpha", "brief-beta")


def test_a_new_format_is_built_even_when_html_is_current(ws, run):
    run(ws, "build", "brief-both", "--format", "html")
    assert built(run(ws, "build", "brief-both", "--format", "both")) == ["brief-both.html", "brief-both.pdf"]


@pytest.mark.parametrize("garbage", ["{not json", '{"briefgen": "0.0.0", "files": {}, "documents": {}}', "[]"])
def test_a_corrupt_cache_means_a_full_rebuild(ws, run, garbage):
    run(ws, "build", "--format", "html")
    (ws / "output/.briefgen-cache.json").write_text(garbage)
    result = run(ws, "build", "--format", "html")
    assert result.exit_code == 0
    assert len(built(result)) == 3
    assert result.stderr.startswith("output/.briefgen-cache.json: warning: build cache ")
    assert "rebuilding everything" in result.stderr
    assert built(run(ws, "build", "--format", "html")) == []  # and the cache works again


def test_force_rebuilds_everything(ws, run):
    run(ws, "build", "--format", "html")
    assert len(built(run(ws, "build", "--format", "html", "--force"))) == 3


def test_a_failing_brief_does_not_stop_the_batch(ws, run):
    (ws / "templates").mkdir()
    (ws / "templates/broken.html").write_text("{{ brief.title }}{{ no_such_variable }}")
    briefs = ws / "sources/briefs.yaml"
    briefs.write_text(briefs.read_text().replace("template: fact-sheet", "template: broken"))
    result = run(ws, "build", "--format", "html")
    assert result.exit_code == 1
    assert built(result) == html(ws, "brief-alpha", "brief-both")
    assert "built 2, unchanged 0, failed 1 in" in result.stdout
    assert result.stderr == ("templates/broken.html:1: template failed for brief 'brief-beta': "
                             "'no_such_variable' is undefined\n")
    assert not (ws / "output/brief-beta.html").exists()


def test_a_template_fault_points_at_the_template_line_that_failed(ws, run):
    (ws / "templates").mkdir()
    (ws / "templates/part.html").write_text("one\ntwo\n{{ sections[99].heading }}\n")
    (ws / "templates/broken.html").write_text('{% extends "one-pager.html" %}\n{% block content %}\n'
                                              '{% include "part.html" %}\n{% endblock %}\n')
    briefs = ws / "sources/briefs.yaml"
    briefs.write_text(briefs.read_text().replace("template: fact-sheet", "template: broken"))
    result = run(ws, "build", "brief-beta", "--format", "html")
    assert result.exit_code == 1
    assert result.stderr.startswith("templates/part.html:3: template failed for brief 'brief-beta': ")
    assert "Traceback" not in result.stderr


def test_jobs_2_gives_the_same_files_and_messages_as_jobs_1(ws, run, tmp_path):
    from pypdf import PdfReader

    one = run(ws, "build", "--per-tag", "--jobs", "1", "--out", str(tmp_path / "one"))
    two = run(ws, "build", "--per-tag", "--jobs", "2", "--out", str(tmp_path / "two"))
    assert one.exit_code == two.exit_code == 0
    assert [l for l in one.stdout.splitlines() if not l.startswith("built")] == \
        [l.replace("/two/", "/one/") for l in two.stdout.splitlines() if not l.startswith("built")]
    names = sorted(p.relative_to(tmp_path / "one").as_posix() for p in (tmp_path / "one").rglob("*.*"))
    assert names == sorted(p.relative_to(tmp_path / "two").as_posix() for p in (tmp_path / "two").rglob("*.*"))
    for name in names:
        a, b = tmp_path / "one" / name, tmp_path / "two" / name
        if name.endswith(".html"):
            assert a.read_bytes() == b.read_bytes(), name
        elif name.endswith(".pdf"):
            ra, rb = PdfReader(a), PdfReader(b)
            assert [p.extract_text() for p in ra.pages] == [p.extract_text() for p in rb.pages], name


def test_no_progress_bar_in_a_pipe_and_quiet_prints_nothing(ws, run):
    result = run(ws, "build", "--format", "html")
    assert "Rendering" not in result.stderr and result.stderr == ""
    quiet = run(ws, "build", "--format", "html", "--force", "--quiet")
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""


# ----------------------------------------------------------------------- list


def test_list_tags_counts_facts_and_briefs(ws, run):
    result = run(ws, "list", "tags", "--format", "json")
    assert json.loads(result.stdout) == [
        {"tag": "alpha", "facts": 2, "briefs": 1},
        {"tag": "beta", "facts": 2, "briefs": 1},
        {"tag": "gamma", "facts": 1, "briefs": 0},
        {"tag": "shared", "facts": 2, "briefs": 2},
    ]
    text = run(ws, "list", "tags").stdout.splitlines()
    assert text[0].split() == ["tag", "facts", "briefs"]
    assert text[4].split() == ["shared", "2", "2"]


def test_list_facts_json_is_stable(ws, run):
    items = json.loads(run(ws, "list", "facts", "--tag", "beta and law", "--format", "json").stdout)
    assert items == [{
        "id": "b1", "claim": "Beta one.", "tags": ["beta"], "kind": "law", "status": "draft",
        "priority": 3, "as_of": None, "references": ["r1"], "path": "sources/facts.yaml", "line": 4,
    }]


def test_list_text_says_where_each_entry_starts(ws, run):
    facts = run(ws, "list", "facts").stdout.splitlines()
    assert facts[0].split()[:2] == ["id", "where"]
    assert [line.split()[:2] for line in facts[1:4]] == [
        ["a1", "sources/facts.yaml:2"], ["a2", "sources/facts.yaml:3"], ["b1", "sources/facts.yaml:4"]]
    briefs = run(ws, "list", "briefs").stdout.splitlines()
    assert briefs[2].split()[:2] == ["brief-beta", "sources/briefs.yaml:8"]
    refs = run(ws, "list", "references").stdout.splitlines()
    assert refs[2].split()[:2] == ["r2", "sources/references.yaml:3"]


def test_list_briefs_and_references_filtered_by_tag(ws, run):
    briefs = json.loads(run(ws, "list", "briefs", "--tag", "shared", "--format", "json").stdout)
    assert [b["id"] for b in briefs] == ["brief-beta", "brief-both"]
    refs = json.loads(run(ws, "list", "references", "--tag", "statistic", "--format", "json").stdout)
    assert [(r["id"], r["cited_by"]) for r in refs] == [("r1", 1)]


def test_the_index_survives_a_lost_cache(ws, run):
    run(ws, "build", "--per-tag", "--format", "html")
    run(ws, "sheet", "alpha", "--format", "html")
    before = set(Index((ws / "output/index.html").read_text()).keys)
    (ws / "output/.briefgen-cache.json").write_text("x")
    assert run(ws, "build", "--format", "html").exit_code == 0
    assert set(Index((ws / "output/index.html").read_text()).keys) == before
    assert {"tag:alpha", "sheet:alpha", "brief:brief-alpha"} <= before


def test_a_second_identical_build_writes_nothing_at_all(ws, run, tmp_path):
    out = tmp_path / "fresh"
    run(ws, "build", "--format", "html", "--out", str(out))
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    second = run(ws, "build", "--format", "html", "--out", str(out))
    assert "wrote" not in second.stdout
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_a_file_that_cannot_be_written_fails_only_its_document(ws, run):
    (ws / "output" / "brief-beta.html").mkdir(parents=True)  # a folder where a file should go
    result = run(ws, "build", "--format", "html")
    assert result.exit_code == 1
    assert "brief-beta.html: Is a directory" in result.stderr
    assert built(result) == html(ws, "brief-alpha", "brief-both")


def test_sheets_of_different_expressions_never_share_a_file(ws, run):
    from briefgen.compose.plan import sheet_slug

    assert sheet_slug("alpha") == "alpha"
    assert re.fullmatch(r"alpha-and-statistic-[0-9a-f]{8}", sheet_slug("alpha and statistic"))
    assert sheet_slug("not shared and alpha") != sheet_slug("not (shared and alpha)")
    assert sheet_slug("not (shared and alpha)") == sheet_slug("not ( shared  and alpha )")
    assert sheet_slug("a or b") != sheet_slug("a-or-b")


@pytest.mark.parametrize("title", ["   ", "x" * 301])
def test_ad_hoc_sheet_title_must_be_sensible(ws, run, title):
    result = run(ws, "sheet", "alpha", "--title", title)
    assert result.exit_code == 1
    assert result.stderr == "sheet: --title: must be 1 to 300 characters\n"


def test_list_with_an_unknown_tag_is_an_error(ws, run):
    result = run(ws, "list", "facts", "--tag", "alpah")
    assert result.exit_code == 1
    assert result.stderr == "--tag 'alpah': no brief or fact has the tag 'alpah' (did you mean 'alpha'?)\n"


def test_a_brief_cannot_take_the_index_pages_name(make_workspace, run):
    root = make_workspace(references=REFERENCES, facts=FACTS, briefs=BRIEFS.replace("brief-alpha", "index"))
    result = run(root, "check")
    assert result.exit_code == 1
    assert result.stderr == ("sources/briefs.yaml:2: brief id 'index' is taken by the output folder's index page: "
                             "choose another\n")
