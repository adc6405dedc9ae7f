"""Print-perfect PDFs: tagged and accessible, reproducible to the byte, branded
from briefgen.yaml, on the paper asked for."""

import pikepdf
import pytest
from pypdf import PdfReader

from conftest import copy_sample

SVG_LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
            '<rect width="40" height="40" fill="#0b5d4b"/></svg>')
CONFIG = """\
organization:
  name: Example Coalition
  logo: assets/logo.svg
  website: https://example.org
  contact: "Policy team, policy@example.org"
colors: {primary: "#0b5d4b", accent: "#8a3b12"}
paper: a4
lang: en-GB
footer: "For discussion only."
qr: true
"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample workspace, copied and built once."""
    from click.testing import CliRunner

    from briefgen.commands.cli import cli

    root = copy_sample(tmp_path_factory.mktemp("sample") / "ws")
    result = CliRunner().invoke(cli, ["--root", str(root), "build"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return root


def test_pdf_is_tagged_and_accessible(sample):
    with pikepdf.open(sample / "output/section-230-one-pager.pdf") as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == "en"
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title) == "Section 230 and the Online Sexual Exploitation of Children"
        assert str(pdf.docinfo.Subject) == "What a 2025 MSNBC segment reported, and what the law says today"
        assert str(pdf.docinfo.Keywords) == "section-230, child-safety"
        titles = []
        with pdf.open_outline() as outline:
            stack = list(outline.root)
            while stack:
                item = stack.pop(0)
                titles.append(item.title)
                stack[:0] = list(item.children)
        assert titles[0] == "Section 230 and the Online Sexual Exploitation of Children"
        assert {"The problem", "The law today", "What reformers propose", "Sources"} <= set(titles)
        assert b"pdfuaid:part=\"1\"" in root.Metadata.read_bytes()


def test_html_has_language_landmarks_and_heading_order(sample):
    import re

    html = (sample / "output/section-230-one-pager.html").read_text()
    assert '<html lang="en">' in html
    for landmark in ("<header", "<main>", "<footer"):
        assert landmark in html
    levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:]))


def test_builds_are_byte_identical_also_from_a_copy_elsewhere(sample, tmp_path, run):
    copy = copy_sample(tmp_path / "elsewhere" / "another-name")
    assert run(copy, "build").exit_code == 0
    names = sorted(p.name for p in (sample / "output").iterdir() if not p.name.startswith("."))
    assert names == sorted(p.name for p in (copy / "output").iterdir() if not p.name.startswith("."))
    for name in names:
        assert (sample / "output" / name).read_bytes() == (copy / "output" / name).read_bytes(), name
    for name in names:
        data = (copy / "output" / name).read_bytes()
        assert str(copy).encode() not in data and str(sample).encode() not in data


def test_source_date_epoch_dates_sheets(make_workspace, run, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    root = make_workspace()
    run(root, "build", "--per-tag", "--format", "html")
    assert '<time datetime="2026-01-01">January 1, 2026</time>' in (root / "output/tags/topic-x.html").read_text()


@pytest.mark.parametrize("paper, size", [("letter", (612, 792)), ("a4", (595, 842))])
def test_paper_size(make_workspace, run, paper, size):
    root = make_workspace(extra={"briefgen.yaml": f"paper: {paper}\n"})
    assert run(root, "build", "--format", "pdf").exit_code == 0
    box = PdfReader(root / "output/brief-one.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_branding_logo_qr_footer_and_organisation(make_workspace, run):
    root = make_workspace(extra={"briefgen.yaml": CONFIG, "assets/logo.svg": SVG_LOGO})
    text = (root / "sources/briefs.yaml").read_text().replace(
        "    template: one-pager\n", "    template: one-pager\n    url: https://example.org/b/one\n")
    (root / "sources/briefs.yaml").write_text(text)
    result = run(root, "build")
    assert result.exit_code == 0, result.stderr
    html = (root / "output/brief-one.html").read_text()
    assert '<html lang="en-GB">' in html
    assert '<img class="logo" src="data:image/svg+xml;base64,' in html  # embedded: the HTML stays one file
    assert '<img class="qr" src="data:image/svg+xml' in html
    assert "--primary: #0b5d4b" in html
    with pikepdf.open(root / "output/brief-one.pdf") as pdf:
        assert str(pdf.docinfo.Author) == "Example Coalition"
        assert str(pdf.Root.Lang) == "en-GB"
        alts = {str(node.get("/Alt")) for node in _struct_nodes(pdf) if "/Alt" in node}
        assert "Example Coalition" in alts  # the logo, with its alt text
        assert "QR code linking to the online copy of this brief: https://example.org/b/one" in alts
        uris = {str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", []) if "/A" in a and "/URI" in a.A}
        assert "https://example.org/b/one" in uris
    text = " ".join(PdfReader(root / "output/brief-one.pdf").pages[0].extract_text().split())
    assert "For discussion only." in text and "Policy team, policy@example.org" in text


def _struct_nodes(pdf):
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        yield node
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(k for k in kids if isinstance(k, pikepdf.Dictionary))
        elif isinstance(kids, pikepdf.Dictionary):
            stack.append(kids)


def test_pdf_variant_passes_through(make_workspace, run):
    root = make_workspace()
    assert run(root, "build", "--format", "pdf", "--pdf-variant", "pdf/a-3b").exit_code == 0
    with pikepdf.open(root / "output/brief-one.pdf") as pdf:
        meta = pdf.Root.Metadata.read_bytes()
        assert b'pdfaid:part="3"' in meta and b'pdfaid:conformance="B"' in meta


@pytest.mark.parametrize("config, line", [
    ("paper: a5\n", "briefgen.yaml:1: 'a5' is not a valid paper (one of: letter, a4)"),
    ("colors:\n  primary: red\n", "briefgen.yaml:2: colors.primary: 'red' is not a colour: write it as #rgb or #rrggbb"),
    ("organization:\n  name: X\n  logo: ../outside.png\n",
     "briefgen.yaml:3: organization.logo: '../outside.png' must be a path inside the workspace, relative to it"),
    ("organization:\n  name: X\n  logo: assets/missing.png\n",
     "briefgen.yaml:3: organization.logo: no file 'assets/missing.png' in the workspace (or it leads outside it)"),
    ("organization:\n  name: X\n  logo: assets/logo.bmp\n",
     "briefgen.yaml:3: organization.logo: 'assets/logo.bmp' is not an image briefgen can embed "
     "(use .svg, .png, .jpg, .jpeg, .gif, .webp)"),
    ("qr: maybe\n", "briefgen.yaml:1: 'qr' should be true or false, not 'maybe'"),
    ("lang: english language\n", "briefgen.yaml:1: lang: 'english language' is not a language tag: write one such as en, en-US or es"),
    ("papr: a4\n", "briefgen.yaml:1: unknown field 'papr' (did you mean 'paper'?)"),
    ("- a\n- b\n", "briefgen.yaml:1: briefgen.yaml must be a mapping of settings (paper: a4, ...)"),
    ("paper: [a4\n", "briefgen.yaml:1: a list opened with [ on this line is never closed: end it with ] on the "
                     "same line"),
])
def test_bad_configuration_is_reported_with_file_and_line(make_workspace, run, config, line):
    root = make_workspace(extra={"briefgen.yaml": config})
    for command in ("check", "build"):
        result = run(root, command)
        assert result.exit_code == 1
        assert "Traceback" not in result.stderr
        if line is None:
            assert result.stderr.startswith("briefgen.yaml:1: invalid YAML:")
        else:
            assert result.stderr == line + "\n"
    assert not (root / "output").exists()


def test_every_mistake_in_the_configuration_is_reported_in_one_run(make_workspace, run):
    config = "paper: a5\nstyle: nonsense\norganization:\n  name: X\n  logo: assets/missing.png\nlang: e n\n"
    root = make_workspace(extra={"briefgen.yaml": config})
    for command in ("check", "build"):
        result = run(root, command)
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [
            "briefgen.yaml:1: 'a5' is not a valid paper (one of: letter, a4)",
            "briefgen.yaml:2: unknown style 'nonsense' (one of: numbered, chicago-notes, chicago-author-date, apa, "
            "mla, ieee, legal, the name of a style in the CSL style repository, or the path of a .csl file)",
            "briefgen.yaml:5: organization.logo: no file 'assets/missing.png' in the workspace (or it leads outside it)",
            "briefgen.yaml:6: lang: 'e n' is not a language tag: write one such as en, en-US or es",
            "4 problems found.",
        ]


def test_a_mistake_inside_the_organization_does_not_hide_its_logo_problem(make_workspace, run):
    config = "organization:\n  name: X\n  logo: assets/missing.png\n  webiste: https://example.org\n"
    result = run(make_workspace(extra={"briefgen.yaml": config}), "check")
    assert result.stderr.splitlines() == [
        "briefgen.yaml:3: organization.logo: no file 'assets/missing.png' in the workspace (or it leads outside it)",
        "briefgen.yaml:4: unknown field 'organization.webiste' (did you mean 'website'?)",
        "2 problems found.",
    ]


def test_a_new_logo_rebuilds_the_briefs(make_workspace, run):
    root = make_workspace(extra={"briefgen.yaml": CONFIG, "assets/logo.svg": SVG_LOGO})
    assert run(root, "build", "--format", "html").exit_code == 0
    (root / "assets/logo.svg").write_text(SVG_LOGO.replace("#0b5d4b", "#123456"))
    result = run(root, "build", "--format", "html")
    assert "wrote" in result.stdout and "brief-one.html" in result.stdout


def _page_texts(layout) -> list[tuple[str, str]]:
    """Each page's text as (outside the contact footer, inside it)."""
    pages = []
    for page in layout.document.pages:
        parts = {False: [], True: []}
        stack = [(child, False) for child in page._page_box.children[:1]]  # the root element, not margin boxes
        while stack:
            box, in_contact = stack.pop()
            element = getattr(box, "element", None)
            classes = (element.get("class") or "").split() if element is not None and hasattr(element, "get") else []
            if "draft-watermark" in classes:
                continue  # on every page
            in_contact = in_contact or "contact" in classes
            if type(box).__name__ == "TextBox":
                parts[in_contact].append(box.text)
            stack.extend((child, in_contact) for child in getattr(box, "children", ()))
        pages.append((" ".join(" ".join(parts[False]).split()), " ".join(" ".join(parts[True]).split())))
    return pages


def test_a_fact_sheet_never_ends_with_a_page_holding_only_the_contact(make_workspace, run):
    from briefgen.render.pdf import Layout

    config = ('organization:\n  name: Example Coalition\n  website: https://example.org\n'
              '  contact: "Policy team, policy@example.org"\n')
    briefs = ("briefs:\n  - id: sheet\n    title: A sheet\n    template: fact-sheet\n"
                                 "    date: 2026-01-15\n    sections:\n      - {heading: All, facts: [fact-a, fact-b, fact-c]}\n")
    root = make_workspace(briefs=briefs, extra={"briefgen.yaml": config})
    assert run(root, "build", "--format", "html").exit_code == 0
    html = (root / "output/sheet.html").read_text()
    claim = "Fact C is a recommendation."
    assert html.count(claim) == 1

    def laid_out(lines: int):
        longer = claim + "<br>Another line of the last section." * lines
        return Layout(html.replace(claim, longer), root, (root,))

    # The last section grows a line at a time (a line is shorter than the
    # contact block): the first length that takes a second page is the one at
    # which the contact alone would be pushed over.
    low, high = 0, 200
    assert laid_out(low).pages == 1 and laid_out(high).pages >= 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if laid_out(middle).pages == 1 else (low, middle)
    pages = _page_texts(laid_out(high))
    assert len(pages) == 2
    (first, first_contact), (last, last_contact) = pages
    assert not first_contact and "Policy team" in last_contact and "example.org" in last_contact  # whole
    assert last  # and with the end of the last section, not on a page of its own
