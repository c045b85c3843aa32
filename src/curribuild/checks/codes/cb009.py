"""CB009 empty-document: The file holds no document.

## What it finds

An empty file, a file of comments only, or a bare `---`.

## Why it matters

An empty file given explicitly to `check` is almost always a mistake (a failed
save or a placeholder).

## Example

    # TODO

## Instead

    kind: goals
    goals: []
"""

from curribuild.findings import Severity

CODE = "CB009"
NAME = "empty-document"
SUMMARY = "The file holds no document."
DEFAULT_SEVERITY = Severity.ERROR
