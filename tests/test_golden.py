"""Golden output: the sample workspace, built as a user builds it, must give
exactly the files committed under tests/golden/.

Each case builds the sample (its `sources/`, `snapshots/` and `briefgen.yaml`
if there is one, copied to a temporary folder) through the command line into
its own temporary output folder, and compares with `tests/golden/<case>/`:

- `FILES.txt`, the list of every file the build produced;
- every `*.html`, byte for byte;
- every `*.manifest.json`, byte for byte except the PDF's sha256 (below);
- for every PDF, `<name>.pdf.txt`: its text as pypdf extracts it, page by
  page, each line's white space collapsed and blank lines left out.

After an intended change in the output, refresh the golden folder with

    python -m pytest tests/test_golden.py --update-golden

and review `git diff tests/golden/` before committing it.
"""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.commands.cli import cli

from conftest import REPO

GOLDEN = Path(__file__).resolve().parent / "golden"
REFRESH = "python -m pytest tests/test_golden.py --update-golden"

# Sheets (tag sheets, ad-hoc sheets) have no brief and so no brief date: they
# take SOURCE_DATE_EPOCH's day. 1767225600 is 2026-01-01T00:00:00Z.
SOURCE_DATE_EPOCH = "1767225600"

# The PDF's bytes depend on the installed WeasyPrint, Pango and fonts, not
# only on briefgen; its manifest's sha256 is therefore replaced by this
# placeholder before comparing. The PDF itself is compared by its text.
PDF_SHA256 = "<sha256 of the PDF: depends on the installed WeasyPrint and fonts>"

CASES = {
    "default": ["build"],
    "per-tag": ["build", "--per-tag"],
    "sheet": ["sheet", "section-230 and law"],
    "style-apa": ["build", "--style", "apa"],
    "style-chicago-notes": ["build", "--style", "chicago-notes"],
}

# How many differing files a failure shows as diffs, and how long each may be.
SHOW_FILES = 3
SHOW_LINES = 60


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """A copy of the sample workspace at the repository root."""
    root = tmp_path_factory.mktemp("golden-sample") / "ws"
    root.mkdir()
    for folder in ("sources", "snapshots"):
        shutil.copytree(REPO / folder, root / folder)
    if (REPO / "briefgen.yaml").exists():
        shutil.copy2(REPO / "briefgen.yaml", root / "briefgen.yaml")
    return root


@pytest.fixture(scope="module")
def build(sample, tmp_path_factory):
    """build(case) -> the output folder of that case, built once per module."""
    outputs: dict[str, Path] = {}

    def run(case: str) -> Path:
        if case not in outputs:
            out = tmp_path_factory.mktemp(f"golden-{case}") / "out"
            result = CliRunner().invoke(
                cli, ["--root", str(sample), *CASES[case], "--out", str(out), "--quiet"],
                env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}, catch_exceptions=False)
            assert result.exit_code == 0, result.stderr
            outputs[case] = out
        return outputs[case]

    return run


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    lines = []
    for number, page in enumerate(PdfReader(path).pages, 1):
        lines.append(f"--- page {number} ---")
        lines += [" ".join(line.split()) for line in page.extract_text().splitlines() if line.strip()]
    return "\n".join(lines) + "\n"


def manifest_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    pdf = json.loads(text)["files"].get("pdf")
    if pdf:
        assert text.count(pdf["sha256"]) == 1, path
        text = text.replace(pdf["sha256"], PDF_SHA256)
    return text


def comparable(out: Path) -> dict[str, str]:
    """What of an output folder is compared: golden file name -> its text."""
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    texts = {"FILES.txt": "".join(f"{name}\n" for name in files)}
    for name in files:
        path = out / name
        if name.endswith(".html"):
            texts[name] = path.read_bytes().decode("utf-8")
        elif name.endswith(".manifest.json"):
            texts[name] = manifest_text(path)
        elif name.endswith(".pdf"):
            texts[name + ".txt"] = pdf_text(path)
    return texts


def golden_texts(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_bytes().decode("utf-8")
            for p in sorted(folder.rglob("*")) if p.is_file()}


def write_golden(folder: Path, texts: dict[str, str]) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    for name, text in texts.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


def differences(case: str, want: dict[str, str], got: dict[str, str]) -> str:
    """A readable report: which files differ, then unified diffs of the first few."""
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    changed = [name for name in sorted(set(want) & set(got)) if want[name] != got[name]]
    if not (missing or extra or changed):
        return ""
    report = [f"golden output of case {case!r} differs from tests/golden/{case}/:"]
    report += [f"  missing from the build: {name}" for name in missing]
    report += [f"  not in the golden folder: {name}" for name in extra]
    report += [f"  differs: {name}" for name in changed]
    # FILES.txt first: a file that appeared or vanished explains the rest.
    for name in sorted(changed, key=lambda n: n != "FILES.txt")[:SHOW_FILES]:
        diff = list(difflib.unified_diff(
            want[name].splitlines(), got[name].splitlines(),
            f"tests/golden/{case}/{name}", f"built/{name}", lineterm=""))
        if not diff:
            diff = [f"{name}: differs only in line endings or in the newline at its end"]
        if len(diff) > SHOW_LINES:
            diff = diff[:SHOW_LINES] + [f"... ({len(diff) - SHOW_LINES} more diff lines)"]
        report += ["", *diff]
    if len(changed) > SHOW_FILES:
        report += ["", f"({len(changed) - SHOW_FILES} more differing files not shown)"]
    report += ["", "If the change is intended, refresh the golden files with", f"    {REFRESH}",
               "and review `git diff tests/golden/` before committing."]
    return "\n".join(report)


@pytest.mark.parametrize("case", list(CASES))
def test_build_matches_golden(case, build, request):
    got = comparable(build(case))
    folder = GOLDEN / case
    if request.config.getoption("--update-golden"):
        write_golden(folder, got)
    if not folder.is_dir():
        pytest.fail(f"no golden folder tests/golden/{case}/; create it with\n    {REFRESH}", pytrace=False)
    report = differences(case, golden_texts(folder), got)
    if report:
        pytest.fail(report, pytrace=False)


def test_the_golden_folder_has_no_stale_cases():
    """A case removed from CASES must take its golden folder with it."""
    assert sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()) == sorted(CASES)
