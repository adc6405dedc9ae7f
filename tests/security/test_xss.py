"""Hostile text in every user field never becomes markup, script or a URL
the reader did not write.  The audit parses the built HTML with an HTML
parser and compares it with the same workspace holding harmless text."""

import json
from collections import Counter
from html.parser import HTMLParser

import pytest

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt src=//x.example/x.js></ScRiPt>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"/>',
    "<body onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<style>@import 'http://x.example/x.css';</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<link rel="stylesheet" href="http://x.example/x.css">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="\tjavascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    '[x](https://example.org "t\\" onmouseover=\\"alert(1))',
    "*a*{: onclick=alert(1) }",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert() )//%0D%0A%0d%0a//</stYle/</titLe/"
    "</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert()//>\\x3e",
    '"><script>alert(1)</script>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]
assert len(PAYLOADS) >= 30

FORBIDDEN = {"script", "style", "iframe", "object", "embed", "link", "meta", "base", "form", "svg", "img",
             "input", "body", "noscript", "div"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href"}


class Audit(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags = Counter()
        self.attributes = []  # (tag, name, value)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag


def safe_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "mailto:", "#"))


def workspace(make_workspace, field, texts):
    """A workspace with one entry per text, each text in `field`."""
    q = json.dumps
    refs = ["references:"]
    facts = ["facts:"]
    briefs = ["briefs:"]
    for i, text in enumerate(texts):
        ref = {"id": f"r{i}", "title": "A report", "publisher": "Institute", "issued": "2024", "note": "A note"}
        fact = {"id": f"f{i}", "claim": "A claim.", "detail": "A detail.", "tags": ["t"], "cite": [
            {"ref": f"r{i}", "locator": "p. 1", "quote": "A quote"}]}
        brief = {"id": f"b{i}", "title": "A title", "subtitle": "A subtitle", "template": "fact-sheet",
                 "date": "2026-01-01", "bottom_line": "A bottom line.", "ask": "An ask.", "contact": "A contact",
                 "sections": [{"heading": "A heading", "facts": [f"f{i}"]}]}
        target = {"claim": fact, "detail": fact, "title": brief, "subtitle": brief, "bottom_line": brief,
                  "ask": brief, "contact": brief, "heading": brief["sections"][0], "locator": fact["cite"][0],
                  "quote": fact["cite"][0], "publisher": ref, "reference-title": ref, "note": ref}[field]
        target[field.replace("reference-", "")] = text
        refs.append(f"  - {q(ref)}")
        facts.append(f"  - {q(fact)}")
        briefs.append(f"  - {q(brief)}")
    return make_workspace(references="\n".join(refs) + "\n", facts="\n".join(facts) + "\n",
                          briefs="\n".join(briefs) + "\n")


FIELDS = ["claim", "detail", "title", "subtitle", "bottom_line", "ask", "contact", "heading", "locator", "quote",
          "publisher", "reference-title", "note"]


@pytest.mark.parametrize(("field", "style"), [
    *((field, "numbered") for field in FIELDS),
    # what a CSL style formats goes through pandoc, which reads some HTML in CSL-JSON text
    *((field, style) for field in ("publisher", "reference-title", "note", "locator")
      for style in ("apa", "chicago-notes")),
])
def test_hostile_text_never_becomes_markup(make_workspace, run, tmp_path_factory, field, style):
    hostile = workspace(make_workspace, field, PAYLOADS)
    result = run(hostile, "build", "--format", "html", "--style", style)
    assert result.exit_code == 0, result.stderr
    baseline_root = workspace(_fresh(make_workspace, tmp_path_factory), field, ["harmless text"])
    assert run(baseline_root, "build", "--format", "html", "--style", style).exit_code == 0
    baseline = Audit((baseline_root / "output/b0.html").read_text())
    for i, payload in enumerate(PAYLOADS):
        audit = Audit((hostile / f"output/b{i}.html").read_text())
        for tag in FORBIDDEN:
            assert audit.tags[tag] <= baseline.tags[tag], (field, payload, tag)
        for tag, name, value in audit.attributes:
            assert not name.startswith("on"), (field, payload, name)
            assert name != "style", (field, payload)
            if name in URL_ATTRIBUTES:
                assert safe_url(value), (field, payload, value)


def _fresh(make_workspace, tmp_path_factory):
    """make_workspace writes to one folder per test: the baseline needs its own."""
    from conftest import write_workspace

    def make(**files):
        root = tmp_path_factory.mktemp("baseline") / "ws"
        return write_workspace(root, {f"sources/{k}.yaml": v for k, v in files.items()})

    return make


@pytest.mark.parametrize("payload", PAYLOADS + ["javascript:alert(1)", "https://example.org/\"><script>alert(1)</script>",
                                                "https://example.org/<x>", " https://example.org/ x"])
def test_hostile_urls_are_refused(make_workspace, run, payload):
    refs = "references:\n  - " + json.dumps({"id": "statute", "title": "T", "issued": "2020", "url": payload}) + "\n"
    refs += "  - {id: report-2024, title: R, issued: '2024'}\n"
    result = run(make_workspace(references=refs), "check")
    assert result.exit_code == 1
    assert result.stderr.startswith("sources/references.yaml:2: reference 'statute': url: ")
    assert "is not a web address" in result.stderr


def test_benign_markdown_still_renders(make_workspace, run):
    root = workspace(make_workspace, "claim", ["It is *very* **clear**, see [the report](https://example.org/r) "
                                               "and `code`."])
    run(root, "build", "--format", "html")
    audit = Audit((root / "output/b0.html").read_text())
    assert audit.tags["em"] >= 1 and audit.tags["strong"] >= 1 and audit.tags["code"] >= 1
    assert ("a", "href", "https://example.org/r") in audit.attributes
    root = workspace(make_workspace, "detail", ["- one\n- two"])
    run(root, "build", "--format", "html", "--force")
    assert Audit((root / "output/b0.html").read_text()).tags["li"] >= 2


@pytest.mark.parametrize("char", ["\x01", "\x07", "\u202e", "\u2066"])
def test_invisible_and_reordering_characters_are_refused(make_workspace, run, char):
    root = workspace(make_workspace, "claim", [f"Fact{char} one."])
    result = run(root, "check")
    assert result.exit_code == 1
    assert f"contains the invisible character U+{ord(char):04X}; remove it" in result.stderr
