"""The schema of the source files: references, facts and briefs.

Field names of references follow CSL-JSON.  Every record remembers the file
and line it came from (`Record.where`), so that later stages can point at the
exact line of a problem.  Models are frozen: stages read them, never change
them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Annotated, Literal

from briefgen.errors import Problem

from pydantic import (
    AliasChoices,
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

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


def _slug(value: str) -> str:
    if not SLUG_RE.fullmatch(value):
        raise Invalid(f"'{value}' is not a valid id: use lowercase letters, digits and hyphens, "
                      "starting with a letter or digit", "bad-id")
    return value


RESERVED_TAGS = frozenset({"and", "or", "not"})  # the words of tag expressions


def _tag(value: str) -> str:
    if not SLUG_RE.fullmatch(value):
        raise Invalid(f"'{value}' is not a valid tag: use lowercase letters, digits and hyphens, "
                      "starting with a letter or digit", "bad-tag")
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
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"'{value}' is not a real date", "bad-date") from None


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
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", value):
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


class Lines:
    """The line and column of every value in one file, keyed by its location
    there (("facts", 3, "cite", 0, "ref") for example).

    Built from the parser's dicts, or lazily from the [location, line, column]
    triples of the parse cache: a clean check never needs to look one up."""

    def __init__(self, lines: dict[tuple, int] | None = None, columns: dict[tuple, int] | None = None,
                 triples: list | None = None):
        self._lines, self._columns, self._triples = lines, columns, triples

    def _load(self) -> None:
        if self._lines is None:
            self._lines, self._columns = {}, {}
            for loc, line, column in self._triples or ():
                self._lines[tuple(loc)] = line
                self._columns[tuple(loc)] = column
            self._triples = None

    def get(self, loc: tuple) -> int | None:
        self._load()
        return self._lines.get(loc)

    def column(self, loc: tuple) -> int:
        self._load()
        return (self._columns or {}).get(loc, 0)

    def triples(self) -> list:
        self._load()
        return [[list(loc), line, self._columns.get(loc, 0)] for loc, line in self._lines.items()]


@dataclass(frozen=True)
class Origin:
    """Where a record was written: a workspace-relative path, its line, and
    the lines of the file it is in, with the record's own location there."""

    path: str
    lines: Lines | None = None
    prefix: tuple = ()

    @property
    def line(self) -> int:
        """The line the record starts on (0 for a record made by briefgen itself)."""
        return self.line_of()

    def line_of(self, *loc: str | int) -> int:
        """The line of the value at `loc` (inside this record), or of its nearest enclosing value."""
        return self._find(loc)[0]

    def column_of(self, *loc: str | int) -> int:
        return self._find(loc)[1]

    def field_of(self, *loc: str | int) -> str:
        """The path of the value at `loc`, from the top of its file ("facts[3].cite[0].ref")."""
        return field_path(self.prefix + loc)

    def _find(self, loc: tuple) -> tuple[int, int]:
        if self.lines is None:
            return 0, 0
        while True:
            found = self.lines.get(self.prefix + loc)
            if found is not None or not loc:
                return (found, self.lines.column(self.prefix + loc)) if found else (1, 0)
            loc = loc[:-1]


def field_path(loc: tuple) -> str:
    """("facts", 3, "cite", 0, "ref") -> "facts[3].cite[0].ref"."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_NOWHERE = Origin(path="")


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)
    _origin: Origin | None = PrivateAttr(default=None)

    @property
    def origin(self) -> Origin:
        return self._origin or _NOWHERE

    def at(self, *loc: str | int) -> tuple[str, int]:
        origin = self.origin
        return origin.path, origin.line_of(*loc)

    def field_path(self, *loc: str | int) -> str:
        """The path of the field at `loc` from the top of the record's file."""
        return self.origin.field_of(*loc)

    def problem(self, loc: tuple, message: str, code: str, severity: str = "error", hint: str = ""):
        """A problem at the field `loc` of this record: its file, line, column and field path."""
        origin = self.origin
        return Problem(origin.path, origin.line_of(*loc), message, code, severity, getattr(self, "id", "") or "",
                       origin.column_of(*loc), origin.field_of(*loc), hint)


class Name(BaseModel):
    """A person or an organisation, as CSL-JSON names them."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    family: Short | None = None
    given: Short | None = None
    literal: Short | None = None
    suffix: Short | None = None
    dropping_particle: Short | None = Field(default=None, alias="dropping-particle")
    non_dropping_particle: Short | None = Field(default=None, alias="non-dropping-particle")

    @model_validator(mode="after")
    def _one_form(self) -> Name:
        if (self.family is None) == (self.literal is None):
            raise Invalid("a name needs either 'family' (with 'given') or 'literal' (an organisation's name), "
                          "not " + ("both" if self.family else "neither"), "bad-name")
        return self

    @property
    def display(self) -> str:
        """The name as it is read: 'Jane Doe', 'World Health Organization'."""
        if self.literal:
            return self.literal
        parts = (self.given, self.dropping_particle, self.non_dropping_particle, self.family)
        name = " ".join(p for p in parts if p)
        return f"{name}, {self.suffix}" if self.suffix else name


def _name(value: object) -> object:
    """'Family, Given' is a person; any other text is an organisation's name."""
    if not isinstance(value, str):
        return value
    family, sep, given = value.partition(",")
    if sep and family.strip() and given.strip():
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": value.strip().rstrip(",").strip()}


Names = list[Annotated[Name, BeforeValidator(_name, json_schema_input_type=str | Name)]]
Text = Annotated[str, BeforeValidator(_number_as_text, json_schema_input_type=str | int),
                 StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT_MAX),
                 AfterValidator(_visible)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=LONG_MAX),
                     AfterValidator(_visible)]


def _csl(name: str) -> str:
    return name.replace("_", "-") if name not in ("archive_location",) else name


class Reference(Record):
    """A source. Field names and meanings are CSL-JSON's, so that a CSL style
    can format it and a reference manager can import it."""

    model_config = ConfigDict(alias_generator=_csl, populate_by_name=False)

    id: Slug
    type: CslType = "document"
    title: Short
    # names
    author: Names = Field(default_factory=list)
    editor: Names = Field(default_factory=list)
    translator: Names = Field(default_factory=list)
    director: Names = Field(default_factory=list)
    interviewer: Names = Field(default_factory=list)
    recipient: Names = Field(default_factory=list)
    composer: Names = Field(default_factory=list)
    illustrator: Names = Field(default_factory=list)
    container_author: Names = Field(default_factory=list)
    collection_editor: Names = Field(default_factory=list)
    original_author: Names = Field(default_factory=list)
    reviewed_author: Names = Field(default_factory=list)
    # dates: YYYY, YYYY-MM or YYYY-MM-DD
    issued: PartialDate | None = None
    accessed: PartialDate | None = None
    original_date: PartialDate | None = None
    event_date: PartialDate | None = None
    submitted: PartialDate | None = None
    # titles and places
    title_short: Text | None = None
    container_title: Text | None = None
    container_title_short: Text | None = None
    collection_title: Text | None = None
    collection_number: Text | None = None
    original_title: Text | None = None
    reviewed_title: Text | None = None
    event_title: Text | None = None
    event_place: Text | None = None
    publisher: Text | None = None
    publisher_place: Text | None = None
    original_publisher: Text | None = None
    original_publisher_place: Text | None = None
    archive: Text | None = None
    archive_place: Text | None = None
    archive_location: Text | None = None
    # numbers and identifiers
    url: Url | None = Field(default=None, validation_alias=AliasChoices("url", "URL"), serialization_alias="URL")
    doi: Text | None = Field(default=None, alias="DOI")
    isbn: Text | None = Field(default=None, alias="ISBN")
    issn: Text | None = Field(default=None, alias="ISSN")
    pmid: Text | None = Field(default=None, alias="PMID")
    pmcid: Text | None = Field(default=None, alias="PMCID")
    call_number: Text | None = None
    volume: Text | None = None
    issue: Text | None = None
    page: Text | None = None
    page_first: Text | None = None
    number: Text | None = None
    chapter_number: Text | None = None
    number_of_pages: Text | None = None
    number_of_volumes: Text | None = None
    edition: Text | None = None
    section: Text | None = None
    part_number: Text | None = None
    supplement_number: Text | None = None
    version: Text | None = None
    # descriptions
    genre: Text | None = None
    medium: Text | None = None
    authority: Text | None = None
    jurisdiction: Text | None = None
    division: Text | None = None
    status: Text | None = None
    language: Text | None = None
    source: Text | None = None
    dimensions: Text | None = None
    scale: Text | None = None
    note: Text | None = None
    abstract: LongText | None = None
    # briefgen's own: a stored copy of the source's text, to check quotes against
    snapshot: WorkspacePath | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_url(cls, data: object) -> object:
        if isinstance(data, dict) and "url" in data and "URL" in data:
            raise Invalid("has both 'url' and 'URL'; keep one", "duplicate-field")
        return data

    @property
    def names(self) -> list[str]:
        """The authors as read, or else the editors."""
        return [n.display for n in (self.author or self.editor)]


NAME_FIELDS = tuple(name for name, info in Reference.model_fields.items() if info.annotation == Names)


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    by: Short
    on: IsoDate


class Citation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    ref: Slug
    locator: Short | None = None
    quote: Claim | None = None


class Fact(Record):
    id: Slug
    claim: Claim
    detail: Long | None = None
    tags: list[Tag] = Field(min_length=1)
    cite: list[Citation] = Field(min_length=1)
    kind: Kind = "finding"
    status: Status = "draft"
    priority: int = Field(default=3, ge=1, le=5)
    as_of: IsoDate | None = None
    reviewed: Review | None = None
    review_by: IsoDate | None = None

    @property
    def renderable(self) -> bool:
        return self.status in RENDERABLE

    @functools.cached_property
    def labels(self) -> frozenset[str]:
        """What a tag expression matches against: the tags and the kind."""
        return frozenset(self.tags) | {self.kind}


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    heading: Short
    facts: list[Slug] | None = Field(default=None, min_length=1)
    select: Short | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Section:
        if (self.facts is None) == (self.select is None):
            has = "neither" if self.facts is None else "both"
            raise Invalid("a section needs either 'facts' (a list of fact ids) or 'select' (a tag expression); "
                          f"this one has {has}", "bad-section")
        return self


class Brief(Record):
    id: Slug
    title: Short
    subtitle: Short | None = None
    template: Slug
    date: IsoDate
    tags: list[Tag] = Field(default_factory=list)
    audience: Short | None = None
    bottom_line: Long | None = None
    sections: list[Section] = Field(min_length=1)
    ask: Long | None = None
    max_pages: int | None = Field(default=None, ge=1, le=100)
    style: Short | None = None  # the citation style: a name, or the path of a .csl file
    contact: Short | None = None
    lang: Lang | None = None
    url: QrUrl | None = None  # with qr: true in briefgen.yaml, its PDF carries it as a QR code


class Organization(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Short
    logo: WorkspacePath | None = None
    website: Url | None = None
    contact: Short | None = None


class Colors(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    primary: Color = "#1d3a5f"
    accent: Color = "#9a4a14"


class Config(Record):
    """The optional briefgen.yaml at the workspace root."""

    organization: Organization | None = None
    colors: Colors = Field(default_factory=Colors)
    paper: Literal["letter", "a4"] = "letter"
    lang: Lang = "en"
    footer: Short | None = None
    qr: bool = False
    stale_after_days: int | None = Field(default=None, ge=1)
    style: Short | None = None  # the citation style of every brief that names none


# The top-level lists a source file may hold, and the model of their entries.
RECORD_TYPES: dict[str, type[Record]] = {
    "references": Reference,
    "facts": Fact,
    "briefs": Brief,
}
