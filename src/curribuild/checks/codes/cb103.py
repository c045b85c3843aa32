"""CB103 missing-field: A required field is missing.

## What it finds

A mapping without a field its kind requires (for a goal: `id`, `title`,
`statement`, `domain`, `bloom`, `topics`, `minutes`).

## Why it matters

Planning and rendering need these fields; a default would hide a gap in the curriculum.

## Example

    - id: trust-basics
      title: Trust basics

## Instead

    - id: trust-basics
      title: Trust basics
      statement: Explain ...
      domain: knowledge
      bloom: understand
      topics: [trust-building]
      minutes: 60
"""

from curribuild.findings import Severity

CODE = "CB103"
NAME = "missing-field"
SUMMARY = "A required field is missing."
DEFAULT_SEVERITY = Severity.ERROR
