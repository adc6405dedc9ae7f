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


# --------------------------------------------------- 8: sheet --title, init --force


@pytest.mark.parametrize("char", ["\u202e", "\x01", "\x1b", "\x9b", "\x00"])
def test_a_sheet_title_with_an_invisible_character_is_one_clear_line(make_workspace, run, char):
    root = make_workspace()
    before = files_under(root)
    result = run(root, "sheet", "topic-x", "--title", f"a{char}b")
    lines = refused_cleanly(result, f"U+{ord(char):04X}")
    assert lines == [f"sheet: --title contains the invisible character U+{ord(char):04X}; remove it"]
    assert char not in result.output
    assert files_under(root) == before


@pytest.mark.parametrize("make_output", ["file", "dangling link", "link to a file"])
def test_init_force_over_an_output_that_is_not_a_folder_is_one_clear_line(tmp_path, run, make_output):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    if make_output == "file":
        (folder / "output").write_text("not a folder")
    elif make_output == "dangling link":
        (folder / "output").symlink_to(tmp_path / "nowhere")
    else:
        (tmp_path / "f").write_text("a file")
        (folder / "output").symlink_to(tmp_path / "f")
    before = files_under(tmp_path)
    result = run(tmp_path, "init", str(folder), "--force")
    lines = refused_cleanly(result)
    assert len(lines) == 1 and "output" in lines[0] and "not a folder" in lines[0], lines
    assert files_under(tmp_path) == before  # nothing written
    assert not (folder / "sources").exists()


def test_init_force_over_a_sources_file_is_one_clear_line(tmp_path, run):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "sources").write_text("not a folder")
    result = run(tmp_path, "init", str(folder), "--force")
    lines = refused_cleanly(result)
    assert len(lines) == 1 and "sources" in lines[0] and "not a folder" in lines[0], lines
    assert not (folder / "briefgen.yaml").exists()


# --------------------------------------------------- 9: nested lists


@pytest.mark.parametrize("field, text", [
    ("detail", "* " * 600 + "x"),
    ("detail", "1. " * 600 + "x"),
    ("detail", "- " * 300 + "x\n\n" + "+\t" * 300 + "y"),
])
def test_deeply_nested_lists_are_refused_by_check_with_a_located_message(make_workspace, refused, field, text):
    fact = f"facts:\n  - id: deep\n    claim: Deep.\n    tags: [topic-x]\n    cite: [{{ref: statute}}]\n" \
           f"    {field}: {json.dumps(text)}\n"
    lines = refused(make_workspace(extra={BAD: fact}))
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{BAD}:6: fact 'deep': {field}: lists nested ") and "at most 16" in lines[0], lines


def test_a_nested_ask_is_refused_and_a_modest_one_builds(make_workspace, run, refused):
    deep = BRIEFS + f"    ask: {json.dumps('* ' * 600 + 'x')}\n"
    lines = refused(make_workspace(briefs=deep))
    assert len(lines) == 1 and lines[0].startswith("sources/briefs.yaml:") and "ask: lists nested 600 deep" in lines[0]


def test_lists_nested_to_the_limit_still_build(make_workspace, run):
    from briefgen.source.fields import LIST_DEPTH_MAX

    modest = BRIEFS + f"    ask: {json.dumps('* ' * LIST_DEPTH_MAX + 'x')}\n"
    root = make_workspace(briefs=modest)
    result = run(root, "build", "--format", "html")
    assert result.exit_code == 0, result.output
    assert (root / "output/brief-one.html").read_text().count("<ul>\n<li>") >= LIST_DEPTH_MAX


# --------------------------------------------------- 10: QR capacity


QR_CONFIG = {"briefgen.yaml": "qr: true\n"}


def test_a_brief_url_too_long_for_a_qr_code_is_refused_by_check(make_workspace, refused):
    url = "https://example.org/" + "é" * 1900  # 1,920 characters, 3,820 bytes
    briefs = BRIEFS + f"    url: {json.dumps(url)}\n"
    lines = refused(make_workspace(briefs=briefs, extra=QR_CONFIG))
    assert len(lines) == 1, lines
    assert lines[0].startswith("sources/briefs.yaml:11: brief 'brief-one': url: ") and "QR code" in lines[0], lines


def test_the_qr_capacity_is_the_real_one():
    """The bound check uses is exactly what the QR settings of the build hold."""
    import segno

    from briefgen.render.html import _qr
    from briefgen.source.fields import QR_MAX_BYTES

    _qr("https://example.org/" + "x" * (QR_MAX_BYTES - 20))  # the longest that fits
    with pytest.raises(segno.DataOverflowError):
        _qr("https://example.org/" + "x" * (QR_MAX_BYTES - 19))
    _qr("https://example.org/" + "é" * ((QR_MAX_BYTES - 20) // 2))  # non-ASCII: two bytes each


def test_the_longest_brief_url_check_accepts_builds_with_its_qr_code(make_workspace, run):
    from briefgen.source.fields import QR_MAX_BYTES

    url = "https://example.org/" + "€" * ((QR_MAX_BYTES - 20) // 3)  # three bytes each
    briefs = BRIEFS + f"    url: {json.dumps(url)}\n"
    root = make_workspace(briefs=briefs, extra=QR_CONFIG)
    result = run(root, "build", "--format", "html")
    assert result.exit_code == 0, result.output
    assert '<img class="qr"' in (root / "output/brief-one.html").read_text()


# --------------------------------------------------- 12: one validator for every text field and URL


HIDDEN = ["\u202e", "\x00", "\x85", "\x9b", "\x80", "\x9f", "\x1b"]


def _text_leaves(tp, validators=(), where=""):
    """(where, validators) for every str a model holds, at any depth."""
    origin = get_origin(tp)
    if origin is Annotated:
        base, *meta = get_args(tp)
        funcs = tuple(m.func for m in meta if isinstance(m, AfterValidator))
        yield from _text_leaves(base, validators + funcs, where)
    elif origin is Literal:
        return  # a fixed set of plain words
    elif tp is str:
        yield where, validators
    elif isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, info in tp.model_fields.items():
            yield from _text_leaves(Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation,
                                    (), f"{tp.__name__}.{name}")
    else:
        for arg in get_args(tp):
            yield from _text_leaves(arg, validators, where)


def test_every_text_field_and_url_of_the_model_goes_through_the_one_visibility_check():
    from briefgen.source import model

    leaves = [leaf for record in (*model.RECORD_TYPES.values(), model.Config) for leaf in _text_leaves(record)]
    assert len(leaves) > 80  # every reference field, fact, brief and config text
    missing = sorted({where for where, validators in leaves if model._visible not in validators})
    assert missing == []
    assert any(w == "Brief.url" for w, _ in leaves) and any(w == "Organization.website" for w, _ in leaves)


@pytest.mark.parametrize("char", HIDDEN)
@pytest.mark.parametrize("record, field", [("reference", "url"), ("brief", "url"), ("fact", "claim"),
                                           ("brief", "title"), ("config", "website")])
def test_hidden_characters_are_refused_in_urls_claims_and_titles(make_workspace, run, char, record, field):
    value = ("https://example.org/" + char + "fdp.exe") if field in ("url", "website") else f"A{char}B"
    quoted = json.dumps(value)
    extra = {}
    refs, facts, briefs = REFERENCES, FACTS, BRIEFS
    if record == "reference":
        refs = REFERENCES.replace("url: https://example.org/report", f"url: {quoted}")
        where = "sources/references.yaml:7: reference 'report-2024': url: "
    elif record == "fact":
        facts = FACTS.replace('claim: "Fact A is *true*."', f"claim: {quoted}")
        where = "sources/facts.yaml:3: fact 'fact-a': claim: "
    elif field == "url":
        briefs = BRIEFS + f"    url: {quoted}\n"
        where = "sources/briefs.yaml:11: brief 'brief-one': url: "
    elif field == "title":
        briefs = BRIEFS.replace('title: "Brief one"', f"title: {quoted}")
        where = "sources/briefs.yaml:3: brief 'brief-one': title: "
    else:
        extra = {"briefgen.yaml": f"organization:\n  name: Org\n  website: {quoted}\n"}
        where = "briefgen.yaml:3: "
    root = make_workspace(references=refs, facts=facts, briefs=briefs, extra=extra)
    result = run(root, "build", "--format", "html")
    lines = refused_cleanly(result)
    assert len(lines) == 1 and lines[0].startswith(where), lines
    assert f"U+{ord(char):04X}" in lines[0] or "is not a web address" in lines[0], lines
    assert char not in result.output
    assert not (root / "output").exists()


def test_an_import_carrying_a_c1_control_is_refused_and_writes_nothing(make_workspace, run):
    root = make_workspace()
    item = {"id": "odd", "type": "book", "title": "next\x85line"}  # NEL, a C1 control
    (root / "lib.json").write_text(json.dumps([item]), encoding="utf-8")
    before = files_under(root / "sources")
    result = run(root, "import", str(root / "lib.json"))
    lines = refused_cleanly(result, "title: contains the invisible character U+0085; remove it")
    assert len(lines) == 1 and "\x85" not in result.output
    assert files_under(root / "sources") == before


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


# --------------------------------------------------- 15: the closest-passage search is bounded in total


class _Counting:
    """Counts the work handed to difflib: each window compared, and its
    size times the quote's (what difflib may take to compare them)."""

    def __init__(self, monkeypatch):
        import difflib

        from briefgen.source import review

        self.windows = 0
        self.pairs = 0
        counter = self

        class Matcher(difflib.SequenceMatcher):
            def set_seq1(self, a):
                if a:  # not the empty one SequenceMatcher() starts with
                    counter.windows += 1
                    counter.pairs += len(a) * len(self.b or "")
                super().set_seq1(a)

        monkeypatch.setattr(review.difflib, "SequenceMatcher", Matcher)


def _snapshot(words: int) -> str:
    import random

    rng = random.Random(19)
    vocabulary = [f"w{i}" for i in range(200)] + ["the", "report", "found", "children", "online"]
    return " ".join(rng.choice(vocabulary) for _ in range(words)) + "\n"


def _quote_workspace(make_workspace, quotes: int, words: int):
    refs = REFERENCES + "    snapshot: snapshots/big.txt\n"  # on the reference 'statute'
    facts = "facts:\n" + "".join(
        f"  - id: q{i}\n    claim: Q{i}.\n    tags: [topic-x]\n    cite:\n      - ref: statute\n"
        f"        quote: \"the report found w{i % 200} children online number {i} w{(i * 7) % 200} the\"\n"
        for i in range(quotes))
    briefs = "briefs: []\n"
    return make_workspace(references=refs, facts=facts, briefs=briefs, extra={"snapshots/big.txt": _snapshot(words)})


def test_the_closest_passage_search_is_bounded_across_the_whole_check(make_workspace, run, monkeypatch):
    counting = _Counting(monkeypatch)
    root = _quote_workspace(make_workspace, quotes=100, words=300_000)
    result = run(root, "check")
    lines = refused_cleanly(result)
    assert sum("the quote does not occur" in line for line in lines) == 100
    assert all('closest passage is: "' in line and '""' not in line for line in lines[:-1])
    # At most 30,000,000 for the whole check, plus one window (here under
    # 10,000) per quote: not 100 times a per-quote bound.
    assert counting.pairs <= 30_000_000 + 100 * 10_000, counting.pairs
    assert counting.windows >= 100


def test_the_total_bound_is_small_enough_to_matter(make_workspace, run, monkeypatch):
    """Raising the bound (to 10**9, say) must show: unbounded, these quotes
    would compare every window of the snapshot that shares a word with them."""
    from briefgen.source import review

    assert review.PASSAGE_WORK <= 30_000_000
    counting = _Counting(monkeypatch)
    root = _quote_workspace(make_workspace, quotes=40, words=100_000)
    refused_cleanly(run(root, "check"))
    assert counting.pairs <= 30_000_000 + 40 * 10_000, counting.pairs
    assert counting.windows <= 40_000, counting.windows


def test_a_single_mismatched_quote_still_finds_its_passage_in_a_long_snapshot(make_workspace, run):
    snapshot = _snapshot(200_000).replace("\n", " ") + "In 2024 the agency counted 4,512 reports of abuse online.\n"
    refs = REFERENCES + "    snapshot: snapshots/big.txt\n"
    facts = FACTS.replace("      - ref: statute\n", "      - ref: statute\n"
                          "        quote: \"the agency counted 4,521 reports of abuse online\"\n", 1)
    root = make_workspace(references=refs, facts=facts, extra={"snapshots/big.txt": snapshot})
    result = run(root, "check")
    assert 'the closest passage is: "the agency counted 4,512 reports of abuse online."' in result.stderr, result.stderr
