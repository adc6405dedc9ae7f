"""Citation styles: golden strings for each named style on references of
every type the issue names, in-text markers, the hooks every style keeps,
and the ways a style can be chosen or refused."""

from __future__ import annotations

import re
import shutil

import pytest

from briefgen.compose import citeproc
from briefgen.compose import style as styles
from briefgen.source.load import load
from conftest import REPO

FIXTURE = REPO / "tests" / "data" / "style-references.yaml"

# What each style prints for each reference in a brief's list of sources
# (for a note style, the reference's first note).  Read against the style
# guides: 47 U.S.C. § 230, Pub. L. No. 115-164, 132 Stat. 1253 (2018), the
# case name in italics in the legal style.
GOLDEN = {
    "chicago-notes": {
        "usc-47-230": 'Protection for Private Blocking and Screening of Offensive Material, 47 U.S.C. § 230 (2018).',
        "pl-115-164": (
            'Allow States and Victims to Fight Online Sex Trafficking Act of 2017, Pub. L. '
            'No. 115-164, 132 Stat. 1253 (2018).'
        ),
        "hr-1865": (
            'Allow States and Victims to Fight Online Sex Trafficking Act of 2017, H.R. 1865, '
            '115th Cong. (2017).'
        ),
        "doe-backpage": 'Jane Doe No. 1 v. Backpage.com, LLC, 817 F.3d 12 (1st Cir. 2016).',
        "hrpt-115-572": (
            'U.S. House of Representatives, Committee on the Judiciary, <em>Allow States and '
            'Victims to Fight Online Sex Trafficking Act of 2017</em>, H.R. Rep. No. 115-572, '
            'pt. 1 (2018).'
        ),
        "msnbc": (
            '<em>Expert: Ghislaine Maxwell’s DOJ Interview Is a Snapshot of How America '
            'Handles Sex Trafficking Cases</em>, aired August 24, 2025, on MSNBC.'
        ),
        "kosseff": (
            'Jeff Kosseff, <em>The Twenty-Six Words That Created the Internet</em> (Cornell '
            'University Press, 2019).'
        ),
        "citron": (
            'Danielle Keats Citron and Benjamin Wittes, <span>“The Internet Will Not Break: '
            'Denying Bad Samaritans § 230 Immunity,”</span> <em>Fordham Law Review</em> 86, '
            'no. 2 (2017): 401–23.'
        ),
        "lii": (
            '<span>“47 U.S. Code § 230,”</span> Legal Information Institute, Cornell Law '
            'School, accessed September 1, 2025, <a '
            'href="https://www.law.cornell.edu/uscode/text/47/230" rel="noopener '
            'noreferrer">https://www.law.cornell.edu/uscode/text/47/230</a>.'
        ),
        "gazette": (
            'Ana Rivera, <span>“Council Hears Testimony on Online Safety,”</span> <em>The '
            'Example Gazette</em>, August 25, 2025.'
        ),
    },
    "chicago-author-date": {
        "usc-47-230": 'Protection for Private Blocking and Screening of Offensive Material, 47 U.S.C. § 230 (2018).',
        "pl-115-164": (
            'Allow States and Victims to Fight Online Sex Trafficking Act of 2017, Pub. L. '
            'No. 115-164, 132 Stat. 1253 (2018).'
        ),
        "hr-1865": (
            'Allow States and Victims to Fight Online Sex Trafficking Act of 2017, H.R. 1865, '
            '115th Cong. (2017).'
        ),
        "doe-backpage": 'Jane Doe No. 1 v. Backpage.com, LLC, 817 F.3d 12 (1st Cir. 2016).',
        "hrpt-115-572": (
            'U.S. House of Representatives, Committee on the Judiciary. 2018. <em>Allow '
            'States and Victims to Fight Online Sex Trafficking Act of 2017</em>. H.R. Rep. '
            'No. 115-572, pt. 1.'
        ),
        "msnbc": (
            '<em>Expert: Ghislaine Maxwell’s DOJ Interview Is a Snapshot of How America '
            'Handles Sex Trafficking Cases</em>. 2025. Aired August 24, on MSNBC.'
        ),
        "kosseff": (
            'Kosseff, Jeff. 2019. <em>The Twenty-Six Words That Created the Internet</em>. '
            'Cornell University Press.'
        ),
        "citron": (
            'Citron, Danielle Keats, and Benjamin Wittes. 2017. <span>“The Internet Will Not '
            'Break: Denying Bad Samaritans § 230 Immunity.”</span> <em>Fordham Law '
            'Review</em> 86 (2): 401–23.'
        ),
        "lii": (
            'Cornell Law School. n.d. <span>“47 U.S. Code § 230.”</span> Legal Information '
            'Institute. Accessed September 1, 2025. <a '
            'href="https://www.law.cornell.edu/uscode/text/47/230" rel="noopener '
            'noreferrer">https://www.law.cornell.edu/uscode/text/47/230</a>.'
        ),
        "gazette": (
            'Rivera, Ana. 2025. <span>“Council Hears Testimony on Online Safety.”</span> '
            '<em>The Example Gazette</em>, August 25.'
        ),
    },
    "apa": {
        "usc-47-230": 'Protection for Private Blocking and Screening of Offensive Material, 47 U.S.C. § 230 (2018).',
        "pl-115-164": (
            'Allow States and Victims to Fight Online Sex Trafficking Act of 2017, Pub. L. '
            'No. 115-164, 132 Stat. 1253 (2018).'
        ),
        "hr-1865": (
            'Allow States and Victims to Fight Online Sex Trafficking Act of 2017, H.R. 1865, '
            '115th Cong. (2017).'
        ),
        "doe-backpage": 'Jane Doe No. 1 v. Backpage.com, LLC, 817 F.3d 12 (1st Cir. 2016).',
        "hrpt-115-572": (
            'U.S. House of Representatives, Committee on the Judiciary. (2018). <em>Allow '
            'States and Victims to Fight Online Sex Trafficking Act of 2017</em> (H.R. Rep. '
            'No. 115-572, pt. 1).'
        ),
        "msnbc": (
            '<em>Expert: Ghislaine Maxwell’s DOJ interview is a snapshot of how America '
            'handles sex trafficking cases</em>. (2025, August 24). [Broadcast]. MSNBC.'
        ),
        "kosseff": (
            'Kosseff, J. (2019). <em>The Twenty-Six Words That Created the Internet</em>. '
            'Cornell University Press.'
        ),
        "citron": (
            'Citron, D. K., &amp; Wittes, B. (2017). The Internet Will Not Break: Denying Bad '
            'Samaritans § 230 Immunity. <em>Fordham Law Review</em>, <em>86</em>(2), 401–423.'
        ),
        "lii": (
            'Cornell Law School. (n.d.). <em>47 U.S. Code § 230</em>. Legal Information '
            'Institute. Retrieved September 1, 2025, from <a '
            'href="https://www.law.cornell.edu/uscode/text/47/230" rel="noopener '
            'noreferrer">https://www.law.cornell.edu/uscode/text/47/230</a>'
        ),
        "gazette": (
            'Rivera, A. (2025, August 25). Council hears testimony on online safety. <em>The '
            'Example Gazette</em>.'
        ),
    },
    "mla": {
        "usc-47-230": (
            'Protection for Private Blocking and Screening of Offensive Material. '
            '<em>U.S.C.</em>, vol. 47, 2018.'
        ),
        "pl-115-164": (
            'Allow States and Victims to Fight Online Sex Trafficking Act of 2017. '
            '<em>Stat.</em>, vol. 132, 115-164, 11 Apr. 2018, p. 1253.'
        ),
        "hr-1865": 'Allow States and Victims to Fight Online Sex Trafficking Act of 2017. H.R. 1865, 2017.',
        "doe-backpage": '<em>Jane Doe No. 1 v. Backpage.com, LLC</em>. <em>F.3d</em>, vol. 817, 2016, p. 12.',
        "hrpt-115-572": (
            'U.S. House of Representatives, Committee on the Judiciary. <em>Allow States and '
            'Victims to Fight Online Sex Trafficking Act of 2017</em>. H.R. Rep. No. 115-572, '
            'pt. 1, 20 Feb. 2018.'
        ),
        "msnbc": (
            '<em>Expert: Ghislaine Maxwell’s DOJ Interview Is a Snapshot of How America '
            'Handles Sex Trafficking Cases</em>. MSNBC, 24 Aug. 2025.'
        ),
        "kosseff": (
            'Kosseff, Jeff. <em>The Twenty-Six Words That Created the Internet</em>. Cornell '
            'University Press, 2019.'
        ),
        "citron": (
            'Citron, Danielle Keats, and Benjamin Wittes. <span>“The Internet Will Not Break: '
            'Denying Bad Samaritans § 230 Immunity.”</span> <em>Fordham Law Review</em>, vol. '
            '86, no. 2, 2017, pp. 401–23.'
        ),
        "lii": (
            '<span>“47 U.S. Code § 230.”</span> <em>Legal Information Institute</em>, Cornell '
            'Law School, <a href="https://www.law.cornell.edu/uscode/text/47/230" '
            'rel="noopener noreferrer">https://www.law.cornell.edu/uscode/text/47/230</a>. '
            'Accessed 1 Sept. 2025.'
        ),
        "gazette": (
            'Rivera, Ana. <span>“Council Hears Testimony on Online Safety.”</span> <em>The '
            'Example Gazette</em>, 25 Aug. 2025.'
        ),
    },
    "ieee": {
        "usc-47-230": '<em>Protection for private blocking and screening of offensive material</em>, vol. 47. 2018.',
        "pl-115-164": (
            '<em>Allow States and Victims to Fight Online Sex Trafficking Act of 2017</em>, '
            'vol. 132. 2018, p. 1253.'
        ),
        "hr-1865": '<em>Allow States and Victims to Fight Online Sex Trafficking Act of 2017</em>. 2017.',
        "doe-backpage": '<em>Jane Doe No. 1 v. Backpage.com, LLC</em>, vol. 817. 2016, p. 12.',
        "hrpt-115-572": (
            'U.S. House of Representatives, Committee on the Judiciary, <span>“Allow States '
            'and Victims to Fight Online Sex Trafficking Act of 2017,”</span> H.R. Rep. No. '
            '115-572, pt. 1, Feb. 2018.'
        ),
        "msnbc": (
            '<span>“Expert: Ghislaine Maxwell’s DOJ interview is a snapshot of how America '
            'handles sex trafficking cases,”</span> MSNBC, Aug. 24, 2025.'
        ),
        "kosseff": (
            'J. Kosseff, <em>The Twenty-Six Words That Created the Internet</em>. Ithaca, NY: '
            'Cornell University Press, 2019.'
        ),
        "citron": (
            'D. K. Citron and B. Wittes, <span>“The Internet Will Not Break: Denying Bad '
            'Samaritans § 230 Immunity,”</span> <em>Fordham Law Review</em>, vol. 86, no. 2, '
            'pp. 401–423, 2017.'
        ),
        "lii": (
            '<span>“47 U.S. Code § 230,”</span> Legal Information Institute. Accessed: Sep. '
            '01, 2025. [Online]. Available: <a '
            'href="https://www.law.cornell.edu/uscode/text/47/230" rel="noopener '
            'noreferrer">https://www.law.cornell.edu/uscode/text/47/230</a>'
        ),
        "gazette": (
            'A. Rivera, <span>“Council hears testimony on online safety,”</span> <em>The '
            'Example Gazette</em>, Aug. 25, 2025.'
        ),
    },
    "legal": {
        "usc-47-230": '47 U.S.C. § 230.',
        "pl-115-164": (
            'Allow States and Victims to Fight Online Sex Trafficking Act of 2017, Pub. L. '
            'No. 115-164, 132 Stat. 1253 (2018).'
        ),
        "hr-1865": (
            'Allow States and Victims to Fight Online Sex Trafficking Act of 2017, H.R. 1865, '
            '115th Cong. (2017).'
        ),
        "doe-backpage": '<em>Jane Doe No. 1 v. Backpage.com, LLC</em>, 817 F.3d 12 (1st Cir. 2016).',
        "hrpt-115-572": 'H.R. Rep. No. 115-572, pt. 1 (2018).',
        "msnbc": (
            '<em>Expert: Ghislaine Maxwell’s DOJ Interview Is a Snapshot of How America '
            'Handles Sex Trafficking Cases</em> (MSNBC broadcast Aug. 24, 2025).'
        ),
        "kosseff": 'Jeff Kosseff, <em>The Twenty-Six Words That Created the Internet</em> (2019).',
        "citron": (
            'Danielle Keats Citron &amp; Benjamin Wittes, <em>The Internet Will Not Break: '
            'Denying Bad Samaritans § 230 Immunity</em>, 86 Fordham Law Review 401 (2017).'
        ),
        "lii": (
            '<em>47 U.S. Code § 230</em>, Legal Information Institute, <a '
            'href="https://www.law.cornell.edu/uscode/text/47/230" rel="noopener '
            'noreferrer">https://www.law.cornell.edu/uscode/text/47/230</a> (last visited '
            'Sept. 1, 2025).'
        ),
        "gazette": (
            'Ana Rivera, <em>Council Hears Testimony on Online Safety</em>, The Example '
            'Gazette, Aug. 25, 2025.'
        ),
    },
}


@pytest.fixture(scope="module")
def references(tmp_path_factory):
    root = tmp_path_factory.mktemp("refs")
    (root / "sources").mkdir()
    shutil.copy(FIXTURE, root / "sources" / "references.yaml")
    sources = load(root)
    assert sources.problems == []
    return root, sources.references


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_each_style_formats_every_type_as_its_guide_does(references, name):
    root, refs = references
    formatted = citeproc.format_references(styles.resolve(name, root), refs, set())
    assert {r.id: formatted.entries[r.id] for r in refs} == GOLDEN[name]


@pytest.mark.parametrize(
    ("name", "pairs", "expected"),
    [
        ("apa", [("kosseff", None), ("citron", "p. 410")], "(Kosseff, 2019; Citron &amp; Wittes, 2017, p. 410)"),
        ("chicago-author-date", [("kosseff", None), ("citron", "p. 410")], "(Kosseff 2019; Citron and Wittes 2017, 410)"),
        ("mla", [("kosseff", "p. 3")], "(Kosseff 3)"),
    ],
    ids=["apa", "chicago-author-date", "mla"],
)
def test_author_date_styles_cite_author_and_year_linked_to_the_source(references, name, pairs, expected):
    root, refs = references
    formatted = citeproc.format_references(styles.resolve(name, root), refs, set(pairs))
    marker = str(formatted.marker(pairs))
    assert re.sub(r"<a href=\"#ref-[a-z0-9-]+\">|</a>", "", marker) == expected
    assert re.findall(r'href="#ref-([a-z0-9-]+)"', marker) == [ref_id for ref_id, _ in pairs]


def test_two_works_of_one_author_and_year_are_told_apart_in_text_and_list(references):
    root, refs = references
    kosseff = next(r for r in refs if r.id == "kosseff")
    twin = kosseff.model_copy(update={"id": "kosseff-b", "title": "A second book"})  # made up, for the test
    pairs = [("kosseff", None), ("kosseff-b", None)]
    formatted = citeproc.format_references(styles.resolve("apa", root), [*refs, twin], set(pairs))
    marker = re.sub(r"<[^>]+>", "", str(formatted.marker(pairs)))
    assert marker == "(Kosseff, 2019b; Kosseff, 2019a)"  # suffixes follow the titles' order
    assert "(2019a)" in formatted.entries["kosseff-b"] and "(2019b)" in formatted.entries["kosseff"]


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        (("usc-47-230", "§ 230(c)(1)"), "47 U.S.C. § 230(c)(1)"),
        (("doe-backpage", "p. 22"), "<em>Jane Doe No. 1 v. Backpage.com, LLC</em>, 817 F.3d 12, 22 (1st Cir. 2016)"),
        (("hrpt-115-572", "p. 5"), "H.R. Rep. No. 115-572, pt. 1, at 5 (2018)"),
        (("citron", "p. 410"), "Danielle Keats Citron &amp; Benjamin Wittes, <em>The Internet Will Not Break: "
                               "Denying Bad Samaritans § 230 Immunity</em>, 86 Fordham Law Review 401, 410 (2017)"),
    ],
    ids=["statute-subsection", "case-pinpoint", "report-at", "article-pinpoint"],
)
def test_the_legal_style_puts_pinpoints_where_lawyers_expect_them(references, pair, expected):
    root, refs = references
    formatted = citeproc.format_references(styles.resolve("legal", root), refs, {pair})
    assert formatted.citations[pair] == expected


# A brief over the fixture references: three facts, one citing two sources.
STYLE_FACTS = """\
facts:
  - id: immunity
    claim: "Platforms are not treated as the publisher of what their users post."
    tags: [law]
    status: verified
    cite:
      - ref: usc-47-230
        locator: "§ 230(c)(1)"
      - ref: kosseff
  - id: case
    claim: "A court of appeals held the immunity applied."
    tags: [law]
    status: verified
    cite:
      - ref: doe-backpage
        locator: "p. 22"
  - id: reform
    claim: "Congress narrowed the immunity in 2018."
    tags: [law]
    status: verified
    cite:
      - ref: pl-115-164
"""

STYLE_BRIEF = """\
briefs:
  - id: b
    title: "B"
    template: {template}
    date: 2026-01-01
    {style}
    sections:
      - heading: "H"
        facts: [immunity, case, reform]
"""


def styled_workspace(make_workspace, template="one-pager", style="", config=None):
    extra = {"briefgen.yaml": config} if config else None
    return make_workspace(references=FIXTURE.read_text(encoding="utf-8"), facts=STYLE_FACTS,
                          briefs=STYLE_BRIEF.format(template=template, style=style), extra=extra)


def sources_list(html: str) -> list[str]:
    """The ids of the list of sources, in order."""
    return re.findall(r'<li id="ref-([a-z0-9-]+)"', html)


@pytest.mark.parametrize("name", [*sorted(GOLDEN), "numbered"])
@pytest.mark.parametrize("template", ["one-pager", "fact-sheet"])
def test_every_style_keeps_the_hooks(make_workspace, run, name, template):
    root = styled_workspace(make_workspace, template)
    result = run(root, "build", "--format", "html", "--style", name)
    assert result.exit_code == 0, result.output
    html = (root / "output" / "b.html").read_text()
    assert re.findall(r'data-fact-id="([a-z-]+)"', html) == ["immunity", "case", "reform"]
    cited = {"usc-47-230", "kosseff", "doe-backpage", "pl-115-164"}
    assert set(sources_list(html)) == cited  # only what the brief cites, each once
    assert set(re.findall(r'href="#ref-([a-z0-9-]+)"', html)) == cited


@pytest.mark.parametrize("name", ["apa", "chicago-author-date", "mla"])
def test_in_text_styles_cite_in_the_text_and_list_sources_alphabetically(make_workspace, run, name):
    root = styled_workspace(make_workspace)
    assert run(root, "build", "--format", "html", "--style", name).exit_code == 0
    html = (root / "output" / "b.html").read_text()
    assert '<sup class="cite">' not in html  # no numbers
    assert html.count('<span class="cite in-text">') == 3
    assert '<ul class="bibliography">' in html and "<ol>" not in html
    # the style's order: by author, or the title where there is none
    assert sources_list(html) == ["pl-115-164", "doe-backpage", "kosseff", "usc-47-230"]


def test_an_author_date_marker_reads_as_the_style_prints_it(make_workspace, run):
    root = styled_workspace(make_workspace)
    assert run(root, "build", "--format", "html", "--style", "apa").exit_code == 0
    html = (root / "output" / "b.html").read_text()
    assert ('<span class="cite in-text">(<a href="#ref-doe-backpage"><em>Jane Doe No. 1 v. Backpage.com, LLC</em>'
            ', 2016, p. 22</a>)</span>') in html
    assert ('(<a href="#ref-usc-47-230">Protection for Private Blocking and Screening of Offensive Material, 2018, '
            '§ 230(c)(1)</a>; <a href="#ref-kosseff">Kosseff, 2019</a>)') in html


@pytest.mark.parametrize("name", ["chicago-notes", "legal", "ieee"])
def test_note_and_numeric_styles_keep_numbers_in_citation_order(make_workspace, run, name):
    root = styled_workspace(make_workspace)
    assert run(root, "build", "--format", "html", "--style", name).exit_code == 0
    html = (root / "output" / "b.html").read_text()
    assert sources_list(html) == ["usc-47-230", "kosseff", "doe-backpage", "pl-115-164"]
    assert re.findall(r'<li id="ref-[a-z0-9-]+" value="(\d)">', html) == ["1", "2", "3", "4"]
    entry = re.search(r'<li id="ref-doe-backpage" value="3">(.*?)\s*</li>', html, re.S)[1]
    assert entry == GOLDEN[name]["doe-backpage"]


def test_the_legal_style_in_a_built_brief(make_workspace, run):
    root = styled_workspace(make_workspace, style="style: legal")
    assert run(root, "build", "--format", "html").exit_code == 0
    html = (root / "output" / "b.html").read_text()
    assert '<li id="ref-usc-47-230" value="1">47 U.S.C. § 230.' in html
    assert ("Allow States and Victims to Fight Online Sex Trafficking Act of 2017, Pub. L. No. 115-164, "
            "132 Stat. 1253 (2018).") in html
    assert "<em>Jane Doe No. 1 v. Backpage.com, LLC</em>, 817 F.3d 12 (1st Cir. 2016)." in html
    assert "[1, § 230(c)(1); 2]" in re.sub(r"<[^>]+>", "", html)  # the pinpoints stay beside the numbers


def test_style_precedence_option_over_brief_over_config(make_workspace, run):
    root = styled_workspace(make_workspace, style="style: legal", config="style: apa\n")
    assert run(root, "build", "--format", "html").exit_code == 0
    assert "47 U.S.C. § 230." in (root / "output" / "b.html").read_text()  # the brief's own: legal
    assert run(root, "build", "--format", "html", "--style", "mla").exit_code == 0
    text = re.sub(r"<[^>]+>", "", (root / "output" / "b.html").read_text())
    assert "sec. 230(c)(1); Kosseff)" in text and "Kosseff, Jeff. The Twenty-Six" in text  # --style wins: MLA

    root2 = styled_workspace(make_workspace, config="style: apa\n")
    shutil.rmtree(root2 / "output", ignore_errors=True)
    assert run(root2, "build", "--format", "html").exit_code == 0
    assert "Kosseff, J. (2019)." in (root2 / "output" / "b.html").read_text()  # briefgen.yaml's


def test_a_style_file_in_the_workspace_works_and_a_dependent_one_uses_its_parent(make_workspace, run):
    root = styled_workspace(make_workspace, style="style: styles/mine.csl")
    (root / "styles").mkdir()
    shutil.copy(styles._package_style("apa"), root / "styles" / "mine.csl")
    assert run(root, "build", "--format", "html").exit_code == 0
    assert "Kosseff, J. (2019)." in (root / "output" / "b.html").read_text()

    # a dependent style names its parent by URL: taken from the style package, never fetched
    (root / "styles" / "mine.csl").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="en-US">\n'
        '  <info><title>Mine</title><id>mine</id>\n'
        '    <link href="http://www.zotero.org/styles/modern-language-association" rel="independent-parent"/>\n'
        '    <category citation-format="author"/></info>\n</style>\n', encoding="utf-8")
    assert run(root, "build", "--format", "html").exit_code == 0
    assert "Kosseff, Jeff. <em>The Twenty-Six Words" in (root / "output" / "b.html").read_text()


@pytest.mark.parametrize(
    ("style", "message"),
    [
        ("style: chicago", "brief 'b': unknown style 'chicago' (did you mean 'chicago-notes'?) (one of: "
                           "numbered, chicago-notes, chicago-author-date, apa, mla, ieee, legal, the name of a style "
                           "in the CSL style repository, or the path of a .csl file)"),
        ("style: styles/none.csl", "brief 'b': style 'styles/none.csl': no such file inside the workspace (or it leads outside it)"),
        ("style: ../outside.csl", "brief 'b': style '../outside.csl': no such file inside the workspace (or it leads outside it)"),
        ("style: sources/briefs.yaml.csl", "brief 'b': style 'sources/briefs.yaml.csl': no such file inside "
                                           "the workspace (or it leads outside it)"),
    ],
    ids=["unknown-name", "missing-file", "outside", "not-there"],
)
def test_a_bad_style_is_refused_at_its_line(make_workspace, refused, style, message):
    root = styled_workspace(make_workspace, style=style)
    (root.parent / "outside.csl").write_text("<style/>", encoding="utf-8")
    assert refused(root) == [f"sources/briefs.yaml:6: {message}"]


def test_any_style_of_the_style_repository_works_by_name(make_workspace, run):
    root = styled_workspace(make_workspace, style="style: american-medical-association")
    assert run(root, "build", "--format", "html").exit_code == 0
    assert "Kosseff J. <em>The Twenty-Six Words That Created the Internet</em>. Cornell University Press; 2019." \
        in (root / "output" / "b.html").read_text()
    result = run(root, "build", "--style", "american-medical-asociation")
    assert result.stderr.startswith("--style: unknown style 'american-medical-asociation' "
                                    "(did you mean 'american-medical-association'?)")


def test_a_style_pandoc_refuses_is_reported_where_it_was_chosen(make_workspace, run):
    root = styled_workspace(make_workspace, config="style: odd.csl\n")
    (root / "odd.csl").write_text('<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">'
                                  "<citation><layout><bogus/></layout></citation></style>", encoding="utf-8")
    result = run(root, "build", "--format", "html")
    assert result.exit_code == 1
    assert result.stderr.startswith("briefgen.yaml:1: style 'odd.csl': pandoc could not format the references: ")
    assert "Traceback" not in result.stderr and not (root / "output").exists()
    result = run(root, "build", "--format", "html", "--style", "odd.csl")
    assert result.stderr.startswith("--style: style 'odd.csl': pandoc could not format the references: ")


def test_a_file_that_is_not_a_csl_style_is_refused(make_workspace, refused):
    root = styled_workspace(make_workspace, style="style: notes.csl")
    (root / "notes.csl").write_text("<notes>hello</notes>\n", encoding="utf-8")
    assert refused(root) == ["sources/briefs.yaml:6: brief 'b': style 'notes.csl': not a CSL style "
                             "(its root element is not <style>)"]
    (root / "notes.csl").write_text("<style", encoding="utf-8")
    [line] = refused(root)
    assert line.startswith("sources/briefs.yaml:6: brief 'b': style 'notes.csl': not a CSL style (")


def test_a_bad_style_in_the_config_or_option_is_refused(make_workspace, run):
    root = styled_workspace(make_workspace, config="paper: a4\nstyle: chicago-note\n")
    result = run(root, "check")
    assert result.exit_code == 1
    assert result.stderr.startswith("briefgen.yaml:2: unknown style 'chicago-note' (did you mean 'chicago-notes'?)")
    root = styled_workspace(make_workspace)
    result = run(root, "build", "--style", "appa")
    assert result.exit_code == 1
    assert result.stderr.startswith("--style: unknown style 'appa' (did you mean 'apa'?)")
    assert not (root / "output").exists()


def test_pandoc_runs_once_per_style_and_not_at_all_when_nothing_changed(make_workspace, run, monkeypatch,
                                                                        parse_cache):
    root = styled_workspace(make_workspace)
    calls = []
    real = citeproc._run_pandoc
    monkeypatch.setattr(citeproc, "_run_pandoc", lambda *a: calls.append(a[0].name) or real(*a))
    root_two = root / "sources" / "briefs.yaml"
    root_two.write_text(root_two.read_text() + STYLE_BRIEF.split("\n", 1)[1].replace("id: b", "id: c").format(
        template="fact-sheet", style=""), encoding="utf-8")
    assert run(root, "build", "--format", "html", "--style", "chicago-notes").exit_code == 0
    assert calls == ["chicago-notes"]  # two briefs, one run
    assert run(root, "build", "--format", "html", "--style", "chicago-notes", "--force").exit_code == 0
    assert calls == ["chicago-notes"]  # the formatted set is cached
    refs = root / "sources" / "references.yaml"
    refs.write_text(refs.read_text().replace("Cornell University Press", "Cornell Univ. Press"), encoding="utf-8")
    assert run(root, "build", "--format", "html", "--style", "chicago-notes").exit_code == 0
    assert calls == ["chicago-notes", "chicago-notes"]  # a changed reference: formatted again
    assert "(Cornell Univ. Press, 2019)" in (root / "output" / "b.html").read_text()


def test_changing_the_style_rebuilds_and_keeping_it_does_not(make_workspace, run):
    root = styled_workspace(make_workspace)
    assert run(root, "build", "--format", "html", "--style", "apa").exit_code == 0
    again = run(root, "build", "--format", "html", "--style", "apa")
    assert "nothing to do" in again.stdout
    other = run(root, "build", "--format", "html", "--style", "mla")
    assert "built 1," in other.stdout


def test_the_pdf_of_an_author_date_brief_carries_the_citations(make_workspace, run):
    from pypdf import PdfReader

    root = styled_workspace(make_workspace)
    assert run(root, "build", "b", "--style", "apa").exit_code == 0
    text = " ".join(PdfReader(root / "output" / "b.pdf").pages[0].extract_text().split())
    assert "(Kosseff, 2019)" in text or "Kosseff, 2019)" in text
    assert "Kosseff, J. (2019). The Twenty-Six Words That Created the Internet. Cornell University Press." in text


def test_no_citation_reads_as_a_repeat_of_the_one_before(references, parse_cache):
    """Two pinpoints into one source are formatted one after the other; neither may come out as 'Ibid.'."""
    root, refs = references
    pairs = {("doe-backpage", "p. 22"), ("doe-backpage", "p. 23")}
    # a Chicago variant that still writes "Ibid." for a note that repeats the one before
    shutil.copy(styles._package_style("chicago-notes-bibliography-subsequent-ibid"), root / "ibid.csl")
    formatted = citeproc.format_references(styles.resolve("ibid.csl", root), refs, pairs)
    second = formatted.citations[("doe-backpage", "p. 23")]
    assert "Ibid" not in second and "ibid" not in second
    assert second == formatted.citations[("doe-backpage", "p. 22")].replace("22", "23")


def test_a_new_citation_is_formatted_alone_and_many_are_shared_among_runs(references, parse_cache, monkeypatch):
    root, refs = references
    apa = styles.resolve("apa", root)
    runs = []
    real = citeproc._run_pandoc
    monkeypatch.setattr(citeproc, "_run_pandoc", lambda style, items, wanted, *rest: runs.append(list(wanted))
                        or real(style, items, wanted, *rest))
    citeproc.format_references(apa, refs, {("kosseff", "p. 3")})
    citeproc.format_references(apa, refs, {("kosseff", "p. 3"), ("kosseff", "p. 4")})
    assert runs == [[("kosseff", "p. 3")], [("kosseff", "p. 4")]]  # only what was not formatted before
    runs.clear()
    many = {("kosseff", f"p. {n}") for n in range(1, 2 * citeproc.CHUNK + 2)}
    formatted = citeproc.format_references(apa, refs, many, workers=2)
    assert len(runs) == 2 and sum(map(len, runs)) == len(many) - 2
    assert formatted.citations[("kosseff", "p. 401")] == "Kosseff, 2019, p. 401"


def test_a_sheet_takes_the_style_too(make_workspace, run):
    root = styled_workspace(make_workspace, config="style: apa\n")
    assert run(root, "sheet", "law", "--format", "html").exit_code == 0
    html = (root / "output" / "sheets" / "law.html").read_text()
    assert html.count('<span class="cite in-text">') == 3  # briefgen.yaml's style
    assert run(root, "sheet", "law", "--format", "html", "--style", "legal").exit_code == 0
    html = (root / "output" / "sheets" / "law.html").read_text()
    assert '<span class="cite in-text">' not in html and "47 U.S.C. § 230." in html


@pytest.mark.parametrize("damage", ["", "{", "[]", '{"entries": 1}', '{"entries": {}, "first": {}, "order": [], '
                                    '"citations": {"x": 3}}'])
def test_a_damaged_style_cache_is_formatted_again(references, parse_cache, damage):
    root, refs = references
    legal = styles.resolve("legal", root)
    citeproc.format_references(legal, refs, set())
    [cached] = (parse_cache / "styles").glob("*.json")
    cached.write_text(damage, encoding="utf-8")
    formatted = citeproc.format_references(legal, refs, set())
    assert formatted.entries["usc-47-230"] == GOLDEN["legal"]["usc-47-230"]


def test_leaving_a_fact_out_keeps_the_style(make_workspace):
    """Fitting a brief to its page limit leaves facts out and re-cites it: the style must survive."""
    from briefgen.build.pipeline import check_project
    from briefgen.source.project import Project
    from briefgen.compose.cite import styled, without

    root = styled_workspace(make_workspace)
    checked = check_project(Project.open(root))
    workspace, cited = checked.base, checked.cited
    refs = list(workspace.references.values())
    brief = cited["b"]
    pairs = {(m.ref_id, m.locator) for s in brief.sections for cf in s.facts for m in cf.markers}
    apa = styled(brief, citeproc.format_references(styles.resolve("apa", root), refs, pairs))
    shorter = without(apa, {"immunity"})
    assert shorter.formatted is apa.formatted and not shorter.numbered
    assert [e.ref.id for e in shorter.references] == ["pl-115-164", "doe-backpage"]  # the style's order, no orphans
    assert all(e.html for e in shorter.references)
    assert [str(cf.in_text) for s in shorter.sections for cf in s.facts] == [
        str(cf.in_text) for s in apa.sections for cf in s.facts if cf.fact.id != "immunity"]


@pytest.mark.parametrize("name", ["apa", "legal"])
def test_a_references_note_follows_its_entry_in_every_style(make_workspace, run, name):
    """No named style prints CSL's note, yet a note such as "cited from a summary" must reach the page."""
    root = styled_workspace(make_workspace)
    refs = root / "sources" / "references.yaml"
    refs.write_text(refs.read_text().replace("    authority: 1st Cir.\n",
                                             "    authority: 1st Cir.\n    note: Cited from the slip opinion\n"))
    assert run(root, "build", "--format", "html", "--style", name).exit_code == 0
    entry = re.search(r'<li id="ref-doe-backpage"[^>]*>(.*?)</li>', (root / "output" / "b.html").read_text(), re.S)[1]
    assert entry.count("Cited from the slip opinion.") == 1


def test_without_pandoc_a_style_says_what_to_install(make_workspace, run, parse_cache, monkeypatch):
    import pypandoc

    def missing():
        raise OSError("No pandoc was found")

    monkeypatch.setattr(pypandoc, "get_pandoc_path", missing)
    root = styled_workspace(make_workspace)
    result = run(root, "build", "--format", "html", "--style", "apa")
    assert result.exit_code == 1
    assert result.stderr == ("--style: style 'apa': pandoc, which formats citation styles, is not installed "
                             "(pip install pypandoc-binary)\n")


def test_a_citation_reads_the_same_whatever_was_formatted_before_it(references, parse_cache, tmp_path_factory,
                                                                    monkeypatch):
    """Every citation is a first citation: its form must not depend on other pinpoints or on the cache's history."""
    root, refs = references
    shutil.copy(styles._package_style("chicago-in-text-full"), root / "full.csl")  # full first, short later
    full = styles.resolve("full.csl", root)
    pages = [("kosseff", f"p. {n}") for n in (30, 10, 20)]
    together = citeproc.format_references(full, refs, set(pages)).citations
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path_factory.mktemp("other-cache")))
    one_by_one = {}
    for pair in pages:  # a warm cache, growing one citation at a time
        one_by_one.update(citeproc.format_references(full, refs, {pair}).citations)
    assert together == one_by_one
    assert all(together[p].endswith(", " + p[1].split()[1]) for p in pages)
    forms = {together[p].rsplit(", ", 1)[0] for p in pages}
    assert len(forms) == 1, together  # the same (first, full) form at every page


def test_the_users_own_pandoc_setup_takes_no_part(make_workspace, run, parse_cache, monkeypatch, tmp_path):
    data = tmp_path / "xdg"
    (data / "pandoc").mkdir(parents=True)
    (data / "pandoc" / "init.lua").write_text('error("a personal pandoc setting")\n')
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    root = styled_workspace(make_workspace)
    result = run(root, "build", "--format", "html", "--style", "apa")
    assert result.exit_code == 0, result.stderr


def test_a_reference_may_have_any_valid_id(make_workspace, run, parse_cache):
    root = styled_workspace(make_workspace)
    for name in ("references.yaml", "facts.yaml"):
        path = root / "sources" / name
        path.write_text(path.read_text().replace("kosseff", "briefgen-spacer"))
    result = run(root, "build", "--format", "html", "--style", "apa")
    assert result.exit_code == 0, result.stderr
    assert "Kosseff, J. (2019)." in (root / "output" / "b.html").read_text()


def test_a_style_cache_that_cannot_be_written_only_costs_time(make_workspace, run, tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(blocked))
    root = styled_workspace(make_workspace)
    result = run(root, "build", "--format", "html", "--style", "legal")
    assert result.exit_code == 0, result.stderr
    assert "47 U.S.C. § 230." in (root / "output" / "b.html").read_text()


@pytest.mark.parametrize("style", ["x" * 290 + ".csl", "loop.csl"], ids=["name-too-long", "symlink-loop"])
def test_a_style_path_the_system_cannot_open_is_refused_cleanly(make_workspace, refused, style):
    root = styled_workspace(make_workspace, style=f"style: {style}")
    if style == "loop.csl":
        (root / "loop.csl").symlink_to("loop.csl")
    [line] = refused(root)
    assert line == f"sources/briefs.yaml:6: brief 'b': style '{style}': no such file inside the workspace " \
                   "(or it leads outside it)"
