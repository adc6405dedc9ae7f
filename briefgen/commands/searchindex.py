"""A stored index for `briefgen search`, so that a search need not load the workspace.

One SQLite database per workspace, in `search/` beside the parse cache (and
off with it): for every source file, its digest and how many problems it
has; for every fact and reference in it, what a result shows and its length
in stems; and for every stem of it, how often it occurs there and where
first.  A search reads the source files' bytes, brings the index up to date
for those that changed (through the records cache: only they are loaded),
then ranks with the same BM25 as `briefgen.commands.search`, in the same
order, from the stored counts.

Whatever the index cannot answer for sure (a tag expression, a file that
cannot be read, a link refused) is left to the search that loads
everything: `search()` then returns None.  A damaged index is a warning,
removed, and that search.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import sqlite3
from pathlib import Path

from briefgen.commands.search import B, K1, Hit, fact_text, reference_text, stems
from briefgen.paths import CONFIG_FILE, SOURCES_DIR, cache_dir

_FORMAT = 1
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE files (rel TEXT PRIMARY KEY, digest BLOB NOT NULL, problems INTEGER NOT NULL);
CREATE TABLE docs (doc INTEGER PRIMARY KEY, rel TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
                   id TEXT NOT NULL, length INTEGER NOT NULL, shown TEXT NOT NULL);
CREATE INDEX docs_rel ON docs (rel);
CREATE TABLE postings (term TEXT NOT NULL, doc INTEGER NOT NULL, tf INTEGER NOT NULL, first INTEGER NOT NULL);
CREATE INDEX postings_term ON postings (term);
CREATE INDEX postings_doc ON postings (doc);
"""


class Damaged(Exception):
    pass


def search(root: Path, query: str, limit: int) -> tuple[list[Hit], int] | None:
    """The best `limit` hits for `query` and the number of problems the
    workspace has, as the search that loads everything gives them; None
    when the index cannot say (see the module's note)."""
    from briefgen.source.recordcache import generation
    from briefgen.source.tree import FileTree

    folder = cache_dir()
    if folder is None or not (root / SOURCES_DIR).is_dir():
        return None
    tree = FileTree(root)
    files = tree.files()
    if tree.refused or not all(rel.isprintable() and _encodable(rel) for rel in files):
        return None  # a refused link, a file name that is not text: said as loading says it
    try:
        raws = {rel: tree.read(rel) for rel in [*files, CONFIG_FILE]}
    except OSError:
        return None
    if any(raws[rel] is None for rel in files):
        return None
    path = folder / "search" / (hashlib.sha256(str(root.resolve()).encode()).hexdigest() + ".sqlite")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=5, isolation_level=None)
    except (OSError, sqlite3.Error):
        return None
    try:
        with db:
            db.execute("BEGIN IMMEDIATE")
            _bring_up_to_date(db, root, files, raws, generation() + str(_FORMAT).encode())
        return _query(db, files, query, limit)
    except (sqlite3.DatabaseError, Damaged) as exc:
        db.close()
        import logging

        logging.getLogger("briefgen").warning(f"briefgen: warning: the search index could not be read "
                                              f"({type(exc).__name__}); searched without it and will build it again")
        path.unlink(missing_ok=True)
        return None
    finally:
        db.close()


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _digest(raw: bytes | None) -> bytes:
    return b"" if raw is None else hashlib.sha256(raw).digest()


def _bring_up_to_date(db: sqlite3.Connection, root: Path, files: list[str], raws: dict, generation: bytes) -> None:
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    kept = dict(db.execute("SELECT key, value FROM meta")) if "meta" in tables else {}
    if kept.get("generation") != generation:
        for table in tables:
            db.execute(f"DROP TABLE {table}")  # noqa: S608 - names read from sqlite_master
        for statement in filter(str.strip, _SCHEMA.split(";")):
            db.execute(statement)
        db.execute("INSERT INTO meta VALUES ('generation', ?)", (generation,))
        kept = {}
    config = _digest(raws[CONFIG_FILE])
    if kept.get("config") != config:
        from briefgen.source.project import Project

        errors = sum(1 for p in Project.open(root).config_problems if p.severity == "error")
        db.execute("INSERT OR REPLACE INTO meta VALUES ('config', ?)", (config,))
        db.execute("INSERT OR REPLACE INTO meta VALUES ('config_problems', ?)", (errors,))
    stored = dict(db.execute("SELECT rel, digest FROM files"))
    current = {rel: _digest(raws[rel]) for rel in files}
    for rel in stored.keys() - current.keys():
        _forget(db, rel)
    for rel in files:
        if stored.get(rel) != current[rel]:
            _forget(db, rel)
            _index(db, rel, raws[rel], current[rel])


def _forget(db: sqlite3.Connection, rel: str) -> None:
    db.execute("DELETE FROM postings WHERE doc IN (SELECT doc FROM docs WHERE rel = ?)", (rel,))
    db.execute("DELETE FROM docs WHERE rel = ?", (rel,))
    db.execute("DELETE FROM files WHERE rel = ?", (rel,))


def _index(db: sqlite3.Connection, rel: str, raw: bytes, digest: bytes) -> None:
    from briefgen.source.load import Sources, file_sources
    from briefgen.source.yamlread import Bad

    try:
        given = file_sources(rel, raw)
    except Bad:
        given = Sources(problems=[None])  # the file does not parse: one problem, nothing to search
    db.execute("INSERT INTO files VALUES (?, ?, ?)", (rel, digest, len(given.problems)))
    seq = 0
    for kind, records, text_of in (("fact", given.facts, fact_text), ("reference", given.references, reference_text)):
        for record in records:
            terms = stems(text_of(record))
            origin = record.origin
            shown = [record.claim, origin.line, list(record.tags), record.status] if kind == "fact" \
                else [record.title, origin.line, [], None]
            doc = db.execute("INSERT INTO docs (rel, seq, kind, id, length, shown) VALUES (?, ?, ?, ?, ?, ?)",
                             (rel, seq, kind, record.id, len(terms), json.dumps(shown, ensure_ascii=False))).lastrowid
            seq += 1
            counts: dict[str, list[int]] = {}
            for position, term in enumerate(terms):
                if term in counts:
                    counts[term][0] += 1
                else:
                    counts[term] = [1, position]
            db.executemany("INSERT INTO postings VALUES (?, ?, ?, ?)",
                           [(term, doc, tf, first) for term, (tf, first) in counts.items()])


def _query(db: sqlite3.Connection, files: list[str], query: str, limit: int) -> tuple[list[Hit], int]:
    meta = dict(db.execute("SELECT key, value FROM meta"))
    problems = int(meta.get("config_problems", 0) + (db.execute("SELECT total(problems) FROM files").fetchone()[0]))
    wanted = sorted(set(stems(query)))
    n, total = db.execute("SELECT count(*), total(length) FROM docs").fetchone()
    if not wanted or not n:
        return [], problems
    marks = ",".join("?" * len(wanted))
    frequency = dict(db.execute(f"SELECT term, count(*) FROM postings WHERE term IN ({marks}) GROUP BY term",  # noqa: S608
                                wanted))
    average = int(total) / n
    # bm25() of briefgen.commands.search, term by term in the order the stems first occur in each document,
    # with what does not change from one document to the next worked out once: the same numbers.
    idf = {term: math.log(1 + (n - f + 0.5) / (f + 0.5)) for term, f in frequency.items()}
    order = {rel: i for i, rel in enumerate(files)}
    scored = []
    doc, score, matched, place = None, 0.0, [], None
    rows = db.execute(f"SELECT p.doc, p.term, p.tf, d.length, d.kind, d.id, d.rel, d.seq FROM postings p "  # noqa: S608
                      f"JOIN docs d ON d.doc = p.doc WHERE p.term IN ({marks}) ORDER BY p.doc, p.first", wanted)
    for this, term, tf, length, kind, record_id, rel, seq in rows:
        if this != doc:
            if doc is not None:
                scored.append((-score, *place, doc, matched))
            doc, score, matched = this, 0.0, []
            # Ties: facts before references, by id, then in the order of the files, as when everything is loaded.
            place = (kind, record_id, kind != "fact", order.get(rel, len(order)), seq)
            norm = K1 * (1 - B + B * length / average)
        score += idf[term] * tf * (K1 + 1) / (tf + norm)
        matched.append(term)
    if doc is not None:
        scored.append((-score, *place, doc, matched))
    hits = []
    for negative, kind, record_id, *_, doc, matched in heapq.nsmallest(limit, scored):
        rel, shown = db.execute("SELECT rel, shown FROM docs WHERE doc = ?", (doc,)).fetchone()
        text, line, tags, status = json.loads(shown)
        hits.append(Hit(kind, record_id, -negative, text, rel, line, tags, status, frozenset(matched)))
    return hits, problems
