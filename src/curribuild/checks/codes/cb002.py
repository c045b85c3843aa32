"""CB002 duplicate-key: A mapping defines the same key twice.

## What it finds

Two keys with the same name in one mapping. The finding names both lines.

## Why it matters

Most YAML tools silently keep the last value, so one of the two edits is lost
without anyone noticing.

## Example

    - id: trust-basics
      minutes: 60
      minutes: 90

## Instead

    - id: trust-basics
      minutes: 90
"""

from curribuild.findings import Severity

CODE = "CB002"
NAME = "duplicate-key"
SUMMARY = "A mapping defines the same key twice."
DEFAULT_SEVERITY = Severity.ERROR
