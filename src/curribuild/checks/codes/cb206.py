"""CB206 gap-topic-untaught: A needs gap names a topic no goal teaches.

## What it finds

A `gaps:` entry in a needs file whose topic no goal of the curriculum lists in
`topics:`.

## Why it matters

The gap from the needs assessment would go unmet without anyone noticing.

## Example

    gaps: [{topic: trust-buidling, priority: high}]

## Instead

    gaps: [{topic: trust-building, priority: high}]
"""

from __future__ import annotations

from collections.abc import Iterator

from curribuild.checks.index import GoalIndex
from curribuild.curriculum import Curriculum, Origin
from curribuild.findings import Finding, Severity
from curribuild.models.needs import Needs
from curribuild.suggest import hinted

CODE = "CB206"
NAME = "gap-topic-untaught"
SUMMARY = "A needs gap names a topic no goal teaches."
DEFAULT_SEVERITY = Severity.ERROR
SCOPE = "needs"  # a needs document, read against the curriculum it names


def check(
    needs: Needs, cur: Curriculum, origin: Origin, goals: GoalIndex | None = None
) -> Iterator[Finding]:
    """Each gap topic of a needs document that no goal of its curriculum teaches."""
    taught = (goals if goals is not None else GoalIndex.of(cur)).topics
    for index, gap in enumerate(needs.gaps):
        if gap.topic in taught:
            continue
        yield cur.locator.finding(
            CODE,
            hinted(
                f"gap topic {gap.topic!r} is taught by no goal of curriculum {cur.name!r}",
                gap.topic,
                taught,
            ),
            origin,
            ("gaps", index, "topic"),
            fix="use a topic the curriculum teaches, or add a goal for it",
        )
