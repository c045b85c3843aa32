"""CB209 unknown-rule: A reference names a rule that does not exist.

## What it finds

A rule id in a config's `disable_rules:` that no rule defines.

## Why it matters

Disabling a misspelt rule disables nothing.

## Example

    disable_rules: [fit-group-too-larg]

## Instead

    disable_rules: [fit-group-too-large]
"""

from __future__ import annotations

from collections.abc import Iterator

from curribuild.checks.context import LintContext
from curribuild.findings import Finding, Severity
from curribuild.suggest import hinted

CODE = "CB209"
NAME = "unknown-rule"
SUMMARY = "A reference names a rule that does not exist."
DEFAULT_SEVERITY = Severity.ERROR
SCOPE = "curriculum"


def check(ctx: LintContext) -> Iterator[Finding]:
    """Each rule the curriculum's own ``disable_rules`` names that no layer defines."""
    cur = ctx.cur
    origin = cur.config_origin
    if origin is None or not ctx.own(origin):
        return
    known = set(cur.known_rules)
    for index, rule_id in enumerate(cur.config.disable_rules):
        if rule_id not in known:
            yield ctx.locator.finding(
                CODE,
                hinted(f"disable_rules names unknown rule {rule_id!r}", rule_id, known),
                origin,
                ("disable_rules", index),
            )
