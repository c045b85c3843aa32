"""CB201 unknown-goal: A reference names a goal that does not exist.

## What it finds

A goal id in `requires:` (or elsewhere) that no goal in the curriculum, or in the
curriculum it extends, defines.

## Why it matters

An unknown prerequisite cannot be scheduled, so the dependant would be taught
without its basis.

## Example

    requires: [trust-basic]

## Instead

    requires: [trust-basics]
"""

from __future__ import annotations

from collections.abc import Iterator

from curribuild.checks.context import LintContext
from curribuild.findings import Finding, Severity
from curribuild.suggest import did_you_mean

CODE = "CB201"
NAME = "unknown-goal"
SUMMARY = "A reference names a goal that does not exist."
DEFAULT_SEVERITY = Severity.ERROR
SCOPE = "curriculum"


def check(ctx: LintContext) -> Iterator[Finding]:
    """Each prerequisite of the curriculum's own goals that names no goal."""
    goals = ctx.goals()
    known = goals.graph()
    for gid, requires in known.items():
        if not goals.own(gid):
            continue
        origin = goals.origin(gid)
        assert origin is not None
        for index, req in enumerate(requires):
            if req in known:
                continue
            hint = did_you_mean(req, known)
            yield ctx.locator.finding(
                CODE,
                f"goal {gid!r} requires unknown goal {req!r}" + (f"; {hint}" if hint else ""),
                origin,
                ("requires", index),
                fix=f"use an existing goal id{' (' + hint + ')' if hint else ''}",
            )
