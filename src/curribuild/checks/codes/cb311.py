"""CB311 rule-error: A rule's `error` effect fired.

## What it finds

A finding raised by a curriculum rule with `then: {error: ...}`.

## Why it matters

Some combinations must not be run at all; the curriculum says so with an error
rule, and the plan fails.

## Example

    a rule forbidding a formers panel for an audience of novices

## Instead

    change the needs or the method
"""

from curribuild.findings import Severity

CODE = "CB311"
NAME = "rule-error"
SUMMARY = "A rule's `error` effect fired."
DEFAULT_SEVERITY = Severity.ERROR
