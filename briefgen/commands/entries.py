"""What an imported entry becomes: reference fields by their CSL-JSON names,
the id made from its citation key, and the tidying common to every format.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


from briefgen.source.fields import SLUG_MAX, SLUG_RE
from briefgen.source.model import NAME_FIELDS, Reference

# CSL-JSON variables briefgen keeps, by their CSL-JSON name (URL and DOI
# spelled as CSL-JSON spells them).
FIELDS = {info.serialization_alias or info.alias or name: name for name, info in Reference.model_fields.items()}
FIELDS.pop("snapshot")
NAMES = {csl for csl, name in FIELDS.items() if name in NAME_FIELDS}
DATES = ("issued", "accessed", "original-date", "event-date", "submitted")
# What some exports call a variable that CSL-JSON names otherwise.
ALIASES = {"journalAbbreviation": "container-title-short", "shortTitle": "title-short", "event": "event-title",
           "url": "URL",
           "doi": "DOI", "isbn": "ISBN", "issn": "ISSN"}
NAME_PARTS = {"family", "given", "literal", "suffix", "dropping-particle", "non-dropping-particle"}
# Keys of an export that carry no part of the reference.
IGNORED = {"id", "citation-key", "citationKey", "type"}


@dataclass
class Entry:
    """One entry of the file being imported, converted to reference fields."""

    key: str  # as written in the file
    line: int
    data: dict  # CSL-JSON names -> values as a reference file holds them
    left_out: list[str] = field(default_factory=list)  # fields of the entry briefgen does not keep


def slug(key: str) -> str:
    """A citation key as a briefgen id: 'Kosseff2019' -> 'kosseff2019';
    a Zotero item URI -> its item key."""
    if SLUG_RE.fullmatch(key) and len(key) <= SLUG_MAX:
        return key  # already an id: kept exactly
    if re.match(r"https?://", key):
        key = key.rstrip("/").rsplit("/", 1)[-1]
    key = "".join(c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c))  # ü -> u
    text = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    return text[:SLUG_MAX].strip("-")


_TOOL_LINES = re.compile(r"^\s*(?:tex\.[\w.-]+|citation[ -]key|bibtex)\s*:.*$", re.I | re.M)


def _tidy(entry: Entry) -> Entry:
    """What every import does to an entry: a DOI without its resolver, a
    note without the lines reference managers keep for themselves."""
    doi = entry.data.get("DOI")
    if isinstance(doi, str):
        entry.data["DOI"] = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi.strip(), flags=re.I)
    note = entry.data.get("note")
    if isinstance(note, str) and _TOOL_LINES.search(note):
        entry.left_out.append("note lines kept by the reference manager for itself ("
                              + "; ".join(m.strip() for m in _TOOL_LINES.findall(note)) + ")")
        kept = "\n".join(line for line in _TOOL_LINES.sub("", note).splitlines() if line.strip())
        if kept:
            entry.data["note"] = kept
        else:
            del entry.data["note"]
    return entry


def _name_from_csl(name: object) -> object:
    """A name as a reference file writes it: 'Family, Given' when that says
    it all, else the CSL-JSON map."""
    if not isinstance(name, dict):
        return name
    # Only the parts of a name; citeproc-js's flags ("parse-names",
    # "static-ordering", "comma-suffix") say how to print it, not who it is.
    kept = {k: v for k, v in name.items() if v not in (None, "") and k in NAME_PARTS}
    if not all(isinstance(v, str) for v in kept.values()):
        return kept  # not text: the reference model says so, at the part
    if set(kept) == {"family", "given"} and "," not in kept["family"] + kept["given"]:
        return f"{kept['family']}, {kept['given']}"
    if set(kept) == {"literal"} and "," not in kept["literal"]:
        return kept["literal"]
    return kept


def _date_from_csl(value: object) -> str | None:
    """A CSL-JSON date as YYYY, YYYY-MM or YYYY-MM-DD (None if it is not one:
    parts are whole numbers or ASCII digits, at most four of them)."""
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            numbers = [_date_part(p) for p in parts[0][:3]]
            if None in numbers:
                return None
            return "-".join([f"{numbers[0]:04d}", *(f"{p:02d}" for p in numbers[1:])])
        value = value.get("raw") or value.get("literal")
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        m = re.fullmatch(r"([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?(?:T.*)?", str(value).strip(), re.S)
        if m:
            return "-".join([m[1], *(f"{int(p):02d}" for p in m.groups()[1:] if p)])
    return None


def _date_part(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9999:
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,4}\s*", value):
        return int(value)
    return None


# ---------------------------------------------------------------- what the parsers may be given

# The one bound on every recursive parse of an import: JSON arrays and
# objects, and LaTeX's braces and environments, nest at most this deep.  It
# is checked on the text before json or pylatexenc (both recursive) see it; a
# reference needs five levels at most.
NESTING_MAX = 32
# Numbers in an export have at most this many digits (Python refuses to
# convert more than 4,300; no field of a reference needs more than a few).
DIGITS_MAX = 30

_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.S)
_LATEX_TOKENS = re.compile(r"\\(?:begin|end)(?![A-Za-z])|\\.|[{}]", re.S)
_OPENERS = {"[", "{", "\\begin"}
_CLOSERS = {"]", "}", "\\end"}


class Unreadable(Exception):
    """Why an entry cannot be imported, in plain words: it is reported at its
    line (and skipped with --skip-invalid), never a traceback."""


def too_deep(text: str, latex: bool = False) -> int | None:
    """The offset in `text` (JSON, or LaTeX with `latex`) where its nesting
    first goes deeper than NESTING_MAX, or None if it never does."""
    depth = 0
    for m in (_LATEX_TOKENS if latex else _JSON_TOKENS).finditer(text):
        token = m.group()
        if token in _OPENERS:
            depth += 1
            if depth > NESTING_MAX:
                return m.start()
        elif token in _CLOSERS:
            depth = max(depth - 1, 0)
    return None


NESTED_TOO_DEEP = (f"nested more than {NESTING_MAX} levels deep (braces, environments, lists or objects); "
                   "no reference needs that many")


class _BadNumber:
    """A number of a JSON file that cannot be a value: kept as what to say
    about it, for `unreadable` to report at its entry."""

    def __init__(self, what: str):
        self.what = what


def _json_int(text: str):
    digits = len(text.lstrip("-"))
    return int(text) if digits <= DIGITS_MAX else _BadNumber(f"a number of {digits:,} digits "
                                                            f"(at most {DIGITS_MAX} are read)")


def _json_float(text: str):
    import math

    if len(text) > 400:  # float() reads any length; the message shows none of it
        return _BadNumber(f"a number written with {len(text):,} characters")
    value = float(text)
    return value if math.isfinite(value) else _BadNumber(f"the number {text}, too large to be read")


def _json_constant(name: str):
    return _BadNumber(f"{name}, which is not a number a reference can hold")


# json.loads and json.JSONDecoder take these, so that no number raises.
JSON_HOOKS = {"parse_int": _json_int, "parse_float": _json_float, "parse_constant": _json_constant}


def _what(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return json_name(value)
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return {dict: "an object", list: "a list"}.get(type(value), type(value).__name__)


def json_name(value) -> str:
    return {True: "true", False: "false", None: "null"}[value]


_SURROGATE = re.compile("[\ud800-\udfff]")


def unreadable(item: dict) -> str | None:
    """Why an item of a CSL-JSON export cannot be converted, in plain words,
    or None.  The one check of the values' types that the conversion
    (`_from_csl`, `_name_from_csl`, `_date_from_csl`) relies on: all text is
    Unicode (no lone surrogate, which JSON's \\u escapes can write), every
    number finite and of at most DIGITS_MAX digits, the type text, names'
    parts text and dates' parts numbers or text.  The reference model checks
    the rest."""
    stack = [(item, "")]
    while stack:  # the nesting is bounded already; no recursion anyway
        value, path = stack.pop()
        if isinstance(value, _BadNumber):
            return f"'{path}' is {value.what}"
        if isinstance(value, str) and _SURROGATE.search(value):
            return f"'{path}' holds a lone surrogate ({_SURROGATE.search(value).group()!a}), which is not text"
        if isinstance(value, dict):
            for key, inner in value.items():
                if _SURROGATE.search(key):
                    return (f"the name of a field{f' of {path!r}' if path else ''} holds a lone surrogate "
                            f"({_SURROGATE.search(key).group()!a}), which is not text")
                stack.append((inner, f"{path}.{key}" if path else key))
        elif isinstance(value, list):
            stack.extend((inner, f"{path}[{i}]") for i, inner in enumerate(value))
    kind = item.get("type")
    if kind is not None and not isinstance(kind, str):
        return f"'type' should be text, not {_what(kind)}"
    for name, value in item.items():
        csl = ALIASES.get(name, name)
        if csl in NAMES and isinstance(value, list):
            for i, person in enumerate(value):
                if isinstance(person, dict):
                    for part, text in person.items():
                        if part in NAME_PARTS and text is not None and not isinstance(text, str):
                            return f"'{name}[{i}].{part}' should be text, not {_what(text)}"
        elif csl in DATES and isinstance(value, dict):
            parts = value.get("date-parts")
            if parts is not None and not (isinstance(parts, list) and all(isinstance(p, list) for p in parts)):
                return f"'{name}.date-parts' should be a list of lists of numbers, not {_what(parts)}"
            for i, date in enumerate(parts or []):
                for j, part in enumerate(date):
                    if isinstance(part, bool) or not isinstance(part, (int, float, str)):
                        return f"'{name}.date-parts[{i}][{j}]' should be a number, not {_what(part)}"
            for key in ("raw", "literal"):
                if value.get(key) is not None and not isinstance(value[key], (str, int)):
                    return f"'{name}.{key}' should be text, not {_what(value[key])}"
    return None


# BibTeX entry types and fields as CSL-JSON names them (as pandoc and
# Better BibTeX map them).
