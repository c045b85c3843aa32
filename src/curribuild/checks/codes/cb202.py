"""CB202 prerequisite-cycle: Goals require each other in a cycle.

## What it finds

A chain of `requires:` that leads back to where it started. The finding prints
the cycle.

## Why it matters

No order of sessions can satisfy a cycle; planning would have to break it at random.

## Example

    a requires b, b requires a

## Instead

    decide which goal comes first and remove the other edge
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from curribuild.checks.context import LintContext
from curribuild.findings import Finding, Severity
from curribuild.graph import find_cycles

CODE = "CB202"
NAME = "prerequisite-cycle"
SUMMARY = "Goals require each other in a cycle."
DEFAULT_SEVERITY = Severity.ERROR
SCOPE = "curriculum"


def message(cycle: Sequence[str]) -> str:
    """The finding's message: the cycle, ``a -> b -> a``."""
    return "prerequisite cycle: " + " -> ".join(cycle)


def fix(cycle: Sequence[str], at: int = 0) -> str:
    """What to do, at the cycle's goal number ``at`` (``check`` and ``plan`` say it alike)."""
    return f"remove one prerequisite of the cycle, e.g. {cycle[at + 1]!r} from {cycle[at]!r}"


def check(ctx: LintContext) -> Iterator[Finding]:
    """Each prerequisite cycle through the curriculum's own goals, reported once, at its
    first own goal (a prerequisite that is no goal ends no cycle)."""
    goals = ctx.goals()
    full = goals.graph()
    for cycle in find_cycles(full):
        for at, gid in enumerate(cycle[:-1]):
            if goals.own(gid):
                origin = goals.origin(gid)
                assert origin is not None
                yield ctx.locator.finding(
                    CODE,
                    message(cycle),
                    origin,
                    ("requires", full[gid].index(cycle[at + 1])),
                    fix=fix(cycle, at),
                )
                break
