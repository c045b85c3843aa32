"""CB310 rule-warning: A rule's `warn` effect fired.

## What it finds

A finding raised by a curriculum rule with `then: {warn: ...}`: for example a
missing perspective, a learning-type imbalance or an unmet gap. The finding
names the rule.

## Why it matters

Curriculum rules encode the field's guidance; their warnings are how the
curriculum speaks to the coordinator.

## Example

    a programme with no forensic goal under a rule that warns on missing perspectives

## Instead

    add a goal with the missing perspective, or say why it is not needed
"""

from curribuild.findings import Severity

CODE = "CB310"
NAME = "rule-warning"
SUMMARY = "A rule's `warn` effect fired."
DEFAULT_SEVERITY = Severity.WARNING
