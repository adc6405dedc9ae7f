"""Writing: put finished files in the output folder, atomically, and remove
only what lies inside it.

Each file is written to a temporary file in the same folder and renamed over
the target, so an interrupted build never leaves a half-written file and a
failed build leaves the previous output untouched.  (Files are not fsynced:
the rename protects against a build that is killed, which is what happens in
practice; a power cut may need a rebuild, which the cache then does.)
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from briefgen.errors import BriefgenError


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


def write_atomic(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise BriefgenError(f"cannot write to {path.parent}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise BriefgenError(f"cannot write {path}: {exc.strerror}") from None


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
