"""Shared fixtures: temporary workspaces and a CLI runner."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.commands.cli import cli

def pytest_addoption(parser):
    parser.addoption(
        "--update-golden", action="store_true", default=False,
        help="rewrite tests/golden/ from the current build instead of comparing with it (tests/test_golden.py)")


REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sources"


def copy_sample(root: Path) -> Path:
    """The sample workspace (its sources and the snapshots its quotes are checked against) at `root`."""
    import shutil

    shutil.copytree(SAMPLE, root / "sources")
    shutil.copytree(REPO / "snapshots", root / "snapshots")
    return root

REFERENCES = """\
references:
  - id: report-2024
    type: report
    title: "A report on things"
    publisher: Example Institute
    issued: 2024-05
    url: https://example.org/report
  - id: statute
    type: legislation
    title: "An Act"
    issued: 1996
"""

FACTS = """\
facts:
  - id: fact-a
    claim: "Fact A is *true*."
    tags: [topic-x]
    kind: statistic
    status: verified
    reviewed: {by: Ann Analyst, on: 2026-01-10}
    priority: 2
    cite:
      - ref: report-2024
        locator: "p. 3"
        quote: "A is true"
  - id: fact-b
    claim: "Fact B holds."
    tags: [topic-x, topic-y]
    priority: 1
    cite:
      - ref: statute
      - ref: report-2024
  - id: fact-c
    claim: "Fact C is a recommendation."
    tags: [topic-y]
    kind: recommendation
    cite:
      - ref: report-2024
"""

# A valid fact of the default fact base's shape, for a file of its own; its lines:
#   1 facts:
#   2   - id: zz
#   3     claim: "Z"
#   4     tags: [topic-x]
#   5     cite:
#   6       - ref: statute
FACT = """\
facts:
  - id: zz
    claim: "Z"
    tags: [topic-x]
    cite:
      - ref: statute
"""

BRIEFS = """\
briefs:
  - id: brief-one
    title: "Brief one"
    template: one-pager
    date: 2026-01-15
    sections:
      - heading: "First"
        facts: [fact-a]
      - heading: "Second"
        select: "topic-x or recommendation"
"""


@pytest.fixture(scope="session", autouse=True)
def _own_parse_cache(tmp_path_factory):
    """The tests never use the user's parse cache."""
    saved = os.environ.get("BRIEFGEN_CACHE_DIR")
    os.environ["BRIEFGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("parse-cache-session"))
    yield
    if saved is None:
        del os.environ["BRIEFGEN_CACHE_DIR"]
    else:
        os.environ["BRIEFGEN_CACHE_DIR"] = saved


@pytest.fixture
def parse_cache(tmp_path_factory, monkeypatch):
    """An empty parse cache of this test's own."""
    folder = tmp_path_factory.mktemp("parse-cache")
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(folder))
    return folder


def write_workspace(root: Path, files: dict[str, str]) -> Path:
    """Create a workspace at `root` with the given files (paths relative to root)."""
    (root / "sources").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def make_workspace(tmp_path):
    """make_workspace(**files) -> root; by default a small valid workspace.

    Pass e.g. facts="..." to replace sources/facts.yaml, or extra={"sources/x.yaml": "..."}.
    """

    def make(references=REFERENCES, facts=FACTS, briefs=BRIEFS, extra=None) -> Path:
        files = {"sources/references.yaml": references, "sources/facts.yaml": facts,
                 "sources/briefs.yaml": briefs}
        files = {k: v for k, v in files.items() if v is not None}
        files.update(extra or {})
        return write_workspace(tmp_path / "ws", files)

    return make


@pytest.fixture
def run():
    """run(root, *args) -> click Result, with stdout and stderr kept apart."""
    runner = CliRunner()

    def invoke(root: Path, *args: str):
        return runner.invoke(cli, ["--root", str(root), *args], catch_exceptions=False)

    return invoke


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def expected(*lines: str) -> list[str]:
    """The stderr lines for these problems, with the count line the CLI adds."""
    return [*lines, f"{len(lines)} problems found."] if len(lines) > 1 else list(lines)


@pytest.fixture(params=["check", "build"])
def refused(request, run):
    """refused(root) -> stderr lines, after asserting that `check` (and, in the
    second run, `build`) refused the workspace cleanly: exit 1, no traceback,
    and nothing written or changed."""
    command = request.param

    def invoke(root) -> list[str]:
        before = files_under(root)
        result = run(root, command)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.stderr
        assert "ok:" not in result.stdout
        assert "wrote" not in result.stdout
        assert files_under(root) == before  # nothing written, nothing changed
        assert not (root / "output").exists()
        return result.stderr.splitlines()

    return invoke
