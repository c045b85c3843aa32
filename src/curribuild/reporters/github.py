"""GitHub Actions workflow commands (annotations), then the full text report.

Annotations are capped per step by GitHub, so the plain report follows them.
Escaping follows the runner's rules: in the message ``%``, CR and LF; in
properties also ``:`` and ``,``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from curribuild.findings import Severity
from curribuild.reporters import parsable

if TYPE_CHECKING:
    from curribuild.checks.runner import CheckResult

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **props: str | int) -> str:
    shown = ",".join(f"{key}={escape_property(str(value))}" for key, value in props.items())
    return (
        f"::{level} {shown}::{escape_data(message)}"
        if shown
        else f"::{level}::{escape_data(message)}"
    )


def report(result: CheckResult, out: TextIO, color: bool) -> None:
    for f in result.findings:
        props: dict[str, str | int] = {}
        if f.path:
            props["file"] = f.path
            if f.line > 0:
                props["line"] = f.line
                props["col"] = max(f.col, 1)
        props["title"] = f"{f.code} ({f.severity.value})"
        message = f.message + (f"\nfix: {f.fix}" if f.fix else "")
        out.write(command(_LEVELS[f.severity], message, **props) + "\n")
    parsable.report(result, out, color)
    errors = result.count(Severity.ERROR)
    warnings = result.count(Severity.WARNING)
    files = len(result.files)
    out.write(f"curribuild check: {errors} error(s), {warnings} warning(s) in {files} file(s)\n")
