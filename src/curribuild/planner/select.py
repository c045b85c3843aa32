"""Step 1 of planning: which goals the needs call for, and which are required.

- ``core`` goals matching the audience are required;
- goals whose topics meet a gap are selected: a high gap makes them required
  (unless the goal is ``optional``), medium and low gaps make them droppable;
- prerequisites of selected goals are selected transitively, required when
  their dependant is. A prerequisite whose audience filter excludes this
  audience is taken as already met (e.g. novice basics for experts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from curribuild.models.common import GAP_PRIORITIES
from curribuild.models.goals import Goal
from curribuild.models.needs import Needs

_GAP_RANK = {p: i for i, p in enumerate(GAP_PRIORITIES)}  # low 0, medium 1, high 2


@dataclass(slots=True)
class Selected:
    """A goal chosen for the programme and why."""

    goal: Goal
    required: bool
    gap: str | None  # highest gap priority the goal meets
    why: str
    drop_tier: int  # 0 low gap, 1 medium gap, 2 optional in a high gap; 3 required (never)


def audience_matches(goal: Goal, needs: Needs) -> bool:
    """Whether the goal's audience filter admits the needs' audience."""
    flt = goal.audience
    if flt is None:
        return True
    aud = needs.audience
    if flt.experience is not None and aud.experience not in flt.experience:
        return False
    if (
        flt.professions is not None
        and aud.professions
        and not set(flt.professions) & set(aud.professions)
    ):
        return False
    return not (
        flt.settings is not None and aud.settings and not set(flt.settings) & set(aud.settings)
    )


def gap_priority(goal: Goal, gaps: Mapping[str, str]) -> str | None:
    best: str | None = None
    for topic in goal.topics:
        priority = gaps.get(topic)
        if priority is not None and (best is None or _GAP_RANK[priority] > _GAP_RANK[best]):
            best = priority
    return best


def select_goals(goals: Mapping[str, Goal], needs: Needs) -> list[Selected]:
    """Selected goals in curriculum order (prerequisites included)."""
    gaps = {gap.topic: gap.priority for gap in needs.gaps}
    chosen: dict[str, Selected] = {}
    for goal in goals.values():
        if not audience_matches(goal, needs):
            continue
        gap = gap_priority(goal, gaps)
        if goal.priority == "core":
            chosen[goal.id] = Selected(goal, True, gap, "core goal", 3)
        elif gap is not None:
            if gap == "high" and goal.priority != "optional":
                chosen[goal.id] = Selected(goal, True, gap, "meets a high-priority gap", 3)
            else:
                # low-gap goals go first, then medium; optional goals meeting a high
                # gap go last. Within a tier, optional goals go before the others.
                tier = _GAP_RANK[gap]
                chosen[goal.id] = Selected(goal, False, gap, f"meets a {gap}-priority gap", tier)
    # prerequisites, transitively; required-ness flows down from dependants
    stack = list(chosen)
    while stack:
        gid = stack.pop()
        parent = chosen[gid]
        for req in parent.goal.requires:
            prereq = goals.get(req)
            if prereq is None or not audience_matches(prereq, needs):
                continue
            existing = chosen.get(req)
            if existing is None:
                chosen[req] = Selected(
                    prereq,
                    parent.required,
                    gap_priority(prereq, gaps),
                    f"prerequisite of {gid}",
                    parent.drop_tier,
                )
                stack.append(req)
            elif parent.required and not existing.required:
                existing.required = True
                existing.why = f"prerequisite of {gid}"
                existing.drop_tier = 3
                stack.append(req)
            elif parent.drop_tier > existing.drop_tier:
                existing.drop_tier = parent.drop_tier
                stack.append(req)
    return [chosen[gid] for gid in goals if gid in chosen]
