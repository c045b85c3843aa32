"""A greedy construction in the model's own terms, used only as the solver's
warm-start hint (never as a plan of its own).

Goals go in prerequisite order, required goals first, then by value; each gets
its best-scoring method at its default length and is appended to the first day
(within its window) where it still fits, block by block, with the same
accounting as the model: blocks of at most ``max_block`` teaching, the morning
ending in the lunch window, the day frame and the online teaching cap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from curribuild.planner.problem import LUNCH_WINDOW, Problem, prerequisite_order
from curribuild.planner.solve import Hint, Placement


@dataclass(slots=True)
class _Day:
    blocks: list[tuple[int, int]] = field(default_factory=list)  # (teaching, total) per block
    morning: int = 0  # how many of the blocks are before lunch
    open: bool = False  # the last block takes more sessions
    teaching: int = 0


def _fits(problem: Problem, day: _Day, morning_max: int, afternoon_max: int) -> bool:
    f = problem.frame
    m_blocks = day.blocks[: day.morning]
    a_blocks = day.blocks[day.morning :]
    if len(m_blocks) > morning_max or len(a_blocks) > afternoon_max:
        return False
    morning = sum(s for _, s in m_blocks) + f.break_minutes * max(0, len(m_blocks) - 1)
    afternoon = sum(s for _, s in a_blocks) + f.break_minutes * max(0, len(a_blocks) - 1)
    if f.has_lunch:
        if morning > f.lunch_target + LUNCH_WINDOW - f.start:
            return False
        if a_blocks and morning < f.lunch_target - LUNCH_WINDOW - f.start:
            return False
    total = morning + afternoon + (f.lunch if a_blocks else 0)
    if f.reflection:
        total += f.reflection + f.break_minutes
    return total <= f.span and day.teaching <= f.teaching_cap


def _entries(problem: Problem, topics: set[str]) -> set[int]:
    """For every gap and every topic in ``topics``: its cheapest goal and that goal's
    prerequisites, so the hint meets every gap (and avoidable rule) it can first."""
    goals = problem.goals

    def closure(i: int) -> set[int]:
        out, stack = set(), [i]
        while stack:
            j = stack.pop()
            if j not in out:
                out.add(j)
                stack.extend(goals[j].prereqs)
        return out

    def cost(ids: set[int]) -> int:
        return sum(min(ln.minutes for ln in goals[j].lengths) for j in ids)

    wanted = {g.topic for g in problem.gaps} | topics
    chosen: set[int] = set()
    for topic in sorted(wanted):
        members = [i for i, g in enumerate(goals) if topic in g.selected.goal.topics]
        if members:
            best = min(members, key=lambda i: (cost(closure(i)), i))
            chosen |= closure(best)
    return chosen


def greedy_hint(
    problem: Problem,
    windows: Mapping[int, tuple[int, int]] | None,
    halves: tuple[int, int],
    topics: set[str] | None = None,
) -> Hint:
    f = problem.frame
    morning_max, afternoon_max = halves
    goals = problem.goals
    extra = max((g.debrief for g in goals), default=0)
    days = [_Day() for _ in range(f.days)]
    first = _entries(problem, topics or set()) if windows is None else set()
    rank = {i: (not g.selected.required, i not in first, -g.value, i) for i, g in enumerate(goals)}
    placed: dict[int, Placement] = {}
    room = problem.pre_work  # pre-work minutes still free
    for i in prerequisite_order(problem, rank):
        g = goals[i]
        if any(r not in placed for r in g.prereqs):
            continue
        best = sorted(
            range(len(g.methods)), key=lambda k: (-g.methods[k].score, g.methods[k].index)
        )
        ahead = all(not placed[r].blocks for r in g.prereqs)  # its prerequisites are pre-work
        method, length = _choice(problem, i, best, room if ahead else 0)
        if length is None:
            continue
        if g.pre_work(method):
            room -= g.lengths[length].minutes
            placed[i] = Placement(method, length, [])
            continue
        parts = g.lengths[length].parts
        after_day = max((placed[r].blocks[-1][0] for r in g.prereqs if placed[r].blocks), default=0)
        low, high = windows.get(i, (0, f.days - 1)) if windows else (0, f.days - 1)
        for d in range(max(after_day, low), high + 1):
            day = days[d]
            saved = (list(day.blocks), day.morning, day.open, day.teaching)
            cells = []
            ok = True
            for p, minutes in enumerate(parts):
                talk = g.debrief if p == len(parts) - 1 and g.debriefed(method) else 0
                join = day.open and p == 0 and day.blocks
                if join:
                    t, s = day.blocks[-1]
                    if t + minutes <= f.max_block and s + minutes + talk <= f.max_block + extra:
                        day.blocks[-1] = (t + minutes, s + minutes + talk)
                    else:
                        join = False
                if not join:
                    day.blocks.append((minutes, minutes + talk))
                    if not _place_block(problem, day, morning_max, afternoon_max):
                        ok = False
                        break
                day.teaching += minutes
                cells.append((d, _index(day, len(day.blocks) - 1, morning_max)))
                adjacent = p == 0 or cells[-1][1] == cells[-2][1] + 1
                if not adjacent or not _fits(problem, day, morning_max, afternoon_max):
                    ok = False
                    break
            if ok:
                day.open = True  # later sessions may join the last block
                placed[i] = Placement(method, length, cells)
                break
            day.blocks, day.morning, day.open, day.teaching = saved
    return Hint(placed)


def _choice(problem: Problem, i: int, best: list[int], room: int) -> tuple[int, int | None]:
    """The goal's best method and its longest length: as pre-work when that fits in
    ``room`` minutes, else the best method taught in the days."""
    g = problem.goals[i]
    for method in best:
        lengths = [li for li, ln in enumerate(g.lengths) if method in ln.methods]
        if not lengths:
            continue
        if not g.pre_work(method):
            return method, lengths[0]
        if g.lengths[lengths[0]].minutes <= room:
            return method, lengths[0]
    return best[0], None


def _place_block(problem: Problem, day: _Day, morning_max: int, afternoon_max: int) -> bool:
    """Decide whether the block just appended is before or after lunch."""
    if len(day.blocks) - 1 == day.morning and day.morning < morning_max:
        day.morning += 1  # still in the morning
        if _fits(problem, day, morning_max, afternoon_max):
            return True
        day.morning -= 1  # after lunch instead
    return len(day.blocks) - day.morning <= afternoon_max


def _index(day: _Day, block: int, morning_max: int) -> int:
    """The model's block index: morning blocks from 0, afternoon blocks from morning_max."""
    return block if block < day.morning else morning_max + (block - day.morning)
