"""`briefgen serve`: the command over the preview server (briefgen.serve)."""

from __future__ import annotations

from pathlib import Path

import click

from briefgen.commands.options import root_option


@click.command()
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="The port to serve on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to serve on. Anything but a loopback address lets other machines read the "
                   "workspace's documents (a warning is printed).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also keep the built documents in this folder (default: a temporary folder, removed on exit; "
                   "output/ is never written).")
@click.option("--per-tag/--no-per-tag", default=None,
              help="Preview one fact sheet per fact tag too (default: when output/ holds tag sheets).")
@click.option("--commit", is_flag=True,
              help="Make each save in the browser's editor a git commit naming the record (the workspace must be "
                   "a git repository), so that every change can be undone.")
@root_option
@click.pass_obj
def serve(root: Path, port: int, host: str, open_browser: bool, out: Path | None, per_tag: bool | None,
          commit: bool) -> None:
    """Preview every brief and sheet in the browser, updated on every save.

    Builds the workspace into a folder of its own and serves it at
    http://127.0.0.1:8000/: a page listing every document (with its page
    count, limit and marks), and a page per document with its HTML or PDF.
    When a source file, template or briefgen.yaml changes, the documents it
    reaches are built again and the open pages update by themselves; when
    the workspace stops checking, every page lists the problems, with the
    lines of YAML they are at.  At /edit, facts, references and briefs can
    be edited in forms: every change is checked before it is saved, and
    only the record changed changes in its file.  Ctrl-C stops it.

    \b
    Example:
      briefgen serve
      briefgen serve --port 8001 --open
    """
    import briefgen
    from briefgen.serve import serve as run_server

    briefgen.ONE_SHOT = False  # a server loads again and again: what each load made must stay collectable

    def started(address: str) -> None:
        if open_browser:
            import webbrowser

            webbrowser.open(address)

    try:
        run_server(root, host, port, out, per_tag, commit, say=lambda text: click.echo(text, err=text.startswith("warning")),
                   started=started)
    except KeyboardInterrupt:
        pass
