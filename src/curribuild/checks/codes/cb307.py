"""CB307 no-evaluation: A goal has no evaluation.

## What it finds

A scheduled goal without an `evaluation:` while the curriculum sets no default
for its domain in `planning.evaluation_defaults`.

## Why it matters

Constructive alignment: each goal is checked by an assessment. Without one the
programme cannot show that it worked.

## Example

    a goal without `evaluation:` and no default for `skills`

## Instead

    planning:
      evaluation_defaults:
        skills: {level: behaviour, instrument: observed practice with a checklist}
"""

from collections.abc import Iterator

from curribuild.checks.context import GoalCheck, LintContext
from curribuild.curriculum import Origin
from curribuild.findings import Finding, Severity
from curribuild.models.goals import Goal

CODE = "CB307"
NAME = "no-evaluation"
SUMMARY = "A goal has no evaluation."
DEFAULT_SEVERITY = Severity.WARNING
SCOPE = "goal"


def prepare(ctx: LintContext) -> GoalCheck:
    defaults = ctx.cur.config.planning.evaluation_defaults

    def check(goal: Goal, origin: Origin) -> Iterator[Finding]:
        if goal.evaluation is None and goal.domain not in defaults:
            yield ctx.locator.finding(
                CODE,
                f"goal {goal.id!r} has no evaluation and the curriculum sets no default for "
                f"the {goal.domain} domain",
                origin,
                ("id",),
                fix="add `evaluation: {level: ..., instrument: ...}` or a "
                "planning.evaluation_defaults entry",
            )

    return check
