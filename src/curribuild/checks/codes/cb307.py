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

from curribuild.checks.context import LintContext
from curribuild.findings import Finding, Severity

CODE = "CB307"
NAME = "no-evaluation"
SUMMARY = "A goal has no evaluation."
DEFAULT_SEVERITY = Severity.WARNING


def check(ctx: LintContext) -> Iterator[Finding]:
    defaults = ctx.cur.config.planning.evaluation_defaults
    for gid, origin in ctx.own_goals():
        goal = ctx.cur.goals[gid]
        if goal.evaluation is None and goal.domain not in defaults:
            yield ctx.locator.finding(
                CODE,
                f"goal {gid!r} has no evaluation and the curriculum sets no default for "
                f"the {goal.domain} domain",
                origin,
                ("id",),
                fix="add `evaluation: {level: ..., instrument: ...}` or a "
                "planning.evaluation_defaults entry",
                severity=DEFAULT_SEVERITY,
            )
