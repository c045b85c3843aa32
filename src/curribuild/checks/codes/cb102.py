"""CB102 invalid-value: A value has the wrong type or is out of range.

## What it finds

A value that does not fit its field: text where a number belongs (`"60"`), a
number out of range (`minutes: 0`), an unknown enumeration value
(`domain: skill`), a slug with capitals, `min` above `max`, `day_start` after
`day_end`, an impossible date.

## Why it matters

Types are strict so a value means one thing: `yes` is not `true` and `"12"` is
not a number.

## Example

    minutes: "60"
    domain: skill

## Instead

    minutes: 60
    domain: skills
"""

from curribuild.findings import Severity

CODE = "CB102"
NAME = "invalid-value"
SUMMARY = "A value has the wrong type or is out of range."
DEFAULT_SEVERITY = Severity.ERROR
