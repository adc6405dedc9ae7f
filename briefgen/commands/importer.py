"""`briefgen import`: references from a reference manager's export (CSL-JSON,
as Zotero and Better BibTeX write it, or BibTeX) added to a references file.

Each entry becomes a reference whose id is its citation key, slugged, so
that importing the same export again finds the same ids.  An id that is
already taken is never overwritten or duplicated: the entry is skipped, or,
with `update`, the fields the export gives replace those of the existing
reference.  The file is edited
by briefgen.source.writer, so everything else in it (comments, quoting,
order) stays byte for byte, and written atomically, after the new text has
been read back and checked.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from briefgen.errors import BriefgenError, Problem
from briefgen.source.model import CSL_TYPES, LONG_MAX, NAME_FIELDS, SLUG_MAX, SLUG_RE, Reference
from briefgen.paths import SOURCES_DIR, shown

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


@dataclass
class Imported:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # conflicts: not errors
    notes: list[str] = field(default_factory=list)


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


# ---------------------------------------------------------------- reading


def read_entries(path: Path, shown_path: str) -> tuple[list[Entry], list[Problem]]:
    """The entries of a CSL-JSON or BibTeX file, and the problems of those that cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BriefgenError(Problem(shown_path, 0, "is not UTF-8 text", "not-utf8")) from None
    except OSError as exc:
        raise BriefgenError(Problem(shown_path, 0, f"cannot be read: {exc.strerror or exc}", "unreadable")) from None
    suffix = path.suffix.lower()
    if suffix == ".json" or (suffix not in (".bib", ".bibtex") and text.lstrip()[:1] in "[{"):
        return _csl_json(text, shown_path)
    return _bibtex(text, shown_path)


def _csl_json(text: str, where: str) -> tuple[list[Entry], list[Problem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BriefgenError(Problem(where, exc.lineno, f"not valid JSON: {exc.msg}", "bad-json")) from None
    except RecursionError:
        raise BriefgenError(Problem(where, 1, "not a CSL-JSON file: nested too deeply", "bad-json")) from None
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        raise BriefgenError(Problem(where, 1, "a CSL-JSON file holds a list of items", "bad-json"))
    lines = _item_lines(text)
    entries, problems = [], []
    for n, item in enumerate(data):
        line = lines[n] if n < len(lines) else 1
        if not isinstance(item, dict):
            problems.append(Problem(where, line, f"item {n + 1} is not an object", "bad-entry"))
            continue
        key = item.get("citation-key") or item.get("citationKey") or item.get("id")
        if not isinstance(key, (str, int)) or not slug(str(key)):
            problems.append(Problem(where, line, f"item {n + 1} has no id to become the reference's id",
                                    "bad-entry"))
            continue
        entries.append(_tidy(_from_csl(str(key), line, item)))
    return entries, problems


def _item_lines(text: str) -> list[int]:
    """The line each item of a top-level JSON array starts on (the items are
    read again, one by one, by the standard decoder, to learn where they are)."""
    decoder, lines = json.JSONDecoder(), []
    i, line = text.find("[") + 1, 1
    line += text.count("\n", 0, i)
    while 0 < i < len(text):
        start = i
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
        line += text.count("\n", start, i)
        if i >= len(text) or text[i] == "]":
            break
        lines.append(line)
        try:
            _, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError:
            break
        line += text.count("\n", i, end)
        i = end
    return lines


# Lines that Zotero's Extra field and Better BibTeX keep in a note for their
# own use ("tex.ids: citron2017"): not part of the reference.
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


def _from_csl(key: str, line: int, item: dict) -> Entry:
    entry = Entry(key, line, {"id": slug(key)})
    kind = item.get("type")
    if kind in CSL_TYPES:
        entry.data["type"] = kind
    elif kind is not None:
        entry.data["type"] = "document"
        entry.left_out.append(f"type '{kind}' (not a CSL type; imported as 'document')")
    for name, value in item.items():
        name = ALIASES.get(name, name)
        if name in IGNORED or value in (None, "", []):
            continue
        if name not in FIELDS:
            entry.left_out.append(name)
        elif name in NAMES:
            entry.data[name] = [_name_from_csl(n) for n in value] if isinstance(value, list) else value
        elif name in DATES:
            date = _date_from_csl(value)
            if date is None:
                entry.left_out.append(f"{name} (not a date briefgen can read)")
            else:
                entry.data[name] = date
        elif name == "abstract" and isinstance(value, str) and len(value) > LONG_MAX:
            entry.left_out.append(f"abstract (longer than {LONG_MAX:,} characters; no brief shows it)")
        else:
            entry.data[name] = str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
                else value
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
BIBTEX_TYPES = {
    "article": "article-journal", "book": "book", "booklet": "pamphlet", "inbook": "chapter",
    "incollection": "chapter", "inproceedings": "paper-conference", "conference": "paper-conference",
    "manual": "report", "mastersthesis": "thesis", "phdthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report", "unpublished": "manuscript", "misc": "document",
    "online": "webpage", "www": "webpage", "electronic": "webpage", "proceedings": "book",
    "legislation": "legislation", "legal": "legislation", "jurisdiction": "legal_case", "patent": "patent",
    "dataset": "dataset", "software": "software", "periodical": "periodical",
}
BIBTEX_FIELDS = {
    "title": "title", "shorttitle": "title-short", "journal": "container-title", "journaltitle": "container-title",
    "booktitle": "container-title", "series": "collection-title", "publisher": "publisher",
    "address": "publisher-place", "location": "publisher-place", "url": "URL", "doi": "DOI", "isbn": "ISBN",
    "issn": "ISSN", "volume": "volume", "pages": "page", "chapter": "chapter-number", "edition": "edition",
    "note": "note", "abstract": "abstract", "type": "genre", "language": "language", "howpublished": "medium",
    "urldate": "accessed", "eventtitle": "event-title", "venue": "event-place", "pagetotal": "number-of-pages",
    "shortjournal": "container-title-short", "journalabbrev": "container-title-short",
}
BIBTEX_USED_ELSEWHERE = {"year", "month", "day", "date", "number", "issue", "author", "editor", "institution",
                         "organization", "school", "entrysubtype"}
MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                      "dec"), start=1)}


def _latex():
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    db = get_default_latex_context_db()
    db.add_context_category("briefgen", prepend=True, macros=[MacroTextSpec("S", simplify_repl="§"),
                                                              MacroTextSpec("P", simplify_repl="¶")])
    return LatexNodes2Text(latex_context=db, math_mode="text")


def _bibtex(text: str, where: str) -> tuple[list[Entry], list[Problem]]:
    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock, Entry as BibEntry, ParsingFailedBlock

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # its failures are reported below, once
    library = bibtexparser.parse_string(text)
    latex = _latex()
    entries, problems = [], []
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            problems.append(Problem(where, line, f"entry '{block.key}': the key is used by an earlier entry "
                                    "of the file; skipped", "duplicate-id", "warning"))
        elif isinstance(block, ParsingFailedBlock):
            problems.append(Problem(where, line, f"cannot read this entry: {_first_line(block.error)}", "bad-bibtex"))
        elif isinstance(block, BibEntry):
            if not slug(block.key):
                problems.append(Problem(where, line, f"entry '{block.key}' has no key to become the reference's id",
                                        "bad-entry"))
                continue
            entries.append(_tidy(_from_bibtex(block, line, latex)))
    if not library.entries and not problems:
        problems.append(Problem(where, 1, "holds no BibTeX entries (nor is it a CSL-JSON list)", "bad-bibtex"))
    return entries, problems


def _first_line(error: object) -> str:
    text = str(getattr(error, "abort_reason", None) or error).strip()
    return text.splitlines()[0].rstrip(".").lower() if text else "syntax error"


def _from_bibtex(block, line: int, latex) -> Entry:
    entry = Entry(block.key, line, {"id": slug(block.key)})
    fields = {f.key.lower(): str(f.value) for f in block.fields}
    kind = block.entry_type.lower()
    csl_type = BIBTEX_TYPES.get(kind)
    if fields.get("entrysubtype") in ("newspaper", "magazine") and kind == "article":
        csl_type = f"article-{fields['entrysubtype']}"
    if csl_type is None:
        entry.left_out.append(f"type '@{kind}' (imported as 'document')")
    entry.data["type"] = csl_type or "document"

    def text(value: str) -> str:
        return " ".join(latex.latex_to_text(value).split())

    for role in ("author", "editor"):
        if fields.get(role):
            entry.data[role] = _bibtex_names(fields[role], text)
    for key, value in fields.items():
        if key in BIBTEX_USED_ELSEWHERE or not value.strip():
            continue
        name = BIBTEX_FIELDS.get(key)
        value = re.sub(r"\\url\{([^{}]*)\}", r"\1", value)  # \url{https://...}: the address itself
        if name == "medium" and re.fullmatch(r"\s*https?://\S+\s*", value) and "url" not in fields:
            name = "URL"  # howpublished = {\url{...}}: where it was published
        if name is None:
            entry.left_out.append(key)
        elif name in ("URL", "DOI"):
            entry.data[name] = value.strip().strip("{}")
        elif name == "accessed":
            date = _date_from_csl(value.strip())
            if date:
                entry.data[name] = date
            else:
                entry.left_out.append(f"urldate (not a date briefgen can read: '{value}')")
        else:
            entry.data[name] = text(value).replace("--", "-") if name == "page" else text(value)
    if "page" in entry.data:
        entry.data["page"] = entry.data["page"].replace("–", "-")
    number = fields.get("number") or fields.get("issue")
    if number:
        entry.data["issue" if csl_type in ("article-journal", "article-magazine", "article-newspaper")
                   else "number"] = text(number)
    body = fields.get("institution") or fields.get("organization") or fields.get("school")
    if body:
        entry.data.setdefault("publisher", text(body))
    issued = _bibtex_date(fields)
    if issued:
        entry.data["issued"] = issued
    elif fields.get("year") or fields.get("date"):
        entry.left_out.append(f"date '{fields.get('date') or fields.get('year')}' (not a date briefgen can read)")
    return entry


def _bibtex_names(value: str, text) -> list:
    from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

    names = []
    for raw in split_multiple_persons_names(value):
        raw = raw.strip()
        if raw.startswith("{") and raw.endswith("}") and _balanced(raw[1:-1]):
            names.append(_name_from_csl({"literal": text(raw[1:-1])}))  # {World Health Organization}: one name
            continue
        if raw.lower() == "others":  # BibTeX's "and others": more authors than listed
            names.append("others")
            continue
        parts = parse_single_name_into_parts(raw, strict=False)
        family = text(" ".join(parts.last))
        given = text(" ".join(parts.first))
        name = {"family": family, "given": given,
                "non-dropping-particle": text(" ".join(parts.von)), "suffix": text(" ".join(parts.jr))}
        names.append(_name_from_csl(name))
    return names


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _bibtex_date(fields: dict) -> str | None:
    if fields.get("date"):
        return _date_from_csl(fields["date"].strip())
    year = fields.get("year", "").strip().strip("{}")
    if not re.fullmatch(r"\d{4}", year):
        return None
    month = fields.get("month", "").strip().strip("{}").lower()[:3]
    number = MONTHS.get(month) or (int(month) if month.isdigit() and 1 <= int(month) <= 12 else None)
    if number is None:
        return year
    day = fields.get("day", "").strip()
    return f"{year}-{number:02d}" + (f"-{int(day):02d}" if day.isdigit() and 1 <= int(day) <= 31 else "")


# ---------------------------------------------------------------- checking


def check_entries(entries: list[Entry], where: str) -> tuple[list[Entry], list[Problem]]:
    """The entries that make valid references; a problem for each that does not."""
    from briefgen.source.validate import field_message

    good, problems, seen = [], [], {}
    for entry in entries:
        ref_id = entry.data["id"]
        if ref_id in seen:
            problems.append(Problem(where, entry.line, f"entry '{entry.key}': its id '{ref_id}' is also the id of "
                                    f"entry '{seen[ref_id]}' above; skipped", "duplicate-id", "warning"))
            continue
        seen[ref_id] = entry.key
        try:
            Reference.model_validate(entry.data)
        except ValidationError as exc:
            for err in exc.errors():
                message = field_message(Reference, f"entry '{entry.key}'", tuple(err["loc"]), err)
                problems.append(Problem(where, entry.line, message, "bad-entry"))
            continue
        good.append(entry)
    return good, problems


# ---------------------------------------------------------------- writing


def _same(old: object, new: object) -> bool:
    """Whether a value in the file already says what the import gives (a
    name written {family: Doe, given: Jane} is the name "Doe, Jane")."""
    from briefgen.source.model import _name

    if isinstance(old, list) and isinstance(new, list):
        return [_name(v) for v in old] == [_name(v) for v in new]
    return old == new


def merge(source, entries: list[Entry], existing: dict[str, tuple[str, int]], update: bool,
          where: str) -> Imported:
    """Add `entries` to the references file `source` (a SourceFile), or, with
    `update`, merge them into references of the same id in that file.
    `existing` maps every id the workspace already uses to where it is defined."""
    into = source.rel
    # the file's own spelling of the web address: url or URL
    url_key = "url" if re.search(r"^[ \t-]*url:", source.text, re.M) and \
        not re.search(r"^[ \t-]*URL:", source.text, re.M) else "URL"
    order = ["id", "type", "title", *(k for k in FIELDS if k not in ("id", "type", "title"))]
    result = Imported()
    for entry in entries:
        ref_id = entry.data["id"]
        if ref_id in existing:
            path, line = existing[ref_id]
            if not update:
                result.skipped.append(Problem(where, entry.line, f"entry '{entry.key}': id '{ref_id}' already exists "
                                              f"({path}:{line}); skipped (--update replaces its fields)",
                                              "id-taken", "warning"))
                continue
            target = source.get("reference", ref_id)
            if path != into or target is None:
                result.skipped.append(Problem(where, entry.line, f"entry '{entry.key}': id '{ref_id}' is defined in "
                                              f"{path}:{line}, not in {into}; skipped", "id-taken", "warning"))
                continue
            merged, changed = dict(target), False
            for key, value in entry.data.items():
                if key == "URL" and "url" in target:
                    key = "url"  # as this reference spells it
                if key != "id" and not _same(target.get(key), value):
                    merged[key], changed = value, True
            if changed:
                source.set("reference", ref_id, merged)
            (result.updated if changed else result.unchanged).append(ref_id)
        else:
            source.set("reference", ref_id, {(url_key if k == "URL" else k): entry.data[k]
                                             for k in order if k in entry.data})
            result.added.append(ref_id)
        if entry.left_out:
            result.notes.append(f"{ref_id}: left out {', '.join(entry.left_out)}")
    return result


def import_file(root: Path, source: Path, into_rel: str, update: bool = False,
                skip_invalid: bool = False) -> tuple[Imported, bool]:
    """Import `source` into the references file `into_rel` (a path inside
    the workspace at `root`, under sources/).  Returns what happened and
    whether the file was written."""
    from briefgen.source.load import load
    from briefgen.source.model import _relative_path
    from briefgen.source.writer import SourceFile

    where = shown(source, root)
    try:
        into_rel = Path(_relative_path(into_rel)).as_posix()
    except ValueError as exc:
        raise BriefgenError(f"--into: {exc}") from None
    if not into_rel.startswith(SOURCES_DIR + "/") or not into_rel.endswith((".yaml", ".yml")):
        raise BriefgenError(f"--into: '{into_rel}' must be a .yaml file under {SOURCES_DIR}/, "
                            "where briefgen reads references")
    into = root / into_rel
    if into.is_symlink() or (into.exists() and not into.is_file()):
        raise BriefgenError(f"--into: '{into_rel}' is not a plain file")
    sources = load(root)
    if sources.problems:  # ids and lines must be known for sure before anything is added
        raise BriefgenError(sources.problems)
    entries, problems = read_entries(source, where)
    entries, invalid = check_entries(entries, where)
    problems += invalid
    if any(p.severity == "error" for p in problems) and not skip_invalid:
        raise BriefgenError(problems)
    problems = [p if p.severity == "warning" else dataclasses.replace(p, severity="warning", message=p.message +
                                                                       "; skipped") for p in problems]
    existing = {r.id: (r.origin.path, r.origin.line)
                for r in [*sources.references, *sources.facts, *sources.briefs]}
    target = SourceFile.open(root, into_rel)
    result = merge(target, entries, existing, update, where)
    result.skipped = problems + result.skipped
    if not (result.added or result.updated):
        return result, False
    return result, target.save()
