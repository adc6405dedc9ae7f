"""Stage 6, write: the output folder's paths, checked to lie inside it.

Every file goes in through `output_path` and is written whole
(`briefgen.files.write_atomic`); every delete goes through `remove`, which
touches only plain files inside the folder once every link is resolved; and
`sweep` clears what a killed build left half-written beside this
workspace's own files.
"""

from __future__ import annotations

import re
from pathlib import Path

from briefgen.errors import BriefgenError
from briefgen.files import write_atomic  # noqa: F401 - the writes of this stage


def output_path(out_dir: Path, name: str) -> Path:
    """`out_dir/name`, refusing any name that would land outside `out_dir`."""
    target = (out_dir / name).resolve()
    if not target.is_relative_to(out_dir.resolve()) or target == out_dir.resolve():
        raise BriefgenError(f"refusing to write '{name}' outside the output folder {out_dir}")
    return target


_TEMPORARY = re.compile(r"\.(.+)\.[A-Za-z0-9_]{8}\.tmp")


def sweep(out_dir: Path, names: set[str]) -> int:
    """Remove the temporary files a killed build left in the output folder
    beside the files `names` (the files this workspace's builds write there:
    others' temporary files in a shared folder are left alone)."""
    swept = 0
    if out_dir.is_dir():
        for path in out_dir.rglob(".*.tmp"):
            match = _TEMPORARY.fullmatch(path.name)
            rel = path.relative_to(out_dir).with_name(match[1]).as_posix() if match else None
            if rel in names and path.is_file() and not path.is_symlink():
                try:
                    path.unlink()
                    swept += 1
                except OSError:
                    pass
    return swept


def remove(out_dir: Path, name: str) -> bool:
    """Delete `out_dir/name` if it is a file briefgen may delete: inside the
    output folder once every link is resolved, and not a link itself.
    Returns whether a file was removed; raises BriefgenError when the folder
    refuses."""
    path = out_dir / name
    if path.is_symlink() or not path.is_file():
        return False
    try:
        target = output_path(out_dir, name)
    except BriefgenError:
        return False  # leads out of the output folder: never touched
    try:
        target.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise BriefgenError(f"cannot remove {target}: {exc.strerror}") from None
    return True
