"""CB807 evidence-group-too-small: Results of too few respondents are not recorded.

## What it finds

`curribuild evaluate --record` with fewer respondents than the minimum group
(default 5, `--min-group`) in all, or an aggregate of one goal and method
with fewer: the record is refused, or the aggregate left out of it, and the
command says which.

## Why it matters

A mean over two or three people can tell who answered what. Evidence is kept
only as aggregates of groups large enough to stay anonymous.

## Example

    results.csv: 3 respondents, fewer than the minimum group of 5: nothing recorded

## Instead

    record the programme's results together with a later run, or report without --record
"""

from curribuild.findings import Severity

CODE = "CB807"
NAME = "evidence-group-too-small"
SUMMARY = "Results of too few respondents are not recorded."
DEFAULT_SEVERITY = Severity.WARNING
