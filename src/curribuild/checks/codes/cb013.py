"""CB013 unreadable-file: The file cannot be read.

## What it finds

A file that disappeared during the run, lacks read permission, or is not a regular file.

## Why it matters

A file that cannot be read cannot be checked; the run must not pass silently.

## Example

    chmod 000 goals.yaml

## Instead

    chmod 644 goals.yaml
"""

from curribuild.findings import Severity

CODE = "CB013"
NAME = "unreadable-file"
SUMMARY = "The file cannot be read."
DEFAULT_SEVERITY = Severity.ERROR
