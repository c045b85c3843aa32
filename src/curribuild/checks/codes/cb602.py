"""CB602 rule-test-invalid-facts: A rule-test case gives facts that are not valid.

## What it finds

A case's `given.goal`, `given.needs` or `given.programme` that, merged with the
neutral defaults, is not a valid goal, needs or programme.

## Why it matters

A case built on impossible facts tests nothing a real plan could meet.

## Example

    given: {goal: {bloom: expert}}

## Instead

    given: {goal: {bloom: evaluate}}
"""

from curribuild.findings import Severity

CODE = "CB602"
NAME = "rule-test-invalid-facts"
SUMMARY = "A rule-test case gives facts that are not valid."
DEFAULT_SEVERITY = Severity.ERROR
