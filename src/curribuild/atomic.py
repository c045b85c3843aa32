"""Atomic, deterministic file output: temp file in the same folder, fsync, rename."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

from curribuild.errors import UserError


def write_output(target: str | Path, text: str) -> str:
    """Write ``text`` to ``target`` (``-`` for stdout); return where it went."""
    if str(target) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return "<stdout>"
    path = Path(target)
    write_atomic(path, text.encode("utf-8"))
    return path.as_posix()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never half."""
    if path.is_dir():
        raise UserError(f"cannot write {path}: it is a directory")
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create folder {parent}: {exc.strerror or exc}") from None
    tmp_name = ""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o666 & ~_umask())  # as open() would, not mkstemp's 0600
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp_name).replace(path)
        tmp_name = ""
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp_name:
            with contextlib.suppress(OSError):
                Path(tmp_name).unlink()
