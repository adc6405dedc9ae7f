"""Stage 5, render: a cited brief to one self-contained HTML document.

Templates are found through a list of folders, the workspace's ``templates/``
first, so a workspace overrides one built-in template by giving a file of the
same name.  Jinja2 autoescapes everything; the only HTML that enters a page
unescaped is markdown output that nh3 has sanitised to a small allowlist.
"""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path

import jinja2
import markdown
import nh3
from markupsafe import Markup

from briefgen import __version__
from briefgen.compose.cite import CitedBrief
from briefgen.compose.plan import kind_headings, kind_label
from briefgen.errors import BriefgenError, Problem
from briefgen.paths import TEMPLATE_SUFFIX
from briefgen.render.backend import Document, Output, Settings
from briefgen.render.chart import charts_of
from briefgen.source.messages import ENGLISH, Words
from briefgen.source.project import Project

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
def _converter(blocks: tuple[str, ...]) -> markdown.Markdown:
    """Python-Markdown cut down to what a fact needs, so that text means what
    it says: "> 50%" stays "> 50%", "2018. Congress" keeps its year, "- 12%"
    its minus sign.  Raw HTML is shown as the text it is, never as markup,
    and images are not markdown here.  No "smart" quotes either: 5'10" is a
    height, not a quotation.  `blocks` are the block syntaxes kept besides
    paragraphs."""
    md = markdown.Markdown(output_format="html")
    for name in ("indent", "code", "hashheader", "setextheader", "hr", "olist", "ulist", "quote", "reference"):
        if name not in blocks:
            md.parser.blockprocessors.deregister(name)
    md.preprocessors.deregister("html_block")
    for name in ("html", "image_link", "image_reference", "short_image_ref"):
        md.inlinePatterns.deregister(name)
    return md


_inline_markdown = _converter(())
_block_markdown = _converter(("olist", "ulist"))  # detail and ask may hold lists


# A fact is usually shown in many briefs of a batch: convert its text once.
@functools.lru_cache(maxsize=16384)
def markdown_inline(text: str | None) -> Markup:
    """A sentence or two of markdown as sanitised inline HTML."""
    if not text:
        return Markup("")
    html = _inline_markdown.reset().convert(text)
    return Markup(_inline_cleaner.clean(html).strip())


@functools.lru_cache(maxsize=4096)
def markdown_block(text: str | None) -> Markup:
    """Paragraphs and lists of markdown as sanitised HTML."""
    if not text:
        return Markup("")
    html = _block_markdown.reset().convert(text)
    return Markup(_block_cleaner.clean(html).strip())


@functools.lru_cache(maxsize=16)
def environment(dirs: tuple[Path, ...], words: Words = ENGLISH) -> jinja2.Environment:
    """The templates of `dirs`, speaking the language of `words`: `_()` and
    `ngettext()` (Jinja2's i18n extension) take their words from its catalogues."""
    env = jinja2.Environment(
        extensions=["jinja2.ext.i18n"],
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        bytecode_cache=_compiled_templates(),
        autoescape=True,  # every template, whatever its file name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = markdown_inline
    env.filters["md_block"] = markdown_block
    env.filters["longdate"] = words.date
    env.filters["number"] = words.number
    env.filters["period"] = period
    env.tests["ended"] = ended
    env.install_gettext_callables(words.gettext, words.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["kind_headings"] = kind_headings(words)  # the headings of a sheet grouped by kind
    env.globals["kind_label"] = functools.partial(kind_label, words=words)
    env.globals["rtl"] = words.rtl
    return env


def _compiled_templates() -> jinja2.BytecodeCache | None:
    """Compiled templates, kept beside the parse cache (and off with it) by
    the digest of their text, one folder per briefgen version (whose
    environment settings they were compiled with): compiling the templates
    is most of a small check's or build's time.  Jinja2 itself recompiles
    an entry that is missing, unreadable or of another Jinja2 or Python."""
    from briefgen.source.yamlread import parse_cache_dir

    folder = parse_cache_dir()
    return None if folder is None else _bytecode_cache(folder / f"templates-{__version__}")


@functools.cache
def _bytecode_cache(folder: Path) -> jinja2.BytecodeCache | None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a cache that cannot be written is no cache, not an error
    return jinja2.FileSystemBytecodeCache(str(folder))


def render_html(cited: CitedBrief, project: Project, scale: float = 1.0) -> str:
    """Render a cited brief with its template; template faults become BriefgenError.

    `scale` shrinks type and spacing (the templates apply it through the CSS
    custom property --scale) when a brief is fitted to its page limit."""
    brief = cited.brief
    config = project.config
    words = cited.words
    env = environment(project.template_dirs, words)
    organization = config.organization
    try:
        template = env.get_template(brief.template + TEMPLATE_SUFFIX)
        return _describe_source_links(cited, template.render(
            brief=brief,
            sections=cited.sections,
            references=cited.references,
            numbered=cited.numbered,
            version=__version__,
            config=config,
            organization=organization,
            lang=words.lang,
            contact=brief.contact or (organization.contact if organization else None),
            logo=_logo(project, organization.logo) if organization and organization.logo else None,
            qr=_qr(brief.url) if config.qr and brief.url else None,
            scale=f"{scale:.4f}",
            charts=charts_of(cited, config.colors.primary),
            drafts=[cf.fact for s in cited.sections for cf in s.facts if cf.fact.status == "draft"],
            changes=cited.changes, changed=cited.changed_facts,
        ))
    except jinja2.TemplateSyntaxError as exc:
        where = _template_path(exc.filename, project)
        raise BriefgenError(Problem(where, exc.lineno or 0, f"template error: {exc.message}", "template-error")) from None
    except MemoryError:
        raise  # a limit of the build, reported by it
    except Exception as exc:  # noqa: BLE001 - a workspace template is the user's code: any fault in it is theirs
        why = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
        where = _failing_template_line(exc, project)
        if where:  # the template line that failed, for whoever maintains the template
            raise BriefgenError(Problem(*where, f"template failed for brief '{brief.id}': {why}", "template-error",
                                        subject=brief.id)) from None
        path, line = brief.at("template")
        raise BriefgenError(Problem(path, line, f"brief '{brief.id}': template '{brief.template}' failed: {why}",
                                    "template-error", subject=brief.id)) from None


_SOURCE_LINK = re.compile(r'<a href="#ref-([^"]+)" title="([^"]*)">')  # "Source 1, point 16", in the page's language


def _source_label(entry) -> str:
    """"MSNBC, “Expert: Ghislaine Maxwell’s DOJ interview is a snapshot…”": who, and the title, shortened."""
    title = " ".join(entry.title.split())
    if len(title) > 72:
        title = title[:72].rsplit(" ", 1)[0] + "…"
    return f"{entry.who}, “{title}”" if entry.who else f"“{title}”"


def _describe_source_links(cited: CitedBrief, html: str) -> str:
    """A numbered marker's link says which source it is (its `title`, which
    the PDF's link annotation takes as its description): "Source 1: MSNBC,
    “Expert: …”, point 16", not only "Source 1, point 16".  (An in-text
    citation's link is its own description; its markup stays as the style
    made it.)  Only briefgen's own markup links to "#ref-": a fact's markdown
    cannot (relative links are removed from it)."""
    entries = {e.ref.id: e for e in cited.references}
    words = cited.words

    def describe(match: re.Match) -> str:
        entry = entries.get(match.group(1))
        if entry is None:
            return match.group(0)
        old = match.group(2)
        name = words("Source %(number)s", number=entry.number) if cited.numbered else words.gettext("Source")
        rest = old[len(name):] if old.startswith(name) else ""  # ", point 16" of "Source 1, point 16"
        title = str(Markup.escape(f"{name}: {_source_label(entry)}")) + rest
        return f'<a href="#ref-{match.group(1)}" title="{title}">'

    return _SOURCE_LINK.sub(describe, html)


def _failing_template_line(exc: BaseException, project: Project) -> tuple[str, int] | None:
    """The innermost template file and line in the traceback of `exc`
    (Jinja2 rewrites its frames to name them)."""
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(TEMPLATE_SUFFIX)]
    return (_template_path(frames[-1].filename, project), frames[-1].lineno or 0) if frames else None


_IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".gif": "image/gif", ".webp": "image/webp"}


def _logo(project: Project, relative: str) -> str | None:
    """The logo as a data: URI, so the HTML stays one self-contained file.

    Read only from inside the workspace (symlinks resolved), once per file
    version, however many layouts fitting makes."""
    path = project.file(relative)
    mime = _IMAGE_TYPES.get(Path(relative).suffix.lower())
    if path is None or mime is None:
        return None
    stat = path.stat()
    return _data_uri(mime, str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _data_uri(mime: str, path: str, mtime_ns: int, size: int) -> str:
    data = Path(path).read_bytes()
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


@functools.lru_cache(maxsize=1024)
def _qr(url: str) -> str:
    """A QR code linking to `url`, as an SVG data: URI."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def template_problems(project: Project) -> list[Problem]:
    """Syntax errors in the workspace's own templates, so that `check` finds
    them before a build does."""
    own = project.own_templates
    if own is None:
        return []
    env = environment(project.template_dirs)
    problems = []
    for path in sorted(own.glob("*" + TEMPLATE_SUFFIX)):
        try:
            env.get_template(path.name)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(_template_path(exc.filename, project), exc.lineno or 0,
                                    f"template error: {exc.message}", "template-error"))
        except jinja2.TemplateNotFound:
            pass  # an include that is missing shows when the template is used
        except UnicodeDecodeError:
            problems.append(Problem(project.shown(path), 0, "template is not UTF-8 text", "template-error"))
    return problems


def _template_path(filename: str | None, project: Project) -> str:
    if not filename:
        return "templates"
    path = Path(filename)
    if not path.resolve().is_relative_to(project.root.resolve()):
        return f"(built-in) {path.name}"
    return project.shown(path)


def ended(text: str) -> bool:
    """Does the text already end a sentence?"""
    return text.rstrip().endswith((".", "?", "!", "…"))


def period(text: str) -> str:
    """The text ending a sentence: a full stop added unless it has one (or ? or !)."""
    text = text.rstrip()
    return text if ended(text) else text + "."


def template_files(project: Project, name: str) -> list[Path]:
    """The files template `name` is made of: itself and everything it extends,
    includes or imports, found as the loader would find them."""
    import jinja2.meta

    dirs = project.template_dirs
    env = environment(dirs)
    found: dict[str, Path] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        path = next((d / current for d in dirs if (d / current).is_file()), None)
        if path is None:
            continue
        found[current] = path
        if current.endswith(TEMPLATE_SUFFIX):
            try:
                ast = env.parse(path.read_text(encoding="utf-8"))
            except (jinja2.TemplateSyntaxError, UnicodeDecodeError):
                continue  # rendering reports it
            pending += [n for n in jinja2.meta.find_referenced_templates(ast) if n]
    return [found[n] for n in sorted(found)]


def _relative_href(name: str) -> str:
    """A link to a file of the output folder from its index: always relative
    (./), every character that could end or change the URL escaped."""
    from urllib.parse import quote

    return "./" + quote(name, safe="/")


def _kind_labels(words: Words) -> dict[str, str]:
    return {"brief": words.gettext("Brief"), "tag sheet": words.gettext("Tag sheet"),
            "fact sheet": words.gettext("Fact sheet (ad hoc)")}


def render_index(entries: list[dict], project: Project, title: str) -> str:
    """The output folder's index page: one entry per document, by title, with
    what kind of document it is, whether it is a draft or out of date (and
    why), and its files; a filter finds one by its words."""
    config = project.config
    words = Words(config.lang, str(project.root))
    env = environment(project.template_dirs, words)
    labels = _kind_labels(words)
    shown = []
    for entry in sorted(entries, key=lambda e: (e["title"].lower(), e["key"])):
        files = [(label, _relative_href(name)) for label, name in entry["files"]]
        shown.append({**entry, "files": files, "kind_label": labels.get(entry["kind"], entry["kind"])})
    try:
        return env.get_template("_index" + TEMPLATE_SUFFIX).render(
            title=title, entries=shown, count=len(shown), stale_count=sum(1 for e in shown if e.get("out_of_date")),
            version=__version__, config=config, lang=config.lang, scale="1")
    except Exception as exc:  # noqa: BLE001 - a workspace template is the user's code
        raise BriefgenError(Problem("templates/_index.html", getattr(exc, "lineno", 0) or 0,
                                    f"template error: {type(exc).__name__}: {exc}", "template-error")) from None


class HtmlBackend:
    """The page itself: one self-contained HTML file."""

    name = "html"
    suffix = ".html"
    source = "html"
    paged = False
    image_types = frozenset(_IMAGE_TYPES)

    def __init__(self, settings: Settings):
        self.settings = settings

    def render(self, document: Document) -> Output:
        return Output(document.html.encode("utf-8"))
