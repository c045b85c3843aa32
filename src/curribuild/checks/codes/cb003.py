"""CB003 anchor-or-alias: Anchors, aliases and merge keys are not allowed.

## What it finds

An `&anchor`, a `*alias` or a `<<:` merge key.

## Why it matters

Aliases let a few lines expand into gigabytes (the "billion laughs" attack) and
hide where a value really comes from. Curriculum files are reviewed by people:
every value is written where it applies.

## Example

    defaults: &d {minutes: 60}
    goal: *d

## Instead

    goal: {minutes: 60}
"""

from curribuild.findings import Severity

CODE = "CB003"
NAME = "anchor-or-alias"
SUMMARY = "Anchors, aliases and merge keys are not allowed."
DEFAULT_SEVERITY = Severity.ERROR
