"""CB208 condition-never-holds: A rule condition compares a fact with a value it can never have.

## What it finds

A leaf condition whose literal value is outside the fact's enumeration
(`goal.domain eq skill` when the domains are knowledge, skills, attitudes), or of
the wrong type (`goal.minutes gt "60"`).

## Why it matters

Such a rule never fires; the pedagogy it was written to enforce silently does
not apply.

## Example

    when: {fact: goal.domain, eq: skill}

## Instead

    when: {fact: goal.domain, eq: skills}
"""

from curribuild.findings import Severity

CODE = "CB208"
NAME = "condition-never-holds"
SUMMARY = "A rule condition compares a fact with a value it can never have."
DEFAULT_SEVERITY = Severity.ERROR
