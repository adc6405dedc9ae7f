"""What the command line prints: problems as ``path:line: message`` (or JSON,
or GitHub annotations), with settings named by their options, and a build's
progress and summary.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from briefgen.errors import BriefgenError


# Problems with a setting rather than a file name it by its field; on the
# command line it is an option (or an argument), named like this.
_SETTINGS = {"tag": "--tag", "style": "--style", "sheet": "sheet", "title": "sheet: --title", "template": "sheet",
             "formats": "--format", "briefs": "",
             "changes_since": "--changes-since"}
# A problem's hint names a setting that would change the outcome.
_HINTS = {"time_limit": " (--time-limit sets the limit)", "memory_limit": " (--memory-limit sets the limit)",
          "fit-off": " (--no-fit)", "root": "; use --root DIR to name one"}


def for_cli(problem):
    """A problem as the command line says it: settings named by their options, hints added."""
    import dataclasses

    message = problem.message
    label = _SETTINGS.get(problem.field) if not problem.path else None
    if label:
        message = f"{label}{' ' if message.startswith(chr(39)) else ': '}{message}"
    message += _HINTS.get(problem.hint, "")
    return dataclasses.replace(problem, message=message) if message != problem.message else problem


def report(problems, fmt: str = "text") -> None:
    """Show problems (errors and warnings) in the format asked for: the one
    place where briefgen's problems reach the user."""
    from briefgen.commands import report as formats

    problems = [for_cli(p) for p in problems]
    if fmt == "json":
        click.echo(formats.as_json(problems))
    elif fmt == "github":
        for line in formats.as_github(problems):
            click.echo(line)
    else:
        for problem in problems:
            click.echo(str(problem), err=True)
        errors = sum(1 for p in problems if p.severity == "error")
        if errors > 1:
            click.echo(f"{errors} problems found.", err=True)


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def run_build(root: Path, quiet: bool, fmt: tuple[str, ...], **settings) -> None:
    """Build as the command line does: the files written, fitting notes, warnings, a summary."""
    from briefgen.source.project import Project

    from briefgen.api import BuildRequest, build
    request = BuildRequest(formats=fmt, **settings)
    bar = None

    def progress(total: int):
        nonlocal bar
        if quiet or total < 2 or not sys.stderr.isatty():
            return None
        bar = click.progressbar(length=total, label="Rendering", file=sys.stderr,
                                item_show_func=lambda job: job.key if job else "")
        bar.__enter__()
        return lambda job: bar.update(1, job)

    try:
        result = build(Project.open(root), request, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if not quiet:
        for path in result.written:
            click.echo(f"wrote {shown(path)}")
        for note in result.notes:
            click.echo(note)
    else:  # what fitting left out of a brief is said even then: the brief is shorter than written
        for note in result.notes:
            if note.startswith("fitted ") and "facts left out: none" not in note:
                click.echo(note, err=True)
    report(result.warnings)
    if not quiet:
        total = len(result.built) + len(result.unchanged) + len(result.failed)
        if not result.built and not result.failed and total:
            click.echo("nothing to do: the document is up to date" if total == 1
                       else f"nothing to do: all {total} documents are up to date")
        elif not total:
            click.echo("nothing to build: no brief matches")
        click.echo(f"built {len(result.built)}, unchanged {len(result.unchanged)}, "
                   f"failed {len(result.failed)} in {result.seconds:.1f} s")
    if result.failures:
        raise BriefgenError(result.failures)
