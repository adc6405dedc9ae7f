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
    if set(kept) == {"family", "given"} and "," not in kept["family"] + kept["given"]:
        return f"{kept['family']}, {kept['given']}"
    if set(kept) == {"literal"} and "," not in kept["literal"]:
        return kept["literal"]
    return kept


def _date_from_csl(value: object) -> str | None:
    """A CSL-JSON date as YYYY, YYYY-MM or YYYY-MM-DD."""
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            try:
                numbers = [int(p) for p in parts[0][:3]]
            except (TypeError, ValueError):
                return None
            return "-".join([f"{numbers[0]:04d}", *(f"{p:02d}" for p in numbers[1:])])
        value = value.get("raw") or value.get("literal")
    if isinstance(value, (str, int)):
        m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T.*)?", str(value).strip())
        if m:
            return "-".join([m[1], *(f"{int(p):02d}" for p in m.groups()[1:] if p)])
    return None


# BibTeX entry types and fields as CSL-JSON names them (as pandoc and
# Better BibTeX map them).
