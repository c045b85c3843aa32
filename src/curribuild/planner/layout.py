"""A solution laid out as the day's agenda: sessions in each block back to back,
a debrief directly after each sensitive session, breaks and lunch between
blocks, the reflection at the end of the day.

Within a block: the continuation of a goal begun before the break comes first,
then the block's own sessions in prerequisite order (lower Bloom levels first,
then curriculum order), and the first part of a goal that goes on after the
break comes last.
"""

from __future__ import annotations

from dataclasses import dataclass

from curribuild.planner.model import SessionKind
from curribuild.planner.problem import Problem
from curribuild.planner.solve import Solution


@dataclass(frozen=True, slots=True)
class Slot:
    start: int
    end: int
    kind: SessionKind
    title: str
    goal: int | None = None  # index into Problem.goals
    part: int | None = None  # 1-based, for goals in several parts
    parts: int | None = None
    rule: str = ""


def _block_order(problem: Problem, items: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """``items`` (goal, part, parts) in teaching order within one block."""
    goals = problem.goals
    rank = {i: pos for pos, i in enumerate(sorted({g for g, _, _ in items}))}
    opening = [it for it in items if it[1] > 0]
    closing = [it for it in items if it[1] == 0 and it[2] > 1]
    middle = [it for it in items if it[1] == 0 and it[2] == 1]
    placed: list[tuple[int, int, int]] = []
    done: set[int] = {g for g, _, _ in opening}
    waiting = sorted(middle, key=lambda it: (goals[it[0]].bloom, rank[it[0]]))
    inside = {g for g, _, _ in items}
    while waiting:
        for it in waiting:
            if all(r in done or r not in inside for r in goals[it[0]].prereqs):
                placed.append(it)
                done.add(it[0])
                waiting.remove(it)
                break
        else:  # cannot happen: the prerequisite graph has no cycle
            placed.extend(waiting)
            break
    return opening + placed + closing


def lay_out(problem: Problem, solution: Solution, K: int) -> list[list[Slot]]:
    """The slots of every day."""
    frame = problem.frame
    cells: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
    for i, placement in solution.placements.items():
        parts = len(placement.blocks)
        for part, cell in enumerate(placement.blocks):
            cells.setdefault(cell, []).append((i, part, parts))
    days: list[list[Slot]] = []
    for d in range(frame.days):
        slots: list[Slot] = []
        cursor = frame.start
        used = [k for k in range(K) if cells.get((d, k))]
        for pos, k in enumerate(used):
            for i, part, parts in _block_order(problem, cells[(d, k)]):
                g = problem.goals[i]
                placement = solution.placements[i]
                minutes = g.lengths[placement.length].parts[part]
                title = g.selected.goal.title
                if parts > 1:
                    title = f"{title} (part {part + 1} of {parts})"
                slots.append(
                    Slot(
                        cursor,
                        cursor + minutes,
                        "teaching",
                        title,
                        i,
                        part + 1 if parts > 1 else None,
                        parts if parts > 1 else None,
                    )
                )
                cursor += minutes
                if g.debriefed(placement.method) and part == parts - 1:
                    slots.append(
                        Slot(
                            cursor,
                            cursor + g.debrief,
                            "debrief",
                            frame.debrief_title,
                            i,
                            rule=frame.debrief_rule,
                        )
                    )
                    cursor += g.debrief
            if pos + 1 < len(used):
                after = solution.lunch_after[d]
                if after is not None and k < after <= used[pos + 1]:
                    slots.append(Slot(cursor, cursor + frame.lunch, "lunch", "Lunch"))
                    cursor += frame.lunch
                elif frame.break_minutes:
                    slots.append(Slot(cursor, cursor + frame.break_minutes, "break", "Break"))
                    cursor += frame.break_minutes
        if used and frame.reflection:
            if solution.reflection_break[d] and frame.break_minutes:
                slots.append(Slot(cursor, cursor + frame.break_minutes, "break", "Break"))
                cursor += frame.break_minutes
            slots.append(
                Slot(
                    cursor,
                    cursor + frame.reflection,
                    "reflection",
                    frame.reflection_title,
                    rule=frame.reflection_rule,
                )
            )
        days.append(slots)
    return days
