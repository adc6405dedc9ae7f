"""Generate a synthetic briefgen workspace: N facts, M briefs, tags from a vocabulary.

    python benchmarks/generate.py DIR --facts 10000 --briefs 1000 --seed 1

Deterministic for a given seed.  Facts are spread over several files (as a
real team would keep them); every brief is a one-pager of 3 sections that
names some facts and selects others with a tag expression.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = ("children platform online safety report survey court law statute evidence "
         "percent adults minors trafficking exploitation enforcement policy reform state "
         "federal data study victims families prosecution immunity incentive risk").split()


def vocabulary(size: int) -> list[str]:
    return [f"topic-{i:03d}" for i in range(size)]


def generate(root: Path, facts: int, briefs: int, seed: int = 1, tags: int = 40,
             facts_per_file: int = 500, refs: int | None = None) -> Path:
    rng = random.Random(seed)
    vocab = vocabulary(tags)
    refs = refs or max(10, facts // 20)
    src = root / "sources"
    (src / "facts").mkdir(parents=True, exist_ok=True)
    lines = ["references:"]
    for r in range(refs):
        lines += [f"  - id: ref-{r:05d}", "    type: report", f"    title: \"Synthetic report {r}\"",
                  "    publisher: Example Institute", f"    issued: {2000 + r % 25}-{1 + r % 12:02d}",
                  f"    url: https://example.org/reports/{r}"]
    (src / "references.yaml").write_text("\n".join(lines) + "\n")
    fact_tags: list[list[str]] = []
    by_tag: dict[str, set[int]] = {t: set() for t in vocab}
    for start in range(0, facts, facts_per_file):
        lines = ["facts:"]
        for f in range(start, min(facts, start + facts_per_file)):
            chosen = rng.sample(vocab, rng.randint(1, 3))
            fact_tags.append(chosen)
            for t in chosen:
                by_tag[t].add(f)
            claim = " ".join(rng.choice(WORDS) for _ in range(rng.randint(18, 30))).capitalize()
            lines += [f"  - id: fact-{f:06d}", f"    claim: \"{claim}, with *{rng.randint(2, 90)}%* affected.\"",
                      f"    tags: [{', '.join(chosen)}]", f"    kind: {rng.choice(['statistic', 'finding', 'law'])}",
                      "    status: verified", "    reviewed: {by: Benchmark, on: 2026-01-01}",
                      f"    priority: {rng.randint(1, 5)}", "    cite:",
                      f"      - ref: ref-{rng.randrange(refs):05d}", f"        locator: \"p. {rng.randint(1, 200)}\""]
        (src / "facts" / f"facts-{start // facts_per_file:03d}.yaml").write_text("\n".join(lines) + "\n")
    lines = ["briefs:"]
    for b in range(briefs):
        named = list(dict.fromkeys(f"fact-{rng.randrange(facts):06d}" for _ in range(3)))
        while True:  # a one-pager's worth: an expression matching 2 to 6 facts
            t1, t2 = rng.sample(vocab, 2)
            if 2 <= len(by_tag[t1] & by_tag[t2]) <= 6:
                break
        lines += [f"  - id: brief-{b:05d}", f"    title: \"Synthetic brief {b}\"", "    template: one-pager",
                  "    date: 2026-01-15", f"    tags: [{t1}, {t2}]", "    max_pages: 1",
                  "    bottom_line: \"The one thing to remember about this topic.\"", "    sections:",
                  "      - heading: Key facts", f"        facts: [{', '.join(named)}]",
                  "      - heading: Related", f"        select: \"{t1} and {t2}\"",
                  "    ask: \"Support the proposal.\""]

    (src / "briefs.yaml").write_text("\n".join(lines) + "\n")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--facts", type=int, default=1000)
    parser.add_argument("--briefs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.dir, args.facts, args.briefs, args.seed)


if __name__ == "__main__":
    main()
