"""CB806 results-value-invalid: A result is not a rating on its instrument's scale.

## What it finds

A cell of a results sheet that is neither empty (not answered) nor a number
on the scale of the column's instrument, located by row and column.

## Why it matters

One mistyped rating (a 44 for a 4) moves a mean enough to flag a method
that worked. Every such cell is listed, and no report is written.

## Example

    results.csv:7:4: column "goal:mh-ve-link:post": "44" is not on the scale 0-4

## Instead

    correct the cell, or leave it empty when the question was not answered
"""

from curribuild.findings import Severity

CODE = "CB806"
NAME = "results-value-invalid"
SUMMARY = "A result is not a rating on its instrument's scale."
DEFAULT_SEVERITY = Severity.ERROR
