"""Issue 19, round two (b): the import's tracebacks (item 6), and tests of
items fixed elsewhere: a release build's removals stay inside the output
folder (1), linked source files are not read (3), `import --into` through a
link is refused (4), the index links only relatively (5), an unwritable
output folder is one line (7), an endless template loop is reported as the
time limit (11), and PDF workers die with their parent (17)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import files_under

LOCATED = re.compile(r"^lib\.(json|bib):\d+: (?:warning: )?\S.*$")
GOOD_JSON = {"id": "good-one", "type": "book", "title": "A good book", "issued": {"date-parts": [[2020]]}}


def _csl(root: Path, bad_item_text: str) -> Path:
    """lib.json: a good item, then the bad one (given as JSON text, so that it
    can hold what json.dumps would not write)."""
    path = root / "lib.json"
    path.write_text("[\n" + json.dumps(GOOD_JSON) + ",\n" + bad_item_text + "\n]\n", encoding="utf-8")
    return path


def _bib(root: Path, bad_entry: str) -> Path:
    path = root / "lib.bib"
    path.write_text("@book{goodone, title = {A good book}, year = {2020}}\n\n" + bad_entry + "\n", encoding="utf-8")
    return path


# (name, format, the bad entry, words the message must hold)
HOSTILE_IMPORTS = [
    ("5000-digit-number", "json", '{"id": "bad", "type": "book", "title": "T", "volume": ' + "9" * 5000 + "}",
     "5,000 digits"),
    ("5000-digit-date-part", "json",
     '{"id": "bad", "type": "book", "title": "T", "issued": {"date-parts": [[' + "9" * 5000 + "]]}}",
     "5,000 digits"),
    ("infinity-date-part", "json", '{"id": "bad", "type": "book", "title": "T", "issued": {"date-parts": [[Infinity]]}}',
     "Infinity"),
    ("nan-volume", "json", '{"id": "bad", "type": "book", "title": "T", "volume": NaN}', "NaN"),
    ("1e400-date-part", "json", '{"id": "bad", "type": "book", "title": "T", "issued": {"date-parts": [[1e400]]}}',
     "too large"),
    ("lone-surrogate-type", "json", '{"id": "bad", "type": "bo\\ud800ok", "title": "T"}', "lone surrogate"),
    ("lone-surrogate-key", "json", '{"id": "bad\\ud800", "type": "book", "title": "T"}', "lone surrogate"),
    ("lone-surrogate-field-name", "json", '{"id": "bad", "type": "book", "title": "T", "x\\udc00": 1}',
     "lone surrogate"),
    ("number-as-family", "json",
     '{"id": "bad", "type": "book", "title": "T", "author": [{"family": 5, "given": "Ann"}]}', "should be text"),
    ("list-as-family", "json",
     '{"id": "bad", "type": "book", "title": "T", "author": [{"family": ["Doe"], "given": "Ann"}]}',
     "should be text"),
    ("list-as-type", "json", '{"id": "bad", "type": ["book"], "title": "T"}', "should be text"),
    ("superscript-month", "bib", "@book{bad, title = {T}, year = {2020}, month = {³}}", "month"),
    ("superscript-day", "bib", "@book{bad, title = {T}, year = {2020}, month = {5}, day = {²}}", "day"),
    ("3000-nested-braces", "bib", "@book{bad, title = {" + "{" * 3000 + "x" + "}" * 3000 + "}, year = {2020}}",
     "nested"),
    ("2000-nested-textbf", "bib",
     "@book{bad, title = {" + "\\textbf{" * 2000 + "x" + "}" * 2000 + "}, year = {2020}}", "nested"),
    ("2000-nested-environments", "bib",
     "@book{bad, title = {" + "\\begin{a}" * 2000 + "x" + "\\end{a}" * 2000 + "}, year = {2020}}", "nested"),
]


@pytest.mark.parametrize("name, fmt, bad, words", HOSTILE_IMPORTS, ids=[c[0] for c in HOSTILE_IMPORTS])
def test_a_hostile_import_entry_is_one_located_line_and_nothing_is_written(make_workspace, run, name, fmt, bad,
                                                                           words):
    root = make_workspace()
    path = (_csl if fmt == "json" else _bib)(root, bad)
    before = files_under(root / "sources")
    result = run(root, "import", str(path))
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and LOCATED.match(lines[0]), lines
    assert lines[0].startswith(f"lib.{fmt}:3:"), lines  # the bad entry's own line
    assert words in lines[0], lines
    assert "Traceback" not in result.output and "Error" not in lines[0]
    assert files_under(root / "sources") == before  # nothing written

    # --skip-invalid: the good entry is imported, the bad one skipped and reported
    result = run(root, "import", str(path), "--skip-invalid")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"lib.{fmt}:3: warning: ") and lines[0].endswith("; skipped")
    assert words in lines[0]
    assert "added 1: good" in result.stdout and "skipped 1" in result.stdout
    text = (root / "sources" / "references.yaml").read_text(encoding="utf-8")
    assert "id: good" in text and "id: bad" not in text
    text.encode("utf-8")  # no lone surrogate reached the file


@pytest.mark.parametrize("opener, closer", [("[", "]"), ('{"a": ', "}")])
def test_a_deeply_nested_csl_json_file_is_refused_before_it_is_parsed(make_workspace, run, opener, closer):
    root = make_workspace()
    path = root / "lib.json"
    path.write_text("[\n" + json.dumps(GOOD_JSON) + ",\n" + opener * 100_000 + "1" + closer * 100_000 + "\n]\n",
                    encoding="utf-8")
    before = files_under(root / "sources")
    result = run(root, "import", str(path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("lib.json:3: ") and "nested" in lines[0], lines
    assert files_under(root / "sources") == before


def test_the_nesting_bound_is_checked_before_json_and_pylatexenc_see_the_text(make_workspace, run, monkeypatch):
    """The bound is one check made on the text before the recursive parsers
    run, not a RecursionError caught afterwards: with the parsers made to fail
    on over-deep text, the same clean line."""
    import types

    import pylatexenc.latex2text

    from briefgen.commands import importer

    def refuse(text):
        if text.count("{") > 32 or text.count("[") > 32:
            raise AssertionError("a recursive parser was handed over-deep text")

    root = make_workspace()
    _bib(root, "@book{bad, title = {" + "{" * 40 + "x" + "}" * 40 + "}, year = {2020}}")
    original = pylatexenc.latex2text.LatexNodes2Text.latex_to_text
    monkeypatch.setattr(pylatexenc.latex2text.LatexNodes2Text, "latex_to_text",
                        lambda self, text, **kw: refuse(text) or original(self, text, **kw))
    result = run(root, "import", str(root / "lib.bib"))
    assert result.exit_code == 1 and result.stderr.startswith("lib.bib:3: ") and "nested" in result.stderr

    def loads(text, **kw):
        refuse(text)
        return json.loads(text, **kw)

    class Decoder(json.JSONDecoder):
        def raw_decode(self, text, i=0):
            refuse(text)
            return super().raw_decode(text, i)

    monkeypatch.setattr(importer, "json", types.SimpleNamespace(
        loads=loads, JSONDecoder=Decoder, JSONDecodeError=json.JSONDecodeError))
    (root / "lib.json").write_text("[\n" + "[" * 40 + "]" * 40 + "\n]", encoding="utf-8")
    result = run(root, "import", str(root / "lib.json"))
    assert result.exit_code == 1 and result.stderr.startswith("lib.json:2: ") and "nested" in result.stderr, \
        result.stderr


def test_an_import_note_reaches_the_terminal_escaped(make_workspace, run):
    """A type briefgen does not know is named in a note: its control characters escaped."""
    root = make_workspace()
    _csl(root, '{"id": "odd", "type": "twe\\u001b[31met", "title": "T"}')
    result = run(root, "import", str(root / "lib.json"))
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert "note: odd: left out type 'twe\\x1b[31met'" in result.stdout


# ---------------------------------------------------------------- items fixed elsewhere

# The workspace: two references, f1 verified (tag t1) and f2 a draft (tag t2), brief b1 showing f1.
WS_REFERENCES = """\
references:
  - id: r1
    type: report
    title: "A report"
    publisher: Example Institute
    issued: 2024
  - id: r2
    type: legislation
    title: "An Act"
    issued: 1996
"""
WS_FACTS = """\
facts:
  - id: f1
    claim: "F1 holds."
    tags: [t1]
    status: verified
    reviewed: {by: Ann Analyst, on: 2026-01-10}
    cite:
      - ref: r1
  - id: f2
    claim: "F2 holds."
    tags: [t2]
    status: draft
    cite:
      - ref: r2
"""
WS_BRIEFS = """\
briefs:
  - id: b1
    title: "Brief one"
    template: one-pager
    date: 2026-01-15
    sections:
      - heading: "First"
        facts: [f1]
"""
TODAY = ("--today", "2026-01-20")


@pytest.fixture
def ws(make_workspace):
    return make_workspace(references=WS_REFERENCES, facts=WS_FACTS, briefs=WS_BRIEFS)


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output and "Error:" not in result.output, result.output


def test_item1_a_release_removal_through_a_linked_tags_folder_deletes_nothing_outside(ws, run, tmp_path):
    result = run(ws, "build", "--per-tag", "--release", "--format", "html", *TODAY)
    tags = ws / "output" / "release" / "tags"
    assert (tags / "t1.html").is_file() and (tags / "t1.manifest.json").is_file(), result.output
    # the release's tags folder becomes a link to a folder outside the workspace holding those files
    victim = tmp_path / "victim"
    tags.rename(victim)
    (victim / "t1.pdf").write_bytes(b"%PDF-1.7 someone else's")
    tags.symlink_to(victim, target_is_directory=True)
    before = files_under(victim)
    (ws / "sources" / "facts.yaml").write_text(WS_FACTS.replace("status: verified", "status: draft", 1),
                                               encoding="utf-8")
    result = run(ws, "build", "--per-tag", "--release", "--format", "html", *TODAY)
    assert result.exit_code == 1  # the drafts are refused for the release
    _no_traceback(result)
    assert "tag sheet 'tags/t1' would show fact 'f1', which is a draft" in result.stderr
    assert files_under(victim) == before  # t1.html, .pdf and .manifest.json all still there
    assert "removed output/release/tags/" not in result.stdout
    assert "removed output/release/b1.html (not releasable)" in result.stdout  # inside: removed as before


def test_item3_a_source_file_linked_to_a_file_outside_the_workspace_is_not_read(ws, run, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("facts:\n  - id: smuggled\n    claim: \"Smuggled in.\"\n    tags: [t1]\n"
                       "    cite:\n      - ref: r1\n", encoding="utf-8")
    (ws / "sources" / "x.yaml").symlink_to(outside)
    result = run(ws, "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "sources/x.yaml: not read: it is a link to a file outside the workspace (copy the file into sources/ "
        "instead)"]
    result = run(ws, "check", "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert [(p["path"], p["code"], p["line"]) for p in problems] == [("sources/x.yaml", "outside-workspace", None)]
    # its facts are not loaded: not listed, not searched, not built
    result = run(ws, "build", "--per-tag", "--format", "html")
    assert result.exit_code == 1 and "Smuggled" not in result.output
    assert not (ws / "output").exists() or not any(b"muggled" in data for data in files_under(ws / "output").values())
    result = run(ws, "list", "facts", "--format", "json")
    assert "smuggled" not in result.stdout.lower()


def test_item4_import_into_a_linked_folder_is_refused_and_writes_nothing_outside(ws, run, tmp_path):
    outside = tmp_path / "shared"
    outside.mkdir()
    (ws / "sources" / "sub").symlink_to(outside, target_is_directory=True)
    export = ws / "refs.json"
    export.write_text(json.dumps([{"id": "n1", "type": "book", "title": "A new book"}]), encoding="utf-8")
    before = files_under(ws / "sources")
    result = run(ws, "import", str(export), "--into", "sources/sub/refs.yaml")
    assert result.exit_code == 1
    _no_traceback(result)
    assert result.stderr.splitlines() == [
        "sources/sub/refs.yaml: the folder sources/sub is a link to a place outside sources/ (or a link at all, "
        "for the file itself); briefgen writes only to plain files inside sources/"]
    assert "wrote" not in result.stdout
    assert list(outside.iterdir()) == []
    assert files_under(ws / "sources") == before


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [value for name, value in attrs if name in ("href", "src") and value is not None]


def test_item5_the_index_links_only_relatively_whatever_a_file_is_called(ws, run):
    result = run(ws, "build", "--format", "html")
    assert result.exit_code == 0, result.output
    out = ws / "output"
    evil = "javascript:alert(document.domain)"
    (out / f"{evil}.html").write_bytes((out / "b1.html").read_bytes())
    manifest = json.loads((out / "b1.manifest.json").read_text(encoding="utf-8"))
    (out / f"{evil}.manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (ws / "sources" / "briefs.yaml").write_text(WS_BRIEFS.replace("Brief one", "Brief one, again"), encoding="utf-8")
    result = run(ws, "build", "--format", "html")
    assert result.exit_code == 0, result.output
    parser = _Hrefs()
    parser.feed((out / "index.html").read_text(encoding="utf-8"))
    links = [h for h in parser.hrefs if not h.startswith("#")]
    assert "./b1.html" in links
    for href in links:
        assert href.startswith("./"), href
        assert ":" not in href.split("/", 1)[0], href  # no scheme
        assert ":" not in href, href  # not even after ./: the name's colon is escaped, if it is listed at all
    # And a document this workspace's builds did not write is not listed at all.
    assert not any("javascript" in h for h in links)
    assert "Brief one, again" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("release", [False, True], ids=["working", "release"])
def test_item7_an_output_folder_that_refuses_a_removal_is_one_clear_line(ws, run, monkeypatch, release):
    import errno
    import pathlib

    extra = ("--release", *TODAY) if release else ()
    result = run(ws, "build", "--format", "html", *extra)
    out = ws / "output" / ("release" if release else "")
    assert (out / "b1.html").is_file(), result.output
    (ws / "sources" / "briefs.yaml").write_text(WS_BRIEFS.replace("id: b1", "id: b2"), encoding="utf-8")
    real_unlink = pathlib.Path.unlink

    def unlink(self, missing_ok=False):
        if self.name.startswith("b1."):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(pathlib.Path, "unlink", unlink)
    result = run(ws, "build", "--format", "html", *extra)  # catch_exceptions=False: a traceback fails here
    assert result.exit_code == 1
    _no_traceback(result)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert "cannot remove" in lines[0] and "b1." in lines[0] and lines[0].endswith("Permission denied"), lines
    assert (out / "b1.html").is_file()


def test_item11_an_endless_template_loop_is_reported_as_the_time_limit(ws, run):
    (ws / "templates").mkdir()
    (ws / "templates" / "one-pager.html").write_text("{% for i in range(10**9) %}{% endfor %}\n", encoding="utf-8")
    started = time.monotonic()
    result = run(ws, "build", "--time-limit", "1", "--format", "html")
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    _no_traceback(result)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert "brief 'b1' took longer than 1 s to render" in lines[0] and "--time-limit" in lines[0], lines
    assert "template-error" not in result.output and "Overtime" not in result.output
    assert "template failed" not in result.output


def _workers(pid: int) -> set[int]:
    """The worker processes of the process `pid`: its children running
    Python as it does (forked: the same command line; or started by
    multiprocessing), not a short-lived helper command."""
    try:
        own = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return set()
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                command = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and (command == own or b"multiprocessing" in command):
                found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has exited; only its entry waits to be reaped


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("moment", ["workers-waiting", "mid-batch"])
def test_item17_pdf_workers_exit_when_the_build_is_killed(make_workspace, moment):
    """SIGKILL to the main process of `build --jobs 2` of sixty PDFs, just
    after both workers started (they wait for their first task) or a second
    later (both are rendering): the workers must end within
    3 s, not live on with parent 1."""
    briefs = "briefs:\n" + "".join(
        f"  - id: b{n:02d}\n    title: \"Brief {n}\"\n    template: one-pager\n    date: 2026-01-15\n"
        f"    sections:\n      - heading: \"First\"\n        facts: [f1]\n" for n in range(60))
    root = make_workspace(references=WS_REFERENCES, facts=WS_FACTS, briefs=briefs)
    build = subprocess.Popen([sys.executable, "-m", "briefgen", "--root", str(root), "build", "--jobs", "2",
                              "--format", "pdf"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 20
        while len(_workers(build.pid)) < 2 and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        if moment == "workers-waiting":
            time.sleep(0.05)
        else:  # rendering (nothing is written before all sixty have rendered, which takes seconds)
            time.sleep(1.0)
        workers = _workers(build.pid)  # now: a helper command forked a moment ago has run its own by now
        assert len(workers) >= 2, workers
        assert build.poll() is None, "the build ended before it could be killed"
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 3
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [p for p in workers if _alive(p)], "workers outlived their parent"
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        for pid in workers:  # the ones this test started, by their ids
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
