"""``curribuild evaluate``: filled-in results of a plan's forms -> a report, and with
``--record`` an anonymised evidence document in the curriculum."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

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
    from curribuild import __version__
    from curribuild.evaluation.record import (
        evidence,
        evidence_folder,
        evidence_yaml,
        record_path,
    )
    from curribuild.evaluation.report import build_report
    from curribuild.evaluation.results import read_results
    from curribuild.evaluation.view import report_view
    from curribuild.render.limits import seconds_setting
    from curribuild.render.sandbox import render

    chosen = report_format(output, fmt)
    day = parse_date(date)
    if not results:
        raise UsageError("give at least one results file (CSV or xlsx)")
    for path in results:
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
    folder = evidence_folder(curriculum) if record else None
    try:
        limit = seconds_setting(seconds)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    plan = load_plan(plan_path)
    report = build_report(plan, read_results(plan, results))
    view = {"report": report_view(report), "generator": f"curribuild {__version__}"}
    text = render(
        f"evaluation-report.{chosen}.j2", view, autoescape=chosen == "html", max_seconds=limit
    )
    if folder is not None:
        # recorded before the report is written: a refusal (too few) leaves nothing half-done
        doc, left_out = evidence(plan, report, day, min_group)
        _warn(left_out)
        target = record_path(folder, doc)
        write_output(target, evidence_yaml(doc))
        sys.stderr.write(
            f"Recorded {target.as_posix()}: aggregates of {doc.respondents} respondents, "
            f"{len(doc.results)} goal(s); rules read them as method.evidence.*\n"
        )
    where = write_output(output, text)
    if where != "<stdout>":
        sys.stderr.write(f"Wrote {where}\n")
    return 0
