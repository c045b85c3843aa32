"""``curribuild explain``: for each goal, every candidate method, what the plan did with
it, and why: the method the plan gave it (or why it is not in the plan)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from curribuild.curriculum import Curriculum
from curribuild.engine.evidence import EvidenceFacts
from curribuild.engine.match import Decision, Matcher
from curribuild.errors import InfeasiblePlan, UsageError
from curribuild.inputs import load_for_needs
from curribuild.output import console_for, neutral, print_error
from curribuild.planner.model import Plan
from curribuild.suggest import did_you_mean


@dataclass(slots=True)
class Entry:
    decision: Decision
    chosen: str | None  # the method the plan gave the goal
    status: str  # scheduled | dropped | not-requested | no-plan
    why: str  # why in the plan / why not
    method_reason: str
    tie: bool
    evidence: list[str] = field(default_factory=list)  # the evidence behind fired rules


def _evidence_rules(cur: Curriculum) -> set[str]:
    """The rules whose conditions read recorded evidence (``method.evidence.*``)."""
    return {rid for rid, rule in cur.rules.items() if "method.evidence." in rule.model_dump_json()}


def _evidence_lines(
    decision: Decision,
    domain: str,
    rules: set[str],
    index: dict[tuple[str, str], EvidenceFacts],
) -> list[str]:
    """Per candidate an evidence rule fired for, the pooled evidence it read."""
    out = []
    for cand in decision.candidates:
        fired = sorted({f.rule for f in cand.fired if f.rule in rules})
        facts = index.get((cand.method, domain))
        if not fired or facts is None:
            continue
        gain = "no gain recorded" if facts.gain is None else f"gain {facts.gain:.0%} of the scale"
        reaction = (
            ""
            if facts.reaction is None
            else f", reaction {facts.reaction:.0%} (n={facts.reaction_n})"
        )
        out.append(
            f"{cand.method} for {domain} goals: {gain} (n={facts.n}){reaction}, from "
            f"{', '.join(facts.records)} (similar groups: same experience, a shared "
            f"profession); read by {', '.join(fired)}"
        )
    return out


def entries(
    needs_path: Path, goal_id: str | None, curriculum: Path | None
) -> tuple[Curriculum, list[Entry], InfeasiblePlan | None]:
    from curribuild.planner.build import build_plan

    needs_file, cur = load_for_needs(needs_path, curriculum)
    needs = needs_file.needs
    if goal_id is not None and goal_id not in cur.goals:
        hint = did_you_mean(goal_id, cur.goals)
        raise UsageError(f"unknown goal {goal_id!r}" + (f"; {hint}" if hint else ""))
    prepared = Matcher(cur.rules.values(), list(cur.methods.values()), cur.evidence).prepare(needs)
    plan: Plan | None = None
    failure: InfeasiblePlan | None = None
    try:
        plan = build_plan(needs, cur)
    except InfeasiblePlan as exc:
        failure = exc
    scheduled = {g.id: g for g in plan.goals.scheduled} if plan else {}
    dropped = {g.id: g for g in plan.goals.dropped} if plan else {}
    if goal_id is not None:
        ids = [goal_id]
    elif plan is not None:
        ids = [*scheduled, *dropped]
    else:
        from curribuild.planner.select import select_goals

        ids = [s.goal.id for s in select_goals(cur.goals, needs) if s.requested]
    index = prepared.env.get("_evidence", {})
    rules = _evidence_rules(cur) if index else set()
    out = []
    for gid in ids:
        decision = prepared.decide(cur.goals[gid])
        if gid in scheduled:
            g = scheduled[gid]
            out.append(Entry(decision, g.method, "scheduled", g.why, g.reason, g.tie))
        elif gid in dropped:
            out.append(Entry(decision, None, "dropped", dropped[gid].reason, "", False))
        elif plan is None:
            out.append(Entry(decision, None, "no-plan", "no plan meets the request", "", False))
        else:
            out.append(
                Entry(
                    decision, None, "not-requested", "the request does not call for it", "", False
                )
            )
        if rules:
            out[-1].evidence = _evidence_lines(decision, cur.goals[gid].domain, rules, index)
    return cur, out, failure


def as_data(found: list[Entry]) -> list[dict[str, Any]]:
    return [
        {
            "goal": e.decision.goal,
            "status": e.status,
            "why": e.why,
            "method": e.chosen,
            "method_reason": e.method_reason,
            "tie": e.tie,
            "evidence": e.evidence,
            "winner": e.decision.winner,
            "reason": e.decision.reason,
            "required": e.decision.required,
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
                for c in e.decision.candidates
            ],
        }
        for e in found
    ]


_STATUS = {
    "scheduled": "In the plan",
    "dropped": "Not in the plan",
    "not-requested": "Not in the plan",
    "no-plan": "No plan",
}


def run(
    needs_path: Path, goal_id: str | None, curriculum: Path | None, fmt: str, color: bool
) -> int:
    cur, found, failure = entries(needs_path, goal_id, curriculum)
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
