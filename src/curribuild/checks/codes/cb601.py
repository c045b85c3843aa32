"""CB601 rule-test-failed: A rule-test case does not get the outcome it expects.

## What it finds

A `rule-tests` case whose expected winner, exclusions, eligibility, fired rules
or added sessions differ from what the rules decide. The message lists what
differed and which rules fired.

## Why it matters

Rule tests pin the pedagogy of a curriculum: a change to one rule that silently
changes another decision is caught in review, like a failing unit test.

## Example

    cases:
      - id: skills-get-practice
        given: {goal: {domain: skills, bloom: apply}}
        expect: {method: lecture}

## Instead

    cases:
      - id: skills-get-practice
        given: {goal: {domain: skills, bloom: apply}}
        expect: {method: role-play}
"""

from curribuild.findings import Severity

CODE = "CB601"
NAME = "rule-test-failed"
SUMMARY = "A rule-test case does not get the outcome it expects."
DEFAULT_SEVERITY = Severity.ERROR
