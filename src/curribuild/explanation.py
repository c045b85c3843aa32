"""Why each goal got its method, or is not in the plan: every candidate method with the
rules that fired for it, what the plan did with the goal, and the evidence read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curribuild.curriculum import Curriculum
from curribuild.engine.evidence import EvidenceFacts
from curribuild.engine.match import Decision, Matcher
from curribuild.errors import InfeasiblePlan, UsageError
from curribuild.inputs import load_for_needs
from curribuild.planner.model import Plan
from curribuild.suggest import hinted


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
        raise UsageError(hinted(f"unknown goal {goal_id!r}", goal_id, cur.goals))
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
