"""Time `briefgen diff` between two git revisions of a 10,000-fact workspace.

    python benchmarks/diff.py            # about half a minute; --quick for a tenth of the size

The workspace is benchmarks/generate.py's (10,000 facts in 20 files, 1,000
briefs).  Two histories are timed, each as a whole `briefgen diff` process,
best of three with the parse cache warm (and once with it empty):

* one fact's number changed (one file differs);
* a release's worth: a number changed in one fact of every file, a fact
  retired, a citation added and a file renamed (every file differs, so both
  versions are read and validated in full).

It also times an HTML build of the 1,000 briefs with --changes-since against
the same build without it.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.org", "-c", "commit.gpgsign=false",
                    "-c", "init.defaultBranch=main", *args], cwd=root, check=True, capture_output=True)


CPU: list[float] = []  # the processor time of each run, user and system (the clock also counts waiting for a core)


def timed(root: Path, *args: str, env: dict) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "briefgen", "--root", str(root), *args], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return time.perf_counter() - started


def best(runs: int, *args, env: dict) -> str:
    """The best of `runs` runs: wall-clock time, and processor time."""
    del CPU[:]
    wall = min(timed(*args, env=env) for _ in range(runs))
    return f"{wall:.2f} s (CPU {min(CPU):.2f} s)"


def change_a_number(path: Path, value: int) -> None:
    text = path.read_text()
    path.write_text(re.sub(r"with \*\d+%\*", f"with *{value}%*", text, count=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    tmp = Path(tempfile.mkdtemp(prefix="briefgen-bench-diff-"))
    env = {**os.environ, "BRIEFGEN_CACHE_DIR": str(tmp / "parse-cache")}
    facts = 10_000 // scale
    root = generate(tmp / "ws", facts=facts, briefs=1000 // scale, facts_per_file=500 // scale)
    files = sorted((root / "sources" / "facts").glob("*.yaml"))
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "release 1")
    # A release's worth of edits: every file differs.
    for path in files:
        change_a_number(path, 99)
    first, briefs = files[0].read_text(), (root / "sources" / "briefs.yaml").read_text()
    unnamed = next(i for i in re.findall(r"id: (fact-\d+)", first) if i not in briefs)  # a brief may not name a retired fact
    at = first.index(f"id: {unnamed}\n")
    files[0].write_text(first[:at] + first[at:].replace("    status: verified", "    status: retired", 1))
    second = files[1].read_text()
    files[1].write_text(re.sub(r"(    cite:\n      - ref: ref-\d+\n        locator: \"p\. \d+\"\n)",
                               r'\1      - ref: ref-00000\n        locator: "p. 1"\n', second, count=1))
    git(root, "add", "-A")
    git(root, "mv", str(files[2].relative_to(root)), "sources/facts/renamed.yaml")
    git(root, "commit", "-q", "-m", "release 2")
    # Then one fact.
    change_a_number(files[3], 98)
    git(root, "commit", "-q", "-am", "one number")

    rows = []
    cold = best(1, root, "diff", "HEAD~2", "HEAD~1", env=env)
    for what, revs in (("one fact changed (1 file of 20 differs)", ("HEAD~1", "HEAD")),
                       ("a release's worth of changes (every file differs)", ("HEAD~2", "HEAD~1"))):
        rows.append((f"diff, {facts:,} facts, {what}", best(3, root, "diff", *revs, env=env), "≤ 2 s"))
    rows.append((f"diff, {facts:,} facts, every file differs, parse cache empty", cold, ""))
    out = str(tmp / "out")
    build = (root, "build", "--format", "html", "-q", "--force", "--out", out)
    rows.append((f"HTML build, {1000 // scale:,} briefs", best(2, *build, env=env), ""))
    rows.append((f"HTML build, {1000 // scale:,} briefs, --changes-since HEAD~2",
                 best(2, *build, "--changes-since", "HEAD~2", env=env), ""))
    print(f"briefgen diff benchmark: CPython {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    print("| measurement | result | target |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
