"""CB501 sensitive-without-debrief: Distressing material is taught without a debrief.

## What it finds

In a curriculum: goals marked `sensitive: true` while no programme rule adds a
debrief session. In a plan: a sensitive session that no debrief follows.

## Why it matters

Practitioners in this field face extremely violent clients, exposure to radical
beliefs and cumulative psychological harm ("caring for our caregivers", RAN).
Programmes that use distressing case material need debriefs and self-care.

## Example

    - id: attack-case-analysis
      sensitive: true        # and no rule adds a debrief

## Instead

    - id: debrief-after-sensitive-material
      scope: programme
      when: {fact: programme.any_sensitive, eq: true}
      then:
        add_session: {session: debrief, title: Debrief and self-care, minutes: 20}
"""

from __future__ import annotations

from collections.abc import Iterator

from curribuild.checks.context import GoalCheck, LintContext
from curribuild.checks.lintdata import safety
from curribuild.curriculum import Origin
from curribuild.findings import Finding, Severity
from curribuild.models.goals import Goal

CODE = "CB501"
NAME = "sensitive-without-debrief"
SUMMARY = "Distressing material is taught without a debrief."
DEFAULT_SEVERITY = Severity.WARNING
SCOPE = "goal"


def has_session_rule(ctx: LintContext, session: str) -> bool:
    return any(
        rule.then.add_session is not None and rule.then.add_session.session == session
        for rule in ctx.cur.rules.values()
    )


def prepare(ctx: LintContext) -> GoalCheck | None:
    if has_session_rule(ctx, safety().debrief_session):
        return None

    def check(goal: Goal, origin: Origin) -> Iterator[Finding]:
        if goal.sensitive:
            yield ctx.locator.finding(
                CODE,
                f"goal {goal.id!r} uses sensitive material but no programme rule adds a "
                f"{safety().debrief_session} session",
                origin,
                ("sensitive",),
                fix="add a programme rule with add_session: {session: debrief, ...}",
            )

    return check
