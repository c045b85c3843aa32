"""``path:line:col: [severity] message (CODE)``: one finding per line, for editors and grep."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from curribuild.output import neutral

if TYPE_CHECKING:
    from curribuild.checks.runner import CheckResult


def line(finding_path: str, line_no: int, col: int, severity: str, message: str, code: str) -> str:
    where = f"{finding_path}:{max(line_no, 1)}:{max(col, 1)}" if finding_path else "<input>:1:1"
    text = message.replace("\r", " ").replace("\n", " ")
    # data (paths, titles in messages) never becomes a workflow command or a terminal escape
    return neutral(f"{where}: [{severity}] {text} ({code})", multiline=False)


def report(result: CheckResult, out: TextIO, color: bool) -> None:
    for f in result.findings:
        out.write(line(f.path, f.line, f.col, f.severity.value, f.message, f.code) + "\n")
