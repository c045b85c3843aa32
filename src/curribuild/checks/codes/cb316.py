"""CB316 source-as-text: A rule's source is plain text, read as a design decision.

## What it finds

A rule whose `source` is a string, the form used before sources had a
structure. It still loads, and it is read as `kind: design` with the text as
its reason, so rationales call it a design decision of the curriculum.

## Why it matters

Plain text cannot say whether a rule rests on the RAN HEALTH 2022 paper, on
published work, on established practice or on the curriculum's own judgement,
so rationales cannot tell a coordinator either. Say which it is.

## Example

    source: "Constructive alignment (Biggs); RAN HEALTH 2022, key point 5"

## Instead

    source:
      kind: literature
      ref: "Biggs and Tang, Teaching for Quality Learning at University (4th ed., 2011)"
      says: the teaching activity enacts the verb of the intended learning outcome
"""

from __future__ import annotations

from collections.abc import Iterator

from curribuild.checks.context import LintContext
from curribuild.findings import Finding, Severity

CODE = "CB316"
NAME = "source-as-text"
SUMMARY = "A rule's source is plain text, read as a design decision."
DEFAULT_SEVERITY = Severity.WARNING
SCOPE = "curriculum"


def check(ctx: LintContext) -> Iterator[Finding]:
    for rule_id, rule in ctx.cur.rules.items():
        if not isinstance(rule.source_field, str):
            continue
        origin = ctx.cur.origin("rule", rule_id)
        if origin is None or not ctx.own(origin):
            continue
        yield ctx.locator.finding(
            CODE,
            f"the source of rule {rule_id!r} is plain text; it is read as "
            "`kind: design` (a design decision of this curriculum)",
            origin,
            ("source",),
            fix=(
                "write it as `source: {kind: ..., ...}`: paper (key_point, says), "
                "literature or practice (ref), or design (reason)"
            ),
            rule=rule_id,
        )
