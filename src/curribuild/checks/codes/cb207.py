"""CB207 curriculum-not-found: A curriculum named by `extends:` or `curriculum:` cannot be found.

## What it finds

A bundled curriculum name that does not exist, a relative path that is not a
directory, or curricula that extend each other in a loop.

## Why it matters

Without its base curriculum nothing that refers to it can be checked or planned.

## Example

    extends: ran-health

## Instead

    extends: ran-health-pcve
"""

from curribuild.findings import Severity

CODE = "CB207"
NAME = "curriculum-not-found"
SUMMARY = "A curriculum named by `extends:` or `curriculum:` cannot be found."
DEFAULT_SEVERITY = Severity.ERROR
