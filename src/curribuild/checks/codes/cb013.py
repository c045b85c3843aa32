"""CB013 unreadable-file: The file cannot be read.

## What it finds

A file that disappeared during the run, lacks read permission, or is not a regular file;
or a symbolic link, met while walking a folder, that leads outside the folder being
checked (it is not followed: a pull request must not make CI read files elsewhere on
the machine).

## Why it matters

A file that cannot be read cannot be checked; the run must not pass silently.

## Example

    chmod 000 goals.yaml
    ln -s /etc/secrets.yaml goals/extra.yaml

## Instead

    chmod 644 goals.yaml
    cp /path/to/extra.yaml goals/extra.yaml   # or check that folder by name
"""

from curribuild.findings import Severity

CODE = "CB013"
NAME = "unreadable-file"
SUMMARY = "The file cannot be read."
DEFAULT_SEVERITY = Severity.ERROR
