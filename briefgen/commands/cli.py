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
            report(exc.problems, ctx.meta.get("briefgen.format", "text"))
            ctx.exit(1)


def report(problems, fmt: str = "text") -> None:
    """Show problems (errors and warnings) in the format asked for: the one
    place where briefgen's problems reach the user."""
    from briefgen.commands import report as formats

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


def _today_option(f):
    return click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
                        callback=lambda ctx, param, value: value.date() if value else None,
                        help="The date staleness is judged on (default: today), for reproducible checks.")(f)


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
@click.option("--strict", is_flag=True, help="Treat warnings (unreviewed or stale facts) as errors.")
@_today_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="text for people; json (one document) or github (Actions annotations) for machines.")
@click.pass_context
def check(ctx: click.Context, strict: bool, today, fmt: str) -> None:
    """Check every source file and report each problem as path:line: message.

    Reports errors and warnings (verified facts without a review record,
    facts past their review date, stale statistics).  Exits 0 when there is
    no error and 1 when there is one, or a warning with --strict.

    \b
    Example:
      briefgen --root my-workspace check
      briefgen check --strict --today 2026-12-01 --format github
    """
    from briefgen.build.pipeline import check_workspace

    ctx.meta["briefgen.format"] = fmt
    workspace, _, warnings = check_workspace(ctx.obj, today, strict)
    if fmt != "text" or warnings:
        report(warnings, fmt)
    if fmt == "text":
        click.echo(
            f"ok: {len(workspace.references)} references, {len(workspace.facts)} facts, "
            f"{len(workspace.briefs)} briefs" + (f", {len(warnings)} warnings" if warnings else "")
        )


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Add the starter files to a folder that is not empty (never overwriting).")
def init(folder: Path, force: bool) -> None:
    """Create a new workspace in FOLDER, ready to build.

    Writes briefgen.yaml, a .gitignore for output/, and sources/ with one
    reference, two facts (drafts, from the sample) and a brief.  Refuses a
    folder that is not empty unless --force, and never overwrites a file.

    \b
    Example:
      briefgen init my-briefs && cd my-briefs && briefgen build
    """
    from briefgen.commands.starter import create

    written, skipped = create(folder, force)
    for path in written:
        click.echo(f"wrote {_shown(path)}")
    for path in skipped:
        click.echo(f"kept {_shown(path)} (already there)")
    import shlex

    place = _shown(folder)
    click.echo("next: briefgen build" if place == "." else f"next: cd {shlex.quote(place)} && briefgen build")


@cli.command()
@click.argument("query")
@click.option("--tag", metavar="EXPR", default=None, help="Only facts matching this tag expression (and their sources).")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="How many results at most.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people (matched words in bold on a terminal); json for tools.")
@click.pass_obj
def search(root: Path, query: str, tag: str | None, limit: int, fmt: str) -> None:
    """Find facts and references by their words, best match first.

    Matches word stems, ignoring case and accents ("trafficked" finds
    "trafficking"), ranked with BM25.  Shows each result's id, status, tags
    and file:line.

    \b
    Example:
      briefgen search "section 230 immunity"
      briefgen search trafficking --tag "not maxwell-case" --format json
    """
    import json

    from briefgen.commands import search as finder
    from briefgen.source.load import load
    from briefgen.compose.plan import parse_option
    from briefgen.project import find_root

    sources = load(find_root(root))
    expr = None
    if tag is not None:
        from briefgen.compose.plan import unknown_tags

        expr = parse_option(tag, "--tag")
        known = {label for f in sources.facts for label in f.labels} | {t for b in sources.briefs for t in b.tags}
        unknown_tags(expr, known, "--tag", tag)
    hits = finder.search(sources, query, expr, limit)
    if fmt == "json":
        click.echo(json.dumps([{
            "kind": h.kind, "id": h.id, "score": round(h.score, 4), "text": h.text, "tags": h.tags,
            "status": h.status, "path": h.path, "line": h.line,
        } for h in hits], indent=2, ensure_ascii=False))
        return
    if not hits:
        click.echo(f"no fact or reference matches '{query}'")
    for h in hits:
        label = f"{h.id}  [{h.status}]  {', '.join(h.tags)}" if h.kind == "fact" else f"{h.id}  [reference]"
        click.echo(f"{click.style(label, bold=True)}  {h.path}:{h.line}")
        text = " ".join(h.text.split())
        click.echo("    " + finder.highlight(text, h.stems, lambda w: click.style(w, bold=True, fg="yellow")))
    if sources.problems:
        count = len(sources.problems)
        click.echo(f"(the workspace has {count} problem{'' if count == 1 else 's'}: entries with errors are not "
                   "searched; run briefgen check)", err=True)


@cli.command()
@click.option("--config", "of_config", is_flag=True, help="The schema of briefgen.yaml instead of a source file.")
def schema(of_config: bool) -> None:
    """Print the JSON Schema of the source files (or of briefgen.yaml).

    Editors that check YAML against a schema (VS Code's YAML extension, for
    one) then show mistakes and offer field names while you type.

    \b
    Example:
      briefgen schema > sources.schema.json
      # then, as the first line of each file in sources/:
      # yaml-language-server: $schema=../sources.schema.json
    """
    import json

    from briefgen.source.schema import config_schema, source_schema

    click.echo(json.dumps(config_schema() if of_config else source_schema(), indent=2, ensure_ascii=False))


@cli.command()
@click.argument("what", type=click.Choice(["references"]))
@click.option("--format", "fmt", type=click.Choice(["csl-json"]), default="csl-json", show_default=True,
              help="CSL-JSON, which Zotero and other reference managers import.")
@click.pass_obj
def export(root: Path, what: str, fmt: str) -> None:
    """Write the workspace's references to standard output, as CSL-JSON.

    \b
    Example:
      briefgen export references > references.json
    """
    import json

    from briefgen.commands.export import csl_json
    from briefgen.source.load import load
    from briefgen.project import find_root

    sources = load(find_root(root))
    if sources.problems:
        from briefgen.errors import BriefgenError

        raise BriefgenError(sources.problems)
    click.echo(json.dumps(csl_json(sources.references), indent=2, ensure_ascii=False))


@cli.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--into", default="sources/references.yaml", show_default=True, metavar="PATH",
              help="The references file (under sources/) to add to; created if missing.")
@click.option("--update", is_flag=True,
              help="For an id that exists in that file, replace the fields the import gives (keeping the others).")
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid entries even if others cannot be imported (they are reported).")
@click.pass_obj
def import_references(root: Path, file: Path, into: str, update: bool, skip_invalid: bool) -> None:
    """Add references from a CSL-JSON or BibTeX file (a Zotero or Better BibTeX export).

    Each entry's citation key, slugged, becomes its id.  An id already in
    the workspace is never overwritten or duplicated: that entry is skipped
    (or, with --update, merged).  Comments and everything else in the file
    stay as they were.

    \b
    Example:
      briefgen import ~/Downloads/library.json
      briefgen import refs.bib --into sources/law.yaml --update
    """
    from briefgen.commands.importer import import_file
    from briefgen.project import find_root

    workspace = find_root(root)
    result, written = import_file(workspace, file.resolve(), into, update=update, skip_invalid=skip_invalid)
    report(result.skipped)
    for note in result.notes:
        click.echo(f"note: {note}")
    for label, ids in (("added", result.added), ("updated", result.updated)):
        if ids:
            click.echo(f"{label} {len(ids)}: {', '.join(ids)}")
    click.echo(f"added {len(result.added)}, updated {len(result.updated)}, unchanged {len(result.unchanged)}, "
               f"skipped {len(result.skipped)}" + (f"; wrote {into}" if written else "; nothing written"))


@cli.command(name="list")
@click.argument("what", type=click.Choice(["briefs", "facts", "references", "tags"]))
@click.option("--tag", metavar="EXPR", default=None, help="Only what matches this tag expression.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text, a table for people; json, a list of objects for tools.")
@click.pass_obj
def list_(root: Path, what: str, tag: str | None, fmt: str) -> None:
    """List the briefs, facts, references or tags of the workspace.

    `list tags` counts the facts and briefs carrying each tag.  With --tag,
    facts and briefs are those whose tags match, references those cited by
    a matching fact, and tags those that match.  The JSON output is a list
    of objects whose keys are documented in the README.

    \b
    Example:
      briefgen list tags
      briefgen list facts --tag "section-230 and law" --format json
    """
    import json

    from briefgen.build.pipeline import check_workspace
    from briefgen.commands.listing import rows, text

    workspace = check_workspace(root).workspace
    items = rows(workspace, what, tag)
    if fmt == "json":
        click.echo(json.dumps(items, indent=2, ensure_ascii=False))
    else:
        for line in text(what, items):
            click.echo(line)


def _jobs_default() -> int:
    return os.cpu_count() or 1


# WeasyPrint's PDF variants (listed here so that --help need not import it).
PDF_VARIANTS = ["pdf/ua-1", "pdf/ua-2", "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u",
                "pdf/a-1a", "pdf/a-2a", "pdf/a-3a", "pdf/a-4e", "pdf/a-4f", "pdf/x-1a", "pdf/x-3", "pdf/x-4", "pdf/x-5g"]


def _finite(ctx, param, value):
    if value != value:  # NaN passes every range check
        raise click.BadParameter("must be a number of seconds")
    return value


def _build_options(f):
    """Options shared by `build` and `sheet`."""
    f = click.option("--memory-limit", type=click.IntRange(min=64), default=2048, show_default=True, metavar="MB",
                     help="Stop a PDF render that needs more memory than this; that document fails.")(f)
    f = click.option("--time-limit", type=click.FloatRange(min=0.1, max=86400), default=120.0, show_default=True,
                     callback=_finite,
                     metavar="SECONDS", help="Stop a document that takes longer than this to render; it fails.")(f)
    f = _today_option(f)
    f = click.option("--pdf-variant", default="pdf/ua-1", show_default=True, type=click.Choice(PDF_VARIANTS),
                     help="The PDF flavour WeasyPrint writes: pdf/ua-1 is tagged for screen readers, "
                          "pdf/a-3b is for archiving.")(f)
    f = click.option("--no-fit", is_flag=True,
                     help="Do not shrink or shorten briefs to their max_pages; only report the overflow.")(f)
    f = click.option("--quiet", "-q", is_flag=True, help="Print only problems: no file list, progress or summary.")(f)
    f = click.option("--force", is_flag=True, help="Render everything, even documents whose inputs did not change.")(f)
    f = click.option("--jobs", "-j", type=click.IntRange(min=1), default=_jobs_default, show_default="number of CPUs",
                     help="Render PDFs in this many worker processes.")(f)
    f = click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Output folder (default: output/ in the workspace).")(f)
    f = click.option("--style", default=None, metavar="NAME",
                     help="The citation style of every document, over the briefs' and briefgen.yaml's: "
                          "numbered (the default), chicago-notes, chicago-author-date, apa, mla, ieee, legal, "
                          "any style of the CSL repository by name, or the path of a .csl file in the "
                          "workspace.")(f)
    f = click.option("--format", "fmt", type=click.Choice(["html", "pdf", "both"]), default="both",
                     show_default=True, help="Which files to write.")(f)
    return f


@cli.command()
@click.argument("brief_ids", nargs=-1, metavar="[BRIEF_ID]...")
@click.option("--tag", "tag", metavar="EXPR", default=None,
              help="Build the briefs whose own tags match this tag expression (besides any named).")
@click.option("--per-tag", is_flag=True,
              help="Also render one fact sheet per fact tag into output/tags/ (with --tag, for the tags that match).")
@click.option("--release", is_flag=True,
              help="Refuse every brief that would show a draft or stale fact (no DRAFT marks are possible).")
@_build_options
@click.pass_obj
def build(root: Path, brief_ids: tuple[str, ...], tag: str | None, per_tag: bool, release: bool, fmt: str,
          style: str | None, out: Path | None, jobs: int, force: bool, quiet: bool, no_fit: bool, pdf_variant: str,
          today, time_limit: float, memory_limit: int) -> None:
    """Check the workspace, then render briefs to HTML and PDF.

    Builds the named briefs, or all of them, into output/<brief-id>.html and
    output/<brief-id>.pdf, and writes output/index.html listing everything
    in the output folder.  Nothing is built if the workspace has errors.
    Documents whose inputs did not change since they were last built are
    not rendered again.

    \b
    Example:
      briefgen build                          # every brief, HTML and PDF
      briefgen build section-230-one-pager --format pdf --out /tmp/briefs
      briefgen build --tag "child-safety or section-230" --per-tag
      briefgen build --style chicago-notes
    """
    ids = list(brief_ids) if brief_ids or tag else None
    _run(root, quiet, ids, fmt, out, jobs=jobs, force=force, tag=tag, per_tag=per_tag, fit=not no_fit,
         pdf_variant=pdf_variant, release=release, today=today, time_limit=time_limit, memory_limit=memory_limit,
         style=style)


@cli.command()
@click.argument("expression", metavar="EXPR")
@click.option("--title", default=None, help='The sheet\'s title (default: "Fact sheet: EXPR").')
@click.option("--template", default="fact-sheet", show_default=True, help="The template to render with.")
@_build_options
@click.pass_obj
def sheet(root: Path, expression: str, title: str | None, template: str, fmt: str, style: str | None,
          out: Path | None, jobs: int, force: bool, quiet: bool, no_fit: bool, pdf_variant: str, today,
          time_limit: float, memory_limit: int) -> None:
    """Render one fact sheet of every fact matching a tag expression.

    The sheet goes to output/sheets/<EXPR as a slug>.html and .pdf, with the
    facts grouped by kind, in priority order.

    \b
    Example:
      briefgen sheet "section-230 and law" --title "Section 230: the statute"
    """
    from briefgen.compose.plan import SheetRequest
    from briefgen.source.model import Invalid, visible

    if title is not None:
        try:  # the check the sources' text goes through, before anything is built
            visible(title)
        except Invalid as exc:
            raise BriefgenError(f"sheet: --title {exc}") from None
    _run(root, quiet, [], fmt, out, jobs=jobs, force=force, fit=not no_fit, pdf_variant=pdf_variant, today=today,
         time_limit=time_limit, memory_limit=memory_limit, style=style,
         sheets=(SheetRequest(expression, title, template),))


def _run(root: Path, quiet: bool, ids, fmt: str, out: Path | None, **options) -> None:
    from briefgen.build.pipeline import FORMATS, build as run_build

    formats = FORMATS if fmt == "both" else (fmt,)
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
        result = run_build(root, ids, formats, out, progress=progress, **options)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if not quiet:
        for path in result.written:
            click.echo(f"wrote {_shown(path)}")
        for note in result.notes:
            click.echo(note)
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


def main() -> None:
    cli(prog_name="briefgen")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
