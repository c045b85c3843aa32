"""CB004 unsupported-tag: A YAML tag other than the core ones.

## What it finds

Explicit tags such as `!!python/object`, `!!binary`, `!!set` or `!custom`.

## Why it matters

Tags can ask a loader to build arbitrary objects; curribuild documents only
ever hold text, numbers, booleans, lists and mappings.

## Example

    title: !!binary SGVsbG8=

## Instead

    title: Hello
"""

from curribuild.findings import Severity

CODE = "CB004"
NAME = "unsupported-tag"
SUMMARY = "A YAML tag other than the core ones."
DEFAULT_SEVERITY = Severity.ERROR
