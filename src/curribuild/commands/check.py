"""``curribuild check``: validate and lint curriculum documents."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from curribuild import reporters
from curribuild.checks.runner import CheckOptions, run_check
from curribuild.errors import UsageError
from curribuild.output import use_color

_SELECTOR = re.compile(r"^CB[0-9]{0,3}$")


def split_codes(values: list[str], option: str = "--select") -> list[str]:
    """``--select CB1,CB201`` and repeated options, upper-cased; anything else is a usage error."""
    codes = [part.strip().upper() for value in values for part in value.split(",") if part.strip()]
    wrong = [code for code in codes if not _SELECTOR.match(code)]
    if wrong:
        raise UsageError(
            f"{option}: {', '.join(wrong)} is not a check code or prefix (e.g. CB101, CB4)"
        )
    return codes


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
        select=split_codes(select, "--select"),
        ignore=split_codes(ignore, "--ignore"),
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
