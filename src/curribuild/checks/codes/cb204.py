"""CB204 unknown-fact-path: A rule condition reads a fact that does not exist.

## What it finds

A `fact:` path that names no field of the goal, method, needs or programme facts,
with the closest valid path as a suggestion.

## Why it matters

A condition on a non-existent fact never holds, so the rule silently never fires.

## Example

    {fact: goal.domian, eq: skills}

## Instead

    {fact: goal.domain, eq: skills}
"""

from curribuild.findings import Severity

CODE = "CB204"
NAME = "unknown-fact-path"
SUMMARY = "A rule condition reads a fact that does not exist."
DEFAULT_SEVERITY = Severity.ERROR
