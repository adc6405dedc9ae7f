"""The build cache: what each output file was made from.

The cache is one JSON file in the output folder.  For every file it records
the digest of the inputs it was rendered from, and the size and modification
time it had when written; a file is up to date only while all three still
match.

It is written atomically at the end of a build.  A cache that is missing,
unreadable or from another version of briefgen means a full rebuild, never a
wrong output: a file rewritten by a build that crashed before saving the
cache no longer matches its recorded size and time, so it is built again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from briefgen import __version__
from briefgen.files import write_atomic

CACHE_NAME = ".briefgen-cache.json"


@dataclass
class Cache:
    path: Path
    files: dict[str, dict] = field(default_factory=dict)  # file name -> {digest, size, mtime_ns}
    problem: str | None = None  # why an existing cache was not used
    changed: bool = False  # whether anything needs saving

    @classmethod
    def open(cls, out_dir: Path) -> Cache:
        cache = cls(out_dir / CACHE_NAME, changed=True)
        try:
            data = json.loads(cache.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cache
        except (OSError, ValueError) as exc:
            cache.problem = f"unreadable ({exc.__class__.__name__})"
            return cache
        if not isinstance(data, dict):
            cache.problem = "not in the expected form"
            return cache
        if data.get("briefgen") != __version__:
            cache.problem = "made by another version of briefgen"
            return cache
        files = data.get("files")
        if isinstance(files, dict) and all(isinstance(v, dict) for v in files.values()):
            cache.files, cache.changed = files, False
        else:
            cache.problem = "not in the expected form"
        return cache

    def fresh(self, name: str, path: Path, digest: str) -> bool:
        """Was `path` written from inputs with this digest, is it untouched
        since, and does every file its renderer read still hold what it did?"""
        entry = self.files.get(name)
        if not isinstance(entry, dict) or entry.get("digest") != digest:
            return False
        try:
            stat = path.stat()
        except OSError:
            return False
        if entry.get("size") != stat.st_size or entry.get("mtime_ns") != stat.st_mtime_ns:
            return False
        loaded = entry.get("loaded", [])
        return isinstance(loaded, list) and all(_same_file(item) for item in loaded)

    def record(self, name: str, path: Path, digest: str, workspace: str = "",
               loaded: tuple[tuple[str, str], ...] = ()) -> None:
        """Note what `path` was made from: the digest of its inputs, the
        workspace that wrote it, and the files its renderer read."""
        stat = path.stat()
        self.files[name] = {"digest": digest, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                            "workspace": workspace, "loaded": [list(item) for item in loaded]}
        self.changed = True

    def written_by(self, name: str, workspace: str) -> bool:
        """Did a build of `workspace` write the file `name`?"""
        entry = self.files.get(name)
        return isinstance(entry, dict) and entry.get("workspace") == workspace

    def forget(self, name: str) -> None:
        if self.files.pop(name, None) is not None:
            self.changed = True

    def save(self) -> None:
        data = {"briefgen": __version__, "files": self.files}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _same_file(item: object) -> bool:
    """Does the file still hold what it held (`item`: [path, sha256])?"""
    try:
        path, sha = item
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() == sha
    except (OSError, TypeError, ValueError):
        return False
