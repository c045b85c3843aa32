"""CB802 survey-answer-invalid: An answer in the export cannot be read as the map says.

## What it finds

A rating that is neither a number on the map's scale nor one of its rating
words, located by row and column of the export.

## Why it matters

A priority computed around an unreadable answer would misstate the group's
needs. Every such answer is listed, and no needs file is written.

## Example

    responses.csv:14:5: column "GAP[TRUST]": "very high" is not one of 1..5, "Not at all", ...

## Instead

    add the answer text to `ratings.values` in the map, or correct the export
"""

from curribuild.findings import Severity

CODE = "CB802"
NAME = "survey-answer-invalid"
SUMMARY = "An answer in the export cannot be read as the map says."
DEFAULT_SEVERITY = Severity.ERROR
