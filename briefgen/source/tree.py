"""Source trees: where the loader reads a workspace's source files from.

A tree answers two questions: which source files there are (every
``sources/**/*.yaml`` and ``*.yml``, plus ``briefgen.yaml``) and what bytes
each holds.  Three kinds:

* `FileTree`: the workspace folder on disk.  A source file that is a
  symlink, or that lies in a linked folder, leading outside the workspace is
  not read: it is listed in `refused` and reported where it is.
* `GitTree`: the workspace as it was at a git revision (``HEAD~3``, a tag, a
  branch), read with ``git`` itself, so two versions can be loaded side by
  side.
* `Overlay`: unsaved edits (a file's new bytes, or its removal) over another
  tree, so that an editor can check a change before writing it.

Paths are workspace-relative, with forward slashes.  Only source files come
through a tree; snapshots, logos and templates are read from the workspace
folder (see `briefgen.paths.workspace_file`).
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from briefgen.errors import BriefgenError
from briefgen.paths import CONFIG_FILE, SOURCES_DIR, inside

SOURCE_SUFFIXES = (".yaml", ".yml")


def is_source(rel: str) -> bool:
    """Is `rel` a path a source file may have (under sources/, .yaml or .yml)?"""
    return rel.startswith(SOURCES_DIR + "/") and rel.endswith(SOURCE_SUFFIXES)


class SourceTree(Protocol):
    """What the loader needs of a workspace's sources."""

    def files(self) -> list[str]:
        """Every source file under sources/, sorted by path."""

    def read(self, rel: str) -> bytes | None:
        """The bytes of `rel` (a source file or briefgen.yaml); None if there is
        no such file.  Raises OSError when the file is there but unreadable."""

    @property
    def refused(self) -> list[str]:
        """Source files seen but not read: links that lead outside the workspace."""


class FileTree:
    """The workspace folder on disk."""

    def __init__(self, root: Path):
        self.root = root
        self.refused: list[str] = []

    def files(self) -> list[str]:
        """Every source file, following links to folders (each folder once);
        files reached through a link leading outside the workspace are refused."""
        found, refused, seen = [], [], set()
        pending = [self.root / SOURCES_DIR]
        while pending:
            folder = pending.pop()
            try:
                real = folder.resolve()
                entries = sorted(folder.iterdir())
            except (OSError, RuntimeError):
                continue
            if real in seen:
                continue  # a link loop, or a folder linked twice
            seen.add(real)
            for path in entries:
                rel = path.relative_to(self.root).as_posix()
                if path.is_dir():
                    pending.append(path)
                elif path.is_file() and path.suffix in SOURCE_SUFFIXES:
                    (found if inside(path, (self.root,)) else refused).append(rel)
        self.refused = sorted(refused)
        return sorted(found, key=lambda rel: rel[len(SOURCES_DIR) + 1:])

    def read(self, rel: str) -> bytes | None:
        path = self.root / rel
        if rel == CONFIG_FILE and not path.is_file():
            return None
        if not inside(path, (self.root,)):
            return None
        return path.read_bytes()


class GitTree:
    """The workspace at a git revision.  `root` is the workspace folder (it
    may be a folder inside the repository)."""

    def __init__(self, root: Path, revision: str):
        self.root, self.revision = root, revision
        self.refused: list[str] = []
        try:
            prefix = self._git("rev-parse", "--show-prefix").decode().strip()
            self._git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
        except (OSError, subprocess.CalledProcessError):
            raise BriefgenError(f"'{revision}' is not a git revision of the repository holding {root}") from None
        self.prefix = prefix  # the workspace's path inside the repository, '' or 'dir/'
        # Run in the workspace folder, ls-tree takes and gives paths relative to it.
        listed = self._git("ls-tree", "-r", "-z", revision, "--", SOURCES_DIR)
        self._objects: dict[str, str] = {}  # path -> blob id
        for entry in listed.split(b"\0"):
            meta, tab, name = entry.partition(b"\t")
            if tab and meta.split()[1] == b"blob":
                self._objects[name.decode("utf-8", "surrogateescape")] = meta.split()[2].decode()
        self._files = sorted((n for n in self._objects if is_source(n)), key=lambda rel: rel[len(SOURCES_DIR) + 1:])
        self._blobs: dict[str, bytes] | None = None

    def _git(self, *args: str) -> bytes:
        return subprocess.run(["git", "-C", str(self.root), *args], check=True, capture_output=True).stdout

    def files(self) -> list[str]:
        return list(self._files)

    def _read_all(self) -> dict[str, bytes]:
        """Every source file's bytes, read by one git process."""
        ids = [self._objects[rel] for rel in self._files]
        out = subprocess.run(["git", "-C", str(self.root), "cat-file", "--batch"], input="\n".join(ids).encode() + b"\n",
                             check=True, capture_output=True).stdout
        blobs, at = {}, 0
        for oid in ids:
            header_end = out.index(b"\n", at)
            size = int(out[at:header_end].split()[2])
            blobs[oid] = out[header_end + 1: header_end + 1 + size]
            at = header_end + 1 + size + 1
        return {rel: blobs[self._objects[rel]] for rel in self._files}

    def read(self, rel: str) -> bytes | None:
        if rel in self._objects and is_source(rel):
            if self._blobs is None:
                try:
                    self._blobs = self._read_all()
                except (OSError, ValueError, IndexError, subprocess.CalledProcessError):
                    self._blobs = {}  # each file on its own, below
            if rel in self._blobs:
                return self._blobs[rel]
        try:
            return self._git("show", f"{self.revision}:{self.prefix}{rel}")
        except subprocess.CalledProcessError:
            if rel == CONFIG_FILE or rel not in self._files:
                return None
            raise OSError(f"git cannot show {rel} at {self.revision}") from None


class Overlay:
    """Edits not yet saved, over another tree: `edits` maps a path to its new
    bytes, or to None for a file removed."""

    def __init__(self, base: SourceTree, edits: Mapping[str, bytes | None]):
        for rel in edits:
            if rel != CONFIG_FILE and not is_source(rel):
                raise BriefgenError(f"{rel}: not a source file (a .yaml or .yml file under {SOURCES_DIR}/)")
        self.base, self.edits = base, dict(edits)

    @property
    def refused(self) -> list[str]:
        return self.base.refused

    def files(self) -> list[str]:
        names = set(self.base.files()) | {rel for rel, data in self.edits.items() if data is not None}
        names -= {rel for rel, data in self.edits.items() if data is None}
        return sorted((n for n in names if n != CONFIG_FILE), key=lambda rel: rel[len(SOURCES_DIR) + 1:])

    def read(self, rel: str) -> bytes | None:
        if rel in self.edits:
            return self.edits[rel]
        return self.base.read(rel)
