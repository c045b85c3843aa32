"""CB101 unknown-field: A field the document kind does not define.

## What it finds

A key that the model of this part of the document does not know, usually a typo.
The finding suggests the closest known field.

## Why it matters

A misspelt optional field is otherwise silently ignored: `sensitve: true` would
leave distressing material without a debrief.

## Example

    - id: case-work
      sensitve: true

## Instead

    - id: case-work
      sensitive: true
"""

from curribuild.findings import Severity

CODE = "CB101"
NAME = "unknown-field"
SUMMARY = "A field the document kind does not define."
DEFAULT_SEVERITY = Severity.ERROR
