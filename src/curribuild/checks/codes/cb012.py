"""CB012 number-too-large: A number has too many digits.

## What it finds

An integer or decimal written with more than 100 characters.

## Why it matters

Huge numbers are never meaningful in a curriculum and converting them can take
unbounded time.

## Example

    minutes: 99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999

## Instead

    minutes: 90
"""

from curribuild.findings import Severity

CODE = "CB012"
NAME = "number-too-large"
SUMMARY = "A number has too many digits."
DEFAULT_SEVERITY = Severity.ERROR
