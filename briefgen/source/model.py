"""The schema of the source files: references, facts and briefs.

Field names of references follow CSL-JSON.  Every record remembers the file
and line it came from (`Record.where`), so that later stages can point at the
exact line of a problem.  Models are frozen: stages read them, never change
them.
"""

from __future__ import annotations

import functools
from typing import Annotated, Literal

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

from briefgen.errors import Problem
from briefgen.source.origin import _NOWHERE, Origin
from briefgen.source.figure import Figure, Placement
from briefgen.source.translations import (
    BriefTranslations,
    FactTranslations,
    CitationTranslations,
    ReferenceTranslations,
)
from briefgen.source.fields import (
    Claim,
    Color,
    CslType,
    Invalid,
    IsoDate,
    Kind,
    LONG_MAX,
    Lang,
    Long,
    PartialDate,
    QrUrl,
    RENDERABLE,
    SHORT_MAX,
    Short,
    Slug,
    Status,
    Tag,
    Url,
    WorkspacePath,
    _number_as_text,
    _visible,
)

class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, populate_by_name=False)
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

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
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
    translations: ReferenceTranslations = Field(default_factory=dict)  # the title in other languages

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
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    by: Short
    on: IsoDate


class Citation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    ref: Slug
    locator: Short | None = None
    quote: Claim | None = None  # the source's exact words, in the source's language
    translations: CitationTranslations = Field(default_factory=dict)  # its pinpoint and the quote's translation


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
    figure: Figure | None = None  # the numbers a statistic states, drawn as a chart
    translations: FactTranslations = Field(default_factory=dict)  # claim and detail in other languages

    @property
    def renderable(self) -> bool:
        return self.status in RENDERABLE

    @functools.cached_property
    def labels(self) -> frozenset[str]:
        """What a tag expression matches against: the tags and the kind."""
        return frozenset(self.tags) | {self.kind}


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    heading: Short
    facts: list[Slug] | None = Field(default=None, min_length=1)
    select: Short | None = None
    charts: Placement | None = None  # where this section shows its facts' charts (default: the brief's)

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
    changes_since: Short | None = None  # a version (git revision, release) whose changes the brief marks
    charts: Placement | None = None  # where facts' charts show: beside (the default), lead or none
    translations: BriefTranslations = Field(default_factory=dict)  # its words in other languages: more editions


class Organization(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    name: Short
    logo: WorkspacePath | None = None
    website: Url | None = None
    contact: Short | None = None


class Colors(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    primary: Color = "#1d3a5f"
    accent: Color = "#9a4a14"


class Config(Record):
    """The optional briefgen.yaml at the workspace root."""

    organization: Organization | None = None
    colors: Colors = Field(default_factory=Colors)
    paper: Literal["letter", "a4"] = "letter"
    lang: Lang = "en"
    languages: list[Lang] = Field(default_factory=list)  # every brief is also built in each of these
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
