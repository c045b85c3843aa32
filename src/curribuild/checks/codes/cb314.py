"""CB314 start-date-moved: The programme starts later than the needs' start date.

## What it finds

A `start_date` on a Saturday or Sunday while `weekends` is false: the first
teaching day is the following Monday. The plan's dates and header follow the
real first day, and this finding says so.

## Why it matters

Invitations and room bookings go out for the date in the plan. A start that
moves silently would leave participants at a closed door.

## Example

    start_date: 2027-03-13   # a Saturday

## Instead

    start_date: 2027-03-15   # the Monday, or set `weekends: true`
"""

from curribuild.findings import Severity

CODE = "CB314"
NAME = "start-date-moved"
SUMMARY = "The programme starts later than the needs' start date."
DEFAULT_SEVERITY = Severity.WARNING
