"""CB308 goal-dropped: A selected goal was left out of the plan.

## What it finds

A goal the needs called for that the plan dropped: over the time budget (low
gaps first, then medium gaps, then optional goals), or because a prerequisite
was dropped or could not be matched.

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
