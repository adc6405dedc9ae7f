"""Hostile YAML and ids: each a clear path:line: message, quickly, with nothing written."""

import pytest

BAD = "sources/x.yaml"


def refused_with(run, root, *needles):
    result = run(root, "check")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr
    assert all(line.startswith(f"{BAD}:") or line.endswith("problems found.") for line in result.stderr.splitlines())
    return result


def test_a_five_megabyte_line(make_workspace, run):
    text = "facts:\n  - id: big\n    claim: \"" + "x" * 5_000_000 + "\"\n    tags: [t]\n    cite: [{ref: statute}]\n"
    refused_with(run, make_workspace(extra={BAD: text}), f"{BAD}:3: fact 'big': 'claim' is too long (5000000 characters")


@pytest.mark.parametrize("opener, closer", [("[", "]"), ("{a: ", "}")])
def test_deeply_nested_data(make_workspace, run, opener, closer):
    text = "facts:\n  - id: deep\n    claim: " + opener * 5000 + "x" + closer * 5000 + "\n"
    result = refused_with(run, make_workspace(extra={BAD: text}), f"{BAD}:3: ")
    assert "nest" in result.stderr  # briefgen's own limit, or libyaml's: either way one clear line


def test_python_object_tags_never_run(make_workspace, run, tmp_path):
    marker = tmp_path / "ran"
    text = f"facts:\n  - !!python/object/apply:os.system ['touch {marker}']\n"
    refused_with(run, make_workspace(extra={BAD: text}), "YAML tag '!!python/object/apply:os.system' is not allowed")
    assert not marker.exists()


@pytest.mark.parametrize("value, shown", [
    ("../x", "'../x'"), ("/etc/x", "'/etc/x'"), ("a/b", "'a/b'"), ("..", "'..'"), ('"ok\\n"', "'ok\\n'"),
    ("x" * 300, "'" + "x" * 300 + "'"), ("Fact-A", "'Fact-A'"),
])
def test_ids_that_could_escape_or_collide_are_refused(make_workspace, run, value, shown):
    text = f"briefs:\n  - id: {value}\n    title: T\n    template: one-pager\n    date: 2026-01-01\n" \
           "    sections: [{heading: H, facts: [fact-a]}]\n"
    root = make_workspace(extra={BAD: text})
    result = run(root, "build")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert f"{BAD}:2:" in result.stderr and (shown in result.stderr or "too long" in result.stderr)
    assert not (root / "output").exists()


def test_every_output_path_stays_in_the_output_folder(tmp_path):
    from briefgen.errors import BriefgenError
    from briefgen.build.output import output_path

    out = tmp_path / "out"
    out.mkdir()
    for name in ("../x.html", "/etc/x.html", "a/../../x.html", ".."):
        with pytest.raises(BriefgenError):
            output_path(out, name)
    assert output_path(out, "tags/a.html") == (out / "tags/a.html").resolve()
