"""CB804 survey-too-few-responses: Too few responses to aggregate anonymously.

## What it finds

A survey export with fewer responses than the map's `min_responses` (5 unless
the map says otherwise).

## Why it matters

Counts and means of a handful of colleagues can tell who answered what. Only
aggregates of a group large enough to hide each answer go into a needs file.

## Example

    3 responses, min_responses: 5

## Instead

    collect more responses, or write the needs file by hand with the group
"""

from curribuild.findings import Severity

CODE = "CB804"
NAME = "survey-too-few-responses"
SUMMARY = "Too few responses to aggregate anonymously."
DEFAULT_SEVERITY = Severity.ERROR
