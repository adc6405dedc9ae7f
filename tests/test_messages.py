"""Labels and dates in each shipped language: every fixed word of every
built-in template comes from a catalogue, and every catalogue has it."""

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po
from jinja2 import nodes

from briefgen.source.messages import CATALOGS, SHIPPED, Words

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((REPO / "templates").glob("*.html"))
# The modules whose words reach a page: briefgen's own citation style, the sheets, the Word document, the index.
MODULES = [REPO / "briefgen" / p for p in ("compose/cite.py", "compose/plan.py", "compose/changes.py", "render/html.py",
                                            "render/docxcontent.py", "render/docx.py", "render/chart.py",
                                            "build/folder.py")]
KEYWORDS = {**DEFAULT_KEYWORDS, "words": None}


def _messages() -> dict:
    found = {}
    for path in TEMPLATES:
        for line, msg, _c, _x in extract_from_file("jinja2", str(path), keywords=KEYWORDS,
                                                   options={"extensions": "jinja2.ext.i18n"}):
            found.setdefault(msg, f"templates/{path.name}:{line}")
    for path in MODULES:
        for line, msg, _c, _x in extract_from_file("python", str(path), keywords=KEYWORDS):
            found.setdefault(msg, f"{path.relative_to(REPO)}:{line}")
    return found


def _catalog(lang):
    with (CATALOGS / f"{lang}.po").open("rb") as f:
        return read_po(f, abort_invalid=True)


def test_english_spanish_and_french_are_shipped():
    assert {"en", "es", "fr"} <= set(SHIPPED)


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_label_has_an_entry_in_every_catalogue(lang):
    catalog = _catalog(lang)
    missing = []
    for msg, where in _messages().items():
        entry = catalog.get(msg[0] if isinstance(msg, tuple) else msg)
        strings = entry.string if entry is not None else None
        if not strings or (isinstance(strings, tuple) and not all(strings)):
            missing.append(f"{where}: {msg!r}")
    assert not missing, f"no {lang} translation of: " + "; ".join(missing)


@pytest.mark.parametrize("lang", SHIPPED)
def test_no_catalogue_entry_is_left_over_or_drops_a_value(lang):
    used = {m[0] if isinstance(m, tuple) else m for m in _messages()}
    catalog = _catalog(lang)
    unused = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id)
    assert set(unused) <= used, sorted(set(unused) - used)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\((\w+)\)s|%\((\w+)\)d", ids[-1]))
        for text in strings:
            assert set(re.findall(r"%\((\w+)\)s|%\((\w+)\)d", text)) == wanted, (lang, message.id, text)


# English words outside a call of _() or ngettext(): the text of the page,
# and the attributes a reader or a screen reader is told.
_READ_ATTRIBUTES = {"aria-label", "alt", "title", "placeholder"}
_WORD = re.compile(r"[A-Za-z]{2,}")
_HOLE = "\u2060"  # where an expression's value goes


class _Reader(HTMLParser):
    """The words a page shows, found in a template's skeleton (its text, each expression a hole)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")
        self.words += [w for name, value in attrs if name in _READ_ATTRIBUTES and value
                       for w in _WORD.findall(value)]

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.words += _WORD.findall(data)


def _untranslated(source: str, env: jinja2.Environment) -> list[str]:
    tree = env.parse(source)
    skeleton, printed = [], []

    def shown(node):
        """The string constants an output expression prints as they are."""
        if isinstance(node, nodes.Const) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, nodes.CondExpr):
            yield from shown(node.expr1)
            if node.expr2 is not None:
                yield from shown(node.expr2)
        elif isinstance(node, nodes.Concat):
            for n in node.nodes:
                yield from shown(n)
        elif isinstance(node, nodes.Add):
            yield from shown(node.left)
            yield from shown(node.right)
        elif isinstance(node, nodes.List):
            for n in node.items:
                yield from shown(n)
        elif isinstance(node, nodes.Filter) and node.node is not None:
            yield from shown(node.node)

    # Blocks that fill in a tag's attribute or the style sheet, not text: the body's class.
    markup = {id(o) for b in tree.find_all(nodes.Block) if b.name in ("body_class", "extra_css")
              for o in b.find_all(nodes.Output)}
    for output in tree.find_all(nodes.Output):
        if id(output) in markup:
            continue
        for child in output.nodes:
            if isinstance(child, nodes.TemplateData):
                skeleton.append(child.data)
            else:
                skeleton.append(_HOLE)
                printed += [w for s in shown(child) for w in _WORD.findall(s)]
    reader = _Reader()
    reader.feed("".join(skeleton))
    reader.close()
    return reader.words + printed


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_template_prints_an_english_word_without_the_catalogue(path):
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    assert _untranslated(path.read_text(encoding="utf-8"), env) == []


def test_the_template_check_finds_an_untranslated_word():
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    assert _untranslated('<h2>{{ _("Sources") }}</h2><p class="x">Read more</p>', env) == ["Read", "more"]
    assert _untranslated('<section aria-label="The ask">', env) == ["The", "ask"]
    assert _untranslated('<html lang="{{ lang }}"{% if rtl %} dir="rtl"{% endif %}>', env) == []
    assert _untranslated('{{ "fact" if n == 1 else "facts" }}', env) == ["fact", "facts"]
    assert _untranslated('<style>p { color: red }</style><p>{{ x | join(", ") }}</p>', env) == []


@pytest.mark.parametrize("lang, day, month", [
    ("en", "August 24, 2025", "August 2025"),
    ("es", "24 de agosto de 2025", "agosto de 2025"),
    ("fr", "24 août 2025", "août 2025"),
    ("es-MX", "24 de agosto de 2025", "agosto de 2025"),
    ("en-GB", "24 August 2025", "August 2025"),
])
def test_dates_in_each_locale(lang, day, month):
    words = Words(lang)
    assert words.date("2025-08-24") == day
    assert words.date(dt.date(2025, 8, 24)) == day
    assert words.date("2025-08") == month
    assert words.date("2025") == "2025"


def test_numbers_in_each_locale():
    assert Words("en").number(1200.5) == "1,200.5"
    assert Words("es").number(12000.5) == "12.000,5"
    assert Words("fr").number(1200.5).replace("\u202f", " ") == "1 200,5"


def test_labels_and_plurals_come_from_the_language_catalogue():
    es, fr = Words("es"), Words("fr")
    assert es.gettext("Bottom line") == "Lo esencial"
    assert fr.gettext("Sources") == "Sources" and fr.gettext("What we ask") == "Ce que nous demandons"
    assert es.ngettext("%(num)d document", "%(num)d documents", 1) % {"num": 1} == "1 documento"
    assert es.ngettext("%(num)d document", "%(num)d documents", 2) % {"num": 2} == "2 documentos"
    assert fr.ngettext("%(num)d document", "%(num)d documents", 0) % {"num": 0} == "0 document"  # French: 0 is singular
    assert Words("es-AR").gettext("Sources") == "Fuentes"  # a regional tag falls back to its language
    assert Words("de").gettext("Sources") == "Sources"  # no catalogue: English


def test_right_to_left_languages_are_known():
    assert Words("he").rtl and Words("ar").rtl and Words("fa").rtl
    assert not Words("es").rtl and not Words("en").rtl
