"""CB304 learning-type-imbalance: The method catalogue misses some learning types.

## What it finds

A curriculum whose methods do not cover all six of Laurillard's learning types
(acquisition, inquiry, practice, production, discussion, collaboration). In a
plan, imbalance is reported by the curriculum's programme rules (CB310).

## Why it matters

Goals and needs must shape the methods (RAN HEALTH 2022, key point 5); a
catalogue without practice or discussion methods forces every skills or
attitudes goal into lectures.

## Example

    methods: only lecture and e-learning (both acquisition)

## Instead

    add a practice method (role play), a discussion method (case study), ...
"""

from __future__ import annotations

from collections.abc import Iterator

from curribuild.checks.context import LintContext
from curribuild.findings import Finding, Severity
from curribuild.models.common import LEARNING_TYPES

CODE = "CB304"
NAME = "learning-type-imbalance"
SUMMARY = "The method catalogue misses some learning types."
DEFAULT_SEVERITY = Severity.WARNING
SCOPE = "curriculum"


def check(ctx: LintContext) -> Iterator[Finding]:
    found = ctx.uncovered(
        "methods", LEARNING_TYPES, {m.learning_type for m in ctx.cur.methods.values()}
    )
    if found is not None:
        where, missing = found
        yield ctx.locator.finding(
            CODE,
            f"the methods of curriculum {ctx.cur.name!r} cover no {', '.join(missing)} method",
            where,
            ("methods",),
            fix="add methods of the missing learning types",
        )
