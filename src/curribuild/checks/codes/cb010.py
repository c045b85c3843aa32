"""CB010 root-not-mapping: The top level of the document is not a mapping.

## What it finds

A document whose top level is a list or a single value.

## Why it matters

Every curribuild document is a mapping that starts with `kind:`.

## Example

    - id: trust-basics

## Instead

    kind: goals
    goals:
      - id: trust-basics
"""

from curribuild.findings import Severity

CODE = "CB010"
NAME = "root-not-mapping"
SUMMARY = "The top level of the document is not a mapping."
DEFAULT_SEVERITY = Severity.ERROR
