"""CB302 verb-bloom-mismatch: A goal's verb does not fit its declared Bloom level.

## What it finds

A goal whose statement starts with a verb listed for other Bloom levels but not
for the goal's `bloom:` (verb lists per level in `curribuild/data/verbs.yaml`).
Verbs on no list are not judged.

## Why it matters

The Bloom level decides which methods can carry the goal (a lecture does not
reach "evaluate"). A statement that says "list" at level `evaluate` gets the
wrong methods and the wrong assessment.

## Example

    statement: List the warning behaviours of TRAP-18.
    bloom: evaluate

## Instead

    statement: List the warning behaviours of TRAP-18.
    bloom: remember
"""

from __future__ import annotations

from collections.abc import Iterator

from curribuild.checks.codes.cb301 import opening
from curribuild.checks.context import GoalCheck, LintContext
from curribuild.checks.lintdata import verbs
from curribuild.curriculum import Origin
from curribuild.findings import Finding, Severity
from curribuild.models.common import BLOOM_LEVELS
from curribuild.models.goals import Goal

CODE = "CB302"
NAME = "verb-bloom-mismatch"
SUMMARY = "A goal's verb does not fit its declared Bloom level."
DEFAULT_SEVERITY = Severity.WARNING
SCOPE = "goal"


def prepare(ctx: LintContext) -> GoalCheck:
    levels = verbs().levels

    def check(goal: Goal, origin: Origin) -> Iterator[Finding]:
        words = opening(goal.statement).split()
        if not words:
            return
        verb = words[0].strip(".,;:")
        fits = [level for level in BLOOM_LEVELS if verb in levels.get(level, [])]  # type: ignore[call-overload]
        if fits and goal.bloom not in fits:
            yield ctx.locator.finding(
                CODE,
                f"goal {goal.id!r}: {verb!r} fits Bloom level {' or '.join(fits)}, "
                f"not {goal.bloom}",
                origin,
                ("bloom",),
                fix=f"set bloom to {fits[0]}, or restate the goal with a {goal.bloom}-level verb",
            )

    return check
