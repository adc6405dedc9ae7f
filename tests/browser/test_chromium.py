"""The built HTML in a real browser: headless Chromium (Debian's /usr/bin/chromium)
driven by Playwright.

The other tests read the HTML with a parser; these load it as a reader would,
from file://, and check what only a browser shows: that no script runs and no
dialog opens (also for hostile text, parsed by the browser's own HTML parser),
that every citation marker leads somewhere, that what the screen shows matches
the WeasyPrint PDF, and that the browser's own print keeps the page limit.

.ci/run installs Chromium; a machine without it (or without Playwright) skips
this module, except under CI, where a missing browser is an error.
"""

from __future__ import annotations

import json
import os
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REFERENCES, copy_sample

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

if not os.environ.get("CI"):
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install '.[test]')")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402  (after the skip above)

ONE_PAGER = "section-230-one-pager"
FACT_SHEET = "maxwell-interview-fact-sheet"
LETTER = (612, 792)  # points; the built-in stylesheet's @page size


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """A page and everything it did that a reader might notice."""

    page: object
    url: str = ""
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    popups: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        return {name: items for name, items in (("dialogs", self.dialogs), ("console errors", self.errors),
                                                ("requests", self.requests), ("popups", self.popups)) if items}


@pytest.fixture
def visit(browser):
    """visit(path) -> Visit: load a file in a fresh offline browser context,
    recording every dialog (and dismissing it), console error, uncaught
    exception, request for anything but the file itself, and new window."""
    contexts = []

    def load(path: Path) -> Visit:
        context = browser.new_context(offline=True)
        contexts.append(context)
        page = context.new_page()
        v = Visit(page, url=path.resolve().as_uri())

        def on_dialog(dialog):
            v.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("console", lambda m: v.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: v.errors.append(f"uncaught: {e}"))
        page.on("request", lambda r: v.requests.append(r.url) if r.url != v.url else None)
        context.on("page", lambda p: v.popups.append(p.url))
        page.goto(v.url, wait_until="load")
        settle(page)
        return v

    yield load
    for context in contexts:
        context.close()


def settle(page) -> None:
    """Let anything queued by the page run: animation frames, then pending tasks.
    (Not a timing assertion: only a flush before looking at what happened.)"""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0))))")


def build(run, root: Path, *args: str) -> Path:
    result = run(root, "build", *args)
    assert result.exit_code == 0, result.stderr
    return root / "output"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample workspace, copied and built (HTML and PDF) once for the module."""
    from click.testing import CliRunner

    from briefgen.commands.cli import cli

    def run(root, *args):
        return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)

    return build(run, copy_sample(tmp_path_factory.mktemp("sample") / "ws"))


# 1. The sample briefs load cleanly.

@pytest.mark.parametrize("name", [ONE_PAGER, FACT_SHEET, "index"])
def test_sample_output_loads_without_errors_or_dialogs(sample, visit, name):
    v = visit(sample / f"{name}.html")
    assert v.problems() == {}
    assert v.page.title()  # it really loaded
    assert v.page.locator("h1").count() == 1 or name == "index"


# 2. Hostile text stays text in a real browser.

PAYLOADS = [
    "<script>alert('script')</script>",
    "<ScRiPt>alert('odd case')</sCrIpT>",
    "<SCRIPT SRC=https://example.org/x.js></SCRIPT>",
    "<scr<script>ipt>alert('nested')</scr</script>ipt>",
    "<img src=x onerror=alert('img')>",
    "<IMG SRC=x OnErRoR=alert('IMG')>",
    "<svg onload=alert('svg')>",
    "<svg/onload=alert('svg/')>",
    "<iframe src=javascript:alert('iframe')></iframe>",
    "<iframe srcdoc='<script>alert(`srcdoc`)</script>'></iframe>",
    '<a href="javascript:alert(\'a href\')">a link</a>',
    "[md link](javascript:alert('md'))",
    "[md link, odd case](JaVaScRiPt:alert('md case'))",
    "[md link, entity](&#106;avascript:alert('md entity'))",
    "[md link, spaces]( javascript:alert('md spaces'))",
    "[md data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![md image](javascript:alert('md image'))",
    "<javascript:alert('autolink')>",
    "[ref]\n\n[ref]: javascript:alert('reference link')",
    '"><script>alert(\'attr break\')</script>',
    "'><img src=x onerror=alert('attr break 2')>",
    "</title><script>alert('title break')</script>",
    "</style><script>alert('style break')</script>",
    "<!--><img src=x onerror=alert('comment')>-->",
    "<details open ontoggle=alert('details')>",
    "<body onload=alert('body')>",
    "<input autofocus onfocus=alert('focus')>",
    "<a href=https://example.org onmouseover=alert('hover')>hover</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>",
    "<object data=javascript:alert('object')></object>",
    "<embed src=javascript:alert('embed')>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'meta\')">',
    "<base href=javascript:alert('base')//>",
    "<style>*{background:url(javascript:alert('css'))}</style>",
    "{{ 7*7 }} ${7*7}",
]

# Fields that hold at most 300 characters get one or two payloads each.
TITLE = "</title><ScRiPt>alert('title')</ScRiPt> \"><img src=x onerror=alert('title img')>"
SUBTITLE = "\"><script>alert('subtitle')</script>"
AUDIENCE = "<svg/onload=alert('audience')>"
HEADINGS = ["<img src=x onerror=alert('heading')>", "<iframe src=javascript:alert('heading 2')></iframe>"]
CONTACT = "<svg onload=alert('contact')> <a href=\"javascript:alert('contact link')\">mail us</a>"
LOCATOR = "\"><script>alert('locator')</script>"


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of YAML's)."""
    return json.dumps(text)


def hostile_workspace(make_workspace) -> Path:
    facts = ["facts:"]
    for i, payload in enumerate(PAYLOADS):
        facts += [
            f"  - id: hostile-{i}",
            f"    claim: {q(f'Claim {i}: {payload} end.')}",
            f"    detail: {q(f'Detail {i}: {payload}' + chr(10) * 2 + f'- item {payload}')}",
            "    tags: [hostile]",
            "    cite:",
            "      - ref: report-2024",
            f"        locator: {q(payload)}",
            f"        quote: {q(payload)}",
            "      - ref: statute",
            f"        locator: {q(LOCATOR)}",
        ]
    half = len(PAYLOADS) // 2
    first, second = (", ".join(f"hostile-{i}" for i in r) for r in (range(half), range(half, len(PAYLOADS))))
    briefs = ["briefs:"]
    for brief_id, template in (("hostile-one-pager", "one-pager"), ("hostile-fact-sheet", "fact-sheet")):
        briefs += [
            f"  - id: {brief_id}",
            f"    title: {q(TITLE)}",
            f"    subtitle: {q(SUBTITLE)}",
            f"    audience: {q(AUDIENCE)}",
            f"    template: {template}",
            "    date: 2026-01-15",
            "    tags: [hostile]",
            f"    bottom_line: {q(' '.join(PAYLOADS))}",
            f"    ask: {q(chr(10).join(f'- {p}' for p in PAYLOADS))}",
            f"    contact: {q(CONTACT)}",
            "    sections:",
            f"      - heading: {q(HEADINGS[0])}",
            f"        facts: [{first}]",
            f"      - heading: {q(HEADINGS[1])}",
            f"        facts: [{second}]",
        ]
    references = REFERENCES.replace(
        'title: "A report on things"',
        f"title: {q('A report <script>alert(`ref title`)</script>')}\n"
        f"    note: {q('<img src=x onerror=alert(`ref note`)>')}",
    )
    assert references != REFERENCES
    return make_workspace(references=references, facts="\n".join(facts) + "\n", briefs="\n".join(briefs) + "\n")


# What a page built from hostile text may contain, read from the browser's DOM
# after its parser has had its say.
DOM_AUDIT = """() => {
  const found = [];
  for (const el of document.querySelectorAll('script, iframe, frame, object, embed, svg, math, img, '
      + 'base, link, form, input, button, details, meta[http-equiv], body style, video, audio, source'))
    found.push('element ' + el.outerHTML.slice(0, 80));
  if (document.querySelectorAll('style').length !== 1) found.push('not exactly one <style>');
  for (const el of document.querySelectorAll('*'))
    for (const attr of el.attributes)
      if (/^on/i.test(attr.name) || attr.name === 'srcdoc' || attr.name === 'style')
        found.push('attribute ' + attr.name + ' on <' + el.localName + '>');
  for (const a of document.querySelectorAll('a[href], area[href]')) {
    const href = a.getAttribute('href');
    if (!href.startsWith('#ref-') && !['http:', 'https:', 'mailto:'].includes(a.protocol)
        && !(location.pathname.endsWith('/index.html') && a.protocol === 'file:' && !href.includes(':')))
      found.push('link ' + href);
  }
  return found;
}"""

# Reader actions that would set off a handler: hover and focus everything, and
# follow every link that does not go to the web (those would be javascript:,
# data: and the like, if any got through).
POKE = """() => {
  for (const el of document.querySelectorAll('body *')) {
    el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
    if (el.focus) el.focus();
  }
  for (const a of document.querySelectorAll('a[href]'))
    if (!['http:', 'https:', 'mailto:', 'file:'].includes(a.protocol)) a.click();
}"""


@pytest.fixture
def hostile(make_workspace, run):
    """The hostile workspace, built as HTML only: its output folder."""
    return build(run, hostile_workspace(make_workspace), "--format", "html")


@pytest.mark.parametrize("name", ["hostile-one-pager", "hostile-fact-sheet", "index"])
def test_hostile_text_runs_no_script_in_the_browser(hostile, sample, visit, name):
    v = visit(hostile / f"{name}.html")
    assert v.problems() == {}
    # The index's own filter (a form and its script) is briefgen's; whatever
    # else the audit finds came from the text.
    expected = visit(sample / "index.html").page.evaluate(DOM_AUDIT) if name == "index" else []
    assert name != "index" or any(e.startswith("element <script>") for e in expected)
    v = visit(hostile / f"{name}.html")
    assert v.page.evaluate(DOM_AUDIT) == expected
    v.page.evaluate(POKE)
    settle(v.page)
    assert v.problems() == {}
    assert v.page.url == v.url  # nothing navigated away
    # The payloads are on the page as the text they are, not dropped.
    text = v.page.evaluate("() => document.body.textContent")
    assert "alert('title')" in text and "<ScRiPt>" in text
    if name != "index":
        assert v.page.title() == TITLE
        assert v.page.locator("h1").text_content() == TITLE
        assert [h.text_content() for h in v.page.locator("section.facts h2").all()] == HEADINGS
        assert CONTACT in v.page.locator("footer.contact").text_content()
        assert "<svg onload=alert('svg')>" in text and "{{ 7*7 }} ${7*7}" in text
        assert v.page.locator("[data-fact-id^='hostile-']").count() == len(PAYLOADS)


def test_hostile_fact_sheet_shows_quotes_and_locators_as_text(hostile, visit):
    v = visit(hostile / "hostile-fact-sheet.html")
    quotes = v.page.locator("blockquote.quote p").all_text_contents()
    assert quotes == [f"“{p}”" for p in PAYLOADS]
    footers = v.page.locator("blockquote.quote footer").all_text_contents()
    assert footers == [f"Source [1], {p}" for p in PAYLOADS]
    markers = v.page.locator("sup.cite").all_text_contents()
    assert len(markers) == len(PAYLOADS) and all(LOCATOR in m for m in markers)


# 3. Citation markers lead to their sources.

@pytest.mark.parametrize("name", [ONE_PAGER, FACT_SHEET])
def test_every_citation_link_resolves(sample, visit, name):
    v = visit(sample / f"{name}.html")
    links = v.page.evaluate("""() => [...document.querySelectorAll('a[href^="#ref-"]')].map(a => {
        const target = document.getElementById(a.getAttribute('href').slice(1));
        return [a.getAttribute('href'), target ? target.localName + '#' + target.id : null];
    })""")
    assert len(links) >= 5  # the sample cites sources all over the page
    unresolved = [href for href, target in links if target is None]
    assert unresolved == []
    assert all(target == "li#" + href[1:] for href, target in links)
    # Following one scrolls its source into view.
    v.page.locator('a[href^="#ref-"]').first.click()
    target = v.page.evaluate("() => location.hash")
    assert target == links[0][0]
    assert v.page.evaluate("""id => {
        const box = document.getElementById(id).getBoundingClientRect();
        return box.height > 0 && box.top >= 0 && box.bottom <= innerHeight;
    }""", target[1:])


# 4. The screen and the WeasyPrint PDF show the same sections and sources.

def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_screen_shows_the_sections_and_sources_of_the_pdf(sample, visit, tmp_path):
    v = visit(sample / f"{ONE_PAGER}.html")
    shot = tmp_path / f"{ONE_PAGER}.png"
    v.page.screenshot(path=str(shot), full_page=True)
    width, height = png_size(shot.read_bytes())
    assert width > 0 and height > 0

    page = v.page
    every_heading = [h.upper() for h in page.locator("h2").all_inner_texts()]
    shown_headings = [h.inner_text() for h in page.locator("h2").all() if h.is_visible()]
    shown_refs = [int(li.get_attribute("value")) for li in page.locator('li[id^="ref-"]').all() if li.is_visible()]

    pdf_text = PdfReader(sample / f"{ONE_PAGER}.pdf").pages[0].extract_text()
    lines = [line.strip() for line in pdf_text.splitlines()]
    pdf_headings = [line for line in lines if line in every_heading]
    # WeasyPrint draws the numbers of the source list as text of their own: "1.", "2.", ...
    pdf_refs = [int(m.group(1)) for line in lines if (m := re.fullmatch(r"(\d+)\.", line))]

    assert "THE PROBLEM" in shown_headings and "SOURCES" in shown_headings  # uppercase, by CSS, in both
    assert shown_headings == pdf_headings
    assert len(shown_refs) == len(pdf_refs) == 4
    assert shown_refs == pdf_refs


# 5. Chromium's own print keeps the brief's page limit.

def test_chromium_prints_the_one_pager_on_one_page(sample, visit, tmp_path):
    manifest = json.loads((sample / f"{ONE_PAGER}.manifest.json").read_text())
    assert manifest["fit"]["max_pages"] == 1
    v = visit(sample / f"{ONE_PAGER}.html")
    printed = tmp_path / f"{ONE_PAGER}.chromium.pdf"
    v.page.pdf(path=str(printed), prefer_css_page_size=True)
    reader = PdfReader(printed)
    assert len(reader.pages) == manifest["fit"]["max_pages"]
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == LETTER  # the CSS @page size was used
    # Nothing was cut off to get there: every heading and the contact line are printed.
    text = reader.pages[0].extract_text()
    for heading in v.page.locator("h2").all_inner_texts():
        assert heading.upper() in text
    assert "Sample brief from the briefgen sample fact base" in " ".join(text.split())
    assert v.problems() == {}
