"""The command line: thin wrappers over the library.

Every command runs inside `BriefgenGroup.invoke`, the one place where a
`BriefgenError` becomes ``path:line: message`` lines on stderr and exit 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

import briefgen
from briefgen import __version__
from briefgen.commands.console import report, run_build, shown
from briefgen.commands.options import build_options, language_tags, root_option, today_option
from briefgen.errors import BriefgenError, terminal_text


class BriefgenGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BriefgenError as exc:
            report(exc.problems, ctx.meta.get("briefgen.format", "text"))
            ctx.exit(1)


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


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _project(root: Path):
    from briefgen.source.project import Project

    return Project.open(root)


@cli.command()
@click.option("--strict", is_flag=True, help="Treat warnings (unreviewed or stale facts) as errors.")
@today_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="text for people; json (one document) or github (Actions annotations) for machines.")
@root_option
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
    from briefgen.api import check as check_project

    ctx.meta["briefgen.format"] = fmt
    checked = check_project(_project(ctx.obj), today, strict)
    base, warnings = checked.base, checked.warnings
    if fmt != "text" or warnings:
        report(warnings, fmt)
    if fmt == "text":
        click.echo(
            "ok: " + ", ".join(_count(n, what) for n, what in ((len(base.references), "reference"),
                                                               (len(base.facts), "fact"), (len(base.briefs), "brief"),
                                                               (len(warnings), "warning")) if n or what != "warning")
        )


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Add the starter files to a folder that is not empty (never overwriting).")
def init(folder: Path, force: bool) -> None:
    """Create a new workspace in FOLDER, ready to build.

    Writes briefgen.yaml, a .gitignore for output/, and sources/ with one
    reference, two facts (drafts, from the sample) and a brief.  Refuses a
    folder that is not empty unless --force, and never overwrites a file;
    into a folder with source files of its own it adds no starter source.

    \b
    Example:
      briefgen init my-briefs && cd my-briefs && briefgen build
    """
    from briefgen.commands.starter import create

    written, skipped, left_out = create(folder, force)
    for path in written:
        click.echo(f"wrote {shown(path)}")
    for path in skipped:
        click.echo(f"kept {shown(path)} (already there)")
    if left_out:
        click.echo(f"not added: the workspace has sources of its own, so the starter sources "
                   f"({', '.join(shown(p) for p in left_out)}) are left out: their ids could collide with yours")
    import shlex

    place = shown(folder)
    click.echo("next: briefgen build" if place == "." else f"next: cd {shlex.quote(place)} && briefgen build")


@cli.command()
@click.argument("query")
@click.option("--tag", metavar="EXPR", default=None, help="Only facts matching this tag expression (and their sources).")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="How many results at most.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people (matched words in bold on a terminal); json for tools.")
@root_option
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
    from briefgen.commands import searchindex

    indexed = searchindex.search(root, query, limit) if tag is None and query.strip() else None
    if indexed is not None:  # the stored index, brought up to date with the files
        hits, problems = indexed
    else:
        from briefgen.compose.plan import parse_option
        from briefgen.source.load import load

        sources = load(_project(root))
        expr = None
        if tag is not None:
            from briefgen.compose.plan import unknown_tags

            expr = parse_option(tag, "tag")
            known = {label for f in sources.facts for label in f.labels} | {t for b in sources.briefs for t in b.tags}
            unknown_tags(expr, known, "tag", tag)
        if not query.strip():
            raise BriefgenError("the search query is empty: give the words to look for, as in briefgen search \"section 230\"")
        hits = finder.search(sources, query, expr, limit)
        problems = len(sources.problems)
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
        click.echo(f"{click.style(terminal_text(label), bold=True)}  {terminal_text(h.path)}:{h.line}")
        text = " ".join(h.text.split())
        click.echo("    " + finder.highlight(text, h.stems, lambda w: click.style(w, bold=True, fg="yellow")))
    if problems:
        count = problems
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
@root_option
@click.pass_obj
def export(root: Path, what: str, fmt: str) -> None:
    """Write the workspace's references to standard output, as CSL-JSON.

    \b
    Example:
      briefgen export references > references.json
    """
    import json

    from briefgen.source.csl import csl_json
    from briefgen.source.load import load

    sources = load(_project(root))
    if sources.problems:
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
@root_option
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

    workspace = _project(root).root
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
@root_option
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

    from briefgen.commands.listing import rows, text
    from briefgen.source.check import check as check_records
    from briefgen.source.load import load

    project = _project(root)
    items = rows(check_records(load(project), project), what, tag)
    if fmt == "json":
        click.echo(json.dumps(items, indent=2, ensure_ascii=False))
    else:
        for line in text(what, items):
            click.echo(terminal_text(line))


@cli.command()
@click.argument("brief_ids", nargs=-1, metavar="[BRIEF_ID]...")
@click.option("--tag", "tag", metavar="EXPR", default=None,
              help="Build the briefs whose own tags match this tag expression (besides any named).")
@click.option("--per-tag", is_flag=True,
              help="Also render one fact sheet per fact tag into output/tags/ (with --tag, for the tags that match).")
@click.option("--release", is_flag=True,
              help="Build into output/release/ (or --out), refusing every brief that would show a draft or stale "
                   "fact: no DRAFT marks are possible.")
@click.option("--changes-since", metavar="REV", default=None,
              help="Mark the facts new or updated since this version (a git revision, a release's name, a folder, "
                   "or last-build) and list them, with those withdrawn, in a \"Changes since\" box.")
@click.option("--lang", "langs", metavar="LANG", multiple=True, callback=language_tags,
              help="Build only these language editions (repeatable): output/<brief-id>.<lang>.pdf for a language "
                   "other than the brief's own. Default: every language of each brief.")
@build_options
@root_option
@click.pass_obj
def build(root: Path, brief_ids: tuple[str, ...], tag: str | None, per_tag: bool, release: bool, langs: tuple,
          fmt: str, style: str | None, out: Path | None, jobs: int, force: bool, quiet: bool, no_fit: bool,
          pdf_variant: str, today, time_limit: float, memory_limit: int, changes_since: str | None) -> None:
    """Check the workspace, then render briefs to HTML and PDF.

    Builds the named briefs, or all of them, into output/<brief-id>.html and
    output/<brief-id>.pdf (a language edition into output/<brief-id>.<lang>.pdf),
    and writes output/index.html listing everything in the output folder.  Nothing is built if the workspace has errors.
    Documents whose inputs did not change since they were last built are
    not rendered again.

    \b
    Example:
      briefgen build                          # every brief, HTML and PDF
      briefgen build section-230-one-pager --format pdf --out /tmp/briefs
      briefgen build --tag "child-safety or section-230" --per-tag
      briefgen build --style chicago-notes
      briefgen build --format all             # HTML, PDF and Word (.docx)
      briefgen build --changes-since release-2026-10
      briefgen build --lang es                # the Spanish editions
    """
    ids = tuple(brief_ids) if brief_ids or tag else None
    run_build(root, quiet, fmt, briefs=ids, out_dir=out, jobs=jobs, force=force, tag=tag, per_tag=per_tag,
         fit=False if no_fit else None, pdf_variant=pdf_variant, release=release, today=today,
         time_limit=time_limit, memory_limit=memory_limit, style=style, changes_since=changes_since,
         langs=langs or None)


@cli.command()
@click.argument("expression", metavar="EXPR")
@click.option("--title", default=None, help='The sheet\'s title (default: "Fact sheet: EXPR").')
@click.option("--template", default="fact-sheet", show_default=True, help="The template to render with.")
@build_options
@root_option
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
    from briefgen.api import SheetRequest
    from briefgen.source.fields import Invalid, visible

    if title is not None:
        try:  # the check the sources' text goes through, before anything is built
            visible(title)
        except Invalid as exc:
            raise BriefgenError(f"sheet: --title {exc}") from None
    run_build(root, quiet, fmt, briefs=(), out_dir=out, jobs=jobs, force=force, fit=False if no_fit else None,
              pdf_variant=pdf_variant, today=today, time_limit=time_limit, memory_limit=memory_limit, style=style,
         sheets=(SheetRequest(expression, title, template),))


from briefgen.commands.serving import serve  # noqa: E402 - the command lives beside the server's own options

cli.add_command(serve)

from briefgen.commands.changes import diff, release  # noqa: E402 - commands of their own module

cli.add_command(diff)
cli.add_command(release)


def main() -> None:
    import signal

    # A termination request (from CI, a supervisor) ends the command as
    # Ctrl-C does: worker processes are stopped, written files stay whole.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    briefgen.ONE_SHOT = True  # a command's process loads once and ends (`serve` says otherwise)
    cli(prog_name="briefgen")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
