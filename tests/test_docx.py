"""Word documents: read back with python-docx (styles, facts in order,
markers and sources, footnotes, links, images' alt text, language), the
same bytes from every build, a workspace's reference.docx, drafts, fitting,
and LibreOffice's layout of the one-pager.

LibreOffice (Debian's libreoffice-writer-nogui, installed by .ci/run) is
needed by the layout test only; where `soffice` is missing that test is
skipped, except under CI (CI=true), where that is an error.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from conftest import copy_sample

IN_CI = bool(os.environ.get("CI"))
ONE_PAGER = "section-230-one-pager"
SHEET = "maxwell-interview-fact-sheet"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BRANDING = """\
organization:
  name: Example Child Safety Coalition
  logo: assets/logo.png
  website: https://example.org
  contact: "Policy team, policy@example.org"
colors: {primary: "#0b5d4b", accent: "#8a3b12"}
footer: "Prepared for discussion. Not legal advice."
lang: en-GB
qr: true
"""


def _png() -> bytes:
    import segno

    return segno.make("logo").png_data_uri(scale=2)  # only needs to be a PNG


def sample(root: Path, branded: bool = False) -> Path:
    copy_sample(root)
    if branded:
        import base64

        (root / "briefgen.yaml").write_text(BRANDING, encoding="utf-8")
        (root / "assets").mkdir()
        (root / "assets/logo.png").write_bytes(base64.b64decode(_png().split(",", 1)[1]))
        briefs = root / "sources/briefs.yaml"
        briefs.write_text(briefs.read_text(encoding="utf-8").replace(
            "    max_pages: 1\n", "    max_pages: 1\n    url: https://example.org/briefs/section-230\n", 1),
            encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample in every format: numbered, chicago-notes and apa, and branded."""
    from click.testing import CliRunner

    from briefgen.commands.cli import cli

    base = tmp_path_factory.mktemp("docx")
    plain, branded = sample(base / "plain"), sample(base / "branded", branded=True)
    out = {}
    for name, root, args in [("numbered", plain, []), ("chicago-notes", plain, ["--style", "chicago-notes"]),
                             ("apa", plain, ["--style", "apa"]), ("branded", branded, [])]:
        folder = base / "out" / name
        result = CliRunner().invoke(cli, ["--root", str(root), "build", "--format", "all", *args, "--out",
                                          str(folder), "--quiet"], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        out[name] = folder
    return out


def paragraphs(path: Path, style: str) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.style.name == style]


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def manifest(folder: Path, stem: str) -> dict:
    return json.loads((folder / f"{stem}.manifest.json").read_text(encoding="utf-8"))


def html_facts(folder: Path, stem: str) -> list[str]:
    """Each fact's text as the HTML shows it (tags dropped), in order: the
    claim, not the chart the HTML puts first in its item (the Word document
    has it after the claim's paragraph; tests/test_charts_docx.py)."""
    html = re.sub(r'<figure class="chart .*?</figure>', "", (folder / f"{stem}.html").read_text(encoding="utf-8"),
                  flags=re.S)
    found = re.findall(r'<li data-fact-id="[^"]+"[^>]*>(.*?)(?:&#8288;|<sup|</li>)', html, flags=re.S)
    return [re.sub(r"<[^>]+>", "", f).replace("&#39;", "'").replace("&quot;", '"').strip() for f in found]


def test_structure_is_word_styles(built):
    path = built["numbered"] / f"{ONE_PAGER}.docx"
    assert paragraphs(path, "Title") == ["Section 230 and the Online Sexual Exploitation of Children"]
    assert paragraphs(path, "Subtitle") == ["What a 2025 MSNBC segment reported, and what the law says today"]
    headings = paragraphs(path, "Heading 1")
    assert headings == ["The problem", "The law today", "What reformers propose", "What we ask", "Sources"]
    assert paragraphs(path, "Kicker") == ["Policy brief · For legislative staff"]
    assert paragraphs(path, "Bottom Line")[0].startswith("Bottom line A 2025 MSNBC segment")
    assert paragraphs(path, "Date") == ["November 24, 2026"]
    # the navigation pane shows the headings: an outline level on the style
    styles = part(path, "word/styles.xml")
    heading = re.search(r'<w:style [^>]*w:styleId="Heading1".*?</w:style>', styles, re.S)[0]
    assert '<w:outlineLvl w:val="0"' in heading
    # every style once, and Normal the default one (Word needs it for a paragraph that names no style)
    ids = re.findall(r'<w:style [^>]*w:styleId="([^"]+)"', styles)
    assert len(ids) == len(set(ids))
    assert re.search(r'<w:style (?=[^>]*w:default="1")(?=[^>]*w:type="paragraph")(?=[^>]*w:styleId="Normal")',
                     styles)


def test_facts_in_order_as_list_bullets_with_their_markers(built):
    folder = built["numbered"]
    bullets = paragraphs(folder / f"{ONE_PAGER}.docx", "List Bullet")
    facts = html_facts(folder, ONE_PAGER)
    assert len(bullets) == len(facts) == len(manifest(folder, ONE_PAGER)["facts"])
    for bullet, fact in zip(bullets, facts, strict=True):
        assert bullet.startswith(fact)
        # one marker that does not break: no space in it but non-breaking ones
        assert re.search(r"\u2060\[\d+(,\u00a0[^\] ]+)?(;\u00a0\d+(,\u00a0[^\] ]+)?)*\]$|\[\d+(,\u00a0\d+)*\]$",
                         bullet), bullet
    # numId: a real Word list, not a typed bullet character
    document = part(folder / f"{ONE_PAGER}.docx", "word/document.xml")
    assert document.count('<w:pStyle w:val="ListBullet" /><w:numPr>') == len(bullets)


def test_every_marker_links_to_its_source_and_every_source_is_listed(built):
    folder = built["numbered"]
    path = folder / f"{ONE_PAGER}.docx"
    document = part(path, "word/document.xml")
    refs = manifest(folder, ONE_PAGER)["references"]
    sources = paragraphs(path, "Bibliography")
    assert len(sources) == len(refs)
    html = (folder / f"{ONE_PAGER}.html").read_text(encoding="utf-8")
    assert '<figure class="chart' in html and 'pic:pic' in document  # the chart's source line counts too
    for ref in refs:
        assert f'w:name="ref-{ref["id"]}"' in document  # the entry's bookmark
        # as many links to it as the HTML has markers for it (the claims' and the charts' source lines)
        assert document.count(f'w:anchor="ref-{ref["id"]}"') == html.count(f'<a href="#ref-{ref["id"]}"') > 0
    assert sources[0].startswith("MSNBC. “Expert: Ghislaine Maxwell")
    assert '<w:numPr>' in document.split('w:name="ref-')[1][:400] or "numId" in document  # a numbered list


def test_links_work(built):
    path = built["branded"] / f"{ONE_PAGER}.docx"
    document = docx.Document(str(path))
    links = {h.address for p in document.paragraphs for h in p.hyperlinks if h.address}
    links |= {h.address for t in document.tables for c in t._cells for p in c.paragraphs for h in p.hyperlinks}
    assert {"https://www.law.cornell.edu/uscode/text/47/230", "https://example.org",
            "https://example.org/briefs/section-230"} <= links


def test_note_styles_cite_in_word_footnotes(built):
    folder = built["chicago-notes"]
    path = folder / f"{ONE_PAGER}.docx"
    notes = part(path, "word/footnotes.xml")
    bodies = re.findall(r'<w:footnote (?:(?!w:type=)[^>])*w:id="(\d+)"[^>]*>(.*?)</w:footnote>', notes, re.S)
    texts = ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", body)) for _, body in bodies]
    facts = manifest(folder, ONE_PAGER)["facts"]
    assert len(texts) == len(facts)  # one note per claim, its sources together
    assert any("47 U.S.C. § 230" in t for t in texts), texts
    assert any(t.endswith("16.") or ", 16." in t for t in texts), texts  # a pinpoint: "point 16"
    document = part(path, "word/document.xml")
    assert document.count("<w:footnoteReference") == len(facts)
    assert not re.search(r"\[\d+(,\s+point\s+\d+)?\]", "".join(paragraphs(path, "List Bullet")))
    # the notes are the sources: no list of them besides (the HTML and PDF, without notes, keep theirs)
    assert not paragraphs(path, "Bibliography") and "Sources" not in paragraphs(path, "Heading 1")
    for ref in manifest(folder, ONE_PAGER)["references"]:
        assert f'id="ref-{ref["id"]}"' in (folder / f"{ONE_PAGER}.html").read_text(encoding="utf-8")


def test_author_date_styles_cite_in_the_text(built):
    path = built["apa"] / f"{ONE_PAGER}.docx"
    bullets = paragraphs(path, "List Bullet")
    assert all(re.search(r" \(.*\d{4}.*\)$", b) for b in bullets), bullets
    assert "<w:footnoteReference" not in part(path, "word/document.xml")


def test_sheet_quotes_and_meta(built):
    path = built["numbered"] / f"{SHEET}.docx"
    quotes = paragraphs(path, "Quote")
    assert quotes and all(q.startswith("“") and q.endswith("”") for q in quotes)
    assert all(s.startswith("Source [") for s in paragraphs(path, "Quote Source"))
    assert paragraphs(path, "Kicker") == ["Fact sheet · For legislative aides"]


def test_logo_and_qr_code_have_alt_text_and_the_document_its_language(built):
    path = built["branded"] / f"{ONE_PAGER}.docx"
    document = part(path, "word/document.xml")
    alts = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', document)
    assert alts == ["Example Child Safety Coalition",
                    "One in four (25%). Icon array: 25 of 100 squares filled.",  # the chart
                    "QR code linking to the online copy of this brief: https://example.org/briefs/section-230"]
    assert "data:image" not in document  # images are parts of the package, not repeated as text
    assert re.search(r'<w:lang [^>]*w:val="en-GB"', part(path, "word/styles.xml"))
    props = docx.Document(str(path)).core_properties
    assert props.language == "en-GB" and props.author == "Example Child Safety Coalition"
    assert props.title == "Section 230 and the Online Sexual Exploitation of Children"
    assert props.created.date().isoformat() == props.modified.date().isoformat() == "2026-11-24"
    # the branding colour is the headings' colour; the footer carries the disclaimer
    assert re.search(r'w:styleId="Heading1".*?<w:color w:val="0B5D4B"', part(path, "word/styles.xml"), re.S)
    footer = part(path, "word/briefgen-footer.xml")
    assert "Prepared for discussion. Not legal advice." in footer and 'w:instr=" PAGE "' in footer


def test_every_part_is_well_formed_and_typed(built):
    import xml.etree.ElementTree as ET

    for folder in built.values():
        for path in folder.glob("*.docx"):
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                types = archive.read("[Content_Types].xml").decode("utf-8")
                for name in names:
                    if name.endswith((".xml", ".rels")):
                        ET.fromstring(archive.read(name))  # raises on a fault
                for name in ("word/briefgen-footer.xml", "word/briefgen-draft-header.xml"):
                    assert name not in names or f'PartName="/{name}"' in types


def test_markers_are_links_without_underline_in_the_built_in_look(built):
    path = built["numbered"] / f"{ONE_PAGER}.docx"
    document = part(path, "word/document.xml")
    markers = re.findall(r'<w:hyperlink w:anchor="ref-.*?</w:hyperlink>', document)
    assert markers and all('w:val="CitationLink"' in m for m in markers)
    assert re.search(r'w:styleId="CitationLink".*?</w:style>', part(path, "word/styles.xml"), re.S)
    assert '<w:ind w:left="360" w:hanging="260" />' in part(path, "word/numbering.xml")


def test_same_bytes_from_every_build(built, tmp_path, run):
    root = sample(tmp_path / "again", branded=True)
    result = run(root, "build", "--format", "docx", "--out", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == 0, result.stderr
    for stem in (ONE_PAGER, SHEET):
        assert (tmp_path / "out" / f"{stem}.docx").read_bytes() == (built["branded"] / f"{stem}.docx").read_bytes()
    with zipfile.ZipFile(tmp_path / "out" / f"{ONE_PAGER}.docx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 24, 0, 0, 0)}
        assert archive.namelist()[0] == "[Content_Types].xml"


def test_the_docx_leaves_out_what_fitting_left_out_of_the_pdf(make_workspace, run, tmp_path):
    long = "A long claim that takes up room on the page, repeated to fill it. " * 12
    facts = "facts:\n" + "".join(
        f"  - {{id: f{i}, claim: \"{long.strip()}\", tags: [t], status: verified, priority: {1 if i < 2 else 4}, "
        f"reviewed: {{by: A, on: 2026-01-01}}, cite: [{{ref: report-2024}}]}}\n" for i in range(14))
    briefs = ("briefs:\n  - {id: b, title: T, template: one-pager, date: 2026-01-02, max_pages: 1, "
              "sections: [{heading: H, select: t}]}\n")
    root = make_workspace(facts=facts, briefs=briefs)
    assert run(root, "build", "--format", "all").exit_code == 0
    data = manifest(root / "output", "b")
    assert data["dropped"] and data["fit"]["formats"] == ["pdf", "docx"]
    assert len(paragraphs(root / "output/b.docx", "List Bullet")) == len(data["facts"]) == 14 - len(data["dropped"])
    # asked for alone, the .docx carries the same facts: fitting still lays the brief out as the PDF would be
    assert run(root, "build", "--format", "docx", "--out", str(tmp_path / "alone")).exit_code == 0
    assert (tmp_path / "alone/b.docx").read_bytes() == (root / "output/b.docx").read_bytes()
    assert manifest(tmp_path / "alone", "b")["dropped"] == data["dropped"]


def test_drafts_carry_a_watermark_a_header_and_a_banner(make_workspace, run, built):
    root = make_workspace()  # two of its three facts are drafts
    assert run(root, "build", "--format", "docx").exit_code == 0
    path = next((root / "output").glob("*.docx"))
    header = part(path, "word/briefgen-draft-header.xml")
    assert 'string="DRAFT"' in header and "Draft, not for circulation" in header
    assert paragraphs(path, "Draft Banner") == [
        "Draft, not for circulation: 2 facts have not been verified (fact-b, fact-c)."]
    assert 'r:id="rIdBriefgenDraft"' in part(path, "word/document.xml")
    # the sample's facts are verified: no watermark, no banner
    sample_docx = built["numbered"] / f"{ONE_PAGER}.docx"
    assert "word/briefgen-draft-header.xml" not in zipfile.ZipFile(sample_docx).namelist()
    assert not paragraphs(sample_docx, "Draft Banner")


def test_a_workspace_reference_docx_gives_the_styles(make_workspace, run, tmp_path):
    root = make_workspace()
    assert run(root, "build", "--format", "docx").exit_code == 0
    reference = docx.Document()  # python-docx's own template: its styles, not briefgen's
    reference.styles["Heading 1"].font.color.rgb = docx.shared.RGBColor(0xAA, 0x00, 0x11)
    (root / "templates").mkdir()
    reference.save(str(root / "templates/reference.docx"))
    result = run(root, "build", "--format", "docx")
    assert result.exit_code == 0 and "wrote" in result.stdout  # a new reference document rebuilds
    path = next((root / "output").glob("*.docx"))
    styles = part(path, "word/styles.xml")
    assert re.search(r'w:styleId="Heading1".*?<w:color w:val="AA0011"', styles, re.S)
    assert "Intense Quote" in styles  # python-docx's template's styles came along
    assert paragraphs(path, "Heading 1")  # and the document still uses Word's heading styles
    # its header and footer: the draft watermark goes into its header, and no footer of briefgen's is added
    section = reference.sections[0]
    section.header.paragraphs[0].text = "Coalition header"
    section.footer.paragraphs[0].text = "Coalition footer"
    reference.save(str(root / "templates/reference.docx"))
    assert run(root, "build", "--format", "docx").exit_code == 0
    document = docx.Document(str(path))
    assert document.sections[0].footer.paragraphs[0].text == "Coalition footer"
    header = document.sections[0].header
    assert "Coalition header" in [p.text for p in header.paragraphs]
    assert 'string="DRAFT"' in header._element.xml
    names = zipfile.ZipFile(path).namelist()
    assert "word/briefgen-footer.xml" not in names and "word/briefgen-draft-header.xml" not in names


@pytest.mark.parametrize(("content", "message"), [
    (b"not a zip", "templates/reference.docx: not a Word document (.docx)"),
    ("external", "templates/reference.docx: word/_rels/settings.xml.rels refers to an outside file or page: "
                 "file:///etc/template.dotm"),
])
def test_a_bad_reference_docx_is_said_in_words(make_workspace, run, content, message):
    root = make_workspace()
    (root / "templates").mkdir()
    if content == "external":
        document = docx.Document()
        document.save(str(root / "templates/reference.docx"))
        with zipfile.ZipFile(root / "templates/reference.docx") as archive:
            parts = {n: archive.read(n) for n in archive.namelist()}
        parts["word/_rels/settings.xml.rels"] = (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/attachedTemplate" Target="file:///etc/template.dotm" '
            b'TargetMode="External"/></Relationships>')
        parts["word/settings.xml"] = parts["word/settings.xml"].replace(
            b"<w:defaultTabStop", b'<w:attachedTemplate r:id="rId1"/><w:defaultTabStop')
        with zipfile.ZipFile(root / "templates/reference.docx", "w") as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    else:
        (root / "templates/reference.docx").write_bytes(content)
    result = run(root, "build", "--format", "docx")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(message), result.stderr
    assert not list((root / "output").glob("*.docx")) if (root / "output").exists() else True


def test_command_line_formats(make_workspace, run):
    root = make_workspace()
    assert run(root, "build", "--format", "html,docx").exit_code == 0
    assert sorted(p.suffix for p in (root / "output").glob("b*.*") if p.suffix != ".json") == [".docx", ".html"]
    index = (root / "output/index.html").read_text(encoding="utf-8")
    assert ">DOCX</a>" in index
    assert "nothing to do" in run(root, "build", "--format", "html,docx").stdout
    result = run(root, "build", "--format", "odt")
    assert result.exit_code == 2 and "unknown format 'odt' (one of: html, pdf, docx, both, all" in result.stderr
    result = run(root, "sheet", "topic-x", "--format", "docx")
    assert result.exit_code == 0, result.stderr
    assert list((root / "output/sheets").glob("*.docx")) and not list((root / "output/sheets").glob("*.pdf"))


def test_the_library_builds_word_documents(make_workspace, tmp_path):
    from briefgen.api import FORMATS, BuildRequest, Project, build

    assert "docx" in FORMATS
    result = build(Project.open(make_workspace()), BuildRequest(formats=("docx",), out_dir=tmp_path / "lib"))
    assert [p.suffix for p in result.written if p.suffix == ".docx"] and not result.failures


def test_libreoffice_lays_the_one_pager_out_on_one_page(built, tmp_path):
    soffice = shutil.which("soffice")
    if not soffice:
        message = "LibreOffice is missing (apt-get install libreoffice-writer-nogui; .ci/run installs it)"
        if IN_CI:
            pytest.fail(f"CI=true but {message}", pytrace=False)
        pytest.skip(message)
    from pypdf import PdfReader

    for case in ("numbered", "branded", "chicago-notes"):
        source = built[case] / f"{ONE_PAGER}.docx"
        out = tmp_path / case
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", str(out), str(source)],
                       check=True, capture_output=True, timeout=180)
        reader = PdfReader(str(out / f"{ONE_PAGER}.pdf"))
        assert len(reader.pages) == 1, case
        text = " ".join(reader.pages[0].extract_text().split())
        for heading in ("THE PROBLEM", "THE LAW TODAY", "WHAT WE ASK", "SOURCES" if case != "chicago-notes" else
                        "47 U.S.C. § 230 (1996), § 230(C)(1)"):  # the notes at the foot of the page
            assert heading in text.upper(), (case, heading)
        assert "Section 230 and the Online Sexual Exploitation of Children" in text


def test_an_svg_logo_takes_its_png_copy(tmp_path, run):
    root = sample(tmp_path / "ws", branded=True)
    (root / "assets/logo.png").rename(root / "assets/logo.svg.png")
    (root / "assets/logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>',
                                          encoding="utf-8")
    config = root / "briefgen.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("logo.png", "logo.svg"), encoding="utf-8")
    result = run(root, "build", "--format", "docx", SHEET, "--quiet")
    assert "DOCX: the logo assets/logo.svg is SVG, which only Word 2016 and later show" in result.stderr
    assert "word/media/" in "".join(zipfile.ZipFile(root / f"output/{SHEET}.docx").namelist())
    (root / "assets/logo.svg.png").rename(root / "assets/logo.png")
    result = run(root, "build", "--format", "docx", SHEET)
    assert "wrote" in result.stdout and "SVG" not in result.stderr  # the PNG copy, once added, is used
    media = [n for n in zipfile.ZipFile(root / f"output/{SHEET}.docx").namelist() if n.startswith("word/media/")]
    assert media and all(n.endswith(".png") for n in media)


def test_lists_in_details_and_the_ask_take_word_list_styles(make_workspace, run):
    facts = make_workspace().joinpath("sources/facts.yaml").read_text(encoding="utf-8")
    facts = facts.replace('claim: "Fact A is *true*."', 'claim: "Fact A is *true*."\n    detail: "- one\\n- two"', 1)
    briefs = ("briefs:\n  - {id: b, title: T, template: fact-sheet, date: 2026-01-02, ask: \"Do:\\n\\n1. first\\n2. second\", "
              "sections: [{heading: H, facts: [fact-a]}]}\n")
    root = make_workspace(facts=facts, briefs=briefs)
    result = run(root, "build", "--format", "docx")
    assert result.exit_code == 0, result.stderr
    assert paragraphs(root / "output/b.docx", "List Bullet") == ["one", "two"]
    assert paragraphs(root / "output/b.docx", "List Number") == ["first", "second"]
