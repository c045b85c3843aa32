"""CB104 source-kind-missing: A rule does not say what kind of source it rests on.

## What it finds

A rule whose `source` has no `kind`: `paper` (the RAN
HEALTH 2022 paper, with the key point or section and what it says there),
`literature` or `practice` (with a public reference in `ref`), or `design`
(this curriculum's own decision, with a one-line `reason`).

## Why it matters

Every method choice in a plan is explained by the rules that made it, and the
explanation names each rule's source. A coordinator has to be able to tell a
manager whether a choice rests on the paper, on published work, on established
practice or on the curriculum's own judgement; a number the paper does not
state must not look as if it came from the paper.

## Example

    - id: large-group-disfavours-role-play
      description: Role play works in small groups, where everyone gets feedback.
      source: {ref: "RAN HEALTH 2022, key point 5"}

## Instead

    - id: large-group-disfavours-role-play
      description: Role play works in small groups, where everyone gets feedback.
      source:
        kind: design
        reason: 16 is this curriculum's limit for one facilitator giving individual feedback
"""

from __future__ import annotations

from collections.abc import Iterator

from curribuild.checks.context import LintContext
from curribuild.findings import Finding, Severity

CODE = "CB104"
NAME = "source-kind-missing"
SUMMARY = "A rule does not say what kind of source it rests on."
DEFAULT_SEVERITY = Severity.ERROR
SCOPE = "curriculum"

FIX = (
    "add `source: {kind: paper|literature|practice|design, ...}`: a paper source with "
    "`key_point` and `says`, literature or practice with `ref`, design with `reason`"
)


def check(ctx: LintContext) -> Iterator[Finding]:
    for rule_id, rule in ctx.cur.rules.items():
        cited = rule.source_field
        if cited is None or isinstance(cited, str) or cited.kind is not None:
            continue
        origin = ctx.cur.origin("rule", rule_id)
        if origin is not None and ctx.own(origin):
            yield ctx.locator.finding(
                CODE,
                f"the source of rule {rule_id!r} has no `kind`",
                origin,
                ("source",),
                fix=FIX,
                rule=rule_id,
            )
