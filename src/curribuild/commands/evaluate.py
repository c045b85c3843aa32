"""``curribuild evaluate``: filled-in results of a plan's forms -> a report, and with
``--record`` an anonymised evidence document in the curriculum."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from curribuild import api
from curribuild.atomic import write_output
from curribuild.errors import UsageError
from curribuild.findings import Finding
from curribuild.output import neutral
from curribuild.planfile import load_plan

FORMATS = ("md", "html")


def report_format(output: str, fmt: str | None) -> str:
    """``--format``, else the output's extension (``.html`` -> html), else Markdown."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise UsageError(f"--format {fmt}: choose md or html")
        return fmt
    return "html" if output.lower().endswith((".html", ".htm")) else "md"


def parse_date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--date {text}: give the follow-up's date as YYYY-MM-DD") from None


def _warn(findings: list[Finding]) -> None:
    for f in findings:
        sys.stderr.write(f"warning {f.code}: {neutral(f.message, multiline=False)}\n")


def run(
    plan_path: Path,
    results: list[Path],
    output: str,
    fmt: str | None,
    record: bool,
    curriculum: Path,
    min_group: int,
    date: str | None,
    seconds: float | None = None,
) -> int:
    from curribuild.evaluation.record import evidence_folder

    chosen = report_format(output, fmt)
    day = parse_date(date)
    if not results:
        raise UsageError("give at least one results file (CSV or xlsx)")
    for path in results:
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
    folder = evidence_folder(curriculum) if record else None
    plan = load_plan(plan_path)
    evaluated = api.evaluate(plan, results, chosen, seconds)
    text = evaluated.text
    if folder is not None:
        # recorded before the report is written: a refusal (too few) leaves nothing half-done
        recorded = api.evidence_record(plan, evaluated.report, day, min_group, folder)
        _warn(recorded.left_out)
        write_output(recorded.target, recorded.text)
        sys.stderr.write(
            f"Recorded {recorded.target.as_posix()}: aggregates of "
            f"{recorded.record.respondents} respondents, {len(recorded.record.results)} "
            "goal(s); rules read them as method.evidence.*\n"
        )
    where = write_output(output, text)
    if where != "<stdout>":
        sys.stderr.write(f"Wrote {where}\n")
    return 0
