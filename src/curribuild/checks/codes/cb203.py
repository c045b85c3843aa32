"""CB203 duplicate-id: Two items of the same kind share an id.

## What it finds

Two goals, methods, rules or rule-test cases with the same id within one
curriculum (across all its files).

## Why it matters

Ids are how goals, rules and needs refer to each other; a duplicate makes every
reference ambiguous.

## Example

    two files both define goal `trust-basics`

## Instead

    rename one of them
"""

from curribuild.findings import Severity

CODE = "CB203"
NAME = "duplicate-id"
SUMMARY = "Two items of the same kind share an id."
DEFAULT_SEVERITY = Severity.ERROR
