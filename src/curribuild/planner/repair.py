"""Repairing a plan the solver could not prove best: large-neighbourhood search by day.

When the first stage stops at its deterministic limit without a proof, the plan
it holds can still be improved in ways a coordinator sees at once: a day that
ends early while a requested goal is dropped, a goal kept that nothing needs,
a warning that a different choice on one day would avoid. Each of those is a
change on one day (or two neighbouring days), so the repair re-solves the same
model with every goal outside those days fixed where it is, and keeps the
result only when the objective is strictly better. Small neighbourhoods solve
to optimality in a fraction of the limit; passes repeat until one changes
nothing or the repair's share of the limit is spent.

The model is not rebuilt: each neighbourhood is a copy of it with variable
domains narrowed, so every hard constraint holds in every accepted plan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model


@dataclass(slots=True)
class GoalVars:
    """The decision variables of one goal, by proto index: ``choice`` (taken, method,
    length) and ``cells`` (day, variable) for the placement of each part."""

    take: int
    choice: list[int]
    cells: list[tuple[int, int]]


@dataclass(slots=True)
class Found:
    """A solution of the first stage: every variable's value, and its objective."""

    values: list[int]
    objective: int
    deterministic_seconds: float = 0.0
    wall_seconds: float = 0.0
    improved: int = 0  # neighbourhoods that made it better


Make = Callable[[float], cp_model.CpSolver]
Key = tuple[str, int]  # a neighbourhood: ("whole", 0), ("day", d) or ("pair", d)


def repair(
    model: cp_model.CpModel,
    goals: Sequence[GoalVars],
    days: int,
    found: Found,
    budget: float,
    make: Make,
    *,
    whole: bool = True,
    rounds: int = 1_000,
) -> Found:
    """``found`` improved within ``budget`` deterministic seconds; ``make(limit)`` gives
    a configured solver. Each round tries the whole programme with goals only kept
    or dropped (unless not ``whole``), each day alone and each pair of neighbouring
    days (goals may move between them); in each, goals of other days may be
    dropped. A neighbourhood solved to the end is not tried again until the plan
    changes; one cut off by its limit gets twice as long next round. The rounds end
    when every neighbourhood is solved to the end since the last change, after
    ``rounds``, or when the budget is spent."""
    spent = 0.0
    step = max(0.05, budget / max(1, 2 * days))
    allowance: dict[Key, float] = {}  # doubled each time a neighbourhood is cut off
    settled: dict[Key, int] = {}  # solved to the end when the plan was at this version

    def attempt(key: Key, trial: Callable[[], cp_model.CpModel], share: float = 1.0) -> None:
        nonlocal spent
        if spent >= budget or settled.get(key) == found.improved:
            return  # nothing changed since it was solved to the end
        tried.add(key)
        limit = allowance.setdefault(key, share * step)
        solver = make(min(limit, budget - spent))
        status = solver.solve(trial())
        seconds = solver.response_proto.deterministic_time
        spent += seconds
        found.deterministic_seconds += seconds
        found.wall_seconds += solver.wall_time
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            objective = round(solver.objective_value)
            if objective > found.objective:
                found.values = list(solver.response_proto.solution)
                found.objective = objective
                found.improved += 1
        if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
            settled[key] = found.improved
        else:
            allowance[key] = 2 * limit

    def window(days: set[int]) -> Callable[[], cp_model.CpModel]:
        return lambda: _narrowed(model, goals, found.values, days)

    def empty(day: int) -> bool:
        return not any(found.values[v] for g in goals for d, v in g.cells if d == day)

    def fresh(first: int, last: int) -> bool:
        """False for days ``first..last`` all empty after an empty day: the same
        neighbourhood as the one just tried (the days of a frame are alike)."""
        return first == 0 or not all(empty(d) for d in range(first - 1, last + 1))

    tried: set[Key] = set()
    for round_ in range(rounds):
        if spent >= budget:
            break
        if round_ and all(settled.get(key) == found.improved for key in tried):
            break  # every neighbourhood solved to the end since the last change
        if whole:
            attempt(("whole", 0), lambda: _kept_or_dropped(model, goals, found.values))
        for d in range(days):
            if fresh(d, d):
                attempt(("day", d), window({d}))
        for d in range(days - 1):
            if fresh(d, d + 1):
                attempt(("pair", d), window({d, d + 1}), share=2.0)  # twice the goals
    return found


def _kept_or_dropped(
    model: cp_model.CpModel, goals: Sequence[GoalVars], values: list[int]
) -> cp_model.CpModel:
    """A copy of ``model`` in which each goal is taught exactly as now, or dropped."""
    trial = model.clone()
    variables = trial.proto.variables
    for g in goals:
        for v in (g.take, *g.choice, *(v for _, v in g.cells)):
            _set(variables[v].domain, 0, values[v])
    hint_all(trial, values)
    return trial


def objective_at(model: cp_model.CpModel, values: list[int]) -> int:
    """The value of ``model``'s objective at a solution given as every variable's value."""
    objective = model.proto.objective
    raw = sum(c * values[v] for v, c in zip(objective.vars, objective.coeffs, strict=True))
    scale = objective.scaling_factor or 1.0
    return round(float(scale * (raw + objective.offset)))


def _set(domain: Any, low: int, high: int) -> None:
    domain.clear()
    domain.extend([low, high])


def hint_all(model: cp_model.CpModel, values: list[int]) -> None:
    """Hint every variable of ``model`` with its value in a solution."""
    hint = model.proto.solution_hint
    hint.vars.clear()
    hint.values.clear()
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)


def _narrowed(
    model: cp_model.CpModel, goals: Sequence[GoalVars], values: list[int], window: set[int]
) -> cp_model.CpModel:
    """A copy of ``model`` in which every goal taught outside ``window`` stays exactly
    as it is or is dropped, and every other goal may be taken, changed or dropped
    within it (so a day can change its methods while the goals it no longer needs
    elsewhere go)."""
    trial = model.clone()
    variables = trial.proto.variables

    def fix(index: int, value: int) -> None:
        _set(variables[index].domain, value, value)

    for g in goals:
        taken = values[g.take] == 1
        outside = taken and any(values[v] and d not in window for d, v in g.cells)
        if outside:
            for v in (g.take, *g.choice, *(v for _, v in g.cells)):
                _set(variables[v].domain, 0, values[v])
        else:
            for d, v in g.cells:
                if d not in window:
                    fix(v, 0)
    hint_all(trial, values)
    return trial
