"""``curribuild check``: validate and lint curriculum documents."""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from curribuild import reporters
from curribuild.checks.runner import CheckOptions, run_check
from curribuild.errors import UsageError
from curribuild.output import use_color

if TYPE_CHECKING:
    from rich.progress import Progress

_SELECTOR = re.compile(r"^CB[0-9]{0,3}$")

PROGRESS_DELAY = 1.0  # seconds a check runs silently before the progress display appears
# Set by CI services (any value but "", "0" or "false"): never draw progress there.
CI_VARIABLES = (
    "CI",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "BUILDKITE",
    "TF_BUILD",
    "JENKINS_URL",
    "TEAMCITY_VERSION",
)


def split_codes(values: list[str], option: str = "--select") -> list[str]:
    """``--select CB1,CB201`` and repeated options, upper-cased; anything else is a usage error."""
    codes = [part.strip().upper() for value in values for part in value.split(",") if part.strip()]
    wrong = [code for code in codes if not _SELECTOR.match(code)]
    if wrong:
        raise UsageError(
            f"{option}: {', '.join(wrong)} is not a check code or prefix (e.g. CB101, CB4)"
        )
    return codes


def wants_progress(stream: TextIO, env: Mapping[str, str]) -> bool:
    """Whether to draw progress on ``stream``: a terminal (not a dumb one), outside CI."""
    if any(env.get(name, "").strip().lower() not in ("", "0", "false") for name in CI_VARIABLES):
        return False
    if env.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class LateProgress:
    """A transient spinner with the elapsed time that appears only when the work inside
    the ``with`` block takes longer than ``delay`` seconds, and is erased at its end.

    It is drawn from a timer thread (rich refreshes it from its own), so the work
    itself runs unchanged on the calling thread.
    """

    def __init__(
        self, stream: TextIO, description: str, *, color: bool, delay: float = PROGRESS_DELAY
    ) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(file=stream, no_color=not color, highlight=False)
        self._progress: Progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            refresh_per_second=5,  # light on the check it runs beside
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._progress.add_task(description, total=None)
        self._delay = delay
        self._lock = threading.Lock()
        self._finished = False
        self.shown = False
        self._timer: threading.Timer | None = None

    def _show(self) -> None:
        with self._lock:
            if not self._finished:
                self._progress.start()
                self.shown = True

    def __enter__(self) -> LateProgress:
        self._timer = threading.Timer(self._delay, self._show)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._finished = True
            if self.shown:
                self._progress.stop()


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
    if wants_progress(sys.stderr, os.environ):
        progress_color = use_color(color, sys.stderr)
        with LateProgress(sys.stderr, "Checking curriculum files", color=progress_color):
            result = run_check(options)
    else:
        result = run_check(options)
    out = sys.stdout
    name = reporters.resolve_auto(out.isatty()) if fmt == "auto" else fmt
    reporters.get(name)(result, out, use_color(color, out))
    out.flush()
    return result.exit_code
