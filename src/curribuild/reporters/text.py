"""Human report: each finding with its source line and a caret, then a summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.text import Text

from curribuild.findings import Finding, Severity
from curribuild.output import neutral
from curribuild.sourcefile import source_line

if TYPE_CHECKING:
    from curribuild.checks.runner import CheckResult

_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_MAX_SHOWN = 160


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: 2 for wide characters (CJK, most emoji), 0 for
    combining marks, 1 otherwise (``wcwidth``)."""
    from wcwidth import wcswidth, wcwidth

    width = wcswidth(text)
    if width >= 0:
        return width
    return sum(max(wcwidth(char), 0) for char in text)  # a character it cannot measure: 0


def _snippet(finding: Finding, cache: dict[str, list[str] | None]) -> Text | None:
    src = source_line(finding.path, finding.line, cache)
    if src is None:
        return None
    col = max(finding.col, 1)
    start = 0
    if col > _MAX_SHOWN:  # keep the caret in view on very long lines
        start = col - _MAX_SHOWN // 2
    raw = src[start : start + _MAX_SHOWN].replace("\t", " ")
    shown = neutral(raw, multiline=False)
    # the caret goes under the column's character as a terminal draws the line: escapes
    # widen the text before it, wide characters (CJK, emoji) take two cells each
    before = display_width(neutral(raw[: max(col - 1 - start, 0)], multiline=False))
    prefix = "…" if start else ""
    gutter = f"{finding.line:>5} | "
    text = Text(gutter, style="dim")
    text.append(prefix + shown)
    text.append("\n" + " " * (len(gutter) - 2) + "| ", style="dim")
    text.append(" " * (before + len(prefix)) + "^", style=_STYLES[finding.severity])
    return text


def report(result: CheckResult, out: TextIO, color: bool) -> None:
    console = Console(
        file=out,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        soft_wrap=True,
        emoji=False,
        markup=False,
    )
    cache: dict[str, list[str] | None] = {}
    for finding in result.findings:
        head = Text()
        head.append(neutral(finding.located() or "<input>", multiline=False), style="bold")
        head.append(": ")
        head.append(f"{finding.severity.value} {finding.code}", style=_STYLES[finding.severity])
        head.append(f" {neutral(finding.message, multiline=False)}")
        console.print(head)
        snippet = _snippet(finding, cache) if finding.line > 0 else None
        if snippet is not None:
            console.print(snippet)
        if finding.fix:
            console.print(Text(f"  fix: {neutral(finding.fix, multiline=False)}", style="green"))
    errors = result.count(Severity.ERROR)
    warnings = result.count(Severity.WARNING)
    files = len(result.files)
    if errors or warnings:
        summary = Text(
            f"Found {errors} error{'s' * (errors != 1)} and {warnings} "
            f"warning{'s' * (warnings != 1)} in {files} file{'s' * (files != 1)}.",
            style="bold red" if result.exit_code else "yellow",
        )
    else:
        summary = Text(
            f"All checks passed: {result.documents} document"
            f"{'s' * (result.documents != 1)} in {files} file{'s' * (files != 1)}.",
            style="bold green",
        )
    console.print(summary)
