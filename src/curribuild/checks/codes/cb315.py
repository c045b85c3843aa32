"""CB315 goal-shortened: A goal is taught in less than its default length.

## What it finds

A goal with a length range (`minutes: {min: 30, default: 60}`) that the
planner taught shorter than its default, because the request could not be met
otherwise (a half-day session, an online day cap). Shortening is the planner's
last resort: it costs more than leaving out a goal of a high-priority gap.

## Why it matters

The trainer must know that the session is the short format, and prepare the
shorter version the goal's author had in mind.

## Example

    days: 1, delivery: online, day_start: "09:00", day_end: "12:30"

## Instead

    accept the short format, or plan more time
"""

from curribuild.findings import Severity

CODE = "CB315"
NAME = "goal-shortened"
SUMMARY = "A goal is taught in less than its default length."
DEFAULT_SEVERITY = Severity.WARNING
