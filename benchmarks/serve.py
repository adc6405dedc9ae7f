"""Benchmark `briefgen serve`: from saving a fact file to the updated page in
the browser (headless Chromium through Playwright), the first page view after
start, and the server's memory over many rebuilds.

    python benchmarks/serve.py [--rounds 500] [--saves 15]

Figures are printed as a Markdown table (for the README); nothing here is a
test.  Needs /usr/bin/chromium and Playwright (pip install '.[test]').
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO / "tests")]

from generate import generate  # noqa: E402
from serve_support import Server  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
FRAME_TEXT = ("([text]) => { const f = document.querySelector('#frame iframe:not(.loading)');"
              " const b = f && f.contentDocument && f.contentDocument.body; return b && b.innerText.includes(text); }")
FRAME_VERSION = ("([old]) => { const box = document.querySelector('#frame');"
                 " return box.dataset.version !== old && !box.querySelector('iframe.loading'); }")


def sample(root: Path) -> Path:
    shutil.copytree(REPO / "sources", root / "sources")
    shutil.copytree(REPO / "snapshots", root / "snapshots")
    return root


def large(root: Path, facts: int, briefs: int) -> Path:
    """A generated workspace, plus one fact that exactly two of its briefs name."""
    generate(root, facts=facts, briefs=briefs)
    (root / "sources" / "facts" / "bench.yaml").write_text(
        "facts:\n  - id: bench-fact\n    claim: \"Benchmark claim, version 0.\"\n    tags: [bench-only]\n"
        "    cite:\n      - ref: ref-00000\n")
    briefs_file = root / "sources" / "briefs.yaml"
    text = briefs_file.read_text()
    for b in ("brief-00000", "brief-00001"):
        head, _, tail = text.partition(f"  - id: {b}\n")
        before, _, rest = tail.partition("        facts: [")
        text = f"{head}  - id: {b}\n{before}        facts: [bench-fact, {rest}"
    briefs_file.write_text(text)
    return root


def save_to_screen(server: Server, page, rel: str, old: str, new_text, stem: str, saves: int, view: str) -> list[float]:
    """Seconds from writing the file to the new version on screen, once per save."""
    path = server.root / rel
    page.goto(f"{server.url}/doc/{stem}" + ("?view=pdf" if view == "pdf" else ""))
    page.wait_for_function("() => document.querySelector('#frame iframe')")
    page.wait_for_timeout(300)
    times = []
    current = old
    for n in range(1, saves + 1):
        replacement = new_text(n)
        text = path.read_text()
        version = page.get_attribute("#frame", "data-version")
        started = time.perf_counter()
        path.write_text(text.replace(current, replacement, 1))
        if view == "pdf":
            page.wait_for_function(FRAME_VERSION, arg=[version], timeout=60_000, polling="raf")
        else:
            page.wait_for_function(FRAME_TEXT, arg=[replacement], timeout=60_000, polling="raf")
        times.append(time.perf_counter() - started)
        current = replacement
        page.wait_for_timeout(150)  # let the PDF pass of this save end before the next one
        server.wait_for(lambda s: s["stages"].get("full") == s["number"] and not s["busy"])
    return times


def first_view(root: Path, page) -> float:
    started = time.perf_counter()
    server = Server.__new__(Server)
    import re
    import subprocess

    server.root = root
    server.process = subprocess.Popen([sys.executable, "-m", "briefgen", "--root", str(root), "serve", "--port", "0"],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = server.process.stdout.readline()
    server.url = re.search(r"at (http://[^/]+)/", line)[1]
    try:
        page.goto(f"{server.url}/")
        page.wait_for_selector("table.docs a", timeout=60_000)
        page.click("table.docs a")
        page.wait_for_function("() => { const f = document.querySelector('#frame iframe');"
                               " return f && f.contentDocument && f.contentDocument.querySelector('h1'); }")
        return time.perf_counter() - started
    finally:
        server.close()


def memory(root: Path, rounds: int) -> list[tuple[int, float]]:
    """(rebuilds, MB) of the server process and its worker, as rebuilds go on."""
    from briefgen.build.preview import Preview

    def rss(pids) -> float:
        total = 0
        for pid in pids:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total / 1024

    import os

    rel = root / "sources" / "facts" / "online-exploitation.yaml"
    original = rel.read_text()
    preview = Preview(root)
    points = []
    try:
        for n in range(1, rounds + 1):
            rel.write_text(original.replace("a figure the segment cited", f"a figure the segment cited ({n})", 1))
            assert all(r.ok for r in preview.update())
            if n in (1, 10, 50, 100, 200, 300, 400, 500) or n == rounds:
                points.append((n, rss([os.getpid(), *preview.workers.pids()])))
    finally:
        preview.close()
        rel.write_text(original)
    return points


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=500, help="rebuilds for the memory figure")
    parser.add_argument("--saves", type=int, default=15, help="saves timed per figure")
    parser.add_argument("--facts", type=int, default=2000, help="facts of the 1,000-brief workspace")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="briefgen-serve-bench-"))
    rows = []

    def row(what: str, seconds: list[float] | float, target: str) -> None:
        value = (f"median {statistics.median(seconds):.3f} s (min {min(seconds):.3f}, max {max(seconds):.3f}, "
                 f"n={len(seconds)})") if isinstance(seconds, list) else seconds
        rows.append((what, value, target))
        print(f"  {what}: {value}", file=sys.stderr)

    claim = "a figure the segment cited"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        views = [first_view(sample(tmp / f"first-{i}"), page) for i in range(3)]
        row("first page view after start (sample; start to the brief on screen)", views, "≤ 2 s")

        server = Server(sample(tmp / "sample"))
        try:
            html = save_to_screen(server, page, "sources/facts/online-exploitation.yaml", claim,
                                  lambda n: f"a figure the segment cited (save {n})", "section-230-one-pager",
                                  args.saves, "html")
            row("save → HTML preview updated, sample one-pager", html, "≤ 0.3 s")
            pdf = save_to_screen(server, page, "sources/facts/online-exploitation.yaml",
                                 f"a figure the segment cited (save {args.saves})",
                                 lambda n: f"a figure the segment cited (pdf {n})", "section-230-one-pager",
                                 args.saves, "pdf")
            row("save → PDF preview updated, sample one-pager", pdf, "≤ 1.0 s")
        finally:
            server.close()

        big = large(tmp / "large", args.facts, 1000)
        server = Server(big)
        try:
            html = save_to_screen(server, page, "sources/facts/bench.yaml", "version 0",
                                  lambda n: f"version {n}", "brief-00000", args.saves, "html")
            row(f"save → HTML preview updated, 1,000 briefs / {args.facts:,} facts, change reaching 2 briefs",
                html, "≤ 0.5 s")
        finally:
            server.close()
        browser.close()

    points = memory(sample(tmp / "memory"), args.rounds)
    row(f"memory, server + PDF worker, over {args.rounds} rebuilds (HTML and PDF)",
        ", ".join(f"{n}: {mb:.0f} MB" for n, mb in points), "flat")
    shutil.rmtree(tmp, ignore_errors=True)

    print("| measurement | result | target |\n|---|---|---|")
    for what, value, target in rows:
        print(f"| {what} | {value} | {target} |")


if __name__ == "__main__":
    main()
