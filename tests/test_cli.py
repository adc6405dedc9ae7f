"""End to end through the command line: build the sample, read the files back."""

import subprocess
import sys
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from briefgen import __version__
from briefgen.commands.cli import cli

from conftest import SAMPLE, copy_sample


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory):
    """The sample fact base, copied to a temporary workspace and built once."""
    from click.testing import CliRunner

    root = copy_sample(tmp_path_factory.mktemp("sample"))
    result = CliRunner().invoke(cli, ["--root", str(root), "build"], catch_exceptions=False)
    return root, result


def sample_brief_ids():
    import yaml

    return [b["id"] for b in yaml.safe_load((SAMPLE / "briefs.yaml").read_text())["briefs"]]


def test_sample_builds_cleanly(sample_build):
    root, result = sample_build
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    for brief_id in sample_brief_ids():
        assert f"wrote {root / 'output' / brief_id}.html" in result.stdout or \
            f"output/{brief_id}.html" in result.stdout
        assert (root / "output" / f"{brief_id}.pdf").read_bytes().startswith(b"%PDF")


def test_sample_one_pager_is_one_page_with_claims_and_citations(sample_build):
    root, _ = sample_build
    reader = PdfReader(root / "output" / "section-230-one-pager.pdf")
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Section 230 and the Online Sexual Exploitation of Children" in text
    assert "One in four children (25%)" in text
    assert "[1, point 16]" in text
    assert "SOURCES" in text and "MSNBC. “Expert: Ghislaine Maxwell’s DOJ interview" in text
    assert "47 U.S.C. § 230" in text


def test_sample_pdf_citation_links_work(sample_build):
    root, _ = sample_build
    reader = PdfReader(root / "output" / "section-230-one-pager.pdf")
    annots = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    internal = [a for a in annots if "/Dest" in a or ("/A" in a and a["/A"].get("/S") == "/GoTo")]
    external = [a["/A"]["/URI"] for a in annots if "/A" in a and "/URI" in a["/A"]]
    assert internal, "citation markers should link to the reference list inside the PDF"
    assert "https://www.law.cornell.edu/uscode/text/47/230" in external


def test_sample_html_hooks_match_the_sources(sample_build):
    root, _ = sample_build
    html = (root / "output" / "section-230-one-pager.html").read_text()

    class Hooks(HTMLParser):
        facts, refs, links = [], set(), set()

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if "data-fact-id" in a:
                self.facts.append(a["data-fact-id"])
            if a.get("id", "").startswith("ref-"):
                self.refs.add(a["id"][4:])
            if tag == "a" and a.get("href", "").startswith("#ref-"):
                self.links.add(a["href"][5:])

    hooks = Hooks()
    hooks.feed(html)
    assert hooks.facts[:3] == ["one-in-four-children", "few-convicted", "section-230-broad-immunity"]
    assert hooks.links == hooks.refs  # every marker resolves, every entry is cited
    assert "msnbc-2025-08-24" in hooks.refs


def test_fact_sheet_shows_source_wording(sample_build):
    root, _ = sample_build
    text = " ".join(
        page.extract_text() for page in PdfReader(root / "output" / "maxwell-interview-fact-sheet.pdf").pages
    )
    assert "Virginia Dufrey" in " ".join(text.split())  # the quote, as the source wrote it
    assert "Virginia Giuffre" in " ".join(text.split())  # the claim, in correct English


def test_build_one_brief_html_only_to_another_folder(make_workspace, run, tmp_path):
    root = make_workspace()
    out = tmp_path / "elsewhere"
    result = run(root, "build", "brief-one", "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [".briefgen-cache.json", "brief-one.html", "brief-one.manifest.json", "index.html"]
    assert not (root / "output").exists()


def test_version_and_help():
    from click.testing import CliRunner

    runner = CliRunner()
    assert runner.invoke(cli, ["--version"]).stdout.strip() == f"briefgen, version {__version__}"
    assert set(cli.commands) >= {"check", "build", "sheet", "list", "search", "init", "schema", "export"}
    for command in ([], *([name] for name in cli.commands)):
        result = runner.invoke(cli, [*command, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.stdout


def test_version_is_answered_before_the_command_line_is_imported():
    """`briefgen --version` says what click's version option says, without importing click."""
    code = ("import sys; sys.argv = ['briefgen', '--version']; from briefgen.commands.start import main; main(); "
            "print('click' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.splitlines() == [f"briefgen, version {__version__}", "False"]
    full = subprocess.run([sys.executable, "-m", "briefgen", "--root", ".", "--version"], capture_output=True,
                          text=True, check=True).stdout
    assert full.strip() == f"briefgen, version {__version__}"


def test_not_a_workspace(tmp_path, run):
    result = run(tmp_path, "check")
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path}: not a briefgen workspace (no 'sources/' folder); use --root DIR to name one\n"


def test_usage_error_exits_2(make_workspace, run):
    assert run(make_workspace(), "build", "--format", "odt").exit_code == 2


def test_python_dash_m_works(make_workspace):
    root = make_workspace()
    proc = subprocess.run([sys.executable, "-m", "briefgen", "--root", str(root), "check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok: 2 references, 3 facts, 1 brief")


def test_root_may_come_after_the_command(make_workspace, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from briefgen.commands.cli import cli

    root = make_workspace()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["list", "briefs", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "brief-one" in result.output


def test_an_empty_search_query_is_refused(make_workspace, run):
    result = run(make_workspace(), "search", "   ")
    assert result.exit_code == 1
    assert result.stderr == ('the search query is empty: give the words to look for, as in briefgen search '
                             '"section 230"\n')


def test_counts_read_as_english(make_workspace, run):
    from conftest import BRIEFS

    result = run(make_workspace(), "check")
    assert result.stdout == "ok: 2 references, 3 facts, 1 brief\n"
    assert BRIEFS.count("- id:") == 1


@pytest.mark.parametrize("date", ["2206-06-01", "0999-01-01"])
def test_an_implausible_year_is_refused(make_workspace, refused, date):
    from conftest import FACT

    root = make_workspace(extra={"sources/x.yaml": FACT + f"    as_of: {date}\n"})
    assert refused(root) == [f"sources/x.yaml:7: fact 'zz': as_of: '{date}' is not a plausible date: check the year"]


def test_a_review_dated_after_today_is_a_warning(make_workspace, run):
    from conftest import FACT

    root = make_workspace(extra={"sources/x.yaml": FACT + "    reviewed: {by: Ann, on: 2026-06-01}\n"})
    result = run(root, "check", "--today", "2026-05-01")
    assert result.exit_code == 0
    assert ("sources/x.yaml:7: warning: fact 'zz' says it was reviewed on 2026-06-01, which is after today "
            "(2026-05-01)") in result.stderr.splitlines()
