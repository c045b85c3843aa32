"""The repair of an unproven plan (planner/repair.py), on models small enough to read."""

from __future__ import annotations

from ortools.sat.python import cp_model

from curribuild.planner.repair import Found, GoalVars, _narrowed, objective_at, repair


def _solver(seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = seconds
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    return solver


def _two_days(values: set[str]) -> tuple[cp_model.CpModel, list[GoalVars], list[int]]:
    """Goals a (worth 3) and b (worth 2), one slot a day for two days; ``values`` names
    the goals taught on day 0 and day 1 ("a0", "b1", ...)."""
    model = cp_model.CpModel()
    goals: list[GoalVars] = []
    cells: dict[str, cp_model.IntVar] = {}
    worth = {"a": 3, "b": 2}
    terms = []
    for name, value in worth.items():
        take = model.new_bool_var(f"take_{name}")
        choice = model.new_bool_var(f"method_{name}")
        model.add(choice == take)
        day = [model.new_bool_var(f"{name}{d}") for d in range(2)]
        cells.update({f"{name}{d}": v for d, v in enumerate(day)})
        model.add(sum(day) == take)
        goals.append(
            GoalVars(take.index, [choice.index], [(d, v.index) for d, v in enumerate(day)])
        )
        terms.append(value * take)
    for d in range(2):
        model.add(cells[f"a{d}"] + cells[f"b{d}"] <= 1)
    model.maximize(sum(terms))
    start = [0] * len(model.proto.variables)
    for name in values:
        start[cells[name].index] = 1
        goal = goals[0 if name[0] == "a" else 1]
        start[goal.take] = 1
        start[goal.choice[0]] = 1
    return model, goals, start


def test_objective_at_reads_a_solution_as_the_solver_does() -> None:
    for sense in ("max", "min"):
        model = cp_model.CpModel()
        x = model.new_int_var(0, 10, "x")
        y = model.new_int_var(0, 10, "y")
        model.add(x + y <= 7)
        expr = 3 * x - 2 * y + 5
        model.maximize(expr) if sense == "max" else model.minimize(expr)
        solver = _solver(10.0)
        assert solver.solve(model) == cp_model.OPTIMAL
        values = list(solver.response_proto.solution)
        assert objective_at(model, values) == round(solver.objective_value)
        assert objective_at(model, [0, 0]) == 5


def test_repair_fills_an_empty_day_with_the_dropped_goal() -> None:
    model, goals, start = _two_days({"b0"})
    found = repair(model, goals, 2, Found(start, objective_at(model, start)), 5.0, _solver)
    assert found.objective == 5  # a is taught on day 1 beside b
    assert found.improved >= 1
    assert found.values[goals[0].take] == 1 and found.values[goals[1].take] == 1


def test_repair_keeps_a_plan_that_no_day_can_improve() -> None:
    model, goals, start = _two_days({"a0", "b1"})
    found = repair(model, goals, 2, Found(list(start), 5), 5.0, _solver)
    assert (found.objective, found.improved, found.values) == (5, 0, start)


def test_a_day_window_leaves_the_goals_of_other_days_where_they_are() -> None:
    model, goals, start = _two_days({"b0"})
    solver = _solver(5.0)
    # day 1 alone: b, taught on day 0, cannot move or go; a may come in on day 1
    assert solver.solve(_narrowed(model, goals, start, {1})) == cp_model.OPTIMAL
    values = list(solver.response_proto.solution)
    assert values[goals[1].cells[0][1]] == 1 and values[goals[0].cells[1][1]] == 1
    # day 0 alone: a dropped goal may only come in on day 0, and only in b's place
    assert solver.solve(_narrowed(model, goals, start, {0})) == cp_model.OPTIMAL
    values = list(solver.response_proto.solution)
    assert values[goals[0].cells[0][1]] == 1 and values[goals[1].take] == 0
    assert values[goals[0].cells[1][1]] == 0
