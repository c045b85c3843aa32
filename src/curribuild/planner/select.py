"""Which goals a request makes candidates, and why each one is.

- ``core`` goals for the audience must be taught (a hard constraint);
- goals of a gap's topics are candidates; a high gap must be *met* by at least
  one of them, not taught in full;
- prerequisites of candidates are candidates, transitively. A prerequisite whose
  audience filter excludes this audience is taken as already met (e.g. novice
  basics for experts);
- goals of topics that an avoidable programme rule asks for, and goals it names
  (``programme.goals``), are candidates too (unrequested: taken in only when they
  avoid that rule's warning).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from curribuild.models.common import GAP_PRIORITIES
from curribuild.models.goals import Goal
from curribuild.models.needs import Needs

_GAP_RANK = {p: i for i, p in enumerate(GAP_PRIORITIES)}  # low 0, medium 1, high 2


@dataclass(slots=True)
class Selected:
    """A candidate goal and why it is one."""

    goal: Goal
    required: bool  # a core goal: must be taught
    gap: str | None  # highest gap priority the goal meets
    why: str
    requested: bool = True  # core, meets a gap, or prerequisite of such a goal


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


def select_goals(
    goals: Mapping[str, Goal],
    needs: Needs,
    extra_topics: Collection[str] = (),
    extra_goals: Collection[str] = (),
) -> list[Selected]:
    """Candidate goals in curriculum order (prerequisites included)."""
    gaps = {gap.topic: gap.priority for gap in needs.gaps}
    chosen: dict[str, Selected] = {}
    extra = set(extra_topics)
    named = set(extra_goals)
    for goal in goals.values():
        if not audience_matches(goal, needs):
            continue
        gap = gap_priority(goal, gaps)
        if goal.priority == "core":
            chosen[goal.id] = Selected(goal, True, gap, "core goal")
        elif gap is not None:
            topic = next(t for t in goal.topics if gaps.get(t) == gap)
            chosen[goal.id] = Selected(goal, False, gap, f"meets the {gap}-priority gap {topic}")
    for goal in goals.values():
        wanted = goal.id in named or bool(extra & set(goal.topics))
        if goal.id not in chosen and wanted and audience_matches(goal, needs):
            chosen[goal.id] = Selected(goal, False, None, "", requested=False)
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
                    False,
                    gap_priority(prereq, gaps),
                    f"prerequisite of {gid}",
                    requested=parent.requested,
                )
                stack.append(req)
            elif parent.requested and not existing.requested:
                existing.requested = True
                existing.why = f"prerequisite of {gid}"
                stack.append(req)
            elif not existing.why:
                existing.why = f"prerequisite of {gid}"
    return [chosen[gid] for gid in goals if gid in chosen]
