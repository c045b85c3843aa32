"""CB308 goal-dropped: A selected goal was left out of the plan.

## What it finds

A goal the needs called for that is not in the plan: the days were taken by
goals that count more (required goals, goals of higher-priority gaps), or a
prerequisite is not in the plan or has no eligible method. The message says
what the goal would have cost and which goals it lost to.

## Why it matters

A coordinator must see what the programme does not cover and why, to add a day
or plan a second module.

## Example

    days: 1 for a needs file with many medium gaps

## Instead

    days: 2, or accept the dropped goals
"""

from curribuild.findings import Severity

CODE = "CB308"
NAME = "goal-dropped"
SUMMARY = "A selected goal was left out of the plan."
DEFAULT_SEVERITY = Severity.WARNING
