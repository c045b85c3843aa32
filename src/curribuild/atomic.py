"""Atomic, deterministic file output: temp file in the same folder, fsync, rename."""

from __future__ import annotations

import contextlib
import os
import stat
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


SPECIAL_KINDS = (  # what a path may be that is not a file or a folder
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _refuse_special(path: Path) -> None:
    """Refuse a target that is not a regular file or absent, before anything is written.

    The rename would replace a symlink, a pipe or a device node (``-o /dev/null`` as
    root) with a regular file, and following a link would write outside the folder
    named: neither is done. A folder is refused as before.
    """
    try:
        mode = os.lstat(path).st_mode
    except (OSError, ValueError):
        return  # absent (or unreachable: the write itself reports that)
    if stat.S_ISLNK(mode):
        raise UserError(
            f"cannot write {path}: it is a symbolic link, and curribuild does not write "
            "through links (remove the link, or name the file it points to)"
        )
    if stat.S_ISDIR(mode):
        raise UserError(f"cannot write {path}: it is a directory")
    for test, kind in SPECIAL_KINDS:
        if test(mode):
            raise UserError(
                f"cannot write {path}: it is {kind}, not a regular file "
                "(use `-o -` to write to standard output)"
            )


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never half."""
    _refuse_special(path)
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
