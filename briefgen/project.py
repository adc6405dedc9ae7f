"""Where things live in a workspace, and where the built-in templates are.

This module imports nothing heavy, so `check` can find templates without
loading Jinja2, Markdown or WeasyPrint.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import BriefgenError

SOURCES_DIR = "sources"
TEMPLATES_DIR = "templates"
OUTPUT_DIR = "output"
CONFIG_FILE = "briefgen.yaml"
TEMPLATE_SUFFIX = ".html"

_HERE = Path(__file__).resolve().parent
# Installed, the built-in templates are the package `briefgen.templates`; in a
# source checkout they are the top-level templates/ folder.
BUILTIN_TEMPLATES = next(
    (p for p in (_HERE / "templates", _HERE.parent / "templates") if (p / "one-pager.html").is_file()),
    _HERE / "templates",
)


def find_root(root: Path) -> Path:
    """`root`, after making sure it is a workspace."""
    if not (root / SOURCES_DIR).is_dir():
        raise BriefgenError(f"{root}: not a briefgen workspace (no '{SOURCES_DIR}/' folder); use --root DIR to name one")
    return root


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


def template_dirs(root: Path) -> list[Path]:
    """The folders templates are looked up in, the workspace's first."""
    own = root / TEMPLATES_DIR
    return [own, BUILTIN_TEMPLATES] if own.is_dir() else [BUILTIN_TEMPLATES]


def template_names(root: Path) -> set[str]:
    """The templates a brief can name (files starting with '_' are partials)."""
    return {
        p.name[: -len(TEMPLATE_SUFFIX)]
        for d in template_dirs(root)
        for p in d.glob("*" + TEMPLATE_SUFFIX)
        if not p.name.startswith("_")
    }
