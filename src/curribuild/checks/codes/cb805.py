"""CB805 results-column-unknown: A column of the results sheet is not one the plan's forms have.

## What it finds

A header in a results file given to `curribuild evaluate` that is neither
`respondent`, nor a column id of the plan's evaluation forms
(`goal:<id>:reaction`, `goal:<id>:pre`, `goal:<id>:post`,
`goal:<id>:behaviour`, `log:<n>`), located by its column.

## Why it matters

A renamed or mistyped column would silently drop its answers from the report.
Nothing is reported until every column is known.

## Example

    results.csv:1:3: column "goal:trust-buildng:pre" is not on the plan's forms; did you mean 'goal:trust-building:pre'?

## Instead

    use the CSV templates of `curribuild render --format evaluation` for the same plan
"""

from curribuild.findings import Severity

CODE = "CB805"
NAME = "results-column-unknown"
SUMMARY = "A column of the results sheet is not one the plan's forms have."
DEFAULT_SEVERITY = Severity.ERROR
