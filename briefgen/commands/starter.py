"""`briefgen init`: a small working workspace to start from.

The starter facts are real, sourced claims from the sample fact base, left
as drafts so that the first build shows how a draft is marked.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import BriefgenError
from briefgen.files import write_atomic
from briefgen.paths import SOURCES_DIR
from briefgen.source.tree import FileTree

FILES = {
    "briefgen.yaml": """\
# briefgen settings: every key is optional. See the README for all of them.
organization:
  name: Your organisation
  contact: "Your name, your.email@example.org"
paper: letter        # or a4
lang: en
style: numbered      # or chicago-notes, chicago-author-date, apa, mla, ieee, legal
""",
    ".gitignore": """\
# Built briefs: rebuild them with `briefgen build`.
output/
""",
    "sources/references.yaml": """\
# yaml-language-server: $schema=../sources.schema.json
# References: the sources facts cite. Field names follow CSL-JSON.
references:
  - id: msnbc-2025-08-24
    type: broadcast
    title: "Expert: Ghislaine Maxwell’s DOJ interview is a snapshot of how America handles sex trafficking cases"
    publisher: MSNBC
    issued: 2025-08-24
    note: "Cited from a news summary of the segment; locators give the summary's numbered points"
""",
    "sources/facts.yaml": """\
# yaml-language-server: $schema=../sources.schema.json
# Facts: one claim each, tagged, with at least one citation.
# Change status to verified (and add reviewed: {by: NAME, on: DATE}) once checked.
facts:
  - id: one-in-four-children
    claim: >-
      One in four children (25%) report having had an online sexual interaction with an
      adult, a figure the segment cited as a sign of an epidemic of online sex trafficking.
    tags: [child-safety, online-exploitation]
    kind: statistic
    status: draft
    priority: 1
    cite:
      - ref: msnbc-2025-08-24
        locator: point 16
        quote: "One in four (25%) children report having an online sexual interaction with an adult online, indicating an epidemic of online sex trafficking"

  - id: change-tech-incentives
    claim: >-
      The segment called for changing the incentives of large technology companies so
      that they put safety online first.
    tags: [child-safety]
    kind: recommendation
    status: draft
    cite:
      - ref: msnbc-2025-08-24
        locator: point 17
        quote: "There is a need to change the incentives for big tech to prioritize safety online"
""",
    "sources/briefs.yaml": """\
# yaml-language-server: $schema=../sources.schema.json
# Briefs: which facts each page shows. Build them with `briefgen build`.
briefs:
  - id: first-brief
    title: "Online Safety for Children"
    subtitle: "A first brief made with briefgen"
    template: one-pager
    date: 2026-01-15
    tags: [child-safety]
    audience: legislative staff
    max_pages: 1
    bottom_line: "Replace this with the one thing a reader should remember."
    sections:
      - heading: The problem
        select: child-safety and statistic
      - heading: What to do
        select: recommendation
    ask: "Replace this with what you ask the reader to do."
""",
}


def create(folder: Path, force: bool = False) -> tuple[list[Path], list[Path], list[Path]]:
    """Write the starter files into `folder`; return (written, skipped
    because they were there, left out).

    Refuses a folder that is not empty unless `force`; never overwrites a file
    (nor replaces a link).  Before anything is written, every folder the
    starter files go into must be a folder or not be there at all.  Into a
    folder that has source files already, no starter source file is added:
    their ids could collide with the workspace's own, and they name each
    other (the brief's tags, the facts' reference), so they go in all
    together or not at all."""
    if _not_a_folder(folder):
        raise BriefgenError(f"{folder} is {_not_a_folder(folder)}, not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise BriefgenError(f"{folder} is not empty: choose an empty folder, or use --force to add the missing "
                            "starter files (no file is ever overwritten)")
    for sub in sorted({Path(name).parent for name in FILES} - {Path(".")} | {Path(OUTPUT)}):
        what = _not_a_folder(folder / sub)
        if what:
            raise BriefgenError(f"{folder / sub} is {what}, not a folder: move it away, or choose another folder")
    import json

    from briefgen.source.schema import SCHEMA_FILE, source_schema

    files = {**FILES, SCHEMA_FILE: json.dumps(source_schema(), indent=2, ensure_ascii=False) + "\n"}
    tree = FileTree(folder)
    has_sources = bool(tree.files() or tree.refused)
    written, skipped, left_out = [], [], []
    for name, text in files.items():
        path = folder / name
        if path.exists() or path.is_symlink():
            skipped.append(path)
            continue
        if has_sources and name.startswith(SOURCES_DIR + "/"):
            left_out.append(path)
            continue
        write_atomic(path, text.encode("utf-8"))
        written.append(path)
    (folder / OUTPUT).mkdir(exist_ok=True)
    return written, skipped, left_out


OUTPUT = "output"


def _not_a_folder(path: Path) -> str | None:
    """What `path` is if it is there and not a folder (nor a link to one)."""
    if path.is_dir():
        return None
    if path.is_symlink():
        return "a link to a file" if path.exists() else "a link to nothing"
    return "a file" if path.exists() else None
