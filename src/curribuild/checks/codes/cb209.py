"""CB209 unknown-rule: A reference names a rule that does not exist.

## What it finds

A rule id in a config's `disable_rules:` that no rule defines.

## Why it matters

Disabling a misspelt rule disables nothing.

## Example

    disable_rules: [fit-group-too-larg]

## Instead

    disable_rules: [fit-group-too-large]
"""

from curribuild.findings import Severity

CODE = "CB209"
NAME = "unknown-rule"
SUMMARY = "A reference names a rule that does not exist."
DEFAULT_SEVERITY = Severity.ERROR
