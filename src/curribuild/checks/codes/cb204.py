"""CB204 unknown-fact-path: A rule condition reads a fact that does not exist.

## What it finds

A `fact:` path that names no field of the goal, method, needs or programme facts,
with the closest valid path as a suggestion.

## Why it matters

A condition on a non-existent fact never holds, so the rule silently never fires.

## Example

    {fact: goal.domian, eq: skills}

## Instead

    {fact: goal.domain, eq: skills}
"""

from __future__ import annotations

from collections.abc import Iterator

from curribuild.checks.conditions import conditions, fact_path_problem
from curribuild.checks.context import LintContext
from curribuild.findings import Finding, Severity
from curribuild.models.rules import FactRef

CODE = "CB204"
NAME = "unknown-fact-path"
SUMMARY = "A rule condition reads a fact that does not exist."
DEFAULT_SEVERITY = Severity.ERROR
SCOPE = "curriculum"


def check(ctx: LintContext) -> Iterator[Finding]:
    """Each fact a condition of the curriculum's own rules and instruments reads that its
    scope does not have (a fact on either side of the comparison)."""
    for what, leaf, loc, scope, origin in conditions(ctx):
        problem = fact_path_problem(leaf.fact, scope)
        if problem:
            yield ctx.locator.finding(CODE, f"{what}: {problem}", origin, (*loc, "fact"))
        if isinstance(leaf.operand, FactRef):
            problem = fact_path_problem(leaf.operand.fact, scope)
            if problem:
                op_key = "in" if leaf.op == "in" else leaf.op
                yield ctx.locator.finding(
                    CODE, f"{what}: {problem}", origin, (*loc, op_key, "fact")
                )
