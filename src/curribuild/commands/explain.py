"""``curribuild explain``: for each goal, every candidate method, what the plan did with
it, and why: the method the plan gave it (or why it is not in the plan)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rich.table import Table
from rich.text import Text

from curribuild import api
from curribuild.explanation import as_data
from curribuild.output import console_for, neutral, print_error

_STATUS = {
    "scheduled": "In the plan",
    "dropped": "Not in the plan",
    "not-requested": "Not in the plan",
    "no-plan": "No plan",
}


def run(
    needs_path: Path, goal_id: str | None, curriculum: Path | None, fmt: str, color: bool
) -> int:
    explained = api.explain(needs_path, goal_id, curriculum)
    cur, found, failure = explained.curriculum, explained.entries, explained.failure
    if failure is not None:
        print_error(failure.message, failure.findings, color)
    if fmt == "json":
        sys.stdout.write(json.dumps(as_data(found), indent=2, sort_keys=True) + "\n")
        return 1 if failure else 0
    console = console_for(sys.stdout, color)
    for entry in found:
        decision = entry.decision
        goal = cur.goals[decision.goal]
        console.print(Text(neutral(f"{goal.id}: {goal.title}", multiline=False), style="bold"))
        table = Table("method", "score", "status", "rules fired", show_lines=False)
        ranked = sorted(
            decision.candidates,
            key=lambda c: (not c.eligible, -c.score, decision.candidates.index(c)),
        )
        for cand in ranked:
            if cand.method == entry.chosen:
                status = Text("chosen", style="bold green")
            elif cand.eligible:
                status = Text("eligible")
            else:
                status = Text("excluded by " + ", ".join(cand.excluded_by), style="dim")
            fired = "\n".join(
                f"{f.rule} ({f.describe()})" for f in cand.fired if f.effect != "exclude"
            )
            table.add_row(cand.method, str(cand.score), status, fired)
        console.print(table)
        style = "green" if entry.status == "scheduled" else "yellow"
        console.print(Text(f"{_STATUS[entry.status]}: {neutral(entry.why)}.", style=style))
        if entry.method_reason:
            tie = " (a tie: decided by catalogue order alone)" if entry.tie else ""
            console.print(Text(f"Method: {neutral(entry.method_reason)}{tie}.", style=style))
        elif decision.winner is None:
            console.print(Text(f"Method: {neutral(decision.reason)}.", style="red"))
        sources = {
            f.rule: f.source
            for c in decision.candidates
            if c.method == (entry.chosen or decision.winner)
            for f in c.fired
            if f.source
        }
        for rule_id, source in sorted(sources.items()):
            console.print(Text(f"  {rule_id}: {neutral(source)}", style="dim"))
        for line in entry.evidence:
            console.print(Text(f"Evidence: {neutral(line)}.", style="cyan"))
        console.print()
    return 1 if failure else 0
