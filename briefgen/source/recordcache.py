"""The records cache: what a source file gave when it was last validated.

A file that loads without a problem is kept as its validated records (and
its warnings), pickled, in `records/` beside the parse cache and turned off
with it (see `briefgen.paths.cache_dir`).  An entry is keyed
by the file's path and bytes, briefgen's version, the source of the schema
and the year (which bounds a plausible date), so a change to any of them is
a miss.  The file's lines are kept apart in the entry, and unpickled only
if a problem (or a search result) needs one.

An entry that is there but cannot be read is a warning and a full parse,
never a wrong answer.  Only the classes of the schema can be unpickled from
it, so an entry cannot run code; the cache is the user's own, outside the
workspace, and an entry is trusted as the records it was written from.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import os
from collections.abc import Callable
from pathlib import Path

from briefgen import __version__
from briefgen.source.origin import Lines

_FORMAT = 1  # bump when what an entry holds changes
# The modules whose source decides what a validated record is.
_SCHEMA = ("briefgen.source.model", "briefgen.source.figure", "briefgen.source.fields", "briefgen.source.validate",
           "briefgen.source.translations", "briefgen.source.origin", "briefgen.source.load", "briefgen.errors")
_CLASSES = {("briefgen.source.origin", "Origin"), ("briefgen.errors", "Problem"),
            ("briefgen.source.load", "Sources"), ("datetime", "date")}
# The modules whose pydantic models a record may hold (a fact's figure, a
# record's translations); a test loads the sample twice to keep this whole.
_MODELS = ("briefgen.source.model", "briefgen.source.figure", "briefgen.source.translations")


@functools.cache
def _schema_digest() -> bytes:
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in _SCHEMA:
        digest.update((package.parent / (name.replace(".", "/") + ".py")).read_bytes())
    return digest.digest()


def generation() -> bytes:
    """What every entry's meaning depends on besides its file: briefgen's
    version, the schema's source and the year (which bounds a plausible date)."""
    return f"{__version__}\0{_FORMAT}\0{dt.date.today().year}\0".encode() + _schema_digest()


def _entry(folder: Path, rel: str, raw: bytes) -> Path:
    key = hashlib.sha256(generation() + f"\0{rel}\0".encode("utf-8", "surrogateescape") + raw).hexdigest()
    return folder / "records" / (key + ".pickle")


@functools.cache
def _picklers() -> tuple[type, type, type]:
    """The pickler and the two unpicklers (records; plain data), made when
    first needed: a search that only asks for `generation` never imports pickle."""
    import pickle

    class Records(pickle.Pickler):
        def persistent_id(self, obj):
            return "lines" if type(obj) is Lines else None

    class RecordsBack(pickle.Unpickler):
        def __init__(self, blob: bytes, lines: Lines):
            super().__init__(io.BytesIO(blob))
            self._lines = lines

        def persistent_load(self, pid):
            if pid != "lines":
                raise pickle.UnpicklingError(f"unknown reference {pid!r}")
            return self._lines

        def find_class(self, module: str, name: str):
            if (module, name) in _CLASSES:
                return super().find_class(module, name)
            if module in _MODELS:
                from pydantic import BaseModel

                found = super().find_class(module, name)
                if isinstance(found, type) and issubclass(found, BaseModel):
                    return found
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a record")

    class Plain(pickle.Unpickler):
        """Plain data only: a file's lines, as dicts of tuples and numbers."""

        def find_class(self, module: str, name: str):
            raise pickle.UnpicklingError(f"{module}.{name} is not plain data")

    return Records, RecordsBack, Plain


def _lines_from(blob: bytes) -> Lines:
    lines, columns = _picklers()[2](io.BytesIO(blob)).load()
    return Lines(lines, columns)


def cached(folder: Path | None, rel: str, raw: bytes, kind: type, make: Callable[[], tuple[object, Lines]],
           keep: Callable[[object], bool]) -> object:
    """What `make()` gives (a `kind`, with the file's lines) for the file
    `rel` holding `raw`: from the cache when it holds it, else made, and
    kept if `keep(made)`.  The lines are kept apart, and unpickled only if a
    kept record's origin needs one."""
    if folder is None:
        return make()[0]
    entry = _entry(folder, rel, raw)
    try:
        blob = entry.read_bytes()
    except OSError:
        blob = None
    if blob is not None:
        try:
            lines = Lines()
            lines_blob, found = _picklers()[1](blob, lines).load()
            if type(found) is not kind or type(lines_blob) is not bytes:
                raise TypeError(f"it holds a {type(found).__name__}")
            lines.reread_with(functools.partial(_lines_from, lines_blob))
            return found
        except Exception as exc:  # noqa: BLE001 - whatever is wrong with an entry, the file is read again
            import logging

            logging.getLogger("briefgen").warning(
                f"briefgen: warning: the records cache entry for {rel} could not be read "
                f"({type(exc).__name__}); the file was read again")
    made, lines = make()
    if keep(made):
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            out = io.BytesIO()
            import pickle

            _picklers()[0](out, protocol=pickle.HIGHEST_PROTOCOL).dump(
                (pickle.dumps(lines.dicts(), protocol=pickle.HIGHEST_PROTOCOL), made))
            tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
            tmp.write_bytes(out.getvalue())
            os.replace(tmp, entry)
        except OSError:
            pass  # a cache that cannot be written is no cache, not an error
    return made
