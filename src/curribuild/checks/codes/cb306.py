"""CB306 no-follow-up: The programme has no follow-up session.

## What it finds

A plan in which no programme rule added a follow-up session.

## Why it matters

A follow-up session after each training is important to evaluate and to hold
intervision on the methods used (RAN HEALTH 2022, key point 6); it is where
behaviour change (Kirkpatrick level 3) is evaluated.

## Example

    a curriculum whose rules have no `add_session: {session: follow-up}`

## Instead

    - id: follow-up-after-training
      scope: programme
      then:
        add_session: {session: follow-up, title: Follow-up and intervision,
                      method: follow-up-session, minutes: 120, weeks_after: 8}
"""

from collections.abc import Iterator

from curribuild.checks.context import LintContext
from curribuild.findings import Finding, Severity

CODE = "CB306"
NAME = "no-follow-up"
SUMMARY = "The programme has no follow-up session."
DEFAULT_SEVERITY = Severity.WARNING
SCOPE = "curriculum"


def check(ctx: LintContext) -> Iterator[Finding]:
    where = ctx.cur.config_origin if ctx.own(ctx.cur.config_origin) else None
    where = where or ctx.first_document("rules")
    if where is None:
        return
    for rule in ctx.cur.rules.values():
        session = rule.then.add_session
        # a series is held only when the needs ask for one: not every training's follow-up
        if session is not None and session.session == "follow-up" and not session.series:
            return
    yield ctx.locator.finding(
        CODE,
        f"curriculum {ctx.cur.name!r} has no programme rule that adds a follow-up session",
        where,
        fix="add a programme-scope rule with add_session: {session: follow-up, ...}",
    )
