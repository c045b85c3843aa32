"""CB202 prerequisite-cycle: Goals require each other in a cycle.

## What it finds

A chain of `requires:` that leads back to where it started. The finding prints
the cycle.

## Why it matters

No order of sessions can satisfy a cycle; planning would have to break it at random.

## Example

    a requires b, b requires a

## Instead

    decide which goal comes first and remove the other edge
"""

from collections.abc import Sequence

from curribuild.findings import Severity

CODE = "CB202"
NAME = "prerequisite-cycle"
SUMMARY = "Goals require each other in a cycle."
DEFAULT_SEVERITY = Severity.ERROR


def message(cycle: Sequence[str]) -> str:
    """The finding's message: the cycle, ``a -> b -> a``."""
    return "prerequisite cycle: " + " -> ".join(cycle)


def fix(cycle: Sequence[str], at: int = 0) -> str:
    """What to do, at the cycle's goal number ``at`` (``check`` and ``plan`` say it alike)."""
    return f"remove one prerequisite of the cycle, e.g. {cycle[at + 1]!r} from {cycle[at]!r}"
