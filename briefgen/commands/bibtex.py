"""BibTeX entries (as Better BibTeX or JabRef write them) read into imported entries,
LaTeX turned into text with pylatexenc.
"""

from __future__ import annotations

import logging
import re


from briefgen.errors import Problem
from briefgen.commands.entries import (NESTED_TOO_DEEP, Entry, Unreadable, _date_from_csl, _name_from_csl, _tidy,
                                       slug, too_deep)


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
            try:
                entries.append(_tidy(_from_bibtex(block, line, latex)))
            except Unreadable as exc:
                problems.append(Problem(where, line, f"entry '{block.key}': {exc}", "bad-entry"))
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

    for key, value in fields.items():  # the bound, before pylatexenc (which recurses) sees any of it
        if too_deep(value, latex=True) is not None:
            raise Unreadable(f"'{key}' is {NESTED_TOO_DEEP}")

    def text(value: str) -> str:
        try:
            return " ".join(latex.latex_to_text(value).split())
        except RecursionError:  # not reached: the bound above holds it
            raise Unreadable(NESTED_TOO_DEEP) from None

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
    """The entry's date, None if it has none briefgen can read; a month or
    day that is given but is none (`month = {13}`, `{³}`) is Unreadable."""
    if fields.get("date"):
        return _date_from_csl(fields["date"].strip())
    year = fields.get("year", "").strip().strip("{}")
    if not re.fullmatch(r"[0-9]{4}", year):
        return None
    month = fields.get("month", "").strip().strip("{}").strip()
    if not month:
        return year
    number = MONTHS.get(month.lower()[:3]) or _number(month, 12)
    if number is None:
        raise Unreadable(f"month '{month}' is not a month briefgen can read (1 to 12, or jan to dec)")
    day = fields.get("day", "").strip().strip("{}").strip()
    if day and _number(day, 31) is None:
        raise Unreadable(f"day '{day}' is not a day briefgen can read (1 to 31)")
    return f"{year}-{number:02d}" + (f"-{int(day):02d}" if day else "")


def _number(text: str, most: int) -> int | None:
    """`text` as a number from 1 to `most`, written in ASCII digits (str.isdigit
    accepts superscripts, which int() refuses)."""
    return int(text) if re.fullmatch(r"[0-9]{1,2}", text) and 1 <= int(text) <= most else None


# ---------------------------------------------------------------- checking


