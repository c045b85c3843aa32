"""Explaining a request no plan can meet: the smallest set of requirements that
conflict, with the minutes they need against the minutes the days hold, and
the smallest changes to the request that do plan (each one solved again and
verified, so no suggested fix still fails)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from curribuild.checks.codes import cb312, cb313
from curribuild.engine.match import Fired
from curribuild.errors import InfeasiblePlan
from curribuild.findings import Finding
from curribuild.planner.problem import Length, Problem
from curribuild.planner.solve import feasible
from curribuild.planner.units import split

if TYPE_CHECKING:
    from curribuild.planner.build import Planner

MORE_DAYS = 5  # relaxations tried: up to this many extra days
LONGER = (30, 60, 90, 120)  # minutes added to each day
LATEST_END = 20 * 60  # days are never suggested to end later than 20:00
CHECK_SECONDS = 5.0  # deterministic limit of each verification


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _closure(problem: Problem, start: list[int]) -> set[int]:
    seen: set[int] = set()
    stack = list(start)
    while stack:
        i = stack.pop()
        if i in seen:
            continue
        seen.add(i)
        stack.extend(problem.goals[i].prereqs)
    return seen


def _cheapest(problem: Problem, goals: tuple[int, ...]) -> list[int]:
    """The goal of a gap that is cheapest to teach with its prerequisites."""

    def cost(i: int) -> int:
        return sum(
            min(ln.minutes for ln in problem.goals[j].lengths) for j in _closure(problem, [i])
        )

    best = min(goals, key=lambda i: (cost(i), i), default=None)
    return [] if best is None else [best]


def day_capacity(problem: Problem) -> int:
    """The most teaching minutes one day holds, in blocks of at most max_block."""
    f = problem.frame
    room = f.span - (f.lunch if f.has_lunch else 0) - f.reflection
    best = 0
    for blocks in range(1, 20):
        pauses = max(0, blocks - 1 - (1 if f.has_lunch else 0)) * f.break_minutes
        best = max(best, min(blocks * f.max_block, room - pauses))
    return max(0, min(best, f.teaching_cap))


def _words(problem: Problem, core: list[str]) -> tuple[str, int, int]:
    goals = {g.id: i for i, g in enumerate(problem.goals)}
    gaps = {g.topic: g for g in problem.gaps}
    picked: list[int] = []
    named: list[str] = []
    for group in core:
        kind, _, name = group.partition(":")
        if kind == "core":
            picked.append(goals[name])
            named.append(f"core goal {name}")
        elif kind == "gap":
            picked.extend(_cheapest(problem, gaps[name].goals))
            named.append(f"high-priority gap {name}")
    needed = _closure(problem, picked)
    teach = sum(min(ln.minutes for ln in problem.goals[i].lengths) for i in needed)
    debrief = sum(problem.goals[i].debrief for i in needed)
    available = day_capacity(problem) * problem.frame.days
    what = ", ".join(named) if named else "the required sessions"
    return what, teach + debrief, available


def _too_long_for_a_day(problem: Problem, core: list[str]) -> InfeasiblePlan | None:
    """CB312 when a core goal in the conflict cannot fit in any one day, however short."""
    f = problem.frame
    capacity = day_capacity(problem)
    for group in core:
        kind, _, name = group.partition(":")
        if kind != "core":
            continue
        spec = next(g for g in problem.goals if g.id == name)
        need = (
            min(ln.minutes + f.break_minutes * (len(ln.parts) - 1) for ln in spec.lengths)
            + spec.debrief
        )
        if need > min(capacity + spec.debrief, f.span - f.reflection):
            window = f"{_hhmm(f.start)}-{_hhmm(f.end)}"
            message = (
                f"a day ({window}) is too short for the core goal {name!r}: it needs {need} "
                f"minutes in one day (its shortest method, with breaks and debrief), a day holds "
                f"at most {capacity} minutes of teaching"
            )
            return InfeasiblePlan(
                f"no plan meets the request: {message}",
                [
                    Finding(
                        cb312.CODE,
                        message,
                        fix="lengthen the day (constraints.day_start/day_end), or give the goal a "
                        "shorter minimum in the curriculum",
                        field="constraints.day_end",
                    )
                ],
            )
    return None


def infeasible_error(
    planner: Planner, problem: Problem, core: list[str], fired: list[Fired]
) -> InfeasiblePlan:
    frame = problem.frame
    empty = [
        g.topic
        for g in problem.gaps
        if g.priority == "high" and not g.goals and f"gap:{g.topic}" in core
    ]
    if empty:
        names = ", ".join(empty)
        message = (
            f"the high-priority gap {names} cannot be met: no goal of it can be taught to this "
            "audience (none matches the audience, or none has an eligible method; see "
            "`curribuild explain`)"
        )
        return InfeasiblePlan(
            f"no plan meets the request: {message}",
            [
                Finding(
                    cb313.CODE,
                    message,
                    fix=f"lower the gap {empty[0]} from high to medium priority, or add a goal "
                    "and method for it to the curriculum",
                    field="gaps",
                )
            ],
        )
    too_long = _too_long_for_a_day(problem, core)
    if too_long is not None:
        return too_long
    what, needed, available = _words(problem, core)
    c = planner.needs.constraints
    days = f"{frame.days} days" if frame.days != 1 else "1 day"
    window = f"{_hhmm(frame.start)}-{_hhmm(frame.end)}"
    if frame.teaching_cap < frame.span:
        window += f", at most {frame.teaching_cap} minutes of teaching a day ({c.delivery})"
    verb = "need" if "," in what else "needs"
    if needed > available:
        message = (
            f"{what} {verb} at least {needed} minutes of teaching and debriefs, but {days} "
            f"({window}) {'holds' if frame.days == 1 else 'hold'} at most {available}"
        )
    else:
        message = (
            f"{what} {verb} at least {needed} minutes of teaching and debriefs; {days} ({window}) "
            f"{'holds' if frame.days == 1 else 'hold'} {available}, but not in blocks of at most "
            f"{frame.max_block} minutes "
            "between breaks, with lunch near midday"
        )
    fixes = relaxations(planner, problem, core, fired)
    findings = [
        Finding(
            cb313.CODE,
            message,
            fix=("; or ".join(fixes))
            if fixes
            else "no single change tried (up to 5 more days, days up to 2 hours longer, a "
            "high-priority gap lowered, a core goal shortened) makes it plan: ask for less",
            field="constraints.days",
        )
    ]
    text = f"no plan meets the request: {message}"
    if fixes:
        text += " (each change under fix makes it plan: verified by planning again)"
    return InfeasiblePlan(text, findings)


def relaxations(
    planner: Planner, problem: Problem, core: list[str], fired: list[Fired]
) -> list[str]:
    """The smallest changes to the request that plan, each verified by solving."""
    settings = planner.cur.config.planning.solver

    def ok(trial: Problem) -> bool:
        return feasible(trial, planner.needs, [], CHECK_SECONDS, settings.seed)

    out: list[str] = []
    frame = problem.frame
    for extra in range(1, MORE_DAYS + 1):
        # the longer request's own programme rules: more days may add sessions
        # (a daily reflection from two days on)
        longer = planner.needs.model_copy(
            update={
                "constraints": planner.needs.constraints.model_copy(
                    update={"days": frame.days + extra}
                )
            }
        )
        trial = type(planner)(longer, planner.cur)
        if ok(trial.problem(trial.speculative())):
            total = frame.days + extra
            out.append(f"plan {total} days instead of {frame.days} (constraints.days: {total})")
            break
    for extra in LONGER:
        if frame.end + extra > LATEST_END:
            break
        if ok(planner.problem(fired, end=extra)):
            out.append(
                f"end the days at {_hhmm(frame.end + extra)} instead of {_hhmm(frame.end)} "
                f'({extra} minutes longer; constraints.day_end: "{_hhmm(frame.end + extra)}")'
            )
            break
    for group in core:
        kind, _, name = group.partition(":")
        if kind == "gap" and ok(planner.problem(fired, lowered=frozenset({name}))):
            out.append(f"lower the gap {name} from high to medium priority")
    out.extend(_shorter(planner, problem, core, fired, ok))
    return out


def _shorter(
    planner: Planner,
    problem: Problem,
    core: list[str],
    fired: list[Fired],
    ok: Callable[[Problem], bool],
) -> list[str]:
    """Core goals in the conflict that could be taught shorter (down to their methods'
    minimum): a change to the curriculum, verified like the others."""
    out = []
    index = {g.id: i for i, g in enumerate(problem.goals)}
    for group in core:
        kind, _, name = group.partition(":")
        if kind != "core":
            continue
        i = index[name]
        spec = problem.goals[i]
        shortest = min(planner.cur.methods[o.method].minutes.min for o in spec.methods)
        current = min(ln.minutes for ln in spec.lengths)
        if shortest >= current:
            continue
        saved = spec.lengths
        length = max(5, (shortest + 4) // 5 * 5)
        spec.lengths = [
            *saved,
            Length(
                length,
                split(length, problem.frame.max_block),
                tuple(
                    k
                    for k, o in enumerate(spec.methods)
                    if planner.cur.methods[o.method].minutes.min <= length
                ),
            ),
        ]
        try:
            works = ok(replace(problem))
        finally:
            spec.lengths = saved
        if works:
            default = spec.selected.goal.minutes
            out.append(
                f"shorten goal {name} to {length} minutes "
                f"(in the curriculum: minutes: {{min: {length}, default: {default}}})"
            )
    return out
