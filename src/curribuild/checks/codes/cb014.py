"""CB014 invalid-plan-file: A plan file is not valid JSON or not a curribuild plan.

## What it finds

`curribuild render` was given a file that is not JSON, or JSON that does not
match the plan format (`schema_version` 1).

## Why it matters

Rendering a damaged or foreign file would produce a programme nobody planned.

## Example

    curribuild render --plan notes.txt --format md

## Instead

    curribuild plan needs.yaml && curribuild render --format md
"""

from curribuild.findings import Severity

CODE = "CB014"
NAME = "invalid-plan-file"
SUMMARY = "A plan file is not valid JSON or not a curribuild plan."
DEFAULT_SEVERITY = Severity.ERROR
