"""Stage 5, render: a cited brief to one self-contained HTML document.

Templates are found through a list of folders, the workspace's ``templates/``
first, so a workspace overrides one built-in template by giving a file of the
same name.  Jinja2 autoescapes everything; the only HTML that enters a page
unescaped is markdown output that nh3 has sanitised to a small allowlist.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2
import markdown
import nh3
from markupsafe import Markup

from briefgen import __version__
from briefgen.cite import CitedBrief, format_date
from briefgen.errors import BriefgenError, Problem

_HERE = Path(__file__).resolve().parent
# Installed, the built-in templates are the package `briefgen.templates`; in a
# source checkout they are the top-level templates/ folder.
BUILTIN_TEMPLATES = next(
    (p for p in (_HERE / "templates", _HERE.parent / "templates") if (p / "one-pager.html").is_file()),
    _HERE / "templates",
)
TEMPLATE_SUFFIX = ".html"

_INLINE_TAGS = {"em", "strong", "code", "a", "sup", "sub", "br"}
_BLOCK_TAGS = _INLINE_TAGS | {"p", "ul", "ol", "li"}
_CLEANER_ARGS = dict(
    attributes={"a": {"href", "title"}},
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",
    link_rel="noopener noreferrer",
    clean_content_tags={"script", "style"},
)
_inline_cleaner = nh3.Cleaner(tags=_INLINE_TAGS, **_CLEANER_ARGS)
_block_cleaner = nh3.Cleaner(tags=_BLOCK_TAGS, **_CLEANER_ARGS)
# "smarty" gives typographic quotes and dashes; no extension that adds raw
# attributes (attr_list) or HTML is enabled.
_markdown = markdown.Markdown(extensions=["smarty"], output_format="html")


def markdown_inline(text: str | None) -> Markup:
    """A sentence or two of markdown as sanitised inline HTML."""
    if not text:
        return Markup("")
    html = _markdown.reset().convert(text)
    return Markup(_inline_cleaner.clean(html).strip())


def markdown_block(text: str | None) -> Markup:
    """Paragraphs and lists of markdown as sanitised HTML."""
    if not text:
        return Markup("")
    html = _markdown.reset().convert(text)
    return Markup(_block_cleaner.clean(html).strip())


def template_dirs(root: Path) -> list[Path]:
    """The folders templates are looked up in, the workspace's first."""
    own = root / "templates"
    return [own, BUILTIN_TEMPLATES] if own.is_dir() else [BUILTIN_TEMPLATES]


def template_names(root: Path) -> set[str]:
    """The brief templates a workspace can use (files starting with '_' are partials)."""
    return {
        p.name[: -len(TEMPLATE_SUFFIX)]
        for d in template_dirs(root)
        for p in d.glob("*" + TEMPLATE_SUFFIX)
        if not p.name.startswith("_")
    }


@functools.lru_cache(maxsize=8)
def environment(dirs: tuple[Path, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=True,  # every template, whatever its file name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = markdown_inline
    env.filters["md_block"] = markdown_block
    env.filters["longdate"] = format_date
    return env


def render_html(cited: CitedBrief, root: Path) -> str:
    """Render a cited brief with its template; template faults become BriefgenError."""
    brief = cited.brief
    env = environment(tuple(template_dirs(root)))
    try:
        template = env.get_template(brief.template + TEMPLATE_SUFFIX)
        return template.render(
            brief=brief,
            sections=cited.sections,
            references=cited.references,
            version=__version__,
        )
    except jinja2.TemplateSyntaxError as exc:
        where = _template_path(exc.filename, root)
        raise BriefgenError(Problem(where, exc.lineno or 0, f"template error: {exc.message}")) from None
    except jinja2.TemplateError as exc:
        path, line = brief.at("template")
        raise BriefgenError(Problem(path, line, f"brief '{brief.id}': template '{brief.template}' failed: {exc}")) from None


def _template_path(filename: str | None, root: Path) -> str:
    if not filename:
        return "templates"
    path = Path(filename)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return f"(built-in) {path.name}"
