"""Benchmark the editor of `briefgen serve`: from a change typed in a form to
the unsaved preview showing it (headless Chromium), and the check-and-preview
request alone, on the sample workspace.

    python benchmarks/editor.py [--rounds 20]

Figures are printed as a Markdown table (for the README); nothing here is a
test.  Needs /usr/bin/chromium and Playwright (pip install '.[test]').
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from serve import CHROMIUM_ARGS, sample  # noqa: E402
from serve_support import Server  # noqa: E402

from briefgen.source.forms import form  # noqa: E402

DRAFT_TEXT = ("([text]) => { const f = document.querySelector('[data-draft-frame] iframe:not(.loading)');"
              " const b = f && f.contentDocument && f.contentDocument.body; return b && b.innerText.includes(text); }")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(sample(Path(tmp)))
        try:
            request = measure_request(server, args.rounds)
            typed = measure_typing(server, args.rounds)
        finally:
            server.close()
    print("| measurement | median | max |")
    print("|---|---|---|")
    print(f"| check + unsaved preview request (sample one-pager) | {statistics.median(request):.3f} s | "
          f"{max(request):.3f} s |")
    print(f"| keystroke to the unsaved preview showing it (Chromium; includes the form's 0.3 s pause) | "
          f"{statistics.median(typed):.3f} s | {max(typed):.3f} s |")


def measure_request(server: Server, rounds: int) -> list[float]:
    import re

    page = server.get("/edit/fact/few-convicted")[2].decode()
    file, digest = re.search(r'data-file="([^"]+)"', page)[1], re.search(r'data-digest="([^"]+)"', page)[1]
    token = server.token()
    fact = {"id": "few-convicted", "tags": ["sex-trafficking", "accountability"], "kind": "finding",
            "status": "verified", "priority": 1,
            "cite": [{"ref": "msnbc-2025-08-24", "locator": "point 12", "quote": "only a few individuals are "
                      "convicted, while many abusers and clients go uninvestigated"}]}
    times = []
    for n in range(rounds):
        data = {f.key: fact.get(f.key) for f in form("fact").children}
        data["claim"] = f"According to the segment, only a few people are convicted (round {n})."
        started = time.perf_counter()
        status, answer = server.post("/_/edit/check", {"kind": "fact", "id": "few-convicted", "file": file,
                                                       "digest": digest, "data": data,
                                                       "preview": "section-230-one-pager"}, token=token)
        times.append(time.perf_counter() - started)
        assert status == 200 and answer.get("draft"), answer
    return times


def measure_typing(server: Server, rounds: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{server.url}/edit/fact/few-convicted")
        page.wait_for_function("() => Number(document.body.dataset.checks || 0) >= 1")
        for n in range(rounds):
            word = f"typed{n}x"
            page.locator("#f-claim").fill(f"According to the segment, few are convicted ({word}).")
            started = time.perf_counter()
            page.wait_for_function(DRAFT_TEXT, arg=[word], timeout=30_000, polling=10)
            times.append(time.perf_counter() - started)
        browser.close()
    return times


if __name__ == "__main__":
    main()
