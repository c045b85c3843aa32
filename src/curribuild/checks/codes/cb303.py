"""CB303 no-eligible-method: A goal has no eligible method.

## What it finds

A goal for which every method of the catalogue is excluded by some rule, under
the given needs (plan), or under every delivery mode (check). The finding names
the rules that excluded each candidate.

## Why it matters

A goal nobody can teach is silently missing from the programme; the learning
goals and the practitioners' needs must shape the methods (RAN HEALTH 2022, key
point 5), so a goal must have at least one method that fits it.

## Example

    a skills goal at Bloom level `create` when no method reaches `create`

## Instead

    add a method whose Bloom range and domains cover the goal, or restate the goal
"""

from curribuild.findings import Severity

CODE = "CB303"
NAME = "no-eligible-method"
SUMMARY = "A goal has no eligible method."
DEFAULT_SEVERITY = Severity.WARNING
