"""Helpers for the library tests (tests/library/): not a conftest, so that
`from conftest import ...` in the other tests keeps meaning tests/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.api import BriefgenError, Problem

# A second brief for the default workspace of tests/conftest.py.
BRIEF_TWO = """\
  - id: brief-two
    title: "Brief two"
    template: fact-sheet
    date: 2026-01-16
    sections:
      - heading: "Only"
        facts: [fact-b, fact-c]
"""

OLD_BRIEF = """\
  - id: old-brief
    title: "A brief about to be deleted"
    template: one-pager
    date: 2026-01-01
    sections:
      - heading: "Only"
        facts: [fact-c]
"""

# Every problem a test of this folder sees goes through `no_options`: a
# library message names settings, never a command-line option.
def no_options(problems: list[Problem]) -> list[Problem]:
    for p in problems:
        assert "--" not in p.message, f"a library message names a command-line option: {p.message!r}"
        assert not p.hint.startswith("-"), p
    return problems


def raises_problems(fn, *args, **kwargs) -> list[Problem]:
    """The problems of the BriefgenError that `fn(*args, **kwargs)` raises."""
    with pytest.raises(BriefgenError) as info:
        fn(*args, **kwargs)
    assert "--" not in str(info.value)
    return no_options(info.value.problems)


def files_under(root: Path) -> dict[str, bytes]:
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def add_briefs(root: Path, *entries: str) -> None:
    path = root / "sources" / "briefs.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "".join(entries), encoding="utf-8")
