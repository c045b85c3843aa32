"""Lines of the files findings point into, read for display and for
``# curribuild: disable=`` comments: the loading layer's, so that checks and
reporters share it without the checks importing a reporter."""

from __future__ import annotations

import stat
from pathlib import Path

MAX_SOURCE_BYTES = 20_000_000


def source_line(path: str, line_no: int, cache: dict[str, list[str] | None]) -> str | None:
    """Line ``line_no`` of ``path`` (for display only; never raises)."""
    if path not in cache:
        cache[path] = None
        try:
            file = Path(path)
            info = file.stat()
            # regular files only (a pipe would block, a device never end), within the size cap
            if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_SOURCE_BYTES:
                raw = file.read_bytes()[:MAX_SOURCE_BYTES]
                cache[path] = raw.decode("utf-8", errors="replace").splitlines()
        except OSError:
            pass
    lines = cache[path]
    if lines is None or not 0 < line_no <= len(lines):
        return None
    return lines[line_no - 1]
