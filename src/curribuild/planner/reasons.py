"""Explanations a coordinator can defend: why each goal is in the plan, why each
method, and why each goal that was asked for is not in it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from curribuild.engine.match import Decision
from curribuild.models.rules import Rule
from curribuild.planner.problem import GoalSpec, Problem
from curribuild.planner.solve import Solution

MAX_NAMED = 3


def _names(ids: list[str]) -> str:
    shown = ids[:MAX_NAMED]
    more = len(ids) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def why_in(
    problem: Problem,
    solution: Solution,
    i: int,
    avoided: dict[str, Rule],
    needed_for: Callable[[int], list[str]],
) -> str:
    """Why goal ``i`` is in the plan. ``needed_for(i)`` names the avoidable rules whose
    warning would fire without goal ``i``."""
    spec = problem.goals[i]
    s = spec.selected
    if s.required:
        return "core goal of the curriculum for this audience"
    dependants = [problem.goals[j].id for j in solution.placements if i in problem.goals[j].prereqs]
    if s.gap is not None and s.requested:
        topic = next(
            t
            for t in s.goal.topics
            if any(g.topic == t and g.priority == s.gap for g in problem.gaps)
        )
        text = f"meets the {s.gap}-priority gap {topic}"
        if dependants:
            text += f"; prerequisite of {_names(dependants)}"
        return text
    if dependants:
        return f"prerequisite of {_names(dependants)}"
    rules = [avoided[r] for r in needed_for(i) if r in avoided]
    if rules:
        return "taken in so that the programme avoids: " + _said(rules[0])
    if s.requested:
        return f"asked for as a {s.why}, and there is time for it"
    return "not asked for: the best plan the solver found within its limit has time for it"


def _said(rule: Rule) -> str:
    """What an avoidable rule is about, in its description's words."""
    return f"{rule.description.rstrip('.')} ({rule.id})"


def why_no_method(decision: Decision, rules: Mapping[str, Rule]) -> str | None:
    """Why no method may teach a goal, in the words of the curriculum rules that rule
    out the methods that would fit it; None when nothing fits the goal in the first
    place (a gap in the catalogue, not a refusal)."""
    from curribuild.curriculum import builtin_layer

    # the built-in fit rules (domain, Bloom range, delivery, group, length): a method
    # they exclude does not fit the goal; the curriculum's own rules refuse one
    builtin = builtin_layer().rules
    cands = decision.candidates
    if decision.required:  # a rule names the only methods for the goal
        fitting = [c for c in cands if c.method in decision.required]
    else:
        fitting = [c for c in cands if not any(r in builtin for r in c.excluded_by)]
    refusing: list[str] = []
    for c in fitting:
        for rid in c.excluded_by:
            if rid not in builtin and rid in rules and rid not in refusing:
                refusing.append(rid)
    if not fitting or not refusing:
        return None
    methods = _names([c.method for c in fitting])
    verb = "is the method" if len(fitting) == 1 else "are the methods"
    return f"{methods} {verb} for it, and " + "; ".join(_said(rules[r]) for r in refusing)


@dataclass(frozen=True, slots=True)
class MethodWhy:
    text: str
    tie: bool  # decided only by catalogue order


def why_method(
    spec: GoalSpec,
    method: int,
    length: int,
    rules: dict[str, Rule],
    fires_with: Callable[[str], list[str]],
    not_ahead: str = "",
) -> MethodWhy:
    """Why the goal got its method, and what it beat. ``fires_with(m)`` names the
    avoidable rules whose warning would fire were the goal taught with method ``m``;
    ``not_ahead`` says why the goal, taught in the days, is not pre-work."""
    why = _why_method(spec, method, length, rules, fires_with)
    chosen = spec.methods[method]
    if spec.pre_work(method) and "pre-work" not in why.text:
        return MethodWhy(
            f"{why.text}; done as pre-work before day 1, outside the contact time", False
        )
    ahead = [o for k, o in enumerate(spec.methods) if spec.pre_work(k) and o.score >= chosen.score]
    if ahead and not_ahead:
        return MethodWhy(
            f"{why.text}; {ahead[0].method} would be pre-work before day 1, but {not_ahead}",
            why.tie,
        )
    return why


def _why_method(
    spec: GoalSpec,
    method: int,
    length: int,
    rules: dict[str, Rule],
    fires_with: Callable[[str], list[str]],
) -> MethodWhy:
    chosen = spec.methods[method]
    minutes = spec.lengths[length].minutes
    others = sorted(
        (o for k, o in enumerate(spec.methods) if k != method),
        key=lambda o: (-o.score, o.index),
    )
    if not others:
        return MethodWhy(f"{chosen.method} is the only eligible method", False)
    best = others[0]
    if chosen.score > best.score:
        return MethodWhy(
            f"{chosen.method} fits best under the rules (score {chosen.score}), "
            f"ahead of {best.method} ({best.score})",
            False,
        )
    if (
        chosen.score == best.score
        and chosen.index < best.index
        and spec.pre_work(method) == spec.pre_work(spec.methods.index(best))
    ):
        return MethodWhy(
            f"{chosen.method} and {best.method} fit equally well under the rules "
            f"(score {chosen.score}); {chosen.method} comes first in the catalogue",
            True,
        )
    if chosen.score == best.score and spec.pre_work(method):
        return MethodWhy(
            f"{chosen.method} and {best.method} fit equally well under the rules "
            f"(score {chosen.score}); the planner made it pre-work, which leaves "
            f"{minutes} minutes of the days to other goals",
            False,
        )
    if chosen.score == best.score:
        return MethodWhy(
            f"{chosen.method} and {best.method} fit equally well under the rules "
            f"(score {chosen.score}); the planner took {chosen.method} for the programme as "
            "a whole (learning-type balance, the time it has)",
            False,
        )
    # a lower-scoring method: say what the better one would have broken
    higher = f"{best.method} scores higher ({best.score} against {chosen.score})"
    if best.shortest > minutes:
        return MethodWhy(
            f"{higher} but needs at least {best.shortest} minutes; {chosen.method} teaches it "
            f"in the {minutes} minutes the programme has for it",
            False,
        )
    avoided = [r for r in fires_with(best.method) if r in rules]
    if avoided:
        return MethodWhy(
            f"{higher}, but {chosen.method} ({chosen.learning_type}) lets the programme "
            f"avoid: {_said(rules[avoided[0]])}",
            False,
        )
    return MethodWhy(
        f"{higher}; {chosen.method} keeps the programme within its time and balance", False
    )


def why_dropped(problem: Problem, solution: Solution, i: int) -> tuple[str, list[str]]:
    """Why a requested goal is not in the plan, and the goals it lost to."""
    spec = problem.goals[i]
    kept = solution.placements
    missing = [problem.goals[r].id for r in spec.prereqs if r not in kept]
    cost = min(ln.minutes for ln in spec.lengths)
    # the least it costs: a debrief only when every method of the goal is followed by one
    always = spec.debrief and len(spec.debriefed_by) == len(spec.methods)
    debrief = f" plus a {spec.debrief}-minute debrief" if always else ""
    if missing:
        return (
            f"its prerequisite {_names(missing)} is not in the plan, and teaching both "
            f"would not fit",
            [],
        )
    ahead = [
        problem.goals[j]
        for j in kept
        if not problem.goals[j].selected.required and problem.goals[j].value >= spec.value
    ]
    ahead.sort(key=lambda g: (-g.value, g.id))
    need = f"would need at least {cost} minutes{debrief}"
    if ahead:
        lost_to = [g.id for g in ahead]
        return (
            f"{need}; the programme has no room left, and teaches {len(lost_to)} goal"
            f"{'s' if len(lost_to) != 1 else ''} of the same or higher priority instead "
            f"({_names(lost_to)})",
            lost_to,
        )
    required = sorted(problem.goals[j].id for j in kept if problem.goals[j].selected.required)
    return (
        f"{need}; the programme has no room left beside the required goals ({_names(required)})"
        if required
        else f"{need}, more than the days have left",
        required,
    )
