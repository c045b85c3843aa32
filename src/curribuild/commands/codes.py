"""``curribuild codes [CODE]``: list check codes or print one's documentation."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from curribuild.checks.registry import CODES, get
from curribuild.errors import UsageError
from curribuild.suggest import hinted


def run(code: str | None, color: bool) -> int:
    console = Console(file=sys.stdout, force_terminal=color, no_color=not color, highlight=False)
    if code is None:
        table = Table("code", "name", "severity", "summary", box=None, pad_edge=False)
        for info in CODES.values():
            table.add_row(info.code, info.name, info.default_severity.value, info.summary)
        console.print(table)
        return 0
    try:
        info = get(code)
    except KeyError:
        raise UsageError(hinted(f"unknown check code {code!r}", code.upper(), CODES)) from None
    if color:
        console.print(Markdown(f"# {info.doc}"))
    else:  # verbatim: examples must not be re-wrapped
        sys.stdout.write(f"{info.doc}\n\nDefault severity: {info.default_severity.value}\n")
    return 0
