"""Step 2 of planning: prerequisites first, then gap priority, goal priority, curriculum order.

Core goals rank with high-priority gaps (DESIGN.md orders by gap priority only,
which put the essentials after every gap goal).
"""

from __future__ import annotations

import heapq

from curribuild.checks.codes import cb202
from curribuild.errors import InfeasiblePlan
from curribuild.findings import Finding
from curribuild.graph import find_cycles
from curribuild.models.common import GAP_PRIORITIES, GOAL_PRIORITIES
from curribuild.planner.select import Selected


def order_goals(selected: list[Selected]) -> list[Selected]:
    """A deterministic topological order; a prerequisite cycle is an error naming it."""
    index = {s.goal.id: i for i, s in enumerate(selected)}
    by_id = {s.goal.id: s for s in selected}
    deps = {s.goal.id: [r for r in s.goal.requires if r in by_id] for s in selected}
    waiting = {gid: len(reqs) for gid, reqs in deps.items()}
    dependants: dict[str, list[str]] = {gid: [] for gid in deps}
    for gid, reqs in deps.items():
        for req in reqs:
            dependants[req].append(gid)

    high = GAP_PRIORITIES.index("high")

    def key(gid: str) -> tuple[int, int, int, str]:
        # Core goals are the programme's foundations: they rank with high-gap goals,
        # so they are not pushed behind every goal that meets a gap.
        s = by_id[gid]
        rank = GAP_PRIORITIES.index(s.gap) if s.gap else -1
        if s.goal.priority == "core":
            rank = max(rank, high)
        gap = -(rank + 1)
        return (gap, -GOAL_PRIORITIES.index(s.goal.priority), index[gid], gid)

    ready = [key(gid) for gid, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    out: list[Selected] = []
    while ready:
        gid = heapq.heappop(ready)[-1]
        out.append(by_id[gid])
        for nxt in dependants[gid]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, key(nxt))
    if len(out) != len(selected):
        stuck = {gid: reqs for gid, reqs in deps.items() if waiting[gid] > 0}
        cycle = find_cycles(stuck)[0]
        text = cb202.message(cycle)
        raise InfeasiblePlan(text, [Finding(cb202.CODE, text, fix=cb202.fix(cycle))])
    return out
