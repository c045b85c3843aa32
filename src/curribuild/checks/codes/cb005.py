"""CB005 encoding: The file is not clean UTF-8 text.

## What it finds

Invalid UTF-8 bytes, a UTF-16/UTF-32 file, a NUL byte, or control characters
that YAML forbids. The position is that of the first offending byte.

## Why it matters

Such files render differently in every editor and are often the result of a
copy-paste from a word processor or a binary file saved with a .yaml name.

## Example

    title: caf<0xE9>   (the Latin-1 byte for "é", not UTF-8)

## Instead

    title: café   (saved as UTF-8)
"""

from curribuild.findings import Severity

CODE = "CB005"
NAME = "encoding"
SUMMARY = "The file is not clean UTF-8 text."
DEFAULT_SEVERITY = Severity.ERROR
