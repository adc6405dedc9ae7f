"""Page limits that hold: fitting a brief to max_pages by scale, then by leaving
facts out, lowest priority first."""

import json
import re
import zipfile

from pypdf import PdfReader

LONG = "This claim is long enough to take several lines on the page. " * 4


def workspace(make_workspace, priorities, max_pages=1, claim=LONG):
    """One brief selecting every fact; fact i has priorities[i] and cites its own reference ri."""
    refs = "references:\n" + "".join(
        f"  - {{id: r{i}, title: 'Report {i}', publisher: Institute, issued: '2024'}}\n"
        for i in range(len(priorities)))
    facts = "facts:\n" + "".join(
        f"  - id: f{i:02d}\n    claim: \"Fact {i}. {claim}\"\n    tags: [t]\n    priority: {p}\n"
        "    status: verified\n    reviewed: {by: Ann Analyst, on: 2026-01-10}\n"
        f"    cite: [{{ref: r{i}}}]\n" for i, p in enumerate(priorities))
    briefs = f"""\
briefs:
  - id: full
    title: A full brief
    template: one-pager
    date: 2026-01-01
    max_pages: {max_pages}
    sections:
      - {{heading: Facts, select: t}}
"""
    return make_workspace(references=refs, facts=facts, briefs=briefs)


def manifest(root):
    return json.loads((root / "output/full.manifest.json").read_text())


def test_overfull_one_pager_leaves_out_the_lowest_priority_facts(make_workspace, run):
    priorities = [(i % 5) + 1 for i in range(20)]
    root = workspace(make_workspace, priorities)
    result = run(root, "build")
    assert result.exit_code == 0, result.stderr
    assert len(PdfReader(root / "output/full.pdf").pages) == 1
    m = manifest(root)
    assert m["dropped"], "20 long facts cannot fit one page"
    assert m["fit"]["pages"] == 1 and m["fit"]["scale"] < 1
    kept = {int(f[1:]) for f in m["facts"]}
    dropped = {int(f[1:]) for f in m["dropped"]}
    assert kept | dropped == set(range(20)) and not kept & dropped
    # nothing kept has a higher priority number than anything left out; priority 1 always stays
    assert max(priorities[i] for i in kept) <= min(priorities[i] for i in dropped)
    assert all(priorities[i] > 1 for i in dropped)
    # the sources of the facts left out are gone, and the rest are numbered 1..n afresh
    assert [r["id"] for r in m["references"]] == [f"r{i}" for i in sorted(kept, key=lambda i: (priorities[i], i))]
    assert [r["number"] for r in m["references"]] == list(range(1, len(kept) + 1))
    html = (root / "output/full.html").read_text()
    for i in dropped:
        assert f'data-fact-id="f{i:02d}"' not in html and f'id="ref-r{i}"' not in html
    text = " ".join(PdfReader(root / "output/full.pdf").pages[0].extract_text().split())
    assert f"[{len(kept)}]" in text and f"[{len(kept) + 1}]" not in text
    # the report says what was done
    note = next(line for line in result.stdout.splitlines() if line.startswith("fitted "))
    assert note.startswith("fitted full to 1 page: scale 90%, facts left out: " + ", ".join(m["dropped"]))


def test_a_brief_slightly_over_is_fitted_by_scale_alone(make_workspace, run):
    root = workspace(make_workspace, [1] * 12)
    result = run(root, "build", "--no-fit")
    assert result.exit_code == 1, "the fixture should overflow at full scale"
    result = run(root, "build")
    assert result.exit_code == 0, result.stderr
    m = manifest(root)
    assert m["dropped"] == [] and 0.9 <= m["fit"]["scale"] < 1 and m["fit"]["pages"] == 1
    assert m["fit"]["extra_layouts"] <= 3
    assert re.search(r"^fitted full to 1 page: scale \d+%, facts left out: none \(\d extra layouts?\)$",
                     result.stdout, re.M)


def test_a_brief_that_cannot_fit_fails_with_what_is_over_and_what_must_stay(make_workspace, run):
    root = workspace(make_workspace, [1] * 16 + [3] * 3)
    result = run(root, "build")
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert re.fullmatch(
        r"sources/briefs\.yaml:6: brief 'full' does not fit on 1 page: 2 pages, \d+% of a page over, "
        r"even at 90% scale with 3 facts left out; the priority-1 facts cannot be left out: "
        + ", ".join(f"f{i:02d}" for i in range(16)), line)
    assert not (root / "output/full.pdf").exists()


def test_no_fit_only_reports_the_overflow(make_workspace, run):
    root = workspace(make_workspace, [3] * 20)
    result = run(root, "build", "--no-fit")
    assert result.exit_code == 1
    assert re.fullmatch(r"sources/briefs\.yaml:6: brief 'full' does not fit on 1 page: \d pages, "
                        r"\d+% of a page over, fitting is off \(--no-fit\)\n", result.stderr)
    assert not (root / "output/full.pdf").exists()


def test_a_brief_within_its_limit_is_left_alone(make_workspace, run):
    root = workspace(make_workspace, [3, 3], claim="Short.")
    result = run(root, "build")
    assert "fitted" not in result.stdout
    assert manifest(root)["fit"] == {"scale": 1.0, "pages": 1, "max_pages": 1, "extra_layouts": 0}


def test_html_written_with_a_fitted_pdf_matches_it(make_workspace, run):
    root = workspace(make_workspace, [(i % 5) + 1 for i in range(20)])
    run(root, "build")
    html = (root / "output/full.html").read_text()
    m = manifest(root)
    assert re.findall(r'data-fact-id="(f\d+)"', html) == m["facts"]
    assert f"--scale: {m['fit']['scale']:.4f}" in html


def test_a_section_emptied_by_fitting_is_named_in_the_report(make_workspace, run):
    # twelve priority-1 facts fill the page at 90%: the priority-5 fact, alone in its section, must go
    root = workspace(make_workspace, [1] * 12 + [5])
    ids = ", ".join(f"f{i:02d}" for i in range(12))
    briefs = (root / "sources/briefs.yaml").read_text().replace(
        "      - {heading: Facts, select: t}\n",
        f"      - {{heading: Facts, facts: [{ids}]}}\n      - {{heading: Last word, facts: [f12]}}\n")
    (root / "sources/briefs.yaml").write_text(briefs)
    result = run(root, "build")
    assert result.exit_code == 0, result.stderr
    assert manifest(root)["dropped"] == ["f12"]
    assert re.search(r"^fitted full to 1 page: scale 90%, facts left out: f12; sections left empty and out: "
                     r"Last word \(\d extra layouts\)$", result.stdout, re.M)
    assert "Last word" not in (root / "output/full.html").read_text()


def test_what_fitting_left_out_is_said_even_when_quiet_and_in_the_index(make_workspace, run):
    root = workspace(make_workspace, [(i % 5) + 1 for i in range(20)])
    result = run(root, "build", "--quiet")
    assert result.exit_code == 0, result.stderr
    dropped = manifest(root)["dropped"]
    assert dropped
    assert any(line.startswith("fitted full to 1 page") for line in result.stderr.splitlines())
    index = (root / "output/index.html").read_text()
    assert f"leaving out {len(dropped)} facts: {', '.join(dropped)}" in index


def test_a_partial_build_names_the_documents_it_left_out_of_date(make_workspace, run):
    from conftest import BRIEFS

    two = BRIEFS + BRIEFS.split("briefs:\n", 1)[1].replace("id: brief-one", "id: brief-two")
    root = make_workspace(briefs=two)
    assert run(root, "build", "--format", "html").exit_code == 0
    facts = root / "sources/facts.yaml"
    facts.write_text(facts.read_text().replace("claim: ", "claim: Changed. ", 1))
    result = run(root, "build", "brief-one", "--format", "html")
    assert "1 other document in the output folder is out of date (marked in its index): brief-two" in result.stdout


def test_a_chart_is_left_out_and_reported_before_any_priority_1_fact(make_workspace, run):
    """11 long priority-1 facts fit one page at 90% only without the tall bar
    chart of the first (10 to 12 do, measured): the chart goes, every fact stays."""
    root = workspace(make_workspace, [1] * 11)
    series = "[" + ", ".join(f"{{label: c{i}, value: {i + 1}}}" for i in range(12)) + "]"
    path = root / "sources/facts.yaml"
    path.write_text(path.read_text().replace("    cite: [{ref: r0}]\n", "    cite: [{ref: r0}]\n"
                                             f"    figure: {{unit: count, chart: bar, series: {series}}}\n", 1))
    result = run(root, "build", "--format", "all")
    assert result.exit_code == 0, result.stderr
    assert "facts left out: none; charts left out: f00" in result.output
    assert len(PdfReader(root / "output/full.pdf").pages) == 1
    html = (root / "output/full.html").read_text()
    assert "data-chart-for" not in html and all(f'data-fact-id="f{i:02d}"' in html for i in range(11))
    data = manifest(root)
    assert data["dropped"] == [] and data["charts_dropped"] == ["f00"]
    assert data["fit"]["formats"] == ["pdf", "docx"]  # the Word document leaves it out too
    assert "by leaving out the chart of f00.</p>" in (root / "output/index.html").read_text()
    with zipfile.ZipFile(root / "output/full.docx") as docx:
        assert not [n for n in docx.namelist() if n.startswith("word/media/")]
    # a brief that places no charts has none to leave out
    briefs = root / "sources/briefs.yaml"
    briefs.write_text(briefs.read_text().replace("    max_pages: 1\n", "    max_pages: 1\n    charts: none\n"))
    result = run(root, "build")
    assert result.exit_code == 0, result.stderr
    assert "charts left out" not in result.output and manifest(root)["charts_dropped"] == []
