"""CB206 gap-topic-untaught: A needs gap names a topic no goal teaches.

## What it finds

A `gaps:` entry in a needs file whose topic no goal of the curriculum lists in
`topics:`.

## Why it matters

The gap from the needs assessment would go unmet without anyone noticing.

## Example

    gaps: [{topic: trust-buidling, priority: high}]

## Instead

    gaps: [{topic: trust-building, priority: high}]
"""

from curribuild.findings import Severity

CODE = "CB206"
NAME = "gap-topic-untaught"
SUMMARY = "A needs gap names a topic no goal teaches."
DEFAULT_SEVERITY = Severity.ERROR
