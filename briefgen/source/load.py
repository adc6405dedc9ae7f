"""Stage 1, load: read every source file of a project into validated records.

Files come through the project's source tree and are parsed by
`briefgen.source.yamlread` (every value with its line); each entry is
validated against the schema (`briefgen.source.model`), and each problem
becomes a message a person can act on, at its line and field.

Loading never stops at the first problem: it returns every record it could
read and every problem it found.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import briefgen

from briefgen.errors import Problem
from briefgen.source.model import RECORD_TYPES, Brief, Fact, Reference
from briefgen.source.origin import Lines, Origin
from briefgen.source.project import Project
from briefgen.source.validate import did_you_mean, stray_quotes, validate
from briefgen.source import recordcache
from briefgen.source.yamlread import Bad, keep_parsed, parse_cache_dir, read_cached, read_yaml

@dataclass
class Sources:
    """Everything read from a workspace's sources/, before cross-checks."""

    references: list[Reference] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    briefs: list[Brief] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # What is odd but kept as written (a stray quotation mark): warnings.
    warnings: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # What entries that failed validation would have defined: naming them is
    # not a second mistake.  When a whole file could not be read, anything
    # may have been in it, and `complete` is False.
    invalid_ids: set[str] = field(default_factory=set)
    invalid_tags: set[str] = field(default_factory=set)
    # Briefs that failed validation, as written, with where they are: the
    # facts they name are still checked, so that one run reports it all.
    invalid_briefs: list[tuple[dict, Origin]] = field(default_factory=list)
    complete: bool = True


def load(project: Project | Path, memo: dict | None = None) -> Sources:
    """Read and validate every source file of a project (or of the workspace
    folder given, opened for the purpose).  `memo`, when given, remembers
    what each file (by path and bytes) held, so that loading two versions of
    one workspace validates the files they share once.

    The cyclic garbage collector finds nothing to free among freshly parsed
    data, yet on large files it costs more than the parse itself: it is
    paused while the files are read, and switched back on after."""
    if not isinstance(project, Project):
        project = Project.open(project)
    with paused_gc():
        return _load(project, memo)


def _load(project: Project, memo: dict | None = None) -> Sources:
    sources = Sources()
    sources.problems[:0] = [p for p in project.config_problems if p.severity == "error"]
    sources.warnings[:0] = [p for p in project.config_problems if p.severity != "error"]
    tree = project.tree
    for rel in tree.files():
        sources.files.append(rel)
        try:
            raw = project.read_source(rel)
            if raw is None:
                raise FileNotFoundError(2, "no such file")
            if project.remembered is not None:  # kept from the last load, by this long-lived process
                part = project.remembered.sources(rel, raw)
            elif memo is not None:
                part = memo.get((rel, raw))
                if part is None:
                    part = memo[(rel, raw)] = _file_sources(rel, raw, memo.setdefault("records", {}))
            else:
                part = _file_sources(rel, raw)
            _merge(sources, part)
        except Bad as bad:
            sources.problems.append(Problem(rel, bad.line, bad.message, bad.code))
            sources.complete = False
        except OSError as exc:
            sources.problems.append(Problem(rel, 0, f"cannot read file: {exc.strerror or exc}", "unreadable-file"))
            sources.complete = False
    if project.remembered is not None:
        project.remembered.keep_only(sources.files)
    for rel in tree.refused:
        sources.problems.append(Problem(rel, 0, "not read: it is a link to a file outside the workspace "
                                        "(copy the file into sources/ instead)", "outside-workspace"))
        sources.complete = False
    return sources


class Remembered:
    """What each source file gave when last loaded (its records, problems and
    the rest), with the digest of what it held: a process that loads a
    workspace again and again (a preview server) keeps one on its project,
    and only the files that changed are validated again.  Records are
    frozen, so sharing them between loads is safe.  Only the latest version
    of each file is kept, and only of the files the last load read."""

    def __init__(self) -> None:
        self._given: dict[str, tuple[bytes, Sources]] = {}
        # What later stages made of these records last time, theirs to key and to check
        # (the build keeps each brief as it was cited): reused only for the very same records.
        self.derived: dict[str, dict] = {}

    def sources(self, rel: str, raw: bytes) -> Sources:
        sha = hashlib.sha256(raw).digest()
        kept = self._given.get(rel)
        if kept is not None and kept[0] == sha:
            return kept[1]
        given = _file_sources(rel, raw)
        self._given[rel] = (sha, given)
        return given

    def keep_only(self, files) -> None:
        for rel in set(self._given) - set(files):
            del self._given[rel]


def file_sources(rel: str, raw: bytes) -> Sources:
    """What the source file `rel`, holding `raw`, gives when loaded (through
    the records cache); raises `Bad` when it does not parse."""
    return _file_sources(rel, raw)


def _file_sources(rel: str, raw: bytes, known: dict | None = None) -> Sources:
    """What one source file holds (see `_collect` for `known`): from the
    records cache when the file loaded without a problem before."""
    return recordcache.cached(parse_cache_dir(), rel, raw, Sources,
                              functools.partial(_parse_and_collect, rel, raw, known), lambda given: not given.problems)


def _parse_and_collect(rel: str, raw: bytes, known: dict | None = None) -> tuple[Sources, Lines]:
    given = Sources()
    data, lines = read_cached(raw, store=False)
    _collect(rel, data, lines, given, known)
    if given.problems:  # a file kept as records need not be kept as parsed too
        keep_parsed(raw, data, lines)
    return given, lines


def _merge(into: Sources, part: Sources) -> None:
    for name in ("references", "facts", "briefs", "problems", "warnings", "invalid_briefs"):
        getattr(into, name).extend(getattr(part, name))
    into.invalid_ids |= part.invalid_ids
    into.invalid_tags |= part.invalid_tags
    into.complete = into.complete and part.complete


@contextlib.contextmanager
def paused_gc():
    """The cyclic garbage collector off for the duration, and back as it was after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if briefgen.ONE_SHOT:
                gc.freeze()
            gc.enable()


def load_text(rel: str, raw: bytes) -> Sources:
    """What the source file `rel` would hold, and its problems, if it held `raw`."""
    sources = Sources()
    try:
        data, lines = read_yaml(raw)
    except Bad as bad:
        sources.problems.append(Problem(rel, bad.line, bad.message, bad.code))
        return sources
    _collect(rel, data, lines, sources)
    return sources


def _collect(rel: str, data: object, lines: Lines, sources: Sources, known: dict | None = None) -> None:
    """The records of one file.  `known`, when given, maps (list, id) to an
    entry validated before, as written, and its record: an entry written
    the same again (in another version of a file) is not validated again."""
    if data is None:
        return
    sources.warnings += stray_quotes(rel, data, lines)
    if not isinstance(data, dict):
        sources.problems.append(Problem(rel, lines.get(()) or 1, _top_level_hint(), "not-a-mapping"))
        sources.complete = False  # whatever it meant to define is unknown
        return
    for key, items in data.items():
        where = Origin(path=rel, lines=lines, prefix=(key,))  # its line is looked up only for a problem
        if key not in RECORD_TYPES:
            sources.problems.append(Problem(rel, where.line, f"unknown top-level key '{key}'{did_you_mean(key, RECORD_TYPES)}; "
                                            f"{_top_level_hint()}", "unknown-key", field=str(key)))
            sources.complete = False  # what the list meant to define is unknown: no follow-on errors
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            sources.problems.append(Problem(rel, where.line, f"'{key}' must be a list (each entry starting with '- ')", "not-a-list",
                                            field=str(key)))
            continue
        model = RECORD_TYPES[key]
        for index, item in enumerate(items):
            origin = Origin(path=rel, lines=lines, prefix=(key, index))
            if not isinstance(item, dict):
                sources.problems.append(Problem(rel, origin.line, f"each entry of '{key}' must be a mapping of fields "
                                                "(id: ..., ...)", "not-a-mapping", field=origin.field_of()))
                continue
            seen = known.get((key, item.get("id"))) if known is not None and isinstance(item.get("id"), str) else None
            if seen is not None and seen[0] == item:
                record = seen[1].model_copy()
                record._origin = origin  # the same values, written here
            else:
                record = validate(model, key[:-1], item, origin, sources.problems)
                if record is not None and known is not None:
                    known[(key, record.id)] = (item, record)
            if record is not None:
                getattr(sources, key).append(record)
            else:
                if isinstance(item.get("id"), str):
                    sources.invalid_ids.add(item["id"])
                tags = item.get("tags") if key == "facts" else None
                if isinstance(tags, list):
                    sources.invalid_tags.update(t for t in tags if isinstance(t, str))
                elif isinstance(tags, str):
                    sources.invalid_tags.add(tags)
                if key == "facts" and isinstance(item.get("kind"), str):
                    sources.invalid_tags.add(item["kind"])
                if key == "briefs":
                    sources.invalid_briefs.append((item, origin))


def _top_level_hint() -> str:
    return "a source file holds up to three lists: " + ", ".join(RECORD_TYPES)
