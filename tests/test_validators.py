"""Validators no one here wrote, over the sample's outputs.

The sample is built six ways: in the default style, `--style apa` and
`--style chicago-notes`, each without and with branding (a briefgen.yaml with
an organisation's name, logo, website and contact, colours and a footer
disclaimer), with `--per-tag`, so briefs, tag sheets and the index are all
checked. Then:

- the Nu HTML Checker (vnu.jar, run once over every HTML file) reports no
  error and no warning;
- axe-core, injected into Debian's Chromium through Playwright (one
  browser), reports no violation in any HTML file;
- every PDF's link annotations have an area and hang under a Link
  structure element, and every marked-content sequence on every page is
  either reachable from the structure tree or an Artifact.

The tools come from npm (`vnu-jar`, `axe-core`), installed by .ci/run into
.ci/tools/node_modules (or the folder $BRIEFGEN_NODE_MODULES names), and
Java from Debian's default-jre-headless. Where one is missing the tests that
need it are skipped, except under CI (CI=true), where that is an error.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, copy_sample

IN_CI = bool(os.environ.get("CI"))
NODE_MODULES = Path(os.environ.get("BRIEFGEN_NODE_MODULES") or REPO / ".ci" / "tools" / "node_modules")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

STYLES = {"default": [], "apa": ["--style", "apa"], "chicago-notes": ["--style", "chicago-notes"]}
BRANDING = """\
organization:
  name: Example Child Safety Coalition
  logo: assets/logo.svg
  website: https://example.org
  contact: "Policy team, policy@example.org"
colors: {primary: "#0b5d4b", accent: "#8a3b12"}
footer: "Prepared for discussion. Not legal advice."
"""
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
        '<rect width="40" height="40" fill="#0b5d4b"/></svg>')
CASES = [(style, branded) for branded in (False, True) for style in STYLES]


def case_id(case) -> str:
    style, branded = case
    return f"{style}{'-branded' if branded else ''}"


def missing(what: str) -> None:
    """Skip a test whose tool is absent, except in CI, where it fails."""
    message = f"{what} (.ci/run installs it)"
    if IN_CI:
        pytest.fail(f"CI=true but {message}", pytrace=False)
    pytest.skip(message)


def tool(package: str, inside: str) -> Path:
    """A file of an npm package: found by node's require.resolve when node is
    there, else in the package folder."""
    node = shutil.which("node")
    if node and NODE_MODULES.is_dir():
        found = subprocess.run(
            [node, "-e", f"console.log(require.resolve({json.dumps(package + '/package.json')}, "
                         f"{{paths: [{json.dumps(str(NODE_MODULES.parent))}]}}))"],
            capture_output=True, text=True)
        if found.returncode == 0 and found.stdout.strip():
            return Path(found.stdout.strip()).parent / inside
    return NODE_MODULES / package / inside


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[tuple[str, bool], Path]:
    """Each case's output folder, built once for the module."""
    from click.testing import CliRunner

    from briefgen.commands.cli import cli

    base = tmp_path_factory.mktemp("validators")
    roots = {}
    for branded in (False, True):
        root = copy_sample(base / ("branded" if branded else "plain"))
        if branded:
            (root / "briefgen.yaml").write_text(BRANDING, encoding="utf-8")
            (root / "assets").mkdir()
            (root / "assets/logo.svg").write_text(LOGO, encoding="utf-8")
        roots[branded] = root
    out = {}
    for style, branded in CASES:
        folder = base / "out" / case_id((style, branded))
        result = CliRunner().invoke(
            cli, ["--root", str(roots[branded]), "build", "--per-tag", *STYLES[style], "--out", str(folder), "--quiet"],
            env={"SOURCE_DATE_EPOCH": "1767225600"}, catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        out[(style, branded)] = folder
    return out


def shown(path: Path) -> str:
    """A file as "<case>/<name in its output folder>"."""
    parts = path.parts
    return "/".join(parts[len(parts) - 1 - parts[::-1].index("out") + 1:])


def html_files(outputs) -> list[Path]:
    files = sorted(p for folder in outputs.values() for p in folder.rglob("*.html"))
    assert any(p.name == "index.html" for p in files) and len(files) >= 6 * 3
    return files


def pdf_files(outputs) -> list[Path]:
    files = sorted(p for folder in outputs.values() for p in folder.rglob("*.pdf"))
    assert len(files) >= 6 * 2
    return files


# 1. The Nu HTML Checker.

def test_nu_html_checker_finds_nothing(outputs):
    java = shutil.which("java")
    if not java:
        missing("java is missing (apt-get install default-jre-headless)")
    jar = tool("vnu-jar", "build/dist/vnu.jar")
    if not jar.is_file():
        missing(f"the Nu HTML Checker is missing: no {jar} (npm install vnu-jar)")
    files = html_files(outputs)
    run = subprocess.run([java, "-Xss8m", "-jar", str(jar), "--format", "json", "--also-check-css",
                          *map(str, files)], capture_output=True, text=True, timeout=600)
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    # Everything counts: errors, warnings and the "info" warnings (subType warning).
    lines = [f"{shown(Path(m.get('url', '')))}:{m.get('lastLine', '?')}: "
             f"{m['type']}{'/' + m['subType'] if m.get('subType') else ''}: {m['message']}" for m in messages
             if not (m["type"] == "info" and not m.get("subType"))]
    assert lines == [], f"{len(lines)} messages in {len(files)} files:\n" + "\n".join(lines[:40])


# 2. axe-core in Chromium.

@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed (pip install '.[test]')")
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def axe_source() -> str:
    path = tool("axe-core", "axe.min.js")
    if not path.is_file():
        missing(f"axe-core is missing: no {path} (npm install axe-core)")
    return path.read_text(encoding="utf-8")


def axe_violations(page, source: str) -> list[str]:
    page.add_script_tag(content=source)
    # Every rule axe runs by default, and target-size (WCAG 2.2 AA, off by default).
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations'], "
                           "rules: {'target-size': {enabled: true}}})")
    return [f"{v['id']} ({v['impact']}): {v['help']}: " + "; ".join(n["target"][0] if len(n["target"]) == 1
                                                                    else str(n["target"]) for n in v["nodes"][:4])
            for v in result["violations"]]


@pytest.mark.parametrize("width", [1024, 390], ids=["desktop", "phone"])
def test_axe_finds_no_violations(outputs, browser, width):
    source = axe_source()
    context = browser.new_context(offline=True, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        found = {}
        for path in html_files(outputs):
            page.goto(path.resolve().as_uri(), wait_until="load")
            violations = axe_violations(page, source)
            if violations:
                found[shown(path)] = violations
    finally:
        context.close()
    assert found == {}, json.dumps(found, indent=1)


# 3. The PDFs' structure.

def _struct_tree(pdf):
    """(MCIDs reachable from the structure tree as {(page objgen, mcid)},
    every structure element reachable, as {objgen: element})."""
    import pikepdf

    reachable_mcids, elements = set(), {}
    root = pdf.Root.StructTreeRoot
    stack = [(kid, None) for kid in _kids(root)]
    while stack:
        kid, page = stack.pop()
        if isinstance(kid, int):
            if page is not None:
                reachable_mcids.add((page, kid))
            continue
        if not isinstance(kid, pikepdf.Dictionary):
            continue
        kind = kid.get("/Type")
        if kind == "/MCR":
            reachable_mcids.add((kid.Pg.objgen if "/Pg" in kid else page, int(kid.MCID)))
            continue
        if kind == "/OBJR":
            continue
        if kid.objgen in elements:
            continue
        elements[kid.objgen] = kid
        here = kid.Pg.objgen if "/Pg" in kid else page
        stack += [(k, here) for k in _kids(kid)]
    return reachable_mcids, elements


def _kids(node):
    import pikepdf

    k = node.get("/K")
    if k is None:
        return []
    if isinstance(k, pikepdf.Array):
        return [int(x) if isinstance(x, int) else x for x in k]
    return [int(k) if isinstance(k, int) else k]


def _parent_tree(pdf) -> dict[int, object]:
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def _marked_sequences(page):
    """(tag, MCID or None, depth) of every marked-content sequence on the page."""
    import pikepdf

    found, depth = [], 0
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            mcid = None
            if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                mcid = int(operands[1].MCID)
            found.append((str(operands[0]), mcid, depth))
            depth += 1
        elif op == "EMC":
            depth -= 1
    return found


def _links(pdf):
    for number, page in enumerate(pdf.pages, 1):
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") == "/Link":
                yield number, annot


@pytest.fixture(scope="module")
def pdfs(outputs):
    pytest.importorskip("pikepdf")
    return pdf_files(outputs)


def test_every_link_annotation_can_be_clicked(pdfs):
    import pikepdf

    flat = []
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            for number, annot in _links(pdf):
                x1, y1, x2, y2 = (float(v) for v in annot.Rect)
                if abs(x2 - x1) < 1 or abs(y2 - y1) < 1:
                    flat.append(f"{shown(path)} p.{number}: {[round(v, 1) for v in (x1, y1, x2, y2)]}")
    assert flat == [], f"{len(flat)} link annotations without an area:\n" + "\n".join(flat[:20])


def test_every_link_annotation_hangs_under_a_link_element(pdfs):
    import pikepdf

    wrong = []
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            parents = _parent_tree(pdf)
            _, elements = _struct_tree(pdf)
            for number, annot in _links(pdf):
                where = f"{shown(path)} p.{number} {annot.get('/Contents')}"
                if "/StructParent" not in annot:
                    wrong.append(f"{where}: no StructParent")
                    continue
                element = parents.get(int(annot.StructParent))
                if not isinstance(element, pikepdf.Dictionary) or element.get("/S") != "/Link":
                    wrong.append(f"{where}: parent {element.get('/S') if element is not None else None}")
                elif element.objgen not in elements:
                    wrong.append(f"{where}: its Link element is not in the structure tree")
    assert wrong == [], f"{len(wrong)} link annotations:\n" + "\n".join(wrong[:20])


def test_every_link_annotation_describes_its_target(pdfs):
    import pikepdf

    bad = []
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            for number, annot in _links(pdf):
                contents = str(annot.get("/Contents", ""))
                internal = "/A" not in annot or annot.A.get("/S") != "/URI"
                if not contents.strip() or contents.startswith(("ref-", "#")) or (internal and (not contents.startswith(("Source", "Fuente")) or ": " not in contents)):
                    bad.append(f"{shown(path)} p.{number}: {contents!r}")
    assert bad == [], f"{len(bad)} links whose /Contents does not describe the target:\n" + "\n".join(bad[:20])


def test_every_marked_content_sequence_is_in_the_structure_tree_or_an_artifact(pdfs):
    import pikepdf

    stray = []
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            reachable, _ = _struct_tree(pdf)
            for number, page in enumerate(pdf.pages, 1):
                inside_artifact = -1
                for tag, mcid, depth in _marked_sequences(page):
                    if inside_artifact >= 0 and depth > inside_artifact:
                        continue  # inside an artifact: an artifact too
                    inside_artifact = -1
                    if tag == "/Artifact":
                        inside_artifact = depth
                    elif mcid is None or (page.obj.objgen, mcid) not in reachable:
                        stray.append(f"{shown(path)} p.{number}: {tag} MCID {mcid}")
    assert stray == [], f"{len(stray)} marked-content sequences outside the structure tree:\n" + "\n".join(stray[:20])


# 4. What a reader sees (issue 18, items 11, 13 and 15).

def test_markers_and_dates_never_wrap_inside_themselves_on_a_phone(outputs, browser):
    context = browser.new_context(offline=True, viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        broken = {}
        for path in html_files(outputs):
            page.goto(path.resolve().as_uri(), wait_until="load")
            lines = page.evaluate("""() => [...document.querySelectorAll('sup.cite, .index-list .when')]
                .filter(e => new Set([...e.getClientRects()].map(r => Math.round(r.top))).size > 1)
                .map(e => e.textContent)""")
            if lines:
                broken[shown(path)] = lines
    finally:
        context.close()
    assert broken == {}


def test_a_kind_label_does_not_repeat_its_section_heading(outputs):
    import re

    from briefgen.compose.plan import KIND_HEADINGS

    repeated = []
    for path in html_files(outputs):
        html = path.read_text(encoding="utf-8")
        for heading, body in re.findall(r"<h2>([^<]*)</h2>(.*?)</section>", html, re.S):
            kinds = [k for k, h in KIND_HEADINGS.items() if h == heading]
            for kind in kinds:
                if re.search(rf'<p class="meta">{kind.capitalize()}\b', body):
                    repeated.append(f"{shown(path)}: {kind.capitalize()} under {heading}")
    assert repeated == []


def test_the_disclaimer_sits_in_the_page_footer_in_html(outputs, browser):
    context = browser.new_context(offline=True)
    try:
        page = context.new_page()
        wrong = []
        for (style, branded), folder in outputs.items():
            if not branded:
                continue
            for path in [folder / "section-230-one-pager.html", folder / "maxwell-interview-fact-sheet.html"]:
                page.goto(path.resolve().as_uri(), wait_until="load")
                where = page.evaluate("""() => [...document.querySelectorAll('p')]
                    .filter(p => p.textContent.includes('Not legal advice') && p.getClientRects().length)
                    .map(p => [p.closest('footer') !== null,
                               p.getBoundingClientRect().top > document.querySelector('main').getBoundingClientRect().bottom - 1])""")
                if where != [[True, True]]:
                    wrong.append(f"{shown(path)}: {where}")
    finally:
        context.close()
    assert wrong == []
