"""CB007 too-deep: Nesting is deeper than the depth limit.

## What it finds

Mappings and lists nested more than `limits.max_depth` levels (64 by default).

## Why it matters

Deeply nested input can crash YAML parsers; curribuild stops reading long before
that. Real documents need fewer than ten levels.

## Example

    a: [[[[[[ ... 100,000 levels ... ]]]]]]

## Instead

    a: [1, 2, 3]
"""

from curribuild.findings import Severity

CODE = "CB007"
NAME = "too-deep"
SUMMARY = "Nesting is deeper than the depth limit."
DEFAULT_SEVERITY = Severity.ERROR
