"""`briefgen search`: find facts and references by their words.

Ranked with BM25 over each fact's claim, detail, tags and quotes and each
reference's title, authors, publisher and note.  Words are compared by
their stems (Snowball, through PyStemmer), ignoring case and accents, so
"trafficked" finds "trafficking" and "resume" finds "résumé".
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the stored index (searchindex) searches without loading the workspace
    from briefgen.source import tags as tagexpr
    from briefgen.source.load import Sources

K1, B = 1.2, 0.75
_WORD = re.compile(r"[^\W_]+")


@dataclass
class Hit:
    kind: str  # "fact" or "reference"
    id: str
    score: float
    text: str  # the claim, or the reference's title
    path: str
    line: int
    tags: list[str] = field(default_factory=list)
    status: str | None = None
    stems: frozenset[str] = frozenset()  # the query's stems this hit contains


@functools.lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _fold(text: str) -> str:
    """Lowercase, without accents."""
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


def search(sources: Sources, query: str, tag: tagexpr.Expr | None = None, limit: int = 10) -> list[Hit]:
    """The best `limit` matches for `query`, best first (ties by kind and id)."""
    wanted = set(stems(query))
    if not wanted:
        return []
    documents = []  # (record, its stems)
    from briefgen.source import tags as tagexpr

    facts = [f for f in sources.facts if tag is None or tagexpr.matches(tag, f.labels)]
    for fact in facts:
        documents.append((fact, stems(fact_text(fact))))
    cited = {c.ref for f in facts for c in f.cite}
    for ref in sources.references:
        if tag is not None and ref.id not in cited:
            continue
        documents.append((ref, stems(reference_text(ref))))
    if not documents:
        return []
    average = sum(len(terms) for _, terms in documents) / len(documents)
    frequency = Counter(t for _, terms in documents for t in set(terms) & wanted)
    n = len(documents)
    scored = []
    for record, terms in documents:
        counts = Counter(t for t in terms if t in wanted)
        if not counts:
            continue
        scored.append((bm25(counts, len(terms), n, average, frequency), record, frozenset(counts)))
    scored.sort(key=lambda s: (-s[0], "fact" if hasattr(s[1], "claim") else "reference", s[1].id))
    return [_hit(score, record, matched) for score, record, matched in scored[:limit]]


def fact_text(fact) -> str:
    """What a fact is found by."""
    return " ".join([fact.claim, fact.detail or "", " ".join(fact.tags), fact.id.replace("-", " "),
                     *(c.quote or "" for c in fact.cite)])


def reference_text(ref) -> str:
    """What a reference is found by."""
    return " ".join([ref.title, " ".join(ref.names), ref.publisher or "", ref.container_title or "",
                     ref.note or "", ref.id.replace("-", " ")])


def bm25(counts: dict[str, int], length: int, n: int, average: float, frequency: dict[str, int]) -> float:
    """A document's score: `counts` of the query's stems in it (in the order
    they first occur), its length in stems, the number of documents, their
    average length and how many hold each stem."""
    score = 0.0
    for term, tf in counts.items():
        idf = math.log(1 + (n - frequency[term] + 0.5) / (frequency[term] + 0.5))
        score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
    return score


def _hit(score: float, record, matched: frozenset[str]) -> Hit:
    origin = record.origin
    if hasattr(record, "claim"):
        return Hit("fact", record.id, score, record.claim, origin.path, origin.line, list(record.tags),
                   record.status, matched)
    return Hit("reference", record.id, score, record.title, origin.path, origin.line, stems=matched)


def highlight(text: str, matched: frozenset[str], mark) -> str:
    """`text` with the words whose stems matched passed through `mark`."""
    return _WORD.sub(lambda m: mark(m[0]) if stem(_fold(m[0])) in matched else m[0], text)
