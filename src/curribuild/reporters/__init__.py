"""Check reporters: small functions in an explicit registry.

Each reporter writes a :class:`~curribuild.checks.runner.CheckResult` to a text
stream. ``auto`` picks one from the environment.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from curribuild.checks.runner import CheckResult

Reporter = Callable[["CheckResult", TextIO, bool], None]

NAMES: tuple[str, ...] = ("auto", "text", "parsable", "github", "json", "sarif", "junit")


MODULES: dict[str, str] = {
    "text": "text",
    "parsable": "parsable",
    "github": "github",
    "json": "json_report",
    "sarif": "sarif",
    "junit": "junit",
}


def get(name: str) -> Reporter:
    """The reporter called ``name``; raises ``KeyError`` for an unknown one. Only its
    own module is imported (``--format json`` loads no terminal library)."""
    import importlib

    module = importlib.import_module(f"curribuild.reporters.{MODULES[name]}")
    report: Reporter = module.report
    return report


def resolve_auto(stream_is_terminal: bool) -> str:
    """The format ``auto`` means here: text on a terminal, parsable otherwise."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return "github"
    return "text" if stream_is_terminal else "parsable"
