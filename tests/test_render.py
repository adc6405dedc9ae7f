"""Stage: render — sanitised markdown, autoescaping, the HTML hooks, template lookup."""

import re
from html.parser import HTMLParser

import pytest

from briefgen.build.pipeline import check_project
from briefgen.source.project import Project
from briefgen.render.html import markdown_block, markdown_inline, render_html

from conftest import FACTS


class Collect(HTMLParser):
    """Every start tag with its attributes, parsed as a browser would see it."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://example.org></iframe>",
    '<p style="color:red" onclick="x()">styled</p>',
    "[rel](../../etc/passwd)",
]


@pytest.mark.parametrize("payload", HOSTILE)
@pytest.mark.parametrize("convert", [markdown_inline, markdown_block])
def test_markdown_output_is_sanitised(convert, payload):
    html = str(convert(f"Text {payload} end"))
    for tag, attrs in Collect(html).tags:
        assert tag in {"a", "em", "strong", "code", "sup", "sub", "br", "p", "ul", "ol", "li"}
        assert not any(name.startswith("on") or name == "style" for name in attrs)
        if "href" in attrs:
            assert attrs["href"].startswith(("http://", "https://", "mailto:"))


def test_benign_markdown_still_renders():
    html = str(markdown_inline("It is *very* **clear**, see [the report](https://example.org/r)."))
    assert "<em>very</em>" in html and "<strong>clear</strong>" in html
    assert '<a href="https://example.org/r" rel="noopener noreferrer">the report</a>' in html
    assert "<ul>" in str(markdown_block("- one\n- two"))


HOSTILE_FACTS = FACTS.replace(
    'claim: "Fact A is *true*."',
    """claim: "Fact A <script>alert('x')</script> <img src=x onerror=alert(1)> [bad](javascript:alert(1))\"""",
)
HOSTILE_BRIEF = """\
briefs:
  - id: brief-one
    title: "</title><script>alert(1)</script>"
    subtitle: "<b onmouseover=x>sub</b>"
    template: one-pager
    date: 2026-01-15
    contact: "<svg onload=alert(1)>"
    sections:
      - heading: "<img src=x onerror=alert(2)>"
        facts: [fact-a]
"""


def test_hostile_text_never_reaches_the_html(make_workspace):
    root = make_workspace(facts=HOSTILE_FACTS, briefs=HOSTILE_BRIEF)
    html = render_html(check_project(Project.open(root)).cited["brief-one"], Project.open(root))
    tags = Collect(html).tags
    # The only script-like element is the template's own <style>; no user text adds elements.
    assert [t for t, _ in tags if t in {"script", "img", "svg", "iframe", "b"}] == []
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
    assert not [a.get("href") for t, a in tags if t == "a" and a.get("href", "").startswith("javascript")]
    assert "&lt;/title&gt;&lt;script&gt;" in html  # autoescaped, shown as text


def test_html_hooks(make_workspace):
    root = make_workspace()
    html = render_html(check_project(Project.open(root)).cited["brief-one"], Project.open(root))
    tags = Collect(html).tags
    fact_ids = [a["data-fact-id"] for _, a in tags if "data-fact-id" in a]
    assert fact_ids == ["fact-a", "fact-b", "fact-c"]
    ref_ids = {a["id"] for t, a in tags if t == "li" and a.get("id", "").startswith("ref-")}
    assert ref_ids == {"ref-report-2024", "ref-statute"}
    hrefs = {a["href"] for t, a in tags if t == "a" and a.get("href", "").startswith("#ref-")}
    assert hrefs == {"#ref-report-2024", "#ref-statute"}
    text = re.sub(r"<[^>]+>", "", html)
    assert "[1, p. 3]" in text  # the pinpoint locator beside its marker
    assert "[2, 1]" in text  # fact-b cites two sources: one superscript


def test_html_is_self_contained(make_workspace):
    root = make_workspace()
    html = render_html(check_project(Project.open(root)).cited["brief-one"], Project.open(root))
    tags = Collect(html).tags
    assert ("style", {}) in tags
    assert not [t for t, a in tags if t in {"link", "script"} or (t == "img" and "src" in a)]
    assert "@page" in html  # the print CSS travels inside the file


def test_workspace_template_overrides_builtin(make_workspace):
    root = make_workspace(extra={
        "templates/one-pager.html": "<p>custom {{ brief.title }}</p>"
        "{% for s in sections %}{% for cf in s.facts %}<i data-fact-id='{{ cf.fact.id }}'></i>{% endfor %}{% endfor %}",
    })
    html = render_html(check_project(Project.open(root)).cited["brief-one"], Project.open(root))
    assert html.startswith("<p>custom Brief one</p>")


def test_workspace_template_may_reuse_builtin_partials(make_workspace):
    root = make_workspace(extra={
        "templates/plain.html": '{% extends "_base.html" %}{% block content %}<p>plain</p>{% endblock %}',
    })
    root.joinpath("sources/briefs.yaml").write_text(
        root.joinpath("sources/briefs.yaml").read_text().replace("one-pager", "plain"))
    html = render_html(check_project(Project.open(root)).cited["brief-one"], Project.open(root))
    assert "<p>plain</p>" in html and "<h1>Brief one</h1>" in html


def test_template_syntax_error_names_the_template(make_workspace, run):
    root = make_workspace(extra={"templates/one-pager.html": "line one\n{% if %}\n"})
    result = run(root, "build", "--format", "html")
    assert result.exit_code == 1
    assert result.stderr.startswith("templates/one-pager.html:2: template error:")
    assert "Traceback" not in result.stderr
    assert not (root / "output" / "brief-one.html").exists()


def test_template_runtime_error_fails_only_that_brief(make_workspace, run):
    root = make_workspace(extra={"templates/one-pager.html": "{{ brief.no_such_field }}"})
    result = run(root, "build", "--format", "html")
    assert result.exit_code == 1
    assert "templates/one-pager.html:1: template failed for brief 'brief-one': " in result.stderr


def test_check_finds_syntax_errors_in_workspace_templates(make_workspace, run):
    root = make_workspace(extra={"templates/handout.html": "ok\n{% for %}\n"})
    result = run(root, "check")
    assert result.exit_code == 1
    assert result.stderr.startswith("templates/handout.html:2: template error:")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_built_in_text_colours_have_at_least_4_5_to_1_contrast():
    from briefgen.paths import BUILTIN_TEMPLATES

    css = (BUILTIN_TEMPLATES / "briefgen.css").read_text()
    colours = dict(re.findall(r"--(ink|muted|primary|accent|wash): (#[0-9a-f]{6});", css))
    for text in ("ink", "muted", "primary", "accent"):
        for background in ("#ffffff", colours["wash"]):
            lighter, darker = sorted((_luminance(colours[text]), _luminance(background)), reverse=True)
            ratio = (lighter + 0.05) / (darker + 0.05)
            assert ratio >= 4.5, (text, background, ratio)


# The tests below go through the command line only (`briefgen build`), so
# they hold whatever the library's modules are called.

MASTHEAD_BRIEFS = """\
briefs:
  - id: brief-one
    title: "Brief one"
    subtitle: "What the subtitle says"
    audience: committee staff
    template: one-pager
    date: 2026-01-15
    sections:
      - heading: "First"
        facts: [fact-a]
  - id: sheet-one
    title: "Sheet one"
    subtitle: "What the subtitle says"
    audience: committee staff
    template: fact-sheet
    date: 2026-01-15
    sections:
      - heading: "First"
        facts: [fact-a]
"""


class Elements(HTMLParser):
    """Every element as (tag, attributes, its text with white space collapsed)."""

    VOID = {"meta", "link", "img", "br", "hr", "input", "source", "wbr"}

    def __init__(self, html):
        super().__init__()
        self.elements, self._open = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self._open.append((tag, dict(attrs), []))

    def handle_endtag(self, tag):
        while self._open:
            open_tag, attrs, text = self._open.pop()
            self.elements.append((open_tag, attrs, " ".join("".join(text).split())))
            if self._open:
                self._open[-1][2].extend(text)
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._open:
            self._open[-1][2].append(data)


def built_html(make_workspace, run, briefs=MASTHEAD_BRIEFS) -> dict[str, str]:
    root = make_workspace(briefs=briefs)
    result = run(root, "build", "--format", "html")
    assert result.exit_code == 0, result.stderr
    return {path.stem: path.read_text(encoding="utf-8") for path in (root / "output").glob("*.html")}


@pytest.mark.parametrize(("brief_id", "title"), [("brief-one", "Brief one"), ("sheet-one", "Sheet one")],
                         ids=["one-pager", "fact-sheet"])
def test_masthead_names_the_audience(make_workspace, run, brief_id, title):
    html = built_html(make_workspace, run)[brief_id]
    [masthead] = [text for tag, _, text in Elements(html).elements if tag == "header"]
    assert title in masthead  # it is the masthead
    assert "For committee staff" in masthead


@pytest.mark.parametrize("brief_id", ["brief-one", "sheet-one"], ids=["one-pager", "fact-sheet"])
def test_subtitle_carries_the_class_the_stylesheet_styles(make_workspace, run, brief_id):
    """Workspace stylesheets (a templates/briefgen.css of one's own) style the
    subtitle by its class, so the class name is part of the templates' contract."""
    html = built_html(make_workspace, run)[brief_id]
    holders = [attrs for _, attrs, text in Elements(html).elements if text == "What the subtitle says"]
    assert [a.get("class") for a in holders] == ["subtitle"]
    [style] = [text for tag, _, text in Elements(html).elements if tag == "style"]
    assert re.search(r"(^|[\s,}])\.subtitle\s*\{", style), "the stylesheet has no .subtitle rule"


PROBE = """\
import importlib.util, json, sys
from briefgen.commands.cli import cli
cli(["--root", sys.argv[1], "build", "--format", "html", "--quiet"], standalone_mode=False)
print(json.dumps({"imported": "weasyprint" in sys.modules,
                  "installed": importlib.util.find_spec("weasyprint") is not None}))
"""


def test_html_only_build_never_imports_weasyprint(make_workspace):
    """WeasyPrint (and Pango behind it) takes most of a PDF build's start-up:
    an HTML-only build must not pay for it."""
    import json
    import subprocess
    import sys

    root = make_workspace()
    done = subprocess.run([sys.executable, "-c", PROBE, str(root)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (root / "output").iterdir()) == [
        ".briefgen-cache.json", "brief-one.html", "brief-one.manifest.json", "index.html"]
    probe = json.loads(done.stdout.splitlines()[-1])
    assert probe["installed"]  # else the check below would prove nothing
    assert probe["imported"] is False, "the HTML-only build imported weasyprint"


def test_compiled_templates_are_kept_and_a_damaged_one_is_compiled_again(make_workspace, run, parse_cache):
    root = make_workspace(extra={"templates/one-pager.html":
                                 '{% extends "_base.html" %}{% block content %}<p id="own">{{ brief.title }}</p>'
                                 '{% endblock %}'})
    assert run(root, "build", "--format", "html").exit_code == 0
    first = (root / "output/brief-one.html").read_text()
    kept = sorted(parse_cache.glob("templates-*/*"))
    assert kept and 'id="own"' in first
    for entry in kept:
        entry.write_bytes(entry.read_bytes()[:20] + b"damaged")
    assert run(root, "build", "--format", "html", "--force").exit_code == 0
    assert (root / "output/brief-one.html").read_text() == first
