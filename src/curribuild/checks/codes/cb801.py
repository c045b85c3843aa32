"""CB801 survey-column-missing: A question the intake map names is not in the export.

## What it finds

`curribuild intake` found none of the headers a map question lists (question
codes or question texts) among the columns of the survey export.

## Why it matters

Without the column, the needs file would lack what the survey asked: a gap
nobody rated is not a gap with no need. The intake stops instead of guessing.

## Example

    gaps: [{topic: trust-building, column: ["TRUST"]}]   # the export calls it "GAP[TRUST]"

## Instead

    list the header as the export writes it (codes or full texts), e.g.
    column: ["GAP[TRUST]", "Building trust with clients"]
"""

from curribuild.findings import Severity

CODE = "CB801"
NAME = "survey-column-missing"
SUMMARY = "A question the intake map names is not in the export."
DEFAULT_SEVERITY = Severity.ERROR
