"""What the results say: reaction, learning and behaviour per goal, method and
learning type, with flags a coordinator should act on.

Scores are kept in the instrument's own scale (``mean``) and as a share of it
(``share``: 0 at the scale's lowest point, 1 at its highest; a gain is the mean
post-minus-pre change over the scale's width), so that goals evaluated on
different scales can be pooled per method and learning type, weighted by their
respondents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from curribuild.evaluation.results import Responses
from curribuild.planner.model import InstrumentScale, Plan

# A method is flagged when its share is this much below the pooled share of the
# other methods for goals of the same domain, each over at least FLAG_MIN_N.
GAIN_MARGIN = 0.15
REACTION_MARGIN = 0.2
FLAG_MIN_N = 5
# Behaviour at the follow-up is "absent" at or below a quarter of the scale (on a
# 1-5 frequency scale: "rarely" or less).
BEHAVIOUR_ABSENT = 0.25


@dataclass(frozen=True, slots=True)
class Score:
    mean: float | None  # on the instrument's scale
    share: float | None  # as a share of the scale
    n: int

    @property
    def known(self) -> bool:
        return self.share is not None and self.n > 0


NONE = Score(None, None, 0)


@dataclass(slots=True)
class GoalResult:
    id: str
    title: str
    domain: str
    method: str
    method_name: str
    learning_type: str
    reaction: Score = NONE
    pre: Score = NONE
    post: Score = NONE
    gain: Score = NONE
    behaviour: Score = NONE


@dataclass(slots=True)
class Group:
    """Goals pooled by method or learning type."""

    key: str
    name: str
    goals: list[str] = field(default_factory=list)
    reaction: Score = NONE
    gain: Score = NONE
    behaviour: Score = NONE


@dataclass(slots=True)
class Report:
    programme: str
    title: str
    respondents: int
    log_entries: int
    goals: list[GoalResult]
    methods: list[Group]
    learning_types: list[Group]
    flags: list[str]


def _share(value: float, scale: InstrumentScale) -> float:
    return (value - scale.min) / (scale.max - scale.min)


def _score(values: list[float], scale: InstrumentScale | None) -> Score:
    if not values or scale is None:
        return NONE
    mean = sum(values) / len(values)
    return Score(round(mean, 2), round(_share(mean, scale), 3), len(values))


def _pool(scores: Iterable[Score]) -> Score:
    known = [s for s in scores if s.known]
    total = sum(s.n for s in known)
    if not total:
        return NONE
    share = sum((s.share or 0.0) * s.n for s in known) / total
    return Score(None, round(share, 3), total)


def _goal(plan: Plan, responses: Responses, goal_id: str) -> GoalResult | None:
    scheduled = {g.id: g for g in plan.goals.scheduled}
    goal = scheduled.get(goal_id)
    if goal is None:
        return None
    method = next((s for d in plan.days for s in d.sessions if goal_id in s.goals), None)
    pre_work = next((m for m in plan.pre_work if goal_id in m.goals), None)
    method_name = (
        method.method_name
        if method and method.method_name
        else pre_work.method_name
        if pre_work
        else goal.method
    )
    learning_type = (
        method.learning_type
        if method and method.learning_type
        else pre_work.learning_type
        if pre_work
        else "unknown"
    )
    result = GoalResult(
        goal.id, goal.title, goal.domain, goal.method, method_name or goal.method, learning_type
    )

    def values(measure: str) -> list[float]:
        return [row[(goal_id, measure)] for row in responses.rows if (goal_id, measure) in row]

    def scale(measure: str) -> InstrumentScale | None:
        return responses.scales.get((goal_id, measure))

    result.reaction = _score(values("reaction"), scale("reaction"))
    result.pre = _score(values("pre"), scale("pre"))
    result.post = _score(values("post"), scale("post"))
    result.behaviour = _score(values("behaviour"), scale("behaviour"))
    pairs = [
        row[(goal_id, "post")] - row[(goal_id, "pre")]
        for row in responses.rows
        if (goal_id, "pre") in row and (goal_id, "post") in row
    ]
    width = scale("post") or scale("pre")
    if pairs and width is not None:
        mean = sum(pairs) / len(pairs)
        result.gain = Score(round(mean, 2), round(mean / (width.max - width.min), 3), len(pairs))
    return result


def _groups(goals: list[GoalResult], key: str) -> list[Group]:
    out: dict[str, Group] = {}
    for g in goals:
        name = g.method if key == "method" else g.learning_type
        shown = g.method_name if key == "method" else g.learning_type
        group = out.setdefault(name, Group(name, shown))
        group.goals.append(g.id)
    for group in out.values():
        members = [g for g in goals if g.id in group.goals]
        group.reaction = _pool(g.reaction for g in members)
        group.gain = _pool(g.gain for g in members)
        group.behaviour = _pool(g.behaviour for g in members)
    return sorted(out.values(), key=lambda g: g.key)


def _flags(goals: list[GoalResult], plan: Plan) -> list[str]:
    flags: list[str] = []
    domains = sorted({g.domain for g in goals})
    for domain in domains:
        members = [g for g in goals if g.domain == domain]
        by_method = {method.key: method for method in _groups(members, "method")}
        for measure, margin, words in (
            ("gain", GAIN_MARGIN, "learning gain"),
            ("reaction", REACTION_MARGIN, "reaction"),
        ):
            for method in by_method.values():
                own: Score = getattr(method, measure)
                others = _pool(getattr(m, measure) for k, m in by_method.items() if k != method.key)
                if own.n < FLAG_MIN_N or others.n < FLAG_MIN_N:
                    continue
                if own.share is None or others.share is None:
                    continue
                if own.share <= others.share - margin:
                    flags.append(
                        f"{method.name}: {words} {own.share:.0%} of the scale for {domain} "
                        f"goals (n={own.n}), clearly below the other methods' "
                        f"{others.share:.0%} (n={others.n}); review the method for these goals"
                    )
    followed = {g for f in plan.follow_up for g in f.goals}
    for g in goals:
        if g.id not in followed:
            continue
        if not g.behaviour.known:
            flags.append(
                f"{g.title}: no behaviour results from the follow-up; fill in the behaviour "
                "questionnaire there"
            )
        elif (g.behaviour.share or 0.0) <= BEHAVIOUR_ABSENT:
            flags.append(
                f"{g.title}: behaviour change absent at the follow-up (mean "
                f"{g.behaviour.mean} on the scale, n={g.behaviour.n}); take it into the "
                "intervision, and ask what stands in the way in practice"
            )
    return flags


def build_report(plan: Plan, responses: Responses) -> Report:
    goals = [
        result
        for goal in plan.goals.scheduled
        if (result := _goal(plan, responses, goal.id)) is not None
    ]
    return Report(
        programme=plan.needs.id,
        title=plan.needs.title,
        respondents=responses.respondents,
        log_entries=responses.log_entries,
        goals=goals,
        methods=_groups(goals, "method"),
        learning_types=_groups(goals, "learning_type"),
        flags=_flags(goals, plan),
    )
