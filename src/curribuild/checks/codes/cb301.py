"""CB301 non-observable-verb: A goal statement starts with a verb nobody can observe.

## What it finds

A goal `statement` that starts with "know", "understand", "be aware of",
"appreciate", "learn" or another verb from the `not_observable` list in
`curribuild/data/verbs.yaml`. A leading "Participants will" or "be able to" is
skipped.

## Why it matters

A learning goal is stated with an observable verb so that the method can enact
it and the evaluation can check it (constructive alignment). Nobody can see
whether a participant "understands"; everyone can see whether they "explain".

## Example

    statement: Understand the link between mental health and extremism.

## Instead

    statement: Explain why a mental disorder is neither necessary nor sufficient for violent extremism.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from curribuild.checks.context import GoalCheck, LintContext
from curribuild.checks.lintdata import verbs
from curribuild.curriculum import Origin
from curribuild.findings import Finding, Severity
from curribuild.models.goals import Goal

CODE = "CB301"
NAME = "non-observable-verb"
SUMMARY = "A goal statement starts with a verb nobody can observe."
DEFAULT_SEVERITY = Severity.WARNING
SCOPE = "goal"

_PREFIX = re.compile(
    r"^\s*(?:(?:participants|learners|trainees|they)\s+(?:will|can|should)\s+)?"
    r"(?:be\s+able\s+to\s+)?(?:to\s+)?",
    re.IGNORECASE,
)


def opening(statement: str) -> str:
    """The statement from its verb on, lower-cased, without a leading "participants will"."""
    return _PREFIX.sub("", statement, count=1).strip().lower()


def prepare(ctx: LintContext) -> GoalCheck:
    phrases = sorted(verbs().not_observable, key=len, reverse=True)
    pattern = re.compile("(" + "|".join(re.escape(p) for p in phrases) + r")\b")

    def check(goal: Goal, origin: Origin) -> Iterator[Finding]:
        match = pattern.match(opening(goal.statement))
        if match is None:
            return
        yield ctx.locator.finding(
            CODE,
            f"goal {goal.id!r}: {match.group(1)!r} is not observable",
            origin,
            ("statement",),
            fix="start with an observable verb that fits the Bloom level "
            "(e.g. explain, apply, assess)",
        )

    return check
