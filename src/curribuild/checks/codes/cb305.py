"""CB305 missing-perspective: The curriculum's goals miss a perspective.

## What it finds

A curriculum none of whose goals takes one of the three perspectives: clinical,
forensic, counter-terrorism. In a plan, a missing perspective is reported by
the curriculum's programme rules (CB310).

## Why it matters

Training must be holistic: practitioners need to understand mental health
clinically, forensically and in the counter-terrorism field (RAN HEALTH 2022,
key point 3).

## Example

    every goal has perspectives: [clinical]

## Instead

    goals with [forensic] and [counter-terrorism] perspectives too
"""

from __future__ import annotations

from collections.abc import Iterator

from curribuild.checks.context import LintContext
from curribuild.findings import Finding, Severity
from curribuild.models.common import PERSPECTIVES

CODE = "CB305"
NAME = "missing-perspective"
SUMMARY = "The curriculum's goals miss a perspective."
DEFAULT_SEVERITY = Severity.WARNING
SCOPE = "curriculum"


def check(ctx: LintContext) -> Iterator[Finding]:
    found = ctx.uncovered("goals", PERSPECTIVES, ctx.goals().perspectives)
    if found is not None:
        where, missing = found
        yield ctx.locator.finding(
            CODE,
            f"no goal of curriculum {ctx.cur.name!r} takes the {', '.join(missing)} perspective",
            where,
            ("goals",),
            fix="add goals with the missing perspectives, or say in the config why not",
        )
