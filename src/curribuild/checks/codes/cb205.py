"""CB205 unknown-method: A reference names a method that does not exist.

## What it finds

A method id in a rule's `require:`, an `add_session` method or a rule test that the
catalogue does not define.

## Why it matters

A rule that requires an unknown method excludes every candidate: the goal can
never be planned.

## Example

    then: {require: [role-plays]}

## Instead

    then: {require: [role-play]}
"""

from __future__ import annotations

from collections.abc import Iterator

from curribuild.checks.context import LintContext
from curribuild.curriculum import Loc, Origin
from curribuild.findings import Finding, Severity
from curribuild.suggest import hinted

CODE = "CB205"
NAME = "unknown-method"
SUMMARY = "A reference names a method that does not exist."
DEFAULT_SEVERITY = Severity.ERROR
SCOPE = "curriculum"


def check(ctx: LintContext) -> Iterator[Finding]:
    """Each method the curriculum's own rules require or add a session of that the
    catalogue does not have."""
    cur = ctx.cur
    for rule in cur.rules.values():
        origin = cur.origin("rule", rule.id)
        if origin is None or not ctx.own(origin):
            continue
        for index, method_id in enumerate(rule.then.require or []):
            if method_id not in cur.methods:
                yield _unknown(ctx, rule.id, method_id, origin, ("then", "require", index))
        session = rule.then.add_session
        if session is not None and session.method and session.method not in cur.methods:
            yield _unknown(ctx, rule.id, session.method, origin, ("then", "add_session", "method"))


def _unknown(ctx: LintContext, rule_id: str, method_id: str, origin: Origin, sub: Loc) -> Finding:
    return ctx.locator.finding(
        CODE,
        hinted(f"rule {rule_id!r} names unknown method {method_id!r}", method_id, ctx.cur.methods),
        origin,
        sub,
        fix="use a method id from the catalogue (`curribuild list methods`)",
    )
