"""Trust checks on a checked workspace: review records, staleness and quotes.

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
import unicodedata
from pathlib import Path

from briefgen.check import Workspace
from briefgen.errors import Problem
from briefgen.model import Fact, Record
from briefgen.workspace import workspace_file

SNAPSHOT_TYPES = (".txt", ".md", ".html", ".htm")


def review(workspace: Workspace, root: Path, today: dt.date) -> list[Problem]:
    """Every warning and error about review, staleness and quotes."""
    problems = []
    for fact in workspace.facts.values():
        if fact.status == "verified" and fact.reviewed is None:
            problems.append(_at(fact, ("status",), f"fact '{fact.id}' is verified but has no review record "
                                "(add reviewed: {by: NAME, on: DATE})", "unreviewed", "warning"))
        reason = stale(fact, workspace, today)
        if reason:
            where = ("review_by",) if "review" in reason else ("as_of",)
            problems.append(_at(fact, where, f"fact '{fact.id}' is stale: {reason}", "stale", "warning"))
    snapshots: dict[str, str | None] = {}
    for ref in workspace.references.values():
        if ref.snapshot:
            text, problem = _snapshot(ref, root)
            snapshots[ref.id] = text
            if problem:
                problems.append(problem)
    for fact in workspace.facts.values():
        for i, c in enumerate(fact.cite):
            text = snapshots.get(c.ref)
            if c.quote and text is not None and normalise(c.quote) not in text:
                closest = closest_passage(c.quote, text)
                problems.append(_at(fact, ("cite", i, "quote"), f"fact '{fact.id}': the quote does not occur in "
                                    f"the snapshot of '{c.ref}'; the closest passage is: \"{closest}\"",
                                    "quote-mismatch"))
    return problems


def stale(fact: Fact, workspace: Workspace, today: dt.date) -> str | None:
    """Why a fact is stale on `today`, or None."""
    if fact.review_by is not None and fact.review_by < today:
        return f"its review was due on {fact.review_by.isoformat()}"
    limit = workspace.config.stale_after_days
    if limit and fact.kind == "statistic" and fact.as_of is not None and (today - fact.as_of).days > limit:
        return (f"it describes {fact.as_of.isoformat()}, more than the workspace's stale_after_days "
                f"({limit}) ago")
    return None


def _at(record: Record, loc: tuple, message: str, code: str, severity: str = "error") -> Problem:
    origin = record.origin
    return Problem(origin.path, origin.line_of(*loc), message, code, severity, record.id, origin.column_of(*loc))


def _snapshot(ref, root: Path) -> tuple[str | None, Problem | None]:
    path = workspace_file(root, ref.snapshot)
    if path is None or path.suffix.lower() not in SNAPSHOT_TYPES:
        why = (f"a snapshot must be a {', '.join(SNAPSHOT_TYPES)} file" if path is not None
               else f"no file '{ref.snapshot}' in the workspace")
        return None, _at(ref, ("snapshot",), f"reference '{ref.id}': {why}", "missing-file")
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None, _at(ref, ("snapshot",), f"reference '{ref.id}': snapshot '{ref.snapshot}' is not readable "
                         "UTF-8 text", "unreadable-file")
    return _normalised_text(raw, path.suffix.lower() in (".html", ".htm")), None


@functools.lru_cache(maxsize=64)
def _normalised_text(raw: str, is_html: bool) -> str:
    return normalise(_html_text(raw) if is_html else raw)


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _html_text(raw: str) -> str:
    parser = _Text()
    parser.feed(raw)
    return " ".join(parser.parts)


_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ",
})


def normalise(text: str) -> str:
    """Text as quotes are compared: case, white space, quote marks, dashes and the ellipsis folded."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD).replace("\u2026", "...").casefold()
    return " ".join(text.split())


def closest_passage(quote: str, text: str, width: int = 0) -> str:
    """The stretch of `text` (normalised) most like `quote`."""
    target = normalise(quote)
    words = text.split(" ")
    size = max(1, len(target.split(" ")))
    best, best_ratio = "", -1.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    for start in range(0, max(1, len(words) - size + 1)):
        candidate = " ".join(words[start:start + size])
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = candidate, ratio
    return best
