"""Measure briefgen on synthetic workspaces and print a table.

    python benchmarks/run.py [--quick]

Every figure is a whole `briefgen` process (start-up included) unless the
row says otherwise, timed with a monotonic clock; peak memory is the
largest resident set of any measured process.  Workspaces come from
benchmarks/generate.py with a fixed seed, in a temporary folder.  --quick
uses a tenth of the sizes, to check that the script works.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

PEAK_KB = 0
LAST_CPU = 0.0  # processor time (user + system) of the last command run


def run(*args: str, env: dict | None = None, may_fail: bool = False) -> float:
    """Seconds one command takes; records its peak memory and processor time."""
    global PEAK_KB, LAST_CPU
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 and not (may_fail and proc.returncode == 1):
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(args)}\n{proc.stderr.read().decode()}")
    PEAK_KB = max(PEAK_KB, usage.ru_maxrss)
    LAST_CPU = usage.ru_utime + usage.ru_stime
    return seconds


def briefgen(root: Path, *args: str, env: dict | None = None, may_fail: bool = False) -> float:
    return run(sys.executable, "-m", "briefgen", "--root", str(root), *args, env=env, may_fail=may_fail)


def best(rounds: int, measure) -> tuple[float, float]:
    """The best of `rounds` measurements: (seconds, processor seconds of that round)."""
    results = []
    for _ in range(rounds):
        seconds = measure()
        results.append((seconds, LAST_CPU))
    return min(results)


FLOOR = """
import sys, weasyprint
for name in sys.argv[1:]:
    weasyprint.HTML(filename=name).write_pdf(name[:-5] + ".floor.pdf")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    tmp = Path(tempfile.mkdtemp(prefix="briefgen-bench-"))
    cache = tmp / "parse-cache"
    env = {**os.environ, "BRIEFGEN_CACHE_DIR": str(cache)}
    rows = []

    def row(what: str, value: str, target: str = "") -> None:
        rows.append((what, value, target))
        print(f"  {what}: {value}", file=sys.stderr)

    # 0. start-up: the version, a check of the sample, one brief beside pandoc
    seconds, cpu = best(10, lambda: run(sys.executable, "-m", "briefgen", "--version", env=env))
    row("briefgen --version (best of 10)", f"{seconds * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)", "≤ 50 ms")
    sample = _sample(tmp / "sample")
    briefgen(sample, "check", env=env)  # its records and templates in the cache, as after any first run
    seconds, cpu = best(10, lambda: briefgen(sample, "check", env=env))
    row("check, the sample (best of 10)", f"{seconds * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)", "≤ 150 ms")
    one = ("build", "section-230-one-pager", "--format", "html", "--force", "--quiet")
    briefgen(sample, *one, env=env)
    ours, ours_cpu = best(7, lambda: briefgen(sample, *one, env=env))
    theirs, theirs_cpu = best(7, _pandoc_alike(sample, tmp / "pandoc"))
    row("one brief to HTML, whole process (the sample's one-pager; best of 7)",
        f"{ours * 1000:.0f} ms (CPU {ours_cpu * 1000:.0f} ms) = {ours / theirs:.1f} × `pandoc --citeproc` on the same "
        f"claims and references ({theirs * 1000:.0f} ms, CPU {theirs_cpu * 1000:.0f} ms)", "≤ 1.0 ×")

    # 1. check on 10,000 facts in 50 files, 1,000 briefs
    n_facts = 10_000 // scale
    big = generate(tmp / "check", facts=n_facts, briefs=1000 // scale, facts_per_file=max(1, n_facts // 50))

    def cold() -> float:
        shutil.rmtree(cache, ignore_errors=True)
        return briefgen(big, "check", env=env)

    seconds, cpu = best(3, cold)
    row(f"check, {n_facts:,} facts in 50 files, {1000 // scale:,} briefs, cache empty (best of 3)",
        f"{seconds:.2f} s (CPU {cpu:.2f} s) = {n_facts / seconds:,.0f} facts/s", "≥ 20,000 facts/s")
    seconds, cpu = best(5, lambda: briefgen(big, "check", env=env))
    row(f"check, {n_facts:,} facts, again (cache warm; best of 5)",
        f"{seconds:.2f} s (CPU {cpu:.2f} s) = {n_facts / seconds:,.0f} facts/s", "≥ 50,000 facts/s")
    edited = sorted((big / "sources" / "facts").glob("*.yaml"))[0]

    def after_edit() -> float:
        edited.write_text(edited.read_text().replace("claim: \"", "claim: \"Revised: ", 1))
        return briefgen(big, "check", env=env)

    seconds, cpu = best(3, after_edit)
    row(f"check, {n_facts:,} facts, after one file of 50 changed (best of 3)",
        f"{seconds:.2f} s (CPU {cpu:.2f} s) = {n_facts / seconds:,.0f} facts/s", "")

    # search on the same 10,000 facts, a whole process with loading
    query = ("search", "children survey platform")
    first = briefgen(big, *query, env=env)
    seconds, cpu = best(5, lambda: briefgen(big, *query, env=env))
    row(f"search, {n_facts:,} facts, whole process (index up to date; best of 5)",
        f"{seconds:.2f} s (CPU {cpu:.2f} s); {first:.2f} s when it builds the index", "≤ 0.2 s")

    # 2. HTML-only build of 1,000 briefs
    n_briefs = 1000 // scale
    html_ws = generate(tmp / "html", facts=2000 // scale, briefs=n_briefs)
    briefgen(html_ws, "check", env=env)  # the parse cache is warm, as it is for a team at work
    seconds = briefgen(html_ws, "build", "--format", "html", "--quiet", env=env)
    row(f"HTML build, {n_briefs:,} briefs", f"{seconds:.2f} s = {n_briefs / seconds:,.0f} briefs/s", "≥ 200 briefs/s")

    # citation styles: the same 1,000 briefs rendered afresh (--force), in
    # briefgen's numbered style and in CSL styles through pandoc.  A style's
    # first build formats the reference set (pandoc); later builds find it in
    # the cache.  Styled and numbered builds alternate, and each side's best
    # of three is compared, so that the machine's drift hits both alike.
    out = str(tmp / "styled")

    def html_build(*extra: str) -> float:
        return briefgen(html_ws, "build", "--format", "html", "--quiet", "--force", "--out", out, *extra, env=env)

    for name in ("chicago-notes", "apa"):
        base = html_build()
        first = html_build("--style", name)
        pairs = [(html_build(), html_build("--style", name)) for _ in range(3)]
        plain, styled = min(p for p, _ in pairs), min(s for _, s in pairs)
        row(f"HTML build, {n_briefs:,} briefs, --style {name}, 1st (pandoc runs)",
            f"{first:.2f} s = {first / base:.2f} × numbered ({base:.2f} s)", "")
        row(f"HTML build, {n_briefs:,} briefs, --style {name}, again (formatted set cached)",
            f"{styled:.2f} s = {styled / plain:.2f} × numbered ({plain:.2f} s)", "≤ 1.2 ×")

    # 4. no-op rebuild, then one changed fact
    noop = min(briefgen(html_ws, "build", "--format", "html", "--quiet", env=env) for _ in range(3))
    row(f"no-op rebuild, {n_briefs:,} briefs", f"{noop:.2f} s", "≤ 1 s")
    users = _change_one_fact(html_ws)
    before = _mtimes(html_ws / "output")
    seconds = briefgen(html_ws, "build", "--format", "html", "--quiet", env=env)
    after = _mtimes(html_ws / "output")
    rebuilt = sorted(p for p in after if p.endswith(".html") and p != "index.html" and after[p] != before.get(p))
    expected = sorted(f"{b}.html" for b in users)
    row("rebuild after one fact changes", f"{seconds:.2f} s; re-rendered {len(rebuilt)} briefs, "
        f"{'exactly' if rebuilt == expected else 'NOT exactly'} the {len(users)} that use the fact", "only those")

    # 3. PDF build of 40 one-pagers: --jobs 1, --jobs 2 (alternating, best of 3 each), WeasyPrint alone
    n_pdf = 40 // scale
    pdf_ws = generate(tmp / "pdf", facts=500 // scale, briefs=n_pdf)
    briefgen(pdf_ws, "build", "--format", "html", "--quiet", "--out", str(tmp / "pdf-html"), env=env)
    pages = sorted(str(p) for p in (tmp / "pdf-html").glob("brief-*.html"))
    floor = run(sys.executable, "-c", FLOOR, *pages)
    pairs = [(briefgen(pdf_ws, "build", "--format", "pdf", "--quiet", "--jobs", "1", "--force", env=env),
              briefgen(pdf_ws, "build", "--format", "pdf", "--quiet", "--jobs", "2", "--force", env=env))
             for _ in range(3)]
    one, two = min(p for p, _ in pairs), min(q for _, q in pairs)
    row(f"WeasyPrint alone, the same {n_pdf} HTML files, one process", f"{floor:.2f} s")
    row(f"PDF build, {n_pdf} one-pagers, --jobs 1 (best of 3)", f"{one:.2f} s = {one / floor:.2f} × the WeasyPrint floor",
        "≤ 1.10 ×")
    row(f"PDF build, {n_pdf} one-pagers, --jobs 2 (best of 3)", f"{two:.2f} s = {one / two:.2f} × faster than --jobs 1; "
        f"each pair: {', '.join(f'{p / q:.2f} ×' for p, q in pairs)}", "≥ 1.7 ×")
    # Word documents: one pandoc run each; beside the PDF they reuse its fitting
    docx = briefgen(pdf_ws, "build", "--format", "docx", "--quiet", "--jobs", "1", "--force", env=env)
    both = briefgen(pdf_ws, "build", "--format", "pdf,docx", "--quiet", "--jobs", "1", "--force", env=env)
    row(f"Word build, {n_pdf} one-pagers, --jobs 1", f"{docx:.2f} s = {docx / n_pdf * 1000:.0f} ms a brief")
    row(f"PDF and Word build, {n_pdf} one-pagers, --jobs 1", f"{both:.2f} s = {both / one:.2f} × the PDF alone")
    row("one brief, whole process, PDF", f"{briefgen(pdf_ws, 'build', 'brief-00000', '--format', 'pdf', '--force', '--quiet', env=env):.2f} s")
    row("one brief, whole process, HTML", f"{min(briefgen(pdf_ws, 'build', 'brief-00000', '--format', 'html', '--force', '--quiet', env=env) for _ in range(3)):.2f} s")

    # Fitting: over-full one-pagers, layouts per fitted brief
    n_fit = max(4, 20 // scale)
    fit_ws = _overfull(tmp / "fit", n_fit)
    seconds = briefgen(fit_ws, "build", "--format", "pdf", "--quiet", "--jobs", "1", env=env, may_fail=True)
    import json
    import statistics

    manifests = [json.loads(p.read_text()) for p in (fit_ws / "output").glob("*.manifest.json")]
    layouts = sorted(m["fit"]["extra_layouts"] for m in manifests if m["fit"]["scale"] < 1 or m["dropped"])
    one_page = sum(1 for m in manifests if m["fit"]["pages"] == 1)
    row(f"fitting {n_fit} over-full one-pagers", f"{seconds:.2f} s; {one_page} fitted on one page, "
        f"{n_fit - len(manifests)} could not be (too many priority-1 facts); "
        f"extra layouts per fitted brief: median {statistics.median(layouts):g}, max {max(layouts)}", "median ≤ 2")

    # 5. peak memory
    row("peak memory of any run above (10,000 facts and 1,000 briefs the largest)", f"{PEAK_KB / 1024:,.0f} MB",
        "≤ 300 MB")

    import weasyprint

    print(f"\nbriefgen benchmark: {platform.python_implementation()} {platform.python_version()}, "
          f"WeasyPrint {weasyprint.__version__}, {os.cpu_count()} CPUs{' (--quick)' if args.quick else ''}\n")
    print("| measurement | result | target |")
    print("|---|---|---|")
    for what, value, target in rows:
        print(f"| {what} | {value} | {target} |")
    shutil.rmtree(tmp, ignore_errors=True)


def _sample(root: Path) -> Path:
    """A copy of the sample workspace (the repository's own sources, snapshots and templates)."""
    repo = Path(__file__).resolve().parent.parent
    for name in ("sources", "snapshots", "templates"):
        shutil.copytree(repo / name, root / name)
    return root


def _pandoc_alike(sample: Path, folder: Path):
    """A measurement of `pandoc --citeproc` making a standalone HTML page of
    the sample one-pager's claims, each citing its references (CSL-JSON)."""
    import json

    import pypandoc

    from briefgen.build.pipeline import check_project
    from briefgen.source.csl import csl_json
    from briefgen.source.project import Project

    checked = check_project(Project.open(sample))
    cited = checked.cited["section-230-one-pager"]
    folder.mkdir(parents=True)
    lines = [f"---\ntitle: \"{cited.brief.title}\"\n---\n"]
    for section in cited.sections:
        lines.append(f"## {section.heading}\n")
        for cf in section.facts:
            refs = "; ".join(f"@{c.ref}" for c in cf.fact.cite)
            lines.append(f"{cf.fact.claim} [{refs}]\n")
    (folder / "brief.md").write_text("\n".join(lines) + "\n# References\n")
    (folder / "refs.json").write_text(json.dumps(csl_json(checked.base.references.values())))
    command = (pypandoc.get_pandoc_path(), "--citeproc", "--standalone", "--bibliography", str(folder / "refs.json"),
               str(folder / "brief.md"), "-o", str(folder / "brief.html"))
    return lambda: run(*command)


def _overfull(root: Path, briefs: int) -> Path:
    """Briefs of 8 to 20 long facts of mixed priority: from a little over one page to far over."""
    import random

    rng = random.Random(7)
    src = root / "sources"
    src.mkdir(parents=True)
    n = 400
    (src / "refs.yaml").write_text("references:\n" + "".join(
        f"  - {{id: r{i}, title: 'Report {i}', publisher: Institute, issued: '2024'}}\n" for i in range(n)))
    words = "the platform survey found that children online reported contact with adults in the year".split()
    (src / "facts.yaml").write_text("facts:\n" + "".join(
        f"  - id: f{i}\n    claim: \"{' '.join(rng.choice(words) for _ in range(rng.randint(30, 60))).capitalize()}.\"\n"
        f"    tags: [t{i % 40}]\n    priority: {rng.randint(1, 5)}\n    cite: [{{ref: r{i}}}]\n" for i in range(n)))
    lines = ["briefs:"]
    for b in range(briefs):
        ids = rng.sample(range(n), rng.randint(8, 20))
        lines += [f"  - id: fit-{b:03d}", f"    title: \"Over-full brief {b}\"", "    template: one-pager",
                  "    date: 2026-01-15", "    max_pages: 1", "    sections:",
                  "      - heading: Facts", f"        facts: [{', '.join(f'f{i}' for i in ids)}]"]
    (src / "briefs.yaml").write_text("\n".join(lines) + "\n")
    return root


def _change_one_fact(root: Path) -> list[str]:
    """Edit the claim of one fact that some briefs show; return those briefs' ids."""
    from briefgen.build.pipeline import check_project
    from briefgen.source.project import Project

    cited = check_project(Project.open(root)).cited
    fact_id = next(iter(cited.values())).fact_ids[0]
    users = [b for b, c in cited.items() if fact_id in c.fact_ids]
    path = next(p for p in (root / "sources" / "facts").glob("*.yaml") if f"id: {fact_id}\n" in p.read_text())
    text = path.read_text()
    start = text.index(f"id: {fact_id}\n")
    claim = text.index("claim: \"", start) + len("claim: \"")
    path.write_text(text[:claim] + "Revised: " + text[claim:])
    return users


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


if __name__ == "__main__":
    main()
