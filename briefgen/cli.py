"""The command line: thin wrappers over the library.

Every command runs inside `BriefgenGroup.invoke`, the one place where a
`BriefgenError` becomes ``path:line: message`` lines on stderr and exit 1.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from briefgen import __version__
from briefgen.errors import BriefgenError


class BriefgenGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BriefgenError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            count = len(exc.problems)
            if count > 1:
                click.echo(f"{count} problems found.", err=True)
            ctx.exit(1)


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


@click.group(cls=BriefgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefgen")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="The workspace folder (the one holding sources/).")
@click.pass_context
def cli(ctx: click.Context, root: Path) -> None:
    """Build cited one-page briefs and fact sheets from a folder of sourced facts.

    \b
    Example:
      briefgen check                 # report every problem in sources/
      briefgen build                 # build every brief into output/
    """
    ctx.obj = root


@cli.command()
@click.pass_obj
def check(root: Path) -> None:
    """Check every source file and report each problem as path:line: message.

    Exits 0 when the workspace is clean and 1 when anything is wrong.

    \b
    Example:
      briefgen --root my-workspace check
    """
    from briefgen.build import check_workspace

    workspace, cited = check_workspace(root)
    click.echo(
        f"ok: {len(workspace.references)} references, {len(workspace.facts)} facts, "
        f"{len(workspace.briefs)} briefs"
    )


@cli.command()
@click.argument("brief_ids", nargs=-1, metavar="[BRIEF_ID]...")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "both"]), default="both",
              show_default=True, help="Which files to write.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: output/ in the workspace).")
@click.pass_obj
def build(root: Path, brief_ids: tuple[str, ...], fmt: str, out: Path | None) -> None:
    """Check the workspace, then render briefs to HTML and PDF.

    Builds the named briefs, or all of them, into output/<brief-id>.html and
    output/<brief-id>.pdf.  Nothing is built if the workspace has errors.

    \b
    Example:
      briefgen build                          # every brief, HTML and PDF
      briefgen build section-230-one-pager --format pdf --out /tmp/briefs
    """
    from briefgen.build import FORMATS, build as run_build

    formats = FORMATS if fmt == "both" else (fmt,)
    result = run_build(root, list(brief_ids), formats, out)
    for path in result.written:
        click.echo(f"wrote {_shown(path)}")
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    if result.failures:
        raise BriefgenError(result.failures)


def main() -> None:
    cli(prog_name="briefgen")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
