"""Faults: runaway renders are stopped, a killed build leaves only whole files,
and a folder that cannot be written gives a clear error."""

import errno
import os
import signal
import subprocess
import sys
import time

import pikepdf
import pytest

from conftest import copy_sample

HUGE = """{% extends "_base.html" %}{% block content %}
{% for i in range(200000) %}<p>Line {{ i }} of a brief that never ends.</p>{% endfor %}
{% for s in sections %}{% for cf in s.facts %}<p data-fact-id="{{ cf.fact.id }}">{{ cf.fact.claim | md }}</p>{% endfor %}{% endfor %}
{% endblock %}"""
GREEDY = """{% set n = (brief.title | length) * 1000000000 %}{{ ("x" * n) | length }}"""  # 7 GB, not foldable
TWO_BRIEFS = """\
briefs:
  - id: runaway
    title: Runaway
    template: {template}
    date: 2026-01-15
    sections: [{{heading: H, facts: [fact-a]}}]
  - id: fine
    title: Fine
    template: one-pager
    date: 2026-01-15
    sections: [{{heading: H, facts: [fact-a]}}]
"""


def test_a_runaway_render_is_stopped_and_the_batch_goes_on(make_workspace, run):
    root = make_workspace(briefs=TWO_BRIEFS.format(template="huge"), extra={"templates/huge.html": HUGE})
    result = run(root, "build", "--format", "pdf", "--time-limit", "5", "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr == ("sources/briefs.yaml:2: brief 'runaway' took longer than 5 s to render and was stopped "
                             "(--time-limit sets the limit)\n")
    assert (root / "output/fine.pdf").read_bytes().startswith(b"%PDF")
    assert not (root / "output/runaway.pdf").exists()


def test_a_render_that_wants_too_much_memory_is_stopped(make_workspace, run):
    root = make_workspace(briefs=TWO_BRIEFS.format(template="greedy"), extra={"templates/greedy.html": GREEDY})
    result = run(root, "build", "--format", "pdf", "--memory-limit", "1024")
    assert result.exit_code == 1
    assert result.stderr == ("sources/briefs.yaml:2: brief 'runaway' needed more than 1024 MB to render and was "
                             "stopped (--memory-limit sets the limit)\n")
    assert (root / "output/fine.pdf").exists()


def _whole(path):
    data = path.read_bytes()
    if path.suffix == ".pdf":
        assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF"), path
        pikepdf.open(path).close()
    elif path.suffix == ".html":
        assert data.rstrip().endswith(b"</html>"), path


def test_a_build_killed_midway_leaves_only_whole_files(tmp_path):
    root = copy_sample(tmp_path / "ws")
    briefs = (root / "sources/briefs.yaml").read_text()
    copies = "".join(briefs.split("briefs:\n", 1)[1].replace("id: section-230-one-pager", f"id: copy-{i}")
                     .replace("id: maxwell-interview-fact-sheet", f"id: sheet-{i}") for i in range(8))
    (root / "sources/briefs.yaml").write_text(briefs + copies)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "briefgen", "--root", str(root), "build", "--jobs", "2"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((root / "output").glob("*.pdf"))) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    files = [p for p in (root / "output").rglob("*") if p.is_file() and not p.name.endswith(".tmp")]
    assert any(p.suffix == ".pdf" for p in files), "the build should have been killed midway, after some PDFs"
    for path in files:
        if not path.name.startswith("."):
            _whole(path)
    second = subprocess.run(command, capture_output=True, text=True, env=env)
    assert second.returncode == 0, second.stderr
    assert not list((root / "output").rglob("*.tmp")), "leftover temporary files are swept"
    for path in (root / "output").rglob("*.pdf"):
        _whole(path)


@pytest.mark.parametrize("error, words", [(errno.ENOSPC, "No space left on device"),
                                          (errno.EROFS, "Read-only file system"),
                                          (errno.EACCES, "Permission denied")])
def test_an_output_folder_that_cannot_be_written(make_workspace, run, monkeypatch, error, words):
    import briefgen.files

    def refuse(*args, **kwargs):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(briefgen.files.tempfile, "mkstemp", refuse)
    root = make_workspace()
    result = run(root, "build", "--format", "html")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == f"cannot write to {root / 'output'}: {words}"
