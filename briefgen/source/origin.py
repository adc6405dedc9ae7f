"""Where a value was written: its file, line and column, and its field path.

The YAML reader records the line and column of every value of a file
(`Lines`); each record keeps an `Origin`, its file and its place in it, so
that any later stage can point at the exact line and field of a problem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class Lines:
    """The line and column of every value in one file, keyed by its location
    there (("facts", 3, "cite", 0, "ref") for example).

    Built from the parser's dicts, or lazily from the [location, line, column]
    triples of the parse cache: a clean check never needs to look one up.
    `stray_quotes` are the locations of unquoted values that end in a
    quotation mark nothing opens (`quote: text"`)."""

    def __init__(self, lines: dict[tuple, int] | None = None, columns: dict[tuple, int] | None = None,
                 triples: list | None = None, stray_quotes: list[tuple] | None = None,
                 reread: Callable[[], Lines] | None = None):
        self._lines, self._columns, self._triples = lines, columns, triples
        self.stray_quotes: list[tuple] = list(stray_quotes or ())
        self._reread = reread  # for records from the records cache: the file's own lines, read again when needed

    def _load(self) -> None:
        if self._lines is None and self._reread is not None:
            again = self._reread()
            again._load()
            self._lines, self._columns, self._reread = again._lines, again._columns, None
        if self._lines is None:
            self._lines, self._columns = {}, {}
            for loc, line, column in self._triples or ():
                self._lines[tuple(loc)] = line
                self._columns[tuple(loc)] = column
            self._triples = None

    def reread_with(self, reread: Callable[[], Lines]) -> None:
        """Take the lines from `reread()` when one is first asked for."""
        self._reread = reread

    def dicts(self) -> tuple[dict[tuple, int], dict[tuple, int]]:
        """The line and the column of every location."""
        self._load()
        return self._lines, self._columns or {}

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
