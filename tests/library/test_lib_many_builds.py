"""Many builds in one process (a preview server, an editor): the same files
each time, the garbage collector left as it was, and no memory kept per build."""

from __future__ import annotations

import gc
import threading
import tracemalloc

import pytest
from library_support import BRIEF_TWO, add_briefs, files_under

from briefgen.api import BuildRequest, Project, build

BUILDS = 8
# The bound on what builds 4 to 8 may add to the memory traced after build 3
# (caches that fill once, such as markdown conversions, jinja's compiled
# templates and the parse cache, are full by then).  Measured on this
# workspace: a build that keeps nothing grows the traced memory by well under
# 10 KB (most of it the watchdog threads left behind, see
# test_many_builds_leave_no_threads), under 50 KB over the five builds; a
# build whose project, checked base and result stay alive grows it by about
# 65 KB each, over 300 KB over the five (test_the_bound_catches_a_leak makes
# sure of that).  200 KB is four times the first and two thirds of the second.
BOUND = 200 * 2**10


def without_cache(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if k != ".briefgen-cache.json"}  # it records mtimes


@pytest.fixture
def workspace(make_workspace):
    root = make_workspace()
    add_briefs(root, BRIEF_TWO)
    return root


def test_many_builds_same_files_gc_and_memory(workspace, tmp_path):
    out = tmp_path / "out"
    request = BuildRequest(formats=("html",), out_dir=out, force=True)
    first, sizes, differing = None, [], []
    tracemalloc.start()
    try:
        for n in range(1, BUILDS + 1):
            result = build(Project.open(workspace), request)
            assert result.failures == [] and sorted(result.built) == ["brief:brief-one", "brief:brief-two"]
            assert gc.isenabled(), f"build {n} left the garbage collector off"
            assert gc.get_freeze_count() == 0, f"build {n} left objects frozen"
            files = without_cache(files_under(out))
            if first is None:
                first = files
            elif files != first:
                differing.append(n)
            del result, files
            gc.collect()
            sizes.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    assert differing == [], f"builds {differing} wrote other bytes than the first"
    assert sorted(first) == ["brief-one.html", "brief-one.manifest.json", "brief-two.html",
                             "brief-two.manifest.json", "index.html"]
    growth = sizes[-1] - sizes[2]
    assert growth < BOUND, f"memory grew by {growth / 2**10:.0f} KB from build 3 to build {BUILDS}: {sizes}"


def test_the_bound_catches_a_leak(workspace, tmp_path):
    """The same measurement, with each build's project and result kept: it
    must exceed BOUND, or the test above could not catch a leak."""
    out = tmp_path / "out"
    request = BuildRequest(formats=("html",), out_dir=out, force=True)
    kept, sizes = [], []
    tracemalloc.start()
    try:
        for _ in range(BUILDS):
            project = Project.open(workspace)
            from briefgen.api import check

            kept.append((project, check(project), build(project, request)))
            gc.collect()
            sizes.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    assert sizes[-1] - sizes[2] > BOUND, sizes


def test_gc_state_is_restored_not_forced_on(workspace, tmp_path):
    """A caller that turned the collector off finds it off after a build."""
    gc.disable()
    try:
        build(Project.open(workspace), BuildRequest(formats=("html",), out_dir=tmp_path / "out"))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_many_builds_leave_no_threads(workspace, tmp_path):
    request = BuildRequest(formats=("html",), out_dir=tmp_path / "out", force=True)
    build(Project.open(workspace), request)
    before = threading.active_count()
    for _ in range(3):
        build(Project.open(workspace), request)
    assert threading.active_count() == before
