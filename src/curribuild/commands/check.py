"""``curribuild check``: validate and lint curriculum documents."""

from __future__ import annotations

import sys
from pathlib import Path

from curribuild import reporters
from curribuild.checks.runner import CheckOptions, run_check
from curribuild.output import use_color


def split_codes(values: list[str]) -> list[str]:
    """``--select CB1,CB201`` and repeated options, upper-cased."""
    return [part.strip().upper() for value in values for part in value.split(",") if part.strip()]


def run(
    paths: list[Path],
    fmt: str,
    strict: bool,
    select: list[str],
    ignore: list[str],
    color: str,
    max_bytes: int | None = None,
    max_seconds: float | None = None,
) -> int:
    options = CheckOptions(
        paths=paths or [Path()],
        select=split_codes(select),
        ignore=split_codes(ignore),
        strict=strict,
        max_bytes=max_bytes,
        max_seconds=max_seconds,
    )
    result = run_check(options)
    out = sys.stdout
    name = reporters.resolve_auto(out.isatty()) if fmt == "auto" else fmt
    reporters.get(name)(result, out, use_color(color, out))
    out.flush()
    return result.exit_code
