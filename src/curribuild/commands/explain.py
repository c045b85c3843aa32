"""``curribuild explain``: for each goal, every candidate method and why the winner won."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from curribuild.commands.plan import load_for_needs
from curribuild.curriculum import Curriculum
from curribuild.engine.match import Decision, Matcher
from curribuild.errors import UsageError
from curribuild.output import console_for
from curribuild.planner.order import order_goals
from curribuild.planner.select import select_goals
from curribuild.suggest import did_you_mean


def decisions(
    needs_path: Path, goal_id: str | None, curriculum: Path | None
) -> tuple[Curriculum, list[Decision]]:
    needs, cur = load_for_needs(needs_path, curriculum)
    prepared = Matcher(cur.rules.values(), list(cur.methods.values())).prepare(needs)
    if goal_id is not None:
        goal = cur.goals.get(goal_id)
        if goal is None:
            hint = did_you_mean(goal_id, cur.goals)
            raise UsageError(f"unknown goal {goal_id!r}" + (f"; {hint}" if hint else ""))
        return cur, [prepared.decide(goal)]
    goals = [s.goal for s in order_goals(select_goals(cur.goals, needs))]
    return cur, [prepared.decide(g) for g in goals]


def as_data(cur: Curriculum, found: list[Decision]) -> list[dict[str, Any]]:
    return [
        {
            "goal": d.goal,
            "winner": d.winner,
            "reason": d.reason,
            "required": d.required,
            "candidates": [
                {
                    "method": c.method,
                    "score": c.score,
                    "eligible": c.eligible,
                    "excluded_by": c.excluded_by,
                    "fired": [
                        {
                            "rule": f.rule,
                            "effect": f.effect,
                            "description": f.describe(),
                            "source": f.source,
                        }
                        for f in c.fired
                    ],
                }
                for c in d.candidates
            ],
        }
        for d in found
    ]


def run(
    needs_path: Path, goal_id: str | None, curriculum: Path | None, fmt: str, color: bool
) -> int:
    cur, found = decisions(needs_path, goal_id, curriculum)
    if fmt == "json":
        sys.stdout.write(json.dumps(as_data(cur, found), indent=2, sort_keys=True) + "\n")
        return 0
    console = console_for(sys.stdout, color)
    for decision in found:
        goal = cur.goals[decision.goal]
        console.print(Text(f"{goal.id}: {goal.title}", style="bold"))
        table = Table("method", "score", "status", "rules fired", show_lines=False)
        ranked = sorted(
            decision.candidates,
            key=lambda c: (not c.eligible, -c.score, decision.candidates.index(c)),
        )
        for cand in ranked:
            if cand.method == decision.winner:
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
        console.print(Text(f"Why: {decision.reason}.", style="green" if decision.winner else "red"))
        sources = {f.rule: f.source for f in decision.winner_firings() if f.source}
        for rule_id, source in sorted(sources.items()):
            console.print(Text(f"  {rule_id}: {source}", style="dim"))
        console.print()
    return 0
