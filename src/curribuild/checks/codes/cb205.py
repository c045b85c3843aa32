"""CB205 unknown-method: A reference names a method that does not exist.

## What it finds

A method id in a rule's `require:`, an `add_session` method or a rule test that the
catalogue does not define.

## Why it matters

A rule that requires an unknown method excludes every candidate: the goal can
never be planned.

## Example

    then: {require: [role-plays]}

## Instead

    then: {require: [role-play]}
"""

from curribuild.findings import Severity

CODE = "CB205"
NAME = "unknown-method"
SUMMARY = "A reference names a method that does not exist."
DEFAULT_SEVERITY = Severity.ERROR
