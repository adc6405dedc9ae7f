"""The preview server's own pages, checked by tools no one here wrote: the
Nu HTML Checker over its pages and stylesheet, axe-core in Chromium over
the pages as a staffer sees them (with and without problems to show).

Skipped where a tool is missing, except under CI (see test_validators.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import copy_sample
from serve_support import Server
from test_validators import CHROMIUM, CHROMIUM_ARGS, axe_source, axe_violations, missing, tool

from briefgen.serve.app import STATIC

ONE_PAGER = "section-230-one-pager"
FACTS = "sources/facts/online-exploitation.yaml"
PAGES = ["/", f"/doc/{ONE_PAGER}", f"/doc/{ONE_PAGER}?view=pdf", "/doc/maxwell-interview-fact-sheet",
         # the editor: the list of records, a form of each kind, and new records
         "/edit", "/edit/fact/one-in-four-children", f"/edit/brief/{ONE_PAGER}", "/edit/reference/msnbc-2025-08-24",
         "/edit/new/fact", "/edit/new/brief"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(copy_sample(tmp_path_factory.mktemp("ws")))
    yield s
    s.close()


def broken(server):
    """The workspace with a quotation mark left open, and the problem on show."""
    path = server.root / FACTS
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - id: one-in-four-children\n",
                                 "  - id: one-in-four-children\n    claim: \"unclosed\n", 1), encoding="utf-8")
    server.wait_for(lambda s: not s["ok"])
    return lambda: (path.write_text(text, encoding="utf-8"), server.wait_for(lambda s: s["ok"]))


def test_nu_html_checker_finds_nothing_in_the_preview_pages(server, tmp_path):
    java = shutil.which("java")
    if not java:
        missing("java is missing (apt-get install default-jre-headless)")
    jar = tool("vnu-jar", "build/dist/vnu.jar")
    if not jar.is_file():
        missing(f"the Nu HTML Checker is missing: no {jar} (npm install vnu-jar)")
    files = []

    def save(tag: str) -> None:
        for n, path in enumerate(PAGES):
            status, _, body = server.get(path)
            assert status == 200, path
            files.append(tmp_path / f"{tag}-{n}.html")
            files[-1].write_bytes(body)

    save("ok")
    restore = broken(server)
    try:
        save("problems")
    finally:
        restore()
    assert b'class="problems"' in (tmp_path / "problems-0.html").read_bytes()
    run = subprocess.run([java, "-Xss8m", "-jar", str(jar), "--format", "json", *map(str, files)],
                         capture_output=True, text=True, timeout=600)
    css = subprocess.run([java, "-jar", str(jar), "--format", "json", "--css", str(STATIC / "preview.css")],
                         capture_output=True, text=True, timeout=600)
    messages = [m for out in (run, css) for m in json.loads(out.stderr or '{"messages": []}')["messages"]
                if not (m["type"] == "info" and not m.get("subType"))]
    assert messages == [], json.dumps(messages, indent=1)


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_axe_finds_no_violations_in_the_preview_pages(server, width):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed (pip install '.[test]')")
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    source = axe_source()
    found = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # axe is injected as a script of the page's own, which the pages' policy would refuse.
        context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
        page = context.new_page()

        def audit(tag: str) -> None:
            for path in PAGES:
                page.goto(server.url + path, wait_until="load")
                page.wait_for_timeout(300)
                violations = axe_violations(page, source)
                if violations:
                    found[f"{tag} {path}"] = violations

        audit("ok")
        restore = broken(server)
        try:
            audit("problems")
        finally:
            restore()
        browser.close()
    assert found == {}, json.dumps(found, indent=1)
