"""Trust checks on a checked base: review records, staleness and quotes.

* A `verified` fact with no `reviewed` record is a warning.
* A fact past its `review_by` date, and a statistic whose `as_of` is older
  than the workspace's `stale_after_days`, are warnings ("stale"); a release
  build refuses a brief that would show one.
* A quote whose reference has a `snapshot` (a stored copy of the source's
  text) must occur in it, after both are normalised (case, white space,
  curly quotes, dashes, the ellipsis); one that does not is an error that
  shows the closest passage, so the author can fix it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import html.parser
import re
import unicodedata
from dataclasses import dataclass

from briefgen.source.check import FactBase
from briefgen.errors import Problem
from briefgen.source.model import Fact, Record
from briefgen.source.numbers import figure_problems
from briefgen.source.project import Project

SNAPSHOT_TYPES = (".txt", ".md", ".html", ".htm")


def stale_facts(base: FactBase, project: Project, today: dt.date) -> dict[str, str]:
    """Why each stale fact is stale on `today`, by fact id."""
    limit = project.config.stale_after_days
    return {f.id: reason for f in base.facts.values() if (reason := stale(f, today, limit))}


def review(base: FactBase, project: Project, today: dt.date, stale_ones: dict[str, str] | None = None) -> list[Problem]:
    """Every warning and error about review, staleness and quotes (`stale_ones`:
    what `stale_facts` found, when it was asked already)."""
    problems = []
    if stale_ones is None:
        stale_ones = stale_facts(base, project, today)
    for fact in base.facts.values():
        if fact.status == "verified" and fact.reviewed is None:
            problems.append(_at(fact, ("status",), f"fact '{fact.id}' is verified but has no review record "
                                "(add reviewed: {by: NAME, on: DATE})", "unreviewed", "warning"))
        if fact.reviewed is not None and fact.reviewed.on > today:
            problems.append(_at(fact, ("reviewed", "on"), f"fact '{fact.id}' says it was reviewed on "
                                f"{fact.reviewed.on.isoformat()}, which is after today ({today.isoformat()})",
                                "review-in-future", "warning"))
        reason = stale_ones.get(fact.id)
        if reason:
            where = ("review_by",) if "review" in reason else ("as_of",)
            problems.append(_at(fact, where, f"fact '{fact.id}' is stale: {reason}", "stale", "warning"))
    return problems + verify_quotes(base, project) + figure_problems(base.facts.values())


def verify_quotes(base: FactBase, project: Project) -> list[Problem]:
    """An error for every quote that does not occur in its reference's snapshot."""
    problems = []
    snapshots: dict[str, tuple[str, str] | None] = {}  # (as written, normalised)
    for ref in base.references.values():
        if ref.snapshot:
            texts, problem = _snapshot(ref, project)
            snapshots[ref.id] = texts
            if problem:
                problems.append(problem)
    mismatches = [(fact, i, c, snapshots[c.ref]) for fact in base.facts.values() for i, c in enumerate(fact.cite)
                  if c.quote and snapshots.get(c.ref) is not None and not quoted(c.quote, snapshots[c.ref][1])]
    budget = PassageBudget(PASSAGE_WORK, len(mismatches))  # one for the whole check, shared by its mismatches
    for fact, i, c, (shown, text) in mismatches:
        closest = closest_passage(c.quote, shown, budget, text)
        problems.append(_at(fact, ("cite", i, "quote"), f"fact '{fact.id}': the quote does not occur in "
                            f"the snapshot of '{c.ref}'; the closest passage is: \"{closest}\"", "quote-mismatch"))
    return problems


def stale(fact: Fact, today: dt.date, stale_after_days: int | None) -> str | None:
    """Why a fact is stale on `today`, or None (`stale_after_days` is the
    workspace's setting for statistics)."""
    if not fact.renderable:
        return None  # retired and disputed facts are never shown
    reviewed_again = fact.reviewed is not None and fact.review_by is not None and fact.reviewed.on >= fact.review_by
    if fact.review_by is not None and fact.review_by < today and not reviewed_again:
        return f"its review was due on {fact.review_by.isoformat()}"
    limit = stale_after_days
    if limit and fact.kind == "statistic" and fact.as_of is not None and (today - fact.as_of).days > limit:
        return (f"it describes {fact.as_of.isoformat()}, more than the workspace's stale_after_days "
                f"({limit}) ago")
    return None


def _at(record: Record, loc: tuple, message: str, code: str, severity: str = "error") -> Problem:
    return record.problem(loc, message, code, severity)


def snapshot_text(ref, project: Project) -> tuple[str | None, Problem | None]:
    """The text of a reference's snapshot as quotes are checked against it
    (white space collapsed), or the problem reading it."""
    texts, problem = _snapshot(ref, project)
    return (texts[0] if texts else None), problem


def _snapshot(ref, project: Project) -> tuple[tuple[str, str] | None, Problem | None]:
    """The snapshot's text as written (white space collapsed) and normalised, or its problem."""
    path = project.file(ref.snapshot)
    if path is None or path.suffix.lower() not in SNAPSHOT_TYPES:
        why = (f"a snapshot must be a {', '.join(SNAPSHOT_TYPES)} file" if path is not None
               else f"no file '{ref.snapshot}' in the workspace")
        return None, _at(ref, ("snapshot",), f"reference '{ref.id}': {why}", "missing-file")
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None, _at(ref, ("snapshot",), f"reference '{ref.id}': snapshot '{ref.snapshot}' is not readable "
                         "UTF-8 text", "unreadable-file")
    return _snapshot_texts(raw, path.suffix.lower()), None


@functools.lru_cache(maxsize=64)
def _snapshot_texts(raw: str, suffix: str) -> tuple[str, str]:
    if suffix in (".html", ".htm"):
        raw = _html_text(raw)
    elif suffix == ".md":
        raw = _MARKDOWN_MARKS.sub("", raw)
    shown = " ".join(raw.split())
    return shown, normalise(shown)


_MARKDOWN_MARKS = re.compile(r"[*_`#>]+")


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


_BLOCKS = frozenset("address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
                    "header hr li main nav ol p pre section table td th tr ul".split())


def _html_text(raw: str) -> str:
    parser = _Text()
    parser.feed(raw)
    return "".join(parser.parts)  # inline tags (<b>25</b>%) join without a space


_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ",
})


def normalise(text: str) -> str:
    """Text as quotes are compared: white space, quote marks, dashes and the
    ellipsis folded (case is folded when comparing, not here, so that the
    closest passage can be shown as the source wrote it)."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD).replace("\u2026", "...")
    return " ".join(text.split())


@functools.lru_cache(maxsize=8)
def _casefolded(text: str) -> str:
    return text.casefold()  # once per snapshot, not once per quote


def quoted(quote: str, text: str) -> bool:
    """Does `text` (normalised) hold `quote`?  Whole words only ("5 million"
    is not in "15 million"); an ellipsis in the quote stands for words left
    out, so its parts must occur in order."""
    haystack = _casefolded(text)
    position = 0
    for part in (p.strip() for p in normalise(quote).casefold().split("...")):
        if not part:
            continue
        before = r"(?<!\w)" if part[0].isalnum() else ""
        after = r"(?!\w)" if part[-1].isalnum() else ""
        start = haystack.find(part, position)  # fast, and most quotes that fail are not there at all
        found = re.compile(before + re.escape(part) + after).search(haystack, start) if start >= 0 else None
        if found is None:
            return False
        position = found.end()
    return True


# The closest-passage search is bounded by the work of the whole check, not
# per quote.  Comparing a window of the snapshot with a quote costs up to
# len(window) * len(quote) steps (difflib), so that is what a comparison is
# charged; at most PASSAGE_WORK is spent in all (about a second), shared out
# among the quotes that do not match (what one search leaves is there for
# the next), plus one window per quote, so that every mismatch still shows a
# passage.  100 quotes against a 12 MB snapshot cost what one does.
PASSAGE_WORK = 30_000_000


class PassageBudget:
    """The work the closest-passage searches of one check may still do."""

    def __init__(self, total: int, searches: int):
        self.left = total
        self.searches = max(1, searches)

    def allowance(self) -> int:
        """This search's share of what is left."""
        return self.left // self.searches

    def charge(self, work: int) -> None:
        self.left = max(0, self.left - work)
        self.searches = max(1, self.searches - 1)


@dataclass(frozen=True)
class _Passages:
    """A snapshot cut into words for the search, with where each word occurs."""

    words: list[str]
    folded: list[str]
    index: dict[str, list[int]]


@functools.lru_cache(maxsize=8)
def _passages(text: str, normalised: str | None = None) -> _Passages:
    """`text` as written, cut into words, each compared as normalised (word
    for word `normalised`, which is `normalise(text)`, when it has as many)."""
    words = text.split(" ")
    folded = _casefolded(normalised).split(" ") if normalised is not None else []
    if len(folded) != len(words):  # a character that normalises to more than one word: rare
        folded = [normalise(w).casefold() for w in words]
    index: dict[str, list[int]] = {}
    for i, w in enumerate(folded):
        index.setdefault(w, []).append(i)
    return _Passages(words, folded, index)


def closest_passage(quote: str, text: str, budget: PassageBudget | None = None,
                    normalised: str | None = None) -> str:
    """The stretch of `text` most like `quote`, as the snapshot wrote it (its
    own dashes, quotation marks and ellipses), compared as both are normalised
    (`normalised`, if given, is `normalise(text)`, already made).

    Only windows starting near a word the quote shares with the text are
    compared, those near its rarest words first, until this search's share
    of `budget` (by default a budget of its own of PASSAGE_WORK) is spent."""
    budget = budget or PassageBudget(PASSAGE_WORK, 1)
    allowance = budget.allowance()
    target = normalise(quote).casefold()
    passages = _passages(text, normalised)
    size = max(1, len(target.split(" ")))
    longest = 2 * len(target) + 16  # windows are cut to this: a word of a megabyte is no passage
    best, best_ratio, spent = "", -1.0, 0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    for start in _starts(passages, target, size):
        if spent and spent >= allowance:
            break
        window = " ".join(passages.folded[start:start + size])[:longest]
        matcher.set_seq1(window)
        spent += max(1, len(window) * len(target))
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = " ".join(passages.words[start:start + size])[:longest], ratio
    budget.charge(spent)
    return best


def _starts(passages: _Passages, target: str, size: int):
    """Where the windows worth comparing start: at, and half a quote before,
    each occurrence of a word of the quote, its rarest words first."""
    index = passages.index
    shared = sorted({w for w in target.split(" ") if w in index}, key=lambda w: (len(index[w]), w))
    if not shared:
        yield 0
        return
    seen = set()
    for word in shared:
        for i in index[word]:
            for start in (i, max(0, i - size // 2)):
                if start not in seen:
                    seen.add(start)
                    yield start
