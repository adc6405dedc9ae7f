"""`briefgen serve` in real headless Chromium: the open page follows the
files on disk by itself (no reload by hand), keeps the reader's place,
shows located problems over the greyed last render, and comes back when
they are fixed.

Like test_chromium.py, this module is skipped on a machine without
Chromium or Playwright, except under CI, where that is an error.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import copy_sample
from serve_support import Server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

if not os.environ.get("CI"):
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install '.[test]')")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402  (after the skip above)

ONE_PAGER = "section-230-one-pager"
FACTS = "sources/facts/online-exploitation.yaml"
BRIEFS = "sources/briefs.yaml"
WAIT = 30_000  # ms: the most a change may take to show before the test fails (not a speed target)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(copy_sample(tmp_path_factory.mktemp("ws")))
    yield s
    s.close()


@pytest.fixture(scope="module")
def page(server):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 700})
        pg = context.new_page()
        pg.errors = []
        pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
        pg.goto(f"{server.url}/doc/{ONE_PAGER}")
        pg.wait_for_function("() => { const f = document.querySelector('#frame iframe');"
                             " return f && f.contentDocument && f.contentDocument.querySelector('h1'); }")
        yield pg
        browser.close()


def frame_text(page) -> str:
    return page.evaluate("() => document.querySelector('#frame iframe:not(.loading)').contentDocument.body.innerText")


def wait_for_frame_text(page, text: str, present: bool = True) -> None:
    page.wait_for_function(
        "([text, present]) => { const f = document.querySelector('#frame iframe:not(.loading)');"
        " const body = f && f.contentDocument && f.contentDocument.body;"
        " return body && body.innerText.includes(text) === present; }", arg=[text, present], timeout=WAIT)


def edit(server, old: str, new: str, rel: str = FACTS) -> None:
    path = server.root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_saved_change_appears_without_reloading_and_keeps_the_place(server, page):
    assert "a figure the segment cited" in frame_text(page).replace("\n", " ")
    page.evaluate("() => { window.notReloaded = true;"
                  " document.querySelector('#frame iframe').contentWindow.scrollTo(0, 120); }")
    edit(server, "a figure the segment cited", "a figure which the segment cited")
    try:
        wait_for_frame_text(page, "a figure which the segment cited")
        assert page.evaluate("() => window.notReloaded") is True  # the page itself was not reloaded
        scrolled = page.evaluate("() => document.querySelector('#frame iframe:not(.loading)').contentWindow.scrollY")
        assert scrolled == 120
    finally:
        edit(server, "a figure which the segment cited", "a figure the segment cited")
    wait_for_frame_text(page, "a figure the segment cited")
    assert page.errors == []


def test_every_fact_links_to_where_it_is_written(page):
    places = page.evaluate("() => [...document.querySelector('#frame iframe:not(.loading)').contentDocument"
                           ".querySelectorAll('[data-fact-id] .briefgen-place')].map(a => a.textContent)")
    assert f"{FACTS}:51" in places and len(places) == 6


def test_a_broken_file_shows_its_located_problem_then_the_page_returns(server, page):
    edit(server, "  - id: one-in-four-children\n", "  - id: one-in-four-children\n    claim: \"unclosed\n")
    try:
        page.wait_for_selector(".problems", timeout=WAIT)
        problem = page.inner_text(".problems li")
        assert problem.startswith(f"{FACTS}:52 a quotation mark opened on this line is not closed")
        assert page.inner_text(".problems .line.here") == '52    claim: "unclosed'
        assert "behind" in page.get_attribute("#frame", "class")  # the last good render, greyed
        assert "One in four children" in frame_text(page)
    finally:
        edit(server, "    claim: \"unclosed\n", "")
    page.wait_for_selector(".problems", state="detached", timeout=WAIT)
    assert "behind" not in page.get_attribute("#frame", "class")
    assert page.evaluate("() => window.notReloaded") is True


def test_the_home_page_follows_too(server, page):
    page.goto(server.url + "/")
    page.evaluate("() => { window.notReloaded = true; }")
    edit(server, "title: \"Section 230 and the Online Sexual Exploitation of Children\"",
         "title: \"Section 230 and Online Sexual Exploitation of Children\"", BRIEFS)
    try:
        page.wait_for_selector("text=Section 230 and Online Sexual Exploitation of Children", timeout=WAIT)
    finally:
        edit(server, "title: \"Section 230 and Online Sexual Exploitation of Children\"",
             "title: \"Section 230 and the Online Sexual Exploitation of Children\"", BRIEFS)
    page.wait_for_selector("text=Section 230 and the Online Sexual Exploitation of Children", timeout=WAIT)
    assert page.evaluate("() => window.notReloaded") is True


def test_no_script_reaches_the_built_files(server):
    built = [p for p in server.root.rglob("*.html")]
    assert built == [] or all(b"<script" not in p.read_bytes() for p in built)
    assert not (server.root / "output").exists()


def test_saves_in_quick_succession_leave_one_frame_and_the_place(server, page):
    page.goto(f"{server.url}/doc/{ONE_PAGER}")
    page.wait_for_function("() => { const f = document.querySelector('#frame iframe');"
                           " return f && f.contentDocument && f.contentDocument.querySelector('h1'); }")
    page.evaluate("() => document.querySelector('#frame iframe').contentWindow.scrollTo(0, 150)")
    path = server.root / FACTS
    original = path.read_text(encoding="utf-8")
    try:
        for n in range(12):
            path.write_text(original.replace("a figure the segment cited", f"a figure the segment cited ({n})", 1),
                            encoding="utf-8")
            page.wait_for_timeout(60)
        wait_for_frame_text(page, "a figure the segment cited (11)")
        server.wait_for(lambda s: s["stages"].get("full") == s["number"])
        page.wait_for_function("() => document.querySelectorAll('#frame iframe').length === 1"
                               " && !document.querySelector('#frame iframe.loading')", timeout=WAIT)
        assert page.evaluate("() => document.querySelector('#frame iframe').contentWindow.scrollY") == 150
    finally:
        path.write_text(original, encoding="utf-8")
    wait_for_frame_text(page, "a figure the segment cited as")
