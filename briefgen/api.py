"""briefgen as a library: open a project, check it, build some briefs, read the problems.

    from briefgen.api import BriefgenError, BuildRequest, Project, build, check

    project = Project.open("my-briefs")
    try:
        checked = check(project)             # every record, checked and cited
        result = build(project, BuildRequest(briefs=("section-230-one-pager",), formats=("html",)))
    except BriefgenError as exc:
        for problem in exc.problems:         # path, line, column, field, message, code, severity
            print(problem)
    else:
        print(result.built, result.written, result.failures)

Nothing here knows about a command line: messages name no options, and a
setting left at None takes the library's (or the workspace's) default.  The
`briefgen` command is a thin layer over these functions.
"""

from briefgen.build.pipeline import BuildRequest, BuildResult, Checked, build
from briefgen.build.pipeline import check_project as check
from briefgen.compose.plan import SheetRequest
from briefgen.errors import BriefgenError, Problem
from briefgen.render.backend import FORMATS
from briefgen.source.load import Sources, load
from briefgen.source.project import Project
from briefgen.source.tree import FileTree, GitTree, Overlay

__all__ = ["FORMATS", "BriefgenError", "BuildRequest", "BuildResult", "Checked", "Comparison", "FileTree", "GitTree",
           "Overlay", "Problem", "Project", "SheetRequest", "Sources", "Version", "build", "check", "compare_versions",
           "load", "open_version", "release"]

def __getattr__(name: str):
    """Comparing versions is imported when first asked for, so that a check or a build starts sooner."""
    if name in ("Comparison", "compare_versions"):
        from briefgen.compose import changes

        return getattr(changes, name)
    if name in ("Version", "open_version", "release"):
        from briefgen.source import versions

        return getattr(versions, name)
    raise AttributeError(f"module 'briefgen.api' has no attribute '{name}'")
