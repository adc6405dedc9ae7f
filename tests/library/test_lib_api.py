"""The public API: what it exports, and its docstring's example, run as written."""

from __future__ import annotations

import contextlib
import io
import re
import textwrap

from conftest import copy_sample

from briefgen import api


def docstring_example() -> str:
    lines = api.__doc__.split("\n\n", 1)[1].split("\n\nNothing here")[0]
    code = textwrap.dedent(lines)
    assert "Project.open(" in code and "build(" in code
    return code


def test_all_names_exist():
    for name in api.__all__:
        assert hasattr(api, name), name
    assert {"Project", "BuildRequest", "build", "check", "load", "Problem", "BriefgenError", "FORMATS",
            "FileTree", "GitTree", "Overlay"} <= set(api.__all__)


def test_the_docstring_example_runs_as_written(tmp_path, monkeypatch):
    code = docstring_example()
    [folder] = re.findall(r'Project\.open\("([^"]+)"\)', code)
    copy_sample(tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "briefgen/api.py docstring", "exec"), {"__name__": "example"})  # noqa: S102 - the example
    out = printed.getvalue()
    assert out.startswith("[") and "brief:section-230-one-pager" in out, out  # the else branch ran
    assert out.rstrip().endswith("[]"), out  # no failures
    built = tmp_path / folder / "output"
    assert (built / "section-230-one-pager.html").is_file()
    assert (built / "section-230-one-pager.manifest.json").is_file()
    assert not (built / "section-230-one-pager.pdf").exists()  # html only, as asked
    assert not (built / "maxwell-interview-fact-sheet.html").exists()  # one brief, as asked


def test_the_sample_workspace_checks_and_builds(tmp_path):
    root = copy_sample(tmp_path / "ws")
    project = api.Project.open(root)
    checked = api.check(project)
    assert "section-230-one-pager" in checked.cited
    result = api.build(project, api.BuildRequest(formats=("html",), out_dir=tmp_path / "out"))
    assert result.failures == []
    # Each brief, and the Spanish edition of the one that has one.
    assert sorted(result.built) == sorted([*(f"brief:{b}" for b in checked.cited), "brief:section-230-one-pager.es"])
