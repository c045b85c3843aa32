"""Console output shared by commands: colour policy, error printing, and
:func:`neutral`, which makes data safe to show to a human in a terminal or CI log."""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING, TextIO, cast

from curribuild.findings import Finding

if TYPE_CHECKING:
    from rich.console import Console


# C0 controls but tab and newline, DEL, C1 controls, bidirectional overrides and
# isolates (they reorder what a reader sees), and the Unicode line separators.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# A line that a GitHub Actions runner reads as a workflow command: `::name ...::`
# after leading whitespace (the runner trims it), or the legacy `##[name]` anywhere.
_COMMAND = re.compile(r"^([^\S\n]*)(?=::)", re.MULTILINE)
_LEGACY_COMMAND = "##["
COMMAND_GUARD = "\\"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char == "\r":
        return "\\r"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def neutral(text: str, *, multiline: bool = True) -> str:
    """``text`` made inert for a terminal or a CI log, ordinary text unchanged.

    - Control characters (C0 but tab and newline, DEL, C1), bidirectional
      overrides and Unicode line separators become visible escapes: ESC is
      ``\\x1b``, CR is ``\\r``, U+202E is ``\\u202e``. Without ``multiline``,
      newlines become ``\\n`` too, so the text stays on its line.
    - A line that starts with ``::`` (after any whitespace, which the runner
      trims) gets a backslash before the ``::``: ``\\::error file=x::y`` is not
      a GitHub Actions workflow command. The legacy ``##[`` form is broken the
      same way wherever it appears (``#\\#[``). Only the ``github`` reporter
      writes workflow commands.

    Pure and idempotent; text without control characters or command prefixes
    comes back unchanged. With ``multiline``, CRLF line ends count as newlines.
    """
    if multiline and "\r\n" in text:
        text = text.replace("\r\n", "\n")
    out = _CONTROL.sub(_escape, text)
    if not multiline:
        out = out.replace("\n", "\\n")
    if "::" in out:
        out = _COMMAND.sub(lambda m: m.group(1) + COMMAND_GUARD, out)
    if _LEGACY_COMMAND in out:
        out = out.replace(_LEGACY_COMMAND, "#" + COMMAND_GUARD + "#[")
    return out


# Where a line Rich has wrapped or folded starts with `::` (after whitespace and
# colour codes, which a log may keep): data that was harmless mid-line.
_RENDERED_PREFIX = r"([^\S\n]*(?:\x1b\[[0-9;]*m[^\S\n]*)*)(?=::)"
_COMMAND_AT_START = re.compile(r"(?:^|(?<=\n))" + _RENDERED_PREFIX)
_COMMAND_AFTER_NEWLINE = re.compile(r"(?<=\n)" + _RENDERED_PREFIX)
_BLANK = re.compile(r"[^\S\n]*(?:\x1b\[[0-9;]*m[^\S\n]*)*")


class CommandGuard:
    """A text stream for rich consoles: no line it writes starts with ``::``.

    :func:`neutral` guards the start of each piece of data, but a console that
    wraps long lines (the plan summary, ``explain``) may break one before a ``::``
    in the middle of a title or message, or fold a long word just before one.
    Every line start is guarded again here, after rendering, the same way
    (``\\::``). Everything else passes through unchanged.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._at_start = True

    def write(self, text: str) -> int:
        if "::" in text:
            pattern = _COMMAND_AT_START if self._at_start else _COMMAND_AFTER_NEWLINE
            text = pattern.sub(lambda m: m.group(1) + COMMAND_GUARD, text)
        _, newline, tail = text.rpartition("\n")
        blank_tail = _BLANK.fullmatch(tail) is not None
        self._at_start = blank_tail if newline else self._at_start and blank_tail
        return self._stream.write(text)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


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
        file=cast(TextIO, CommandGuard(sys.stderr)),
        force_terminal=color,
        no_color=not color,
        highlight=False,
        soft_wrap=True,
    )
    console.print(Text("error: ", style="bold red") + Text(neutral(message, multiline=False)))
    for finding in findings:
        where = neutral(finding.located(), multiline=False)
        line = Text(f"  {where}: " if where else "  ", style="bold")
        line.append(f"{finding.severity.value} {finding.code} ", style="red")
        line.append(neutral(finding.message, multiline=False))
        console.print(line)
        if finding.fix:
            console.print(Text(f"    fix: {neutral(finding.fix, multiline=False)}", style="green"))


def console_for(stream: TextIO, color: bool) -> Console:
    """A rich console on ``stream``: terminal width on a terminal, wide when piped."""
    from rich.console import Console

    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):
        terminal = False
    return Console(
        file=cast(TextIO, CommandGuard(stream)),
        force_terminal=color,
        no_color=not color,
        highlight=False,
        soft_wrap=False,
        width=None if terminal else 160,
    )
