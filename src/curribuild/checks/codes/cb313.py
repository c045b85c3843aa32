"""CB313 over-budget: The required goals do not fit in the days available.

## What it finds

Core goals, goals meeting high gaps and their prerequisites need more teaching
time than the days hold, even after every droppable goal was dropped.

## Why it matters

A programme that silently loses required content would not meet the needs it
was planned for.

## Example

    days: 1 with many high-priority gaps

## Instead

    days: 3, longer days, or some gaps lowered to medium
"""

from curribuild.findings import Severity

CODE = "CB313"
NAME = "over-budget"
SUMMARY = "The required goals do not fit in the days available."
DEFAULT_SEVERITY = Severity.ERROR
