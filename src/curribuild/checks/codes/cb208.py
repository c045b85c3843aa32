"""CB208 condition-never-holds: A rule condition compares a fact with a value it can never have.

## What it finds

A leaf condition whose literal value is outside the fact's enumeration
(`goal.domain eq skill` when the domains are knowledge, skills, attitudes), or of
the wrong type (`goal.minutes gt "60"`).

## Why it matters

Such a rule never fires; the pedagogy it was written to enforce silently does
not apply.

## Example

    when: {fact: goal.domain, eq: skill}

## Instead

    when: {fact: goal.domain, eq: skills}
"""

from __future__ import annotations

from collections.abc import Iterator

from curribuild.checks.conditions import conditions, fact_path_problem, literal_problem
from curribuild.checks.context import LintContext
from curribuild.findings import Finding, Severity

CODE = "CB208"
NAME = "condition-never-holds"
SUMMARY = "A rule condition compares a fact with a value it can never have."
DEFAULT_SEVERITY = Severity.ERROR
SCOPE = "curriculum"


def check(ctx: LintContext) -> Iterator[Finding]:
    """Each comparison of a known fact with a literal it can never equal or order."""
    for what, leaf, loc, scope, origin in conditions(ctx):
        impossible = literal_problem(leaf)
        if impossible and not fact_path_problem(leaf.fact, scope):  # else CB204 says it
            op_key = "in" if leaf.op == "in" else leaf.op
            yield ctx.locator.finding(CODE, f"{what}: {impossible}", origin, (*loc, op_key))
