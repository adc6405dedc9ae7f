"""The editor of `briefgen serve` in real headless Chromium, as a member of
staff who has never seen YAML would use it: a new reference made from a
citation, a new fact whose quote is chosen from the reference's stored
text, the fact added to a brief's section with the picker, the preview
showing the unsaved change, and afterwards only those records changed in
the files.  A save that would break the check is refused at the field; a
file changed on disk meanwhile is not overwritten.

Skipped on a machine without Chromium or Playwright, except under CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
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

from playwright.sync_api import expect, sync_playwright  # noqa: E402  (after the skip above)

ONE_PAGER = "section-230-one-pager"
REFERENCES = "sources/references.yaml"
MAXWELL = "sources/facts/maxwell-case.yaml"
BRIEFS = "sources/briefs.yaml"
# A stored text for a reference the test makes: neutral words, numbered as
# the sample's summary numbers its points.
SNAPSHOT = ("Committee hearing, summary. The committee heard how reports reach the authorities [1]. "
            "Witnesses said that reports are often delayed by weeks [2]. The chair asked for a written answer [3].")
WAIT = 30_000  # ms: the most a step may take before the test fails (not a speed target)


@pytest.fixture
def server(tmp_path):
    root = copy_sample(tmp_path)
    (root / "snapshots" / "hearing-summary.txt").write_text(SNAPSHOT, encoding="utf-8")
    s = Server(root)
    yield s
    s.close()


@pytest.fixture
def page(server):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        pg = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
        pg.errors = []
        pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
        yield pg
        browser.close()


def checked(page, n: int = 1) -> None:
    """Wait until the form has had `n` more answers to its checks."""
    start = int(page.evaluate("() => Number(document.body.dataset.checks || 0)"))
    page.wait_for_function(f"() => Number(document.body.dataset.checks || 0) >= {start + n}", timeout=WAIT)


def test_a_sourced_fact_is_added_to_the_one_pager_without_touching_yaml(server, page):
    root = server.root
    before = {rel: (root / rel).read_text(encoding="utf-8") for rel in (REFERENCES, MAXWELL, BRIEFS)}

    # A new fact; its tag puts it with the other facts about survivors.
    page.goto(f"{server.url}/edit/new/fact")
    page.wait_for_function("() => document.body.dataset.ready === 'yes'", timeout=WAIT)
    expect(page.locator("#check-summary")).to_be_empty()  # nothing is wrong before anything is typed
    page.get_by_label("Id").first.fill("reports-delayed")
    page.locator("#f-claim").fill("Witnesses at the hearing said that reports are often delayed by weeks.")
    page.locator("#f-tags button[data-add]").focus()
    page.keyboard.press("Enter")  # the keyboard alone adds a tag
    page.keyboard.type("survivors")
    page.keyboard.press("Tab")
    expect(page.locator("[data-target-file]")).to_have_value(MAXWELL)

    # A citation of a reference that does not exist yet, made in place.
    page.locator("#f-cite button[data-add]").click()
    page.locator("#f-cite-0 [data-new-ref]").click()
    dialog = page.locator("[data-ref-dialog]")
    expect(dialog).to_be_visible()
    dialog.locator("#r-id").fill("hearing-summary")
    dialog.locator("#r-type").select_option("hearing")
    dialog.locator("#r-title").fill("Committee hearing, summary")
    dialog.locator("#r-issued").fill("2026")
    dialog.locator("#r-snapshot").fill("snapshots/hearing-summary.txt")
    dialog.locator("[data-save]").click()
    expect(dialog).to_be_hidden(timeout=WAIT)
    expect(page.locator("#f-cite-0-ref")).to_have_value("hearing-summary")

    # The quote, chosen from the stored text: the source's own words, with its point.
    page.locator("#f-cite-0 [data-pick-quote]").click()
    text = page.locator("[data-snapshot]")
    expect(text).to_be_visible()
    page.evaluate("""() => { const t = document.querySelector('[data-snapshot]');
        const s = t.value.indexOf('reports are often'); t.setSelectionRange(s, t.value.indexOf('[2]') + 3); }""")
    page.locator("[data-use-quote]").click()
    expect(page.locator("#f-cite-0-quote")).to_have_value("reports are often delayed by weeks")
    expect(page.locator("#f-cite-0-locator")).to_have_value("point 2")
    checked(page)
    expect(page.locator("#check-summary")).to_contain_text("Checks pass")
    page.locator("[data-save]").first.click()
    expect(page.locator("[data-state]").first).to_have_text("Saved", timeout=WAIT)
    assert page.url.endswith("/edit/fact/reports-delayed")

    # Into the one-pager's first section, with the picker; the preview shows it before saving.
    page.goto(f"{server.url}/edit/brief/{ONE_PAGER}")
    page.wait_for_function("() => Number(document.body.dataset.checks || 0) >= 1", timeout=WAIT)
    search = page.locator("#f-sections-0-facts-search")
    search.fill("delayed weeks")
    page.locator("#f-sections-0-facts-results button[data-pick='reports-delayed']").click()
    checked(page)
    expect(page.locator("[data-unsaved]")).to_be_visible()
    draft = page.frame_locator("[data-draft-frame] iframe:not(.loading)")
    expect(draft.locator("body")).to_contain_text("reports are often delayed by weeks", timeout=WAIT)
    page.locator("[data-save]").first.click()
    expect(page.locator("[data-state]").first).to_have_text("Saved", timeout=WAIT)
    assert page.errors == []

    # Only those records changed; the workspace checks; the one-pager shows the fact.
    after = {rel: (root / rel).read_text(encoding="utf-8") for rel in before}
    assert after[REFERENCES].startswith(before[REFERENCES])
    assert "id: hearing-summary" in after[REFERENCES][len(before[REFERENCES]):]
    assert after[MAXWELL].startswith(before[MAXWELL])
    assert "id: reports-delayed" in after[MAXWELL][len(before[MAXWELL]):]
    changed = [(a, b) for a, b in zip(before[BRIEFS].splitlines(), after[BRIEFS].splitlines()) if a != b]
    assert changed == [("        facts: [one-in-four-children, few-convicted, section-230-broad-immunity]",
                        "        facts: [one-in-four-children, few-convicted, section-230-broad-immunity, "
                        "reports-delayed]")]
    assert len(before[BRIEFS].splitlines()) == len(after[BRIEFS].splitlines())
    check = subprocess.run([sys.executable, "-m", "briefgen", "--root", str(root), "check"], capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    state = server.wait_for(lambda s: s["ok"] and not s["busy"] and s["stages"].get("full") == s["number"]
                            and s["number"] >= 2)
    one_pager = next(d for d in state["documents"] if d["stem"] == ONE_PAGER)
    assert one_pager["pages"] == 1, one_pager


def test_a_save_that_breaks_the_check_is_refused_at_the_field(server, page):
    path = server.root / "sources/facts/online-exploitation.yaml"
    before = path.read_bytes()
    page.goto(f"{server.url}/edit/fact/few-convicted")
    page.wait_for_function("() => Number(document.body.dataset.checks || 0) >= 1", timeout=WAIT)
    page.locator("#f-priority").fill("9")
    page.locator("#f-tags-1").fill("Not A Tag")
    page.locator("[data-save]").first.click()
    expect(page.locator("[data-state]").first).to_have_text("Not saved: fix the problems marked in the form",
                                                            timeout=WAIT)
    expect(page.locator("#f-priority-err")).to_contain_text("at most 5")
    expect(page.locator("#f-priority")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-tags-1-err")).to_contain_text("not a valid tag")
    expect(page.locator("#check-summary")).to_contain_text("2 problems")
    assert path.read_bytes() == before
    # the form keeps what was typed
    expect(page.locator("#f-priority")).to_have_value("9")


def test_an_edit_on_disk_meanwhile_is_kept_and_a_clash_is_shown(server, page):
    path = server.root / "sources/facts/online-exploitation.yaml"
    page.goto(f"{server.url}/edit/fact/few-convicted")
    page.wait_for_function("() => Number(document.body.dataset.checks || 0) >= 1", timeout=WAIT)
    # someone else raises the priority, with a comment, while the form is open
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    priority: 1\n", "    priority: 2   # raised by a colleague\n", 1), encoding="utf-8")
    page.locator("#f-detail").fill("Added in the browser.")
    page.locator("[data-save]").first.click()
    expect(page.locator("[data-state]").first).to_have_text("Saved", timeout=WAIT)
    after = path.read_text(encoding="utf-8")
    assert "priority: 2   # raised by a colleague" in after and "detail: Added in the browser." in after
    # now both change the priority: nothing is written until the user chooses
    path.write_text(after.replace("priority: 2   # raised by a colleague", "priority: 4   # raised again", 1),
                    encoding="utf-8")
    theirs = path.read_bytes()
    page.locator("#f-priority").fill("3")
    page.locator("[data-save]").first.click()
    conflict = page.locator("[data-conflict]")
    expect(conflict).to_be_visible(timeout=WAIT)
    expect(conflict.locator("[data-both]")).to_contain_text("Changed both on disk and by you: Priority")
    expect(conflict.locator("[data-disk]")).to_contain_text("priority: 4   # raised again")
    assert path.read_bytes() == theirs
    expect(page.locator("#f-priority")).to_have_value("3")
    conflict.locator("[data-overwrite]").click()
    expect(page.locator("[data-state]").first).to_have_text("Saved", timeout=WAIT)
    assert "    priority: 3" in path.read_text(encoding="utf-8")
    assert [e for e in page.errors if "409 (Conflict)" not in e] == []  # the browser logs the refused save


def test_axe_finds_nothing_in_a_form_showing_problems(server):
    from test_validators import axe_source, axe_violations

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        pg = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900}).new_page()
        pg.goto(f"{server.url}/edit/fact/few-convicted")
        pg.wait_for_function("() => Number(document.body.dataset.checks || 0) >= 1", timeout=WAIT)
        pg.locator("#f-priority").fill("9")
        pg.wait_for_function("() => Number(document.body.dataset.checks || 0) >= 2", timeout=WAIT)
        expect(pg.locator("#f-priority-err")).to_contain_text("at most 5")
        violations = axe_violations(pg, axe_source())
        browser.close()
    assert violations == [], json.dumps(violations, indent=1)


def test_a_passage_chosen_in_a_references_stored_text_starts_a_new_fact(server, page):
    page.goto(f"{server.url}/edit/reference/msnbc-2025-08-24")
    text = page.locator("[data-snapshot-panel] [data-snapshot]")
    expect(text).to_be_visible()
    page.locator("[data-new-fact]").click()  # nothing selected yet: said, not done
    expect(page.locator("[data-snapshot-panel] [data-err]")).to_have_text("Select some words of the source first.")
    page.evaluate("""() => { const t = document.querySelector('[data-snapshot-panel] [data-snapshot]');
        const s = t.value.indexOf("The interviewer's"); t.setSelectionRange(s, t.value.indexOf("[10]", s) + 4); }""")
    page.locator("[data-new-fact]").click()
    page.wait_for_url("**/edit/new/fact?**", timeout=WAIT)
    expect(page.locator("#f-cite-0-ref")).to_have_value("msnbc-2025-08-24")
    expect(page.locator("#f-cite-0-quote")).to_have_value(
        "The interviewer's behavior of finishing Maxwell's sentences was considered abnormal in such investigations")
    expect(page.locator("#f-cite-0-locator")).to_have_value("point 10")
    assert page.errors == []


def test_no_editor_page_is_wider_than_a_phone(server):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        pg = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        widths = {}
        for path in ("/edit", "/edit/fact/one-in-four-children", f"/edit/brief/{ONE_PAGER}",
                     "/edit/reference/msnbc-2025-08-24", "/edit/new/fact"):
            pg.goto(server.url + path)
            pg.wait_for_function("() => document.body.dataset.ready === 'yes'", timeout=WAIT)
            widths[path] = pg.evaluate("document.documentElement.scrollWidth")
        browser.close()
    assert all(w <= 390 for w in widths.values()), widths


def test_hostile_text_typed_into_the_form_runs_nowhere(server, page):
    """A few of the XSS corpus's payloads typed into a claim and a heading: saved as text, shown as text,
    and nothing runs in the editor, its preview or the built page (the full corpus:
    tests/security/test_editor_xss.py)."""
    from briefgen.source.yamlread import read_yaml

    ran = []
    page.on("dialog", lambda d: (ran.append(d.message), d.dismiss()))
    payloads = ['<img src=x onerror=alert(1)>', '<script>alert(2)</script>', '"><svg/onload=alert(3)>',
                "[x](javascript:alert(4))"]
    page.goto(f"{server.url}/edit/fact/few-convicted")
    page.wait_for_function("() => Number(document.body.dataset.checks || 0) >= 1", timeout=WAIT)
    claim = "According to the segment, " + " ".join(payloads)
    page.locator("#f-claim").fill(claim)
    checked(page)
    draft = page.frame_locator("[data-draft-frame] iframe:not(.loading)")
    expect(draft.locator("body")).to_contain_text("onerror=alert(1)", timeout=WAIT)
    page.locator("[data-save]").first.click()
    expect(page.locator("[data-state]").first).to_have_text("Saved", timeout=WAIT)
    data, _ = read_yaml((server.root / "sources/facts/online-exploitation.yaml").read_bytes())
    assert next(f for f in data["facts"] if f["id"] == "few-convicted")["claim"] == claim
    page.goto(f"{server.url}/edit/fact/few-convicted")  # the saved text, shown again in the form
    expect(page.locator("#f-claim")).to_have_value(claim)
    page.goto(f"{server.url}/doc/{ONE_PAGER}")
    page.wait_for_timeout(1500)
    assert ran == [] and page.errors == []
