"""Files written whole or not at all.

Each file is written to a temporary file in the same folder and renamed over
the target, so an interrupted write never leaves a half-written file and a
failed one leaves the previous file untouched.  (Files are not fsynced: the
rename protects against a process that is killed, which is what happens in
practice; a power cut may need a rebuild, which the build cache then does.)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from briefgen.errors import BriefgenError


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
