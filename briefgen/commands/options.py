"""Options shared by several commands, and their defaults as the command line shows them.

A setting the user did not give stays None, so that the library's (or
briefgen.yaml's) default applies rather than one written here.
"""

from __future__ import annotations

import os
from pathlib import Path

import click


def today_option(f):
    return click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
                        callback=lambda ctx, param, value: value.date() if value else None,
                        help="The date staleness is judged on (default: today), for reproducible checks "
                        "and builds (a build marks each stale fact it shows).")(f)


def _formats() -> list[str]:
    from briefgen.render.backend import FORMATS

    return list(FORMATS)


def _format_list(ctx, param, value: str) -> tuple[str, ...]:
    """--format html,docx as ("html", "docx"); both is html and pdf, all every format."""
    from briefgen.render.backend import DEFAULT_FORMATS

    known = _formats()
    chosen: list[str] = []
    for name in (n.strip().lower() for n in value.split(",")):
        if name == "both":
            chosen += DEFAULT_FORMATS
        elif name == "all":
            chosen += known
        elif name in known:
            chosen.append(name)
        else:
            raise click.BadParameter(f"unknown format '{name}' (one of: {', '.join([*known, 'both', 'all'])}; "
                                     "several joined by commas)")
    return tuple(n for n in known if n in chosen)


def _jobs_default() -> int:
    return os.cpu_count() or 1


# WeasyPrint's PDF variants (listed here so that --help need not import it).
PDF_VARIANTS = ["pdf/ua-1", "pdf/ua-2", "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u",
                "pdf/a-1a", "pdf/a-2a", "pdf/a-3a", "pdf/a-4e", "pdf/a-4f", "pdf/x-1a", "pdf/x-3", "pdf/x-4", "pdf/x-5g"]


def _finite(ctx, param, value):
    if value != value:  # NaN passes every range check
        raise click.BadParameter("must be a number of seconds")
    return value


def build_options(f):
    """Options shared by `build` and `sheet`."""
    f = click.option("--memory-limit", type=click.IntRange(min=64), default=None, show_default="2048", metavar="MB",
                     help="Stop a PDF render that needs more memory than this; that document fails.")(f)
    f = click.option("--time-limit", type=click.FloatRange(min=0.1, max=86400), default=None, show_default="120",
                     callback=_finite,
                     metavar="SECONDS", help="Stop a document that takes longer than this to render; it fails.")(f)
    f = today_option(f)
    f = click.option("--pdf-variant", default=None, show_default="pdf/ua-1", type=click.Choice(PDF_VARIANTS),
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
    f = click.option("--format", "fmt", default="both", show_default=True, callback=_format_list,
                     metavar="|".join([*_formats(), "both", "all"]),
                     help="Which files to write: " + ", ".join(_formats()) + ", several joined by commas "
                          "(html,docx), both (html and pdf) or all.")(f)
    return f


def _set_root(ctx: click.Context, param, value):
    if value is not None:
        ctx.obj = value
    return value


def root_option(f):
    """--root after the command too (`briefgen list briefs --root ws`), as well as before it."""
    return click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None, expose_value=False,
                        is_eager=True, callback=_set_root,
                        help="The workspace folder (may also be given before the command).")(f)


def language_tags(_ctx, _param, values: tuple[str, ...]) -> tuple[str, ...]:
    """Each --lang value, a BCP 47 language tag."""
    from briefgen.source.fields import Invalid, _lang

    try:
        return tuple(_lang(v) for v in values)
    except Invalid as exc:
        raise click.BadParameter(str(exc)) from None
