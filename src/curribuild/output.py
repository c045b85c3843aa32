"""Console output shared by commands: colour policy and error printing."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

from curribuild.findings import Finding

if TYPE_CHECKING:
    from rich.console import Console


def use_color(choice: str, stream: TextIO) -> bool:
    """``--color always|never|auto``; auto honours NO_COLOR and whether ``stream`` is a terminal."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def print_error(message: str, findings: list[Finding], color: bool = False) -> None:
    """A user error on stderr: the message, then each finding located."""
    from rich.console import Console
    from rich.text import Text

    console = Console(
        file=sys.stderr, force_terminal=color, no_color=not color, highlight=False, soft_wrap=True
    )
    console.print(Text("error: ", style="bold red") + Text(message))
    for finding in findings:
        where = finding.located()
        line = Text(f"  {where}: " if where else "  ", style="bold")
        line.append(f"{finding.severity.value} {finding.code} ", style="red")
        line.append(finding.message)
        console.print(line)
        if finding.fix:
            console.print(Text(f"    fix: {finding.fix}", style="green"))


def console_for(stream: TextIO, color: bool) -> Console:
    """A rich console on ``stream``: terminal width on a terminal, wide when piped."""
    from rich.console import Console

    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):
        terminal = False
    return Console(
        file=stream,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        soft_wrap=False,
        width=None if terminal else 160,
    )
