"""CB306 no-follow-up: The programme has no follow-up session.

## What it finds

A plan in which no programme rule added a follow-up session.

## Why it matters

A follow-up session after each training is important to evaluate and to hold
intervision on the methods used (RAN HEALTH 2022, key point 6); it is where
behaviour change (Kirkpatrick level 3) is evaluated.

## Example

    a curriculum whose rules have no `add_session: {session: follow-up}`

## Instead

    - id: follow-up-after-training
      scope: programme
      then:
        add_session: {session: follow-up, title: Follow-up and intervision,
                      method: follow-up-session, minutes: 120, weeks_after: 8}
"""

from curribuild.findings import Severity

CODE = "CB306"
NAME = "no-follow-up"
SUMMARY = "The programme has no follow-up session."
DEFAULT_SEVERITY = Severity.WARNING
