"""Hostile input, round two (issue 19): what check let through and the build
then failed on, text that does not read as written, file names that reach
the terminal raw, and the cost of the closest-passage search."""

from __future__ import annotations

import json
import os
from typing import Annotated, Literal, Union, get_args, get_origin

import pytest
from pydantic import AfterValidator, BaseModel

from conftest import BRIEFS, FACTS, REFERENCES, files_under

BAD = "sources/x.yaml"


def refused_cleanly(result, *needles: str) -> list[str]:
    """Exit 1, no traceback, each line a located problem or the count line."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    for needle in needles:
        assert needle in result.stderr, result.stderr
    return lines


# --------------------------------------------------- 13: file names reach the terminal safely


HOSTILE_NAMES = [
    "x\x1b]0;owned\x07\x1b[2J.yaml",  # OSC (window title), then clear the screen
    "x\nsources-facts.yaml:1: all is well\n.yaml",  # a forged line
    "x\u202elmay.yaml",  # reads backwards
    "x\x9b31m.yaml",  # C1 CSI
]
BROKEN = "facts:\n  - id: broken\n"  # missing claim, tags, cite


def _unsafe(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0 or 0x202A <= ord(c) <= 0x202E]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_file_name_is_shown_escaped_by_check(make_workspace, run, name):
    root = make_workspace(extra={f"sources/{name}": BROKEN})
    result = run(root, "check")
    lines = refused_cleanly(result)
    assert _unsafe(result.output) == []
    assert not any(line.startswith("sources-facts.yaml") for line in lines), lines
    assert all(line.startswith("sources/x") for line in lines[:-1]), lines  # one line per problem, the count last


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_file_name_is_escaped_in_github_annotations(make_workspace, run, name):
    root = make_workspace(extra={f"sources/{name}": BROKEN})
    result = run(root, "check", "--format", "github")
    assert result.exit_code == 1
    assert _unsafe(result.stdout) == []
    assert all(line.startswith("::error file=sources/x") for line in result.stdout.splitlines()), result.stdout


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_file_name_keeps_its_value_in_json_but_not_its_effect(make_workspace, run, name):
    root = make_workspace(extra={f"sources/{name}": BROKEN})
    result = run(root, "check", "--format", "json")
    assert result.exit_code == 1
    assert _unsafe(result.stdout.replace("\n", "")) == []
    paths = {p["path"] for p in json.loads(result.stdout)}
    assert paths == {f"sources/{name}"}  # a tool still gets the exact name


def test_a_file_name_that_is_not_utf8_is_shown_escaped(make_workspace, run):
    root = make_workspace()
    with open(os.path.join(os.fsencode(root / "sources"), b"x\xff\x1b.yaml"), "w") as f:
        f.write(BROKEN)
    result = run(root, "check")
    lines = refused_cleanly(result)
    assert _unsafe(result.output) == []
    assert all(line.startswith("sources/x") for line in lines[:-1]), lines


def test_the_one_escaping_function_covers_paths_and_messages():
    from briefgen.errors import Problem, terminal_text

    assert terminal_text("a\x1b[2Jb\nc\u202ed\x9be\udcff") == "a\\x1b[2Jb\\nc\\u202ed\\x9be\\udcff"
    shown = str(Problem("sources/a\nb.yaml", 3, "m\x1bn"))
    assert shown == "sources/a\\nb.yaml:3: m\\x1bn"


