"""CB201 unknown-goal: A reference names a goal that does not exist.

## What it finds

A goal id in `requires:` (or elsewhere) that no goal in the curriculum, or in the
curriculum it extends, defines.

## Why it matters

An unknown prerequisite cannot be scheduled, so the dependant would be taught
without its basis.

## Example

    requires: [trust-basic]

## Instead

    requires: [trust-basics]
"""

from curribuild.findings import Severity

CODE = "CB201"
NAME = "unknown-goal"
SUMMARY = "A reference names a goal that does not exist."
DEFAULT_SEVERITY = Severity.ERROR
