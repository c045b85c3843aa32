"""CB008 multiple-documents: The file holds more than one YAML document.

## What it finds

A second `---` document in the same file.

## Why it matters

One document per file keeps `kind:` unambiguous and findings easy to locate.

## Example

    kind: goals
    goals: []
    ---
    kind: methods
    methods: []

## Instead

    put each document in its own file
"""

from curribuild.findings import Severity

CODE = "CB008"
NAME = "multiple-documents"
SUMMARY = "The file holds more than one YAML document."
DEFAULT_SEVERITY = Severity.ERROR
