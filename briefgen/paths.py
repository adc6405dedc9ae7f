"""Where things live in a workspace, where the built-in templates are, and
the one containment test every read of a workspace file goes through.

This module imports nothing heavy.
"""

from __future__ import annotations

import os
from pathlib import Path

SOURCES_DIR = "sources"
TEMPLATES_DIR = "templates"
OUTPUT_DIR = "output"
RELEASE_DIR = "release"  # inside output/: where release builds go
CONFIG_FILE = "briefgen.yaml"
TEMPLATE_SUFFIX = ".html"

_HERE = Path(__file__).resolve().parent
# Installed, the built-in templates are the package `briefgen.templates`; in a
# source checkout they are the top-level templates/ folder.
BUILTIN_TEMPLATES = next(
    (p for p in (_HERE / "templates", _HERE.parent / "templates") if (p / "one-pager.html").is_file()),
    _HERE / "templates",
)


def shown(path: Path, root: Path) -> str:
    """A path for a message: relative to the workspace when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def inside(path: Path, roots) -> bool:
    """Is `path`, with every symlink resolved, a file inside one of `roots`?"""
    try:
        real = path.resolve()
        return real.is_file() and any(real.is_relative_to(Path(r).resolve()) for r in roots)
    except (OSError, RuntimeError, ValueError):  # a name too long, a symlink loop: no such file
        return False


def workspace_file(root: Path, relative: str) -> Path | None:
    """The file at `relative` in the workspace, or None if there is none (or it
    leads outside the workspace, through '..' or a symlink)."""
    path = root / relative
    return path if inside(path, (root,)) else None


def cache_dir() -> Path | None:
    """Where parsed source files (and the records, compiled templates and
    search indexes made from them) are kept, keyed by content; None if off.

    BRIEFGEN_CACHE_DIR names the folder (empty turns the cache off); else it
    is briefgen/ under XDG_CACHE_HOME or ~/.cache.  It is kept outside the
    workspace so that nothing shared with others (an output folder kept in
    git, say) can put words into a brief that are not in its sources."""
    configured = os.environ.get("BRIEFGEN_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "briefgen" / "parsed"
