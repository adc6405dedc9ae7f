"""Charts wherever a document shows them: in Word documents, read back with
python-docx (the picture, a PNG of the chart's own SVG; its alt text stating
the data; the line under it with the claim's markers), on fact sheets
(`briefgen sheet` too), with the draft and stale marks, and where a brief
places them (beside each claim, first in the section, or not at all)."""

from __future__ import annotations

import zipfile

import docx
import pytest

from briefgen.render.chart import draw, png
from briefgen.source.figure import Figure
from conftest import copy_sample

ONE_PAGER = "section-230-one-pager"
ALT = "One in four (25%). Icon array: 25 of 100 squares filled."
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}pic"
BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"


def pictures(document) -> list[tuple[str, bytes, str]]:
    """(alt text, image bytes, the style of its paragraph) of every picture in the body, in order."""
    found = []
    for paragraph in document.paragraphs:
        for inline in paragraph._element.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}inline"):
            blip = next(inline.iter(BLIP))
            found.append((inline.docPr.get("descr"), document.part.related_parts[blip.get(EMBED)].blob,
                          paragraph.style.name))
    return found


def styled(document, *names: str) -> list[tuple[str, str]]:
    """(style, text) of the body's paragraphs in those styles, in order."""
    return [(p.style.name, p.text) for p in document.paragraphs if p.style.name in names]


@pytest.fixture(scope="module")
def sample_docx(tmp_path_factory):
    from click.testing import CliRunner

    from briefgen.commands.cli import cli

    root = copy_sample(tmp_path_factory.mktemp("sample"))
    result = CliRunner().invoke(cli, ["--root", str(root), "build", "--format", "all", "--quiet"])
    assert result.exit_code == 0, result.output
    return root / "output"


def test_the_one_pager_s_chart_is_a_picture_with_the_data_as_its_alt_text(sample_docx):
    document = docx.Document(str(sample_docx / f"{ONE_PAGER}.docx"))
    [(alt, data, style)] = pictures(document)
    assert alt == ALT and style == "Chart"
    # the chart's own pixels: the PNG of the SVG the PDF draws
    chart = draw(Figure.model_validate({"value": 25, "unit": "percent", "chart": "icon-array"}),
                 "one-in-four-children", "#1d3a5f", "MSNBC")
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data == png(chart)
    # set as wide as the PDF sets it (1.7in at the scale fitting chose), its height in proportion
    [shape] = document.inline_shapes
    manifest = (sample_docx / f"{ONE_PAGER}.manifest.json").read_text()
    scale = __import__("json").loads(manifest)["fit"]["scale"]
    assert abs(shape.width.inches - 1.7 * scale) < 0.01 and abs(shape.height / shape.width - 0.25) < 0.01


def test_the_chart_follows_its_claim_with_its_title_and_the_claim_s_markers(sample_docx):
    document = docx.Document(str(sample_docx / f"{ONE_PAGER}.docx"))
    shown = styled(document, "List Bullet", "Chart", "Chart Source")
    start = next(i for i, (_, text) in enumerate(shown) if text.startswith("One in four children (25%) report"))
    claim, picture, source = shown[start:start + 3]
    assert claim[1].endswith("\u2060[1,\u00a0point\u00a016]") and picture == ("Chart", "")
    assert source == ("Chart Source", "One in four (25%). Source: MSNBC\u2060[1,\u00a0point\u00a016]")
    # the marker links to the source, as the claim's does
    line = next(p for p in document.paragraphs if p.style.name == "Chart Source")
    assert [h.fragment for h in line.hyperlinks] == ["ref-msnbc-2025-08-24"]
    # the picture is in the claim's list item: indented with it, with no bullet of its own
    numbering = [p._element.pPr.numPr.numId.val for p in document.paragraphs if p.style.name in ("Chart", "Chart Source")]
    bullets = {p._element.pPr.numPr.numId.val for p in document.paragraphs if p.style.name == "List Bullet"}
    assert len(set(numbering)) == 1 and not set(numbering) & bullets


def test_a_fact_sheet_shows_the_chart_too(sample_docx):
    html = (sample_docx / "maxwell-interview-fact-sheet.html").read_text()
    assert html.count("<figure class=\"chart chart-icon-array\" data-chart-for=\"one-in-four-children\">") == 1
    document = docx.Document(str(sample_docx / "maxwell-interview-fact-sheet.docx"))
    assert [alt for alt, _, _ in pictures(document)] == [ALT]
    texts = [p.text for p in document.paragraphs]
    claim = next(i for i, t in enumerate(texts) if t.startswith("One in four children (25%) report"))
    assert texts[claim + 2].startswith("One in four (25%). Source: MSNBC")


FACTS = """\
facts:
  - id: share
    claim: "One in four (25%) of the sample."
    tags: [t]
    status: {status}
    reviewed: {{by: Ann Analyst, on: 2026-01-10}}
    review_by: 2026-02-01
    figure: {{value: 25, unit: percent}}
    cite:
      - ref: report-2024
  - id: other
    claim: "Another finding."
    tags: [t]
    status: verified
    reviewed: {{by: Ann Analyst, on: 2026-01-10}}
    cite:
      - ref: report-2024
"""
BRIEFS = """\
briefs:
  - id: b
    title: B
    template: {template}
    date: 2026-01-01
{placement}    sections:
      - heading: First
        facts: [other]
      - heading: Second
        facts: [share, other]
"""


def workspace(make_workspace, status="verified", template="one-pager", placement=""):
    return make_workspace(facts=FACTS.format(status=status),
                          briefs=BRIEFS.format(template=template, placement=placement))


@pytest.mark.parametrize("status", ["draft", "verified"])
def test_a_draft_or_stale_fact_s_chart_carries_its_mark(make_workspace, run, status):
    """'share' was due for review on 2026-02-01: stale on the 2nd, not on 31 January."""
    root = workspace(make_workspace, status)
    mark = "draft" if status == "draft" else "stale"
    assert run(root, "build", "--format", "html,docx", "--today", "2026-02-02").exit_code == 0
    html = (root / "output/b.html").read_text()
    caption = html[html.index('<figcaption class="chart-source">'):html.index("</figcaption>")]
    assert f'<span class="{mark}-mark"' in caption
    claim = html[html.index('<li data-fact-id="share"'):html.index("</li>", html.index('<li data-fact-id="share"'))]
    assert claim.count(f'<span class="{mark}-mark"') == 2  # beside the claim, and under its chart
    document = docx.Document(str(root / "output/b.docx"))
    line = next(p for p in document.paragraphs if p.style.name == "Chart Source")
    assert [r.text for r in line.runs if r.style.name == f"{mark.capitalize()} Mark"] == [mark]
    # judged on another day, the mark goes (and the document is built again for it)
    result = run(root, "build", "--format", "html,docx", "--today", "2026-01-31")
    if status == "verified":
        assert "output/b.html\n" in result.stdout
        assert "stale-mark" not in (root / "output/b.html").read_text().split("</style>")[1]
        line = next(p for p in docx.Document(str(root / "output/b.docx")).paragraphs if p.style.name == "Chart Source")
        assert not [r for r in line.runs if r.style.name == "Stale Mark"]


@pytest.mark.parametrize("template", ["one-pager", "fact-sheet"])
def test_a_brief_places_its_charts_first_in_the_section(make_workspace, run, template):
    root = workspace(make_workspace, template=template, placement="    charts: lead\n")
    assert run(root, "build", "--format", "html,docx").exit_code == 0
    html = (root / "output/b.html").read_text().split("</style>")[1]
    second = html[html.index("<h2>Second</h2>"):]
    assert second.index('<figure class="chart chart-icon-array chart-lead" data-chart-for="share">') \
        < second.index('data-fact-id="share"')
    assert html.count("<figure") == 1
    document = docx.Document(str(root / "output/b.docx"))
    order = [(p.style.name, p.text) for p in document.paragraphs]
    heading = order.index(("Heading 1", "Second"))
    assert order[heading + 1][0] == "Chart" and order[heading + 2][1].startswith("One in four (25%). Source:")
    assert order[heading + 3][1].startswith("One in four (25%) of the sample.")


def test_a_section_s_placement_overrides_the_brief_s(make_workspace, run):
    root = workspace(make_workspace, placement="    charts: lead\n")
    briefs = root / "sources/briefs.yaml"
    briefs.write_text(briefs.read_text().replace("        facts: [share, other]\n",
                                                 "        facts: [share, other]\n        charts: none\n"))
    assert run(root, "build", "--format", "html,docx").exit_code == 0
    assert "<figure" not in (root / "output/b.html").read_text()
    with zipfile.ZipFile(root / "output/b.docx") as archive:
        assert not [n for n in archive.namelist() if n.startswith("word/media/")]
    briefs.write_text(briefs.read_text().replace("        charts: none\n", "        charts: beside\n"))
    assert run(root, "build", "--format", "html").exit_code == 0
    html = (root / "output/b.html").read_text()
    item = html[html.index('<li data-fact-id="share"'):]
    assert item.index("<figure class=\"chart chart-icon-array\"") < item.index("</li>")


@pytest.mark.parametrize(("placement", "message"), [
    ("    charts: besides\n", "sources/briefs.yaml:6: brief 'b': 'besides' is not a valid charts (did you mean 'beside'?)"),
    ("", "sources/briefs.yaml:11: brief 'b': 'first' is not a valid sections[1].charts (one of: beside, lead, none)"),
])
def test_a_bad_placement_is_an_error_at_its_line(make_workspace, refused, placement, message):
    root = workspace(make_workspace, placement=placement)
    if not placement:  # on a section
        briefs = root / "sources/briefs.yaml"
        briefs.write_text(briefs.read_text().replace("        facts: [share, other]\n",
                                                     "        facts: [share, other]\n        charts: first\n"))
    assert refused(root) == [message]


def test_briefgen_sheet_shows_the_chart(make_workspace, run):
    root = workspace(make_workspace)
    result = run(root, "sheet", "t", "--format", "html,docx")
    assert result.exit_code == 0, result.stderr
    html = (root / "output/sheets/t.html").read_text()
    item = html[html.index('data-fact-id="share"'):]
    assert item.index('<figure class="chart chart-icon-array" data-chart-for="share">') < item.index('class="claim"')
    assert [alt for alt, _, _ in pictures(docx.Document(str(root / "output/sheets/t.docx")))] == [
        "One in four (25%). Icon array: 25 of 100 squares filled."]


def test_a_lead_chart_is_a_figure_with_its_alt_text_in_the_tagged_pdf(make_workspace, run):
    import pikepdf

    root = workspace(make_workspace, placement="    charts: lead\n")
    assert run(root, "build", "--format", "pdf").exit_code == 0
    pdf = pikepdf.open(root / "output/b.pdf")
    figures, seen, stack = [], set(), [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and node.objgen not in seen:
            seen.add(node.objgen)
            if node.get("/S") == "/Figure":
                figures.append(str(node.Alt))
            if "/K" in node:
                stack.append(node.K)
    assert figures == ["One in four (25%). Icon array: 25 of 100 squares filled."]


def test_a_stale_mark_stays_when_fitting_leaves_other_facts_out(make_workspace):
    import datetime as dt

    from briefgen.build.pipeline import check_project
    from briefgen.compose.cite import aged, without
    from briefgen.source.project import Project

    checked = check_project(Project.open(workspace(make_workspace)), dt.date(2026, 2, 2))
    assert checked.stale == {"share": "its review was due on 2026-02-01"}
    cited = aged(checked.cited["b"], checked.stale)
    fitted = without(cited, {"other"})
    assert [(cf.fact.id, cf.stale) for s in fitted.sections for cf in s.facts] == [
        ("share", "its review was due on 2026-02-01")]
    assert [s.charts for s in fitted.sections] == ["beside"]
