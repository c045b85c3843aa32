"""CB015 time-budget-exceeded: `check` stopped at its time budget.

## What it finds

A `curribuild check --max-seconds N` run (or `limits.max_seconds` in
`curribuild.yaml`) that ran out of time; the files not yet checked are counted
in the message.

## Why it matters

CI runs checks on changes anyone can propose; a bound on time keeps a hostile
or accidental giant repository from holding a runner.

## Example

    curribuild check --max-seconds 1   # on a very large repository

## Instead

    raise the budget, or check a smaller part of the repository
"""

from curribuild.findings import Severity

CODE = "CB015"
NAME = "time-budget-exceeded"
SUMMARY = "`check` stopped at its time budget."
DEFAULT_SEVERITY = Severity.ERROR
