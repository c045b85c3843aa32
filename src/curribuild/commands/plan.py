"""``curribuild plan``: needs + curriculum -> plan.json and a short summary."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from curribuild import api
from curribuild.atomic import write_output
from curribuild.checks.codes import cb308
from curribuild.curriculum import display_path
from curribuild.output import console_for, neutral
from curribuild.planner.model import Plan

DEFAULT_OUTPUT = Path("build") / "plan.json"
SUMMARY_DAYS = 14  # a summary, not the agenda: `curribuild render` prints every day


def run(needs_path: Path, output: str | None, curriculum: Path | None, color: bool) -> int:
    plan = api.plan(needs_path, curriculum).plan
    target = output or DEFAULT_OUTPUT.as_posix()
    where = write_output(target, plan.to_json())
    stream = sys.stderr if target == "-" else sys.stdout
    print_summary(plan, where, console_for(stream, color), display_path(needs_path))
    return 1 if any(f.severity == "error" for f in plan.findings) else 0


MAX_LISTED = 10  # dropped goals and findings listed in the summary; plan.json has all


def _t(text: str, style: str = "") -> Text:
    """Data from YAML, made inert for the terminal and CI logs."""
    return Text(neutral(text, multiline=False), style=style)


def print_summary(plan: Plan, where: str, console: Console, needs: str = "NEEDS") -> None:
    """The plan in a few lines. Each dropped goal is listed once (its CB308 finding is
    not repeated), and dropped goals and findings are capped at MAX_LISTED each."""
    t = plan.totals
    console.print(
        _t(plan.needs.title, "bold")
        + Text(
            f"  ({plan.needs.delivery}, {plan.needs.participants} participants, "
            f"curriculum {plan.curriculum.name})"
        )
    )
    table = Table("day", "date", "sessions", "teaching", "first", "last", box=None, pad_edge=False)
    shown = plan.days if len(plan.days) <= SUMMARY_DAYS else plan.days[: SUMMARY_DAYS - 1]
    for day in shown:
        teaching = [s for s in day.sessions if s.kind == "teaching"]
        table.add_row(
            str(day.day),
            day.date or "-",
            str(len(teaching)),
            f"{sum(s.minutes for s in teaching)} min",
            day.sessions[0].start if day.sessions else "-",
            day.sessions[-1].end if day.sessions else "-",
        )
    if len(shown) < len(plan.days):
        table.add_row("…", f"{len(plan.days) - len(shown)} more days", "", "", "", "")
    console.print(table)
    console.print(
        f"{t.goals_scheduled} goals scheduled in {t.sessions} sessions, "
        f"{t.teaching_minutes} minutes of teaching over {t.days} day(s)."
    )
    if plan.pre_work:
        count = len(plan.pre_work)
        console.print(
            f"Pre-work before day 1: {count} self-paced module{'s' if count != 1 else ''}, "
            f"{t.pre_work_minutes} minutes (of {plan.needs.pre_work_minutes} set aside), "
            "outside the contact time."
        )
    solver = plan.solver
    proof = (
        "proven optimal"
        if solver.status == "optimal"
        else f"best found within the limit (bound {solver.bound}, objective {solver.objective})"
    )
    console.print(Text(f"Plan: {proof} ({solver.name} {solver.version}).", style="dim"))
    for f in plan.follow_up:
        when = f.date or f"{f.weeks_after} weeks after the last day"
        console.print(_t(f"Follow-up: {f.title} ({f.minutes} min, {when})"))
    full = "the plan JSON" if where == "<stdout>" else where
    dropped = plan.goals.dropped
    if dropped:
        console.print(Text(f"Not in the plan ({len(dropped)}):", style="yellow"))
        for d in dropped[:MAX_LISTED]:
            console.print(_t(f"  {d.id}: {d.reason}", "yellow"))
        if len(dropped) > MAX_LISTED:
            console.print(
                _t(
                    f"  and {len(dropped) - MAX_LISTED} more: see {full} (goals.dropped) "
                    f"or `curribuild explain {needs} --goal ID`",
                    "yellow",
                )
            )
    findings = [f for f in plan.findings if f.code != cb308.CODE]  # listed above
    for finding in findings[:MAX_LISTED]:
        style = "red" if finding.severity == "error" else "yellow"
        rule = f" [{finding.rule}]" if finding.rule else ""
        console.print(_t(f"{finding.severity} {finding.code}{rule}: {finding.message}", style))
    if len(findings) > MAX_LISTED:
        console.print(_t(f"and {len(findings) - MAX_LISTED} more findings: see {full} (findings)"))
    console.print(Text(f"Plan written to {where}", style="green"))
