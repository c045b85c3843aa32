"""``curribuild check``: validate and lint curriculum documents."""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from curribuild import api, reporters
from curribuild.checks.runner import CheckOptions
from curribuild.errors import UsageError
from curribuild.output import use_color

if TYPE_CHECKING:
    from rich.progress import Progress

    from curribuild.checks.runner import CheckResult

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


# What ``--output FORMAT=PATH`` writes: the reporters whose output is a file of its own
# (``text`` without colour). ``auto`` and ``github`` are for the console only.
OUTPUT_FORMATS = ("text", "parsable", "json", "sarif", "junit")
_CONSOLE_ONLY = {
    "auto": "'auto' picks a console format; name the format of the file",
    "github": "'github' writes workflow commands for the job log, not a file; "
    "for GitHub code scanning write sarif",
}


@dataclass(frozen=True)
class ReportFile:
    """One ``--output FORMAT=PATH``: a report written next to the console output."""

    fmt: str
    path: Path
    given: str  # the option's value as typed, for messages


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return Path()


def _writable(spec: str, path: Path) -> None:
    """Refuse, before any checking, a report path that cannot be written."""
    if path.is_dir():
        raise UsageError(f"--output {spec}: {path.as_posix()} is a folder; name a file")
    ancestor = _nearest_existing(path.parent)
    if not ancestor.is_dir():
        raise UsageError(
            f"--output {spec}: {ancestor.as_posix()} is not a folder, so "
            f"{path.as_posix()} cannot be created"
        )
    try:  # the real test: make (and remove) a file where the report's folder starts
        fd, probe = tempfile.mkstemp(prefix=".curribuild-probe.", dir=ancestor)
    except OSError as exc:
        raise UsageError(
            f"--output {spec}: cannot write in {ancestor.as_posix()}: {exc.strerror or exc}"
        ) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        Path(probe).unlink()


def parse_outputs(values: list[str]) -> list[ReportFile]:
    """``--output FORMAT=PATH`` values, checked: a known file format, a path that can be
    written, no path twice. Anything else is a usage error (exit 2)."""
    from curribuild.suggest import did_you_mean

    shown = ", ".join(OUTPUT_FORMATS)
    out: list[ReportFile] = []
    seen: dict[Path, str] = {}
    for value in values:
        fmt, sep, target = value.partition("=")
        fmt = fmt.strip().lower()
        if not sep or not fmt:
            raise UsageError(
                f"--output {value}: expected FORMAT=PATH, e.g. --output junit=report.xml "
                f"(FORMAT: {shown})"
            )
        if fmt in _CONSOLE_ONLY:
            raise UsageError(f"--output {value}: {_CONSOLE_ONLY[fmt]} ({shown})")
        if fmt not in OUTPUT_FORMATS:
            hint = did_you_mean(fmt, OUTPUT_FORMATS)
            raise UsageError(
                f"--output {value}: unknown format {fmt!r}; "
                + (f"{hint} " if hint else "")
                + f"FORMAT is one of {shown}"
            )
        if not target:
            raise UsageError(f"--output {value}: no file named after '='")
        if target == "-":
            raise UsageError(
                f"--output {value}: a report file cannot be standard output; "
                f"for that use --format {fmt}"
            )
        path = Path(target)
        key = path.resolve()
        if key in seen:
            raise UsageError(f"--output {seen[key]} and --output {value} write the same file")
        seen[key] = value
        _writable(value, path)
        out.append(ReportFile(fmt, path, value))
    return out


def write_reports(result: CheckResult, files: list[ReportFile]) -> list[str]:
    """Write each report atomically, with the findings of ``result``; the errors, if any."""
    from curribuild.atomic import write_atomic
    from curribuild.errors import UserError

    errors: list[str] = []
    for report in files:
        buffer = io.StringIO()
        reporters.get(report.fmt)(result, buffer, False)
        try:
            write_atomic(report.path, buffer.getvalue().encode("utf-8"))
        except UserError as exc:
            errors.append(f"--output {report.given}: {exc.message}")
    return errors


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
    outputs: list[str] | None = None,
) -> int:
    report_files = parse_outputs(outputs or [])
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
            result = api.check(options)
    else:
        result = api.check(options)
    # the report files first, so that they are there whatever happens to the console
    write_errors = write_reports(result, report_files)
    out = sys.stdout
    name = reporters.resolve_auto(out.isatty()) if fmt == "auto" else fmt
    reporters.get(name)(result, out, use_color(color, out))
    out.flush()
    if write_errors:
        raise UsageError("; ".join(write_errors))
    return result.exit_code
