"""CB307 no-evaluation: A goal has no evaluation.

## What it finds

A scheduled goal without an `evaluation:` while the curriculum sets no default
for its domain in `planning.evaluation_defaults`.

## Why it matters

Constructive alignment: each goal is checked by an assessment. Without one the
programme cannot show that it worked.

## Example

    a goal without `evaluation:` and no default for `skills`

## Instead

    planning:
      evaluation_defaults:
        skills: {level: behaviour, instrument: observed practice with a checklist}
"""

from curribuild.findings import Severity

CODE = "CB307"
NAME = "no-evaluation"
SUMMARY = "A goal has no evaluation."
DEFAULT_SEVERITY = Severity.WARNING
