"""Session lengths on the planner's 5-minute grid, and how a goal splits into parts.

Shared by the optimisation model and the greedy construction that hints it, so
both cut a goal into the same parts.
"""

from __future__ import annotations

import math

from curribuild.models.goals import Goal
from curribuild.models.methods import Method

GRID = 5  # minutes: every session starts and lasts a multiple of this


def on_grid(minutes: int) -> int:
    """``minutes`` rounded up to the grid."""
    return max(GRID, math.ceil(minutes / GRID) * GRID)


def lengths(goal: Goal, method: Method) -> tuple[int, int]:
    """The shortest and the default length of ``goal`` taught with ``method``: the goal's
    own range, clamped to the method's, on the grid."""
    low, high = method.minutes.min, method.minutes.max

    def clamp(value: int) -> int:
        return on_grid(min(max(value, low), high))

    return clamp(goal.shortest), clamp(goal.minutes)


def split(minutes: int, max_block: int) -> tuple[int, ...]:
    """Parts of a session of ``minutes``: as few as keep each within ``max_block``, as
    even as the grid allows, longer parts first."""
    block = max(GRID, (max_block // GRID) * GRID)
    count = max(1, math.ceil(minutes / block))
    steps = minutes // GRID
    base, extra = divmod(steps, count)
    return tuple((base + (1 if i < extra else 0)) * GRID for i in range(count))
