"""CB312 day-too-short: A session does not fit in any day.

## What it finds

A session (with its debrief) longer than a whole teaching day as the needs define it.

## Why it matters

Sessions never split across days; such a plan cannot be built.

## Example

    day_start: "09:00"
    day_end: "10:00"   # and a 90-minute goal

## Instead

    day_start: "09:00"
    day_end: "17:00"
"""

from curribuild.findings import Severity

CODE = "CB312"
NAME = "day-too-short"
SUMMARY = "A session does not fit in any day."
DEFAULT_SEVERITY = Severity.ERROR
