"""The kinds of value a source file holds, and the checks each goes through.

Every text value, URL, id, tag, path, date, colour and language passes the
one visibility check (`visible`): no control character, nothing that would
hide or reorder text.  Markdown fields are bounded where Python-Markdown
would otherwise take quadratic time or recurse too deep.  The records built
from these are in `briefgen.source.model`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, StringConstraints

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
SLUG_MAX = 80

# Length limits keep pathological input (a claim of 5,000 '[') from turning
# into a slow markdown render; they are far above anything a brief can hold.
SHORT_MAX = 300
CLAIM_MAX = 1500
LONG_MAX = 5000


class Invalid(ValueError):
    """A value the schema refuses, with the stable code of the problem."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


# Control characters (C0 but tab and line ends, DEL, C1), and the invisible
# ones that reorder text (bidirectional overrides and isolates): a claim must
# read on the page as it reads here.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(value: str) -> str:
    """The one check every text value of the model goes through, URLs and
    ids included (tests/security/test_round_two.py walks the model to hold
    it to that)."""
    found = _INVISIBLE.search(value)
    if found:
        raise Invalid(f"contains the invisible character U+{ord(found[0]):04X}; remove it", "bad-value")
    return value


visible = _visible  # for text that comes from the command line, such as `sheet --title`


def as_slug(text: str) -> str:
    """The nearest valid id or tag to `text`: 'Housing Vouchers' -> 'housing-vouchers'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:SLUG_MAX].strip("-")


def _suggest(value: str) -> str:
    near = as_slug(value)
    return f" (write '{near}')" if near and near != value else ""


def _slug(value: str) -> str:
    if not SLUG_RE.fullmatch(value):
        raise Invalid(f"'{value}' is not a valid id: use lowercase letters, digits and hyphens, "
                      f"starting with a letter or digit{_suggest(value)}", "bad-id")
    return value


RESERVED_TAGS = frozenset({"and", "or", "not"})  # the words of tag expressions


def _tag(value: str) -> str:
    if not SLUG_RE.fullmatch(value):
        raise Invalid(f"'{value}' is not a valid tag: use lowercase letters, digits and hyphens, "
                      f"starting with a letter or digit{_suggest(value)}", "bad-tag")
    if value in RESERVED_TAGS:
        raise Invalid(f"'{value}' cannot be a tag: it is a word of tag expressions", "bad-tag")
    return value


def _iso_date(value: object) -> object:
    """Accept only YYYY-MM-DD text, so that a number is never read as a timestamp."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise Invalid(f"'{value}' is not a date: write YYYY-MM-DD", "bad-date")
    try:
        date = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"'{value}' is not a real date", "bad-date") from None
    if not 1000 <= date.year <= dt.date.today().year + 100:
        raise Invalid(f"'{value}' is not a plausible date: check the year", "bad-date")
    return date


def _partial_date(value: object) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD, checked for being a real date; kept as text."""
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not m:
        raise Invalid(f"'{text}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD", "bad-date")
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        dt.date(year, month, day)
    except ValueError:
        raise Invalid(f"'{text}' is not a real date", "bad-date") from None
    return text


def _url(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s<>\"']+", value):
        raise Invalid(f"'{value}' is not a web address: it must start with http:// or https:// and hold no "
                      "spaces, quotes or angle brackets", "bad-url")
    return value


Slug = Annotated[str, StringConstraints(max_length=SLUG_MAX), AfterValidator(_slug), AfterValidator(_visible)]
Tag = Annotated[str, StringConstraints(max_length=SLUG_MAX), AfterValidator(_tag), AfterValidator(_visible)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT_MAX),
                  AfterValidator(_visible)]
# Python-Markdown takes time quadratic in the number of '[' it cannot pair
# (5,000 of them: seconds); no fact needs more than a few links.
BRACKETS_MAX = 64


def _markdown_bounds(value: str) -> str:
    if value.count("[") > BRACKETS_MAX:
        raise Invalid(f"too many '[' ({value.count('[')}; at most {BRACKETS_MAX} in one field)", "too-long")
    return value


# Python-Markdown parses a list inside a list item by recursion, one level or
# more of Python's stack per level: 500 markers on one line ("* * * ... x")
# exhaust it.  No brief needs lists nested more than a few levels.
LIST_DEPTH_MAX = 16
# The start of a line that opens lists: its indentation (a level every 4
# columns, as Python-Markdown counts) and the markers that follow it.
_LIST_OPENING = re.compile(r"^([ \t]*)((?:(?:[*+-]|\d+[.)])[ \t]+)+)", re.MULTILINE)
_LIST_MARKER = re.compile(r"[*+-]|\d+[.)]")


def _list_nesting(value: str) -> str:
    deepest = max((len(m[1].expandtabs(4)) // 4 + len(_LIST_MARKER.findall(m[2]))
                   for m in _LIST_OPENING.finditer(value)), default=0)
    if deepest > LIST_DEPTH_MAX:
        raise Invalid(f"lists nested {deepest} deep (at most {LIST_DEPTH_MAX} levels)", "too-long")
    return value


Claim = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=CLAIM_MAX),
                  AfterValidator(_markdown_bounds), AfterValidator(_visible)]
# Long text may hold paragraphs and lists (detail, ask, bottom_line).
Long = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=LONG_MAX),
                 AfterValidator(_markdown_bounds), AfterValidator(_list_nesting), AfterValidator(_visible)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
def _number_as_text(value: object) -> object:
    """A year, volume, page or number written bare (volume: 47) is its text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# An editor reading `issued: 2020` as YAML 1.2 sees a number: the schema allows it.
PartialDate = Annotated[str, BeforeValidator(_number_as_text, json_schema_input_type=str | int),
                        AfterValidator(_partial_date), AfterValidator(_visible)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_url),
              AfterValidator(_visible)]

# What the QR code of a brief's url can hold (briefgen/render/html.py `_qr`:
# segno, error correction level M, no ECI): 2,331 bytes in byte mode, at the
# largest size, version 40.  segno writes the text as ISO-8859-1 or
# Shift JIS when it can, never in more bytes than UTF-8 takes, so a url
# within this many UTF-8 bytes always fits.
QR_MAX_BYTES = 2331


def _fits_qr(value: str) -> str:
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > QR_MAX_BYTES:
        raise Invalid(f"too long for the brief's QR code: {size:,} bytes as UTF-8, at most {QR_MAX_BYTES:,}", "too-long")
    return value


QrUrl = Annotated[Url, AfterValidator(_fits_qr)]


def _lang(value: str) -> str:
    """A BCP 47 language tag whose subtags the IANA registry knows (langcodes'
    copy of it): 'es', 'en-US', 'zh-Hant', 'es-419'; not 'english', 'en_US' or 'xx'."""
    import langcodes

    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", value) or not langcodes.tag_is_valid(value):
        raise Invalid(f"'{value}' is not a language tag: write one such as en, en-US or es", "bad-language")
    return value


def _color(value: str) -> str:
    if not re.fullmatch(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}", value):
        raise Invalid(f"'{value}' is not a colour: write it as #rgb or #rrggbb", "bad-color")
    return value.lower()


def _relative_path(value: str) -> str:
    if value.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", value) or ".." in value.replace("\\", "/").split("/"):
        raise Invalid(f"'{value}' must be a path inside the workspace, relative to it", "bad-path")
    return value


Lang = Annotated[str, AfterValidator(_lang), AfterValidator(_visible)]
Color = Annotated[str, AfterValidator(_color), AfterValidator(_visible)]
WorkspacePath = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
                          AfterValidator(_relative_path), AfterValidator(_visible)]

CSL_TYPES = (
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
    "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
)  # fmt: skip
CslType = Literal[CSL_TYPES]  # type: ignore[valid-type]
Kind = Literal["statistic", "finding", "law", "quote", "recommendation", "context"]
Status = Literal["draft", "verified", "disputed", "retired"]

RENDERABLE = frozenset({"draft", "verified"})
