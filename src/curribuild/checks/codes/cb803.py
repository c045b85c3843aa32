"""CB803 survey-answer-unmapped: An answer names no curriculum id in the map.

## What it finds

A profession, setting or experience answer that the map's `values` do not
list. It is counted and listed (in the draft's comments and on the terminal),
never dropped silently and never guessed.

## Why it matters

A profession nobody mapped is missing from the audience, and the goals for it
from the plan.

## Example

    professions: {values: {"Psychiatrist": psychiatrist}}   # the export also says "Sociotherapist"

## Instead

    map the answer: "Sociotherapist": social-worker (or the curriculum's closest id)
"""

from curribuild.findings import Severity

CODE = "CB803"
NAME = "survey-answer-unmapped"
SUMMARY = "An answer names no curriculum id in the map."
DEFAULT_SEVERITY = Severity.WARNING
