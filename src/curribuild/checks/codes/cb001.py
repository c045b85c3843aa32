"""CB001 yaml-syntax: The file is not valid YAML.

## What it finds

The YAML parser stopped: a missing colon, an unclosed bracket or quote, a tab used
for indentation, or indentation that does not line up.

## Why it matters

Nothing in the file can be read until the syntax is fixed, so every later check
is blind to it.

## Example

    goals:
    <TAB>minutes: 60   # a tab character before `minutes`

## Instead

    goals:
      minutes: 60   # two spaces
"""

from curribuild.findings import Severity

CODE = "CB001"
NAME = "yaml-syntax"
SUMMARY = "The file is not valid YAML."
DEFAULT_SEVERITY = Severity.ERROR
