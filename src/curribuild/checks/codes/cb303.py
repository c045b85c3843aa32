"""CB303 no-eligible-method: A goal has no eligible method.

## What it finds

A goal for which every method of the catalogue is excluded by some rule, under
the given needs (plan), or under every delivery mode and experience level
(check). The check also tries each certified tool training the rules name
(`needs.context.certified_training`), so a goal taught only in certified
training is not reported. The finding names the three methods that came
closest (the fewest excluding rules, then the highest score) with the rules that
excluded each, then how many more there are: `curribuild explain` lists them all.

## Why it matters

A goal nobody can teach is silently missing from the programme; the learning
goals and the practitioners' needs must shape the methods (RAN HEALTH 2022, key
point 5), so a goal must have at least one method that fits it.

## Example

    a skills goal at Bloom level `create` when no method reaches `create`

## Instead

    add a method whose Bloom range and domains cover the goal, or restate the goal
"""

from collections.abc import Iterator
from typing import Any

from curribuild.checks.context import GoalCheck, LintContext
from curribuild.curriculum import Origin
from curribuild.findings import Finding, Severity
from curribuild.models.common import DELIVERY_MODES, EXPERIENCE_LEVELS
from curribuild.models.goals import Goal

CODE = "CB303"
NAME = "no-eligible-method"
SUMMARY = "A goal has no eligible method."
DEFAULT_SEVERITY = Severity.WARNING
SCOPE = "goal"


def prepare(ctx: LintContext) -> GoalCheck:
    from curribuild.engine.match import Matcher
    from curribuild.models.needs import Needs

    matcher = Matcher(ctx.cur.rules.values(), list(ctx.cur.methods.values()))
    contexts: list[dict[str, Any]] = [{}]
    contexts += [
        {"certified_training": tool, "licensed_trainer": True} for tool in _certified_tools(ctx)
    ]
    prepared = [
        matcher.prepare(
            Needs.model_validate(
                {
                    "kind": "needs",
                    "id": "lint",
                    "title": "lint",
                    "audience": {"experience": experience},
                    "constraints": {"delivery": mode},
                    "context": context,
                }
            )
        )
        for mode in DELIVERY_MODES
        for experience in EXPERIENCE_LEVELS
        for context in contexts
    ]

    def check(goal: Goal, origin: Origin) -> Iterator[Finding]:
        if any(p.eligible(goal) for p in prepared):
            return
        reason = prepared[0].decide(goal).reason.removeprefix("no eligible method: ")
        yield ctx.locator.finding(
            CODE,
            f"goal {goal.id!r} has no eligible method under any delivery mode: {reason}",
            origin,
            ("id",),
            fix="add a method that fits the goal's domain and Bloom level, or restate the goal",
        )

    return check


def _certified_tools(ctx: LintContext) -> list[str]:
    """The tools whose certified training a rule names, in a stable order."""
    import re

    from curribuild.engine.conditions import named_operands
    from curribuild.models.common import SLUG_PATTERN

    named = named_operands(ctx.cur.rules.values(), "needs.context.certified_training")
    tools = {v for v in named if len(v) <= 80 and re.match(SLUG_PATTERN, v)}
    return sorted(tools)
