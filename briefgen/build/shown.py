"""What a preview shows of a workspace besides the built files: the entry
each document has in its list, the documents of output/ it previews too,
and the lines of YAML a problem is at."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from briefgen.build import manifest
from briefgen.compose.plan import SheetRequest
from briefgen.errors import Problem
from briefgen.paths import OUTPUT_DIR, workspace_file


@dataclass
class Document:
    """A document of the preview, as the home page lists it."""

    stem: str
    kind: str
    title: str
    template: str
    date: str
    tags: list[str]
    draft: bool
    stale: list[str]  # the facts shown that are past their review
    files: dict[str, str]  # format -> file name in the folder
    pages: int | None = None
    max_pages: int | None = None
    dropped: list[str] = field(default_factory=list)
    failure: str | None = None  # why its last build failed, if it did

    @property
    def fits(self) -> bool | None:
        if self.pages is None or self.max_pages is None:
            return None
        return self.pages <= self.max_pages



def documents_of(root: Path, per_tag: bool | None) -> tuple[bool, tuple[SheetRequest, ...]]:
    """What the workspace's own output/ shows besides its briefs: whether it
    holds tag sheets (then the preview makes every tag sheet, unless told
    otherwise), and the ad-hoc sheets asked for there."""
    found = manifest.read_all(root / OUTPUT_DIR)
    sheets = []
    for f in found:
        asked = f.data.get("sheet")
        if f.data.get("kind") == "fact sheet" and isinstance(asked, dict) and isinstance(asked.get("expression"), str):
            sheets.append(SheetRequest(asked["expression"], asked.get("title") or None,
                                       asked.get("template") or SheetRequest.template))
    if per_tag is None:
        per_tag = any(f.data.get("kind") == "tag sheet" for f in found)
    return per_tag, tuple(dict.fromkeys(sheets))


def quoted(root: Path, problem: Problem, around: int = 1) -> list[tuple[int, str]]:
    """The lines of the workspace file a problem is at: its line and
    `around` lines either side, numbered."""
    path = workspace_file(root, problem.path) if problem.path and problem.line else None
    try:
        data = path.read_bytes() if path is not None else b""
    except OSError:
        data = b""
    lines = data.decode("utf-8", "replace").splitlines()
    first, last = max(1, problem.line - around), min(len(lines), problem.line + around)
    return [(n, lines[n - 1]) for n in range(first, last + 1)]
