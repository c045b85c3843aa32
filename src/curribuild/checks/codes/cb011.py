"""CB011 unknown-kind: The document's `kind:` is missing or unknown.

## What it finds

A file given to `check` without a `kind:`, or with a `kind:` that is not one of
`needs`, `goals`, `methods`, `rules`, `rule-tests`, `config`. Discovered YAML files
without a curribuild kind are skipped, except when the kind is a likely typo.

## Why it matters

`kind` decides which model validates the file; without it nothing is checked.

## Example

    kind: goal

## Instead

    kind: goals
"""

from curribuild.findings import Severity

CODE = "CB011"
NAME = "unknown-kind"
SUMMARY = "The document's `kind:` is missing or unknown."
DEFAULT_SEVERITY = Severity.ERROR
