"""Planning end to end: candidates, the rules engine's decisions, one optimisation
over goals, methods and schedule, then programme rules, explanations and the
evaluation plan; the result is a :class:`Plan`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping

from curribuild.checks.codes import cb303, cb306, cb307, cb308, cb310, cb311, cb313, cb314, cb315
from curribuild.curriculum import Curriculum
from curribuild.engine.conditions import named_operands
from curribuild.engine.match import Fired, Matcher
from curribuild.engine.programme import ProgrammeRules
from curribuild.errors import InfeasiblePlan
from curribuild.findings import Finding, Severity
from curribuild.models.common import DOMAINS, LEARNING_TYPES, PERSPECTIVES
from curribuild.models.needs import Needs
from curribuild.models.programme import LearningTypeMinutes, ProgrammeFacts
from curribuild.models.rules import AddSession, Rule
from curribuild.planner import model as pm
from curribuild.planner import reasons
from curribuild.planner.infeasible import infeasible_error
from curribuild.planner.instruments import InstrumentChooser
from curribuild.planner.layout import Slot, lay_out
from curribuild.planner.order import order_goals
from curribuild.planner.problem import (
    Frame,
    Gap,
    GoalSpec,
    Problem,
    goal_spec,
    prerequisite_order,
)
from curribuild.planner.select import Selected, select_goals
from curribuild.planner.solve import Infeasible, Placement, Solution, Unknown, solve
from curribuild.planner.units import GRID, on_grid


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _digest(needs: Needs, cur: Curriculum) -> str:
    payload = {
        "needs": needs.model_dump(mode="json", by_alias=True),
        "goals": [g.model_dump(mode="json", by_alias=True) for g in cur.goals.values()],
        "methods": [m.model_dump(mode="json", by_alias=True) for m in cur.methods.values()],
        "rules": [r.model_dump(mode="json", by_alias=True) for r in cur.rules.values()],
        "config": cur.config.planning.model_dump(mode="json", by_alias=True),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def teaching_dates(needs: Needs) -> list[dt.date | None]:
    c = needs.constraints
    if c.start_date is None:
        return [None] * c.days
    dates: list[dt.date | None] = []
    day = c.start_date
    while len(dates) < c.days:
        if c.weekends or day.weekday() < 5:
            dates.append(day)
        day += dt.timedelta(days=1)
    return dates


def avoidable(cur: Curriculum) -> list[Rule]:
    """Programme rules whose warning the planner avoids when it can."""
    return [r for r in cur.rules.values() if r.scope == "programme" and r.then.avoid]


def _avoid_topics(rules: list[Rule]) -> set[str]:
    """Topics an avoidable rule's condition names: their goals become candidates."""
    return named_operands(rules, "programme.topics")


def _avoid_goals(rules: list[Rule]) -> set[str]:
    """Goals an avoidable rule's condition names: they become candidates."""
    return named_operands(rules, "programme.goals")


def _session_rules(fired: list[Fired], kind: str) -> list[tuple[str, AddSession]]:
    return [
        (f.rule, f.value)
        for f in fired
        if f.effect == "add_session" and isinstance(f.value, AddSession) and f.value.session == kind
    ]


def _value(s: Selected, cur: Curriculum) -> int:
    w = cur.config.planning.weights
    if s.gap is None or not s.requested or s.required:
        return 0
    base: int = getattr(w.gap, s.gap)
    if s.goal.priority == "optional":
        base = base * w.optional_percent // 100
    return base


def facts_of(
    chosen: list[tuple[GoalSpec, str, int]],
    cur: Curriculum,
    needs: Needs,
    distressing: Callable[[GoalSpec, str], bool],
) -> ProgrammeFacts:
    """Programme facts of the goals ``chosen`` as (goal, method id, minutes)."""
    lt_minutes = dict.fromkeys(LEARNING_TYPES, 0)  # of the contact time
    used: set[str] = set()  # learning types taught, pre-work included
    perspectives: set[str] = set()
    domains: set[str] = set()
    topics: set[str] = set()
    pre_work = 0
    for spec, method, minutes in chosen:
        goal = spec.selected.goal
        kind = cur.methods[method].learning_type
        used.add(kind)
        if spec.pre_work_by(method):
            pre_work += minutes
        else:
            lt_minutes[kind] += minutes
        perspectives.update(goal.perspectives)
        domains.add(goal.domain)
        topics.update(goal.topics)
    total = sum(lt_minutes.values())
    share = round(100 * max(lt_minutes.values()) / total) if total else 0
    return ProgrammeFacts.model_validate(
        {
            "goals": [s.id for s, _, _ in chosen],
            "methods": sorted({m for _, m, _ in chosen}),
            "topics": sorted(topics),
            "perspectives": [p for p in PERSPECTIVES if p in perspectives],
            "missing_perspectives": [p for p in PERSPECTIVES if p not in perspectives],
            "learning_types": [lt for lt in LEARNING_TYPES if lt in used],
            "missing_learning_types": [lt for lt in LEARNING_TYPES if lt not in used],
            "learning_type_minutes": LearningTypeMinutes(**lt_minutes),
            "largest_learning_type_share": share,
            "domains": [d for d in DOMAINS if d in domains],
            "unmet_gaps": [g.topic for g in needs.gaps if g.topic not in topics],
            "sensitive_goals": [s.id for s, m, _ in chosen if distressing(s, m)],
            "any_sensitive": any(distressing(s, m) for s, m, _ in chosen),
            "teaching_minutes": total,
            "pre_work_minutes": pre_work,
            "days": needs.constraints.days,
            "experience": needs.audience.experience,
        },
        strict=False,
    )


class Planner:
    """Builds the problem once; solves it (and variants of it, for relaxations)."""

    def __init__(self, needs: Needs, cur: Curriculum) -> None:
        self.needs, self.cur = needs, cur
        self.avoid = avoidable(cur)
        self.findings: list[Finding] = []
        self._rationales: dict[Fired, pm.Rationale] = {}  # one per fired rule, shared
        self.dropped: list[pm.DroppedGoal] = []
        extra_topics, extra_goals = _avoid_topics(self.avoid), _avoid_goals(self.avoid)
        selected = order_goals(select_goals(cur.goals, needs, extra_topics, extra_goals))
        prepared = Matcher(cur.rules.values(), list(cur.methods.values()), cur.evidence).prepare(
            needs
        )
        catalogue = {m.id: (i, m) for i, m in enumerate(cur.methods.values())}
        c = needs.constraints
        specs: list[GoalSpec] = []
        gone: set[str] = set()
        for item in selected:  # prerequisite order
            missing = [r for r in item.goal.requires if r in gone]
            decision = prepared.decide(item.goal)
            spec = None if missing else goal_spec(item, decision, catalogue, c.max_block_minutes)
            if spec is not None:
                spec.value = _value(item, cur)
                specs.append(spec)
                continue
            gone.add(item.goal.id)
            refused = None if missing else reasons.why_no_method(decision, cur.rules)
            if missing:
                why = f"its prerequisite {', '.join(missing)} cannot be taught here"
            elif refused is not None:
                why = "not taught here: " + refused
            else:
                why = (
                    "no method of the catalogue is eligible for it: "
                    + decision.reason.removeprefix("no eligible method: ")
                )
            if item.required:
                raise InfeasiblePlan(
                    f"core goal {item.goal.id!r} cannot be taught: {why}",
                    [Finding(cb303.CODE, f"core goal {item.goal.id!r}: {why}", fix=_cb303_fix())],
                )
            if item.requested:
                self.dropped.append(
                    pm.DroppedGoal(id=item.goal.id, title=item.goal.title, reason=why)
                )
                if not missing and refused is None:  # a refusal is a decision, not a defect
                    self.findings.append(
                        _finding(
                            cb303.CODE,
                            f"goal {item.goal.id!r} has no eligible method: "
                            + why.split(": ", 1)[1],
                        )
                    )
        index = {s.id: i for i, s in enumerate(specs)}
        for spec in specs:
            spec.prereqs = [index[r] for r in spec.selected.goal.requires if r in index]
        self.specs = specs
        self.programme = ProgrammeRules.compile(cur.rules.values())

    def rationale(self, spec: GoalSpec, method_id: str) -> list[pm.Rationale]:
        """The rules that scored the goal's method (exclusions are not a reason for it)."""
        cand = spec.decision.candidate(method_id)
        out = []
        for f in cand.fired if cand else []:
            if f.effect == "exclude":
                continue
            reason = self._rationales.get(f)
            if reason is None:  # trusted data from our own models: no re-validation
                reason = self._rationales[f] = pm.Rationale.model_construct(
                    rule=f.rule, effect=f.describe(), description=f.description, source=f.source
                )
            out.append(reason)
        return out

    # -- the problem --------------------------------------------------------------

    def frame(self, fired: list[Fired], days: int | None = None, end: int = 0) -> Frame:
        c = self.needs.constraints
        start, stop = _minutes(c.day_start), _minutes(c.day_end) + end
        cap = stop - start
        if c.delivery == "online":
            cap = min(cap, self.cur.config.planning.online_day_minutes)
        reflection = _session_rules(fired, "reflection")
        debrief = _session_rules(fired, "debrief")
        return Frame(
            days=days or c.days,
            start=start,
            end=stop,
            lunch=c.lunch_minutes,
            max_block=c.max_block_minutes,
            break_minutes=c.break_minutes,
            teaching_cap=cap,
            reflection=on_grid(reflection[0][1].minutes) if reflection else 0,
            reflection_title=reflection[0][1].title if reflection else "",
            reflection_rule=reflection[0][0] if reflection else "",
            debrief_title=debrief[0][1].title if debrief else "",
            debrief_rule=debrief[0][0] if debrief else "",
        )

    def problem(
        self,
        fired: list[Fired],
        *,
        days: int | None = None,
        end: int = 0,
        lowered: frozenset[str] = frozenset(),
    ) -> Problem:
        debrief = _session_rules(fired, "debrief")
        minutes = on_grid(debrief[0][1].minutes) if debrief else 0
        pre_work = self.needs.constraints.pre_work_minutes
        delivery = self.needs.constraints.delivery
        for spec in self.specs:
            spec.debriefed_by = tuple(
                j for j, o in enumerate(spec.methods) if self.distressing(spec, o.method)
            )
            spec.debrief = minutes if spec.debriefed_by else 0
            # self-paced methods are pre-work when the request sets time aside for it;
            # distressing material stays in the room, where a debrief can follow
            spec.pre_by = tuple(
                j
                for j, o in enumerate(spec.methods)
                if o.self_paced and pre_work and j not in spec.debriefed_by
            )
            # a self-paced method the days' delivery mode does not allow is eligible only
            # as pre-work (fit-delivery-mode); with case material that is distressing
            # here, it is neither
            spec.barred = tuple(
                j
                for j, o in enumerate(spec.methods)
                if o.self_paced
                and j in spec.debriefed_by
                and delivery not in self.cur.methods[o.method].delivery
            )
        gaps = []
        for gap in self.needs.gaps:
            members = tuple(
                i for i, s in enumerate(self.specs) if gap.topic in s.selected.goal.topics
            )
            priority = "medium" if gap.topic in lowered else gap.priority
            gaps.append(Gap(gap.topic, priority, members))
        perspectives = {
            p: tuple(i for i, s in enumerate(self.specs) if p in s.selected.goal.perspectives)
            for p in PERSPECTIVES
        }
        before = set(self.cur.config.planning.before_sensitive_topics)
        return Problem(
            goals=self.specs,
            frame=self.frame(fired, days, end),
            weights=self.cur.config.planning.weights,
            gaps=gaps,
            perspectives=perspectives,
            before_sensitive=tuple(
                i for i, s in enumerate(self.specs) if before & set(s.selected.goal.topics)
            ),
            pre_work=pre_work,
        )

    def distressing(self, spec: GoalSpec, method: str) -> bool:
        """Whether the goal taught with ``method`` uses distressing material: a sensitive
        goal, or case material when the needs say the cases are distressing."""
        if spec.selected.goal.sensitive:
            return True
        cases = self.cur.config.planning.case_material_methods
        return self.needs.context.sensitive_case_material and method in cases

    def speculative(self) -> list[Fired]:
        """Programme rules as they fire when every candidate is taught: which debrief
        and reflection sessions a programme may need."""
        chosen = [(s, s.methods[0].method, s.methods[0].default) for s in self.specs]
        facts = facts_of(chosen, self.cur, self.needs, self.distressing)
        sensitive = any(self.distressing(s, o.method) for s in self.specs for o in s.methods)
        if sensitive and not facts.any_sensitive:
            facts = facts.model_copy(update={"any_sensitive": True})
        return self.programme.evaluate(self.needs, facts)


def _cb303_fix() -> str:
    return "add an eligible method, or change the rules that exclude them"


WINDOW_CELLS = 40_000  # above this many placement choices, goals get day windows
WINDOW = 1  # days either side of a goal's estimated day


def windows(problem: Problem) -> dict[int, tuple[int, int]] | None:
    """For very large requests: the days each goal may go on, around the day a
    cumulative pass in prerequisite and value order estimates for it. The model stays
    the same; its placement choices shrink to a few days per goal."""
    frame = problem.frame
    blocks = sum(frame.halves(GRID))
    cells = sum(len(ln.parts) for g in problem.goals for ln in g.lengths) * frame.days * blocks
    if cells <= WINDOW_CELLS or frame.days <= 2 * WINDOW + 1:
        return None
    capacity = max(1, min(frame.teaching_cap, frame.span - frame.lunch))
    rank = {i: (not g.selected.required, -g.value, i) for i, g in enumerate(problem.goals)}
    out: dict[int, tuple[int, int]] = {}
    used = 0
    for i in prerequisite_order(problem, rank):
        g = problem.goals[i]
        earliest = max((out[r][0] for r in g.prereqs), default=0)
        day = max(min(frame.days - 1, used // capacity), earliest)
        out[i] = (max(0, day - WINDOW), min(frame.days - 1, day + WINDOW))
        used += min(ln.minutes for ln in g.lengths)
    return out


def _solve(planner: Planner, problem: Problem, fired: list[Fired]) -> Solution:
    from curribuild.planner.hint import greedy_hint

    settings = planner.cur.config.planning.solver
    days = windows(problem)
    shortest = min((p for g in problem.goals for ln in g.lengths for p in ln.parts), default=GRID)
    return solve(
        problem,
        planner.needs,
        planner.avoid,
        deterministic_seconds=settings.deterministic_seconds,
        seed=settings.seed,
        hint=greedy_hint(
            problem, days, problem.frame.halves(shortest), _avoid_topics(planner.avoid)
        ),
        days=days,
    )


def _chosen(problem: Problem, solution: Solution) -> list[tuple[GoalSpec, str, int]]:
    out = []
    for i in sorted(solution.placements):
        placed = solution.placements[i]
        spec = problem.goals[i]
        out.append((spec, spec.methods[placed.method].method, spec.lengths[placed.length].minutes))
    return out


def _kinds(fired: list[Fired]) -> tuple[tuple[str, int], ...]:
    return tuple(
        (rule, spec.minutes)
        for kind in ("debrief", "reflection")
        for rule, spec in _session_rules(fired, kind)[:1]
    )


def build_plan(needs: Needs, cur: Curriculum) -> pm.Plan:
    """Plan a programme for ``needs`` from ``cur``; raises InfeasiblePlan when impossible."""
    planner = Planner(needs, cur)
    assumed = planner.speculative()
    for _ in range(3):  # the sessions the programme rules add depend on the programme
        problem = planner.problem(assumed)
        try:
            solution = _solve(planner, problem, assumed)
        except Infeasible as exc:
            raise infeasible_error(planner, problem, exc.core, assumed) from None
        except Unknown:
            raise InfeasiblePlan(
                "the planner found no plan within its time limit",
                [
                    Finding(
                        cb313.CODE,
                        "no plan found within the solver's deterministic time limit",
                        fix="raise planning.solver.deterministic_seconds in curriculum.yaml, "
                        "or plan fewer days at once",
                        field="constraints.days",
                    )
                ],
            ) from None
        facts = facts_of(_chosen(problem, solution), cur, needs, planner.distressing)
        fired = planner.programme.evaluate(needs, facts)
        if set(_kinds(fired)) <= set(_kinds(assumed)):
            break  # time was reserved for every session the rules add (perhaps more)
        assumed = [*assumed, *fired]
    pruned = _without_idle_extras(planner, problem, solution, fired)
    if pruned is not solution:
        solution = pruned
        facts = facts_of(_chosen(problem, solution), cur, needs, planner.distressing)
        fired = planner.programme.evaluate(needs, facts)
    problem.frame = planner.frame(fired)  # lay out only the sessions the rules add
    return assemble(planner, problem, solution, fired, facts)


def _without_idle_extras(
    planner: Planner, problem: Problem, solution: Solution, fired: list[Fired]
) -> Solution:
    """The solution without goals nobody asked for that avoid no warning.

    Such a goal is a candidate only to avoid an avoidable rule's warning; a solver
    stopped by its time limit may keep one that avoids nothing. Leaving it out never
    lowers the objective (its cost as an unrequested goal exceeds the most its
    learning type and perspectives can add), and it is no prerequisite of a kept
    goal, so the plan stays valid."""
    avoided = {r.id for r in planner.avoid}

    def warned(placements: Mapping[int, Placement]) -> set[str]:
        chosen = [
            (g, g.methods[pl.method].method, g.lengths[pl.length].minutes)
            for i, pl in sorted(placements.items())
            for g in [problem.goals[i]]
        ]
        facts = facts_of(chosen, planner.cur, planner.needs, planner.distressing)
        found = planner.programme.evaluate(planner.needs, facts)
        return {f.rule for f in found if f.effect == "warn" and f.rule in avoided}

    kept = dict(solution.placements)
    now = {f.rule for f in fired if f.effect == "warn" and f.rule in avoided}
    changed = True
    while changed:
        changed = False
        for i in sorted(kept):
            spec = problem.goals[i]
            if spec.selected.requested or spec.selected.required:
                continue
            if any(i in problem.goals[j].prereqs for j in kept if j != i):
                continue
            trial = {j: v for j, v in kept.items() if j != i}
            if warned(trial) <= now:
                kept, changed = trial, True
                break
    if len(kept) == len(solution.placements):
        return solution
    return dataclasses.replace(solution, placements=kept)


def _sessions(
    planner: Planner, problem: Problem, solution: Solution, day: list[Slot]
) -> list[pm.Session]:
    cur = planner.cur
    out = []
    for slot in day:
        spec = problem.goals[slot.goal] if slot.goal is not None else None
        method = None
        rationale: list[pm.Rationale] = []
        if spec is not None and slot.kind == "teaching":
            placed = solution.placements[slot.goal or 0]
            method = cur.methods[spec.methods[placed.method].method]
            rationale = planner.rationale(spec, method.id)
        out.append(
            pm.Session(
                start=hhmm(slot.start),
                end=hhmm(slot.end),
                kind=slot.kind,
                title=slot.title,
                method=method.id if method else None,
                method_name=method.name if method else None,
                learning_type=method.learning_type if method else None,
                goals=[spec.id] if spec is not None else [],
                minutes=slot.end - slot.start,
                part=slot.part,
                parts=slot.parts,
                sensitive=bool(
                    spec is not None and method is not None and planner.distressing(spec, method.id)
                ),
                rationale=rationale,
                requires=list(method.requires) if method else None,
                prepare=method.prepare if method else None,
                rule=slot.rule or None,
            )
        )
    return out


def _finding(
    code: str, message: str, rule: str = "", error: bool = False, field: str = ""
) -> Finding:
    """A finding of the plan (plan.json holds it as a :class:`pm.PlanFinding`); ``field``
    names the needs field it concerns, if any."""
    severity = Severity.ERROR if error else Severity.WARNING
    return Finding(code, message, severity=severity, rule=rule, field=field)


def assemble(
    planner: Planner,
    problem: Problem,
    solution: Solution,
    fired: list[Fired],
    facts: ProgrammeFacts,
) -> pm.Plan:
    needs, cur = planner.needs, planner.cur
    findings = list(planner.findings)
    dropped = list(planner.dropped)
    frame = problem.frame
    dates = teaching_dates(needs)
    c = needs.constraints
    if c.start_date is not None and dates and dates[0] != c.start_date:
        first = dates[0]
        assert first is not None
        findings.append(
            _finding(
                cb314.CODE,
                f"start_date {c.start_date.isoformat()} is a {c.start_date:%A}; the programme "
                f"starts on {first:%A} {first.isoformat()} (set `weekends: true` to teach at "
                "weekends)",
                field="constraints.start_date",
            )
        )
    _curriculum_order(problem, solution)
    slots = lay_out(problem, solution, _blocks(problem))
    days = [
        pm.Day(
            day=d + 1,
            date=dates[d].isoformat() if dates[d] else None,  # type: ignore[union-attr]
            delivery=c.delivery,
            sessions=_sessions(planner, problem, solution, day),
        )
        for d, day in enumerate(slots)
    ]
    avoided = {r.id: r for r in planner.avoid}
    for f in fired:
        if f.effect in ("warn", "error"):
            message = str(f.value)
            if f.rule in avoided:
                message += " " + _unavoidable(planner, problem, solution, f.rule)
            findings.append(
                _finding(
                    cb310.CODE if f.effect == "warn" else cb311.CODE,
                    message,
                    f.rule,
                    f.effect == "error",
                )
            )
    chosen = _chosen(problem, solution)

    def needed_for(i: int) -> list[str]:
        """The avoidable rules whose warning would fire without goal ``i``."""
        without = [c for c in chosen if c[0] is not problem.goals[i]]
        facts_without = facts_of(without, cur, needs, planner.distressing)
        warned = {
            f.rule for f in planner.programme.evaluate(needs, facts_without) if f.effect == "warn"
        }
        now = {f.rule for f in fired if f.effect == "warn"}
        return sorted(r for r in warned - now if r in avoided)

    scheduled: list[pm.ScheduledGoal] = []
    ties: list[str] = []
    ordered = sorted(
        solution.placements,
        key=lambda i: (-1, i) if _ahead(problem, solution, i) else _first_slot(slots, i),
    )
    for i in ordered:
        spec = problem.goals[i]
        placed = solution.placements[i]
        method = spec.methods[placed.method]
        cand = spec.decision.candidate(method.method)
        for f in cand.fired if cand else []:
            if f.effect in ("warn", "error"):
                findings.append(
                    _finding(
                        cb310.CODE if f.effect == "warn" else cb311.CODE,
                        f"goal {spec.id!r}: {f.value}",
                        f.rule,
                        f.effect == "error",
                    )
                )

        def fires_with(alt: str, i: int = i) -> list[str]:
            swapped = [(c[0], alt, c[2]) if c[0] is problem.goals[i] else c for c in chosen]
            trial = facts_of(swapped, cur, needs, planner.distressing)
            warned = {
                f.rule for f in planner.programme.evaluate(needs, trial) if f.effect == "warn"
            }
            now = {f.rule for f in fired if f.effect == "warn"}
            return sorted(r for r in warned - now if r in avoided)

        why = reasons.why_method(
            spec,
            placed.method,
            placed.length,
            avoided,
            fires_with,
            _not_ahead(problem, solution, i),
        )
        if why.tie:
            ties.append(spec.id)
        minutes = spec.lengths[placed.length].minutes
        goal = spec.selected.goal
        scheduled.append(
            pm.ScheduledGoal(
                id=spec.id,
                title=goal.title,
                statement=goal.statement,
                domain=goal.domain,
                bloom=goal.bloom,
                perspectives=list(goal.perspectives),
                topics=list(goal.topics),
                minutes=minutes,
                default_minutes=goal.minutes,
                method=method.method,
                reason=why.text,
                tie=why.tie,
                required=spec.selected.required,
                why=reasons.why_in(problem, solution, i, avoided, needed_for),
                sensitive=goal.sensitive,
                alternatives=[
                    pm.Alternative(method=o.method, score=o.score)
                    for o in sorted(spec.methods, key=lambda o: (-o.score, o.index))
                    if o.method != method.method
                ],
            )
        )
        if minutes < _full(spec):
            findings.append(
                _finding(
                    cb315.CODE,
                    f"goal {spec.id!r} is taught in {minutes} of its {_full(spec)} minutes "
                    "to fit the programme",
                )
            )
    for i, spec in enumerate(problem.goals):
        if i in solution.placements or not spec.selected.requested:
            continue
        text, lost_to = reasons.why_dropped(problem, solution, i)
        dropped.append(
            pm.DroppedGoal(
                id=spec.id,
                title=spec.selected.goal.title,
                reason=text,
                minutes=min(ln.minutes for ln in spec.lengths),
                lost_to=lost_to,
            )
        )
    for d in dropped:
        findings.append(_finding(cb308.CODE, f"goal {d.id!r} not in the plan: {d.reason}"))
    matched = [
        (
            problem.goals[i],
            problem.goals[i].methods[solution.placements[i].method].method,
            problem.goals[i].lengths[solution.placements[i].length].minutes,
        )
        for i in ordered
    ]
    chooser = InstrumentChooser(cur.instruments.values(), needs)
    follow_up = _follow_ups(_session_rules(fired, "follow-up"), matched, cur, needs, dates, chooser)
    if not follow_up:
        findings.append(
            _finding(
                cb306.CODE,
                "the programme has no follow-up session; add a programme rule with "
                "add_session: {session: follow-up, ...}",
            )
        )
    evaluation = _evaluation(matched, cur, follow_up, findings, chooser)
    teaching = sum(s.minutes for day in days for s in day.sessions if s.kind == "teaching")
    pre_work = _pre_work(planner, problem, solution, ordered)
    from curribuild.planner.solve import solver_version

    words = cur.config.planning.arrangements
    tags = {t for day in days for s in day.sessions for t in s.requires or ()}
    tags |= {t for f in follow_up for t in f.requires or ()}
    tags |= {t for m in pre_work for t in m.requires}
    return pm.Plan(
        arrangements={t: words[t] for t in sorted(tags) if t in words},
        needs=pm.NeedsSummary(
            id=needs.id,
            title=needs.title,
            delivery=c.delivery,
            participants=needs.audience.participants,
            pre_work_minutes=c.pre_work_minutes,
            experience=needs.audience.experience,
            professions=list(needs.audience.professions),
            settings=list(needs.audience.settings),
            start_date=dates[0].isoformat() if dates and dates[0] else None,
            timezone=c.timezone,
            certified_training=needs.context.certified_training,
            day_start=c.day_start.strftime("%H:%M"),
            day_end=c.day_end.strftime("%H:%M"),
        ),
        curriculum=pm.CurriculumSummary(
            name=cur.name, layers=cur.layers, digest=_digest(needs, cur)
        ),
        days=days,
        follow_up=follow_up,
        pre_work=pre_work,
        goals=pm.Goals(scheduled=scheduled, dropped=dropped),
        coverage=_coverage(matched, cur, needs),
        evaluation=evaluation,
        instruments=_instruments(cur, evaluation, follow_up),
        findings=[
            pm.PlanFinding.from_finding(f)
            for f in sorted(findings, key=lambda f: (f.code, f.message))
        ],
        solver=pm.SolverInfo(
            name="OR-Tools CP-SAT",
            version=solver_version(),
            status=solution.status,
            objective=solution.objective,
            bound=solution.bound,
            order_objective=solution.order_objective,
            order_bound=solution.order_bound,
            deterministic_limit=cur.config.planning.solver.deterministic_seconds,
            ties=sorted(ties),
        ),
        totals=pm.Totals(
            days=len(days),
            teaching_minutes=teaching,
            sessions=sum(1 for day in days for s in day.sessions if s.kind == "teaching"),
            goals_scheduled=len(scheduled),
            goals_dropped=len(dropped),
            pre_work_minutes=sum(m.minutes for m in pre_work),
            available_minutes=min(frame.teaching_cap, frame.span) * frame.days,
        ),
    )


def _ahead(problem: Problem, solution: Solution, i: int) -> bool:
    """Goal ``i`` (in the plan) is pre-work."""
    return problem.goals[i].pre_work(solution.placements[i].method)


def _not_ahead(problem: Problem, solution: Solution, i: int) -> str:
    """Why goal ``i``, taught in the days, is not pre-work although it could be."""
    spec = problem.goals[i]
    if not spec.pre_by:
        return ""
    placements = solution.placements
    live = [
        problem.goals[r].id
        for r in spec.prereqs
        if r in placements and not _ahead(problem, solution, r)
    ]
    if live:
        return f"its prerequisite {live[0]} is taught in the days, and pre-work comes first"
    used = sum(
        problem.goals[j].lengths[p.length].minutes
        for j, p in placements.items()
        if _ahead(problem, solution, j)
    )
    shortest = min(ln.minutes for ln in spec.lengths if any(k in ln.methods for k in spec.pre_by))
    if used + shortest > problem.pre_work:
        return (
            f"the {problem.pre_work} minutes set aside for pre-work hold {used} minutes of "
            f"other modules and not its {shortest} more"
        )
    return "the planner kept it in the days for the programme as a whole"


def _pre_work(
    planner: Planner, problem: Problem, solution: Solution, ordered: list[int]
) -> list[pm.PreWork]:
    """The self-paced modules before the first day, in prerequisite order."""
    out = []
    for i in ordered:
        placed = solution.placements[i]
        spec = problem.goals[i]
        if not spec.pre_work(placed.method):
            continue
        method = planner.cur.methods[spec.methods[placed.method].method]
        out.append(
            pm.PreWork(
                title=spec.selected.goal.title,
                goals=[spec.id],
                method=method.id,
                method_name=method.name,
                learning_type=method.learning_type,
                minutes=spec.lengths[placed.length].minutes,
                rationale=planner.rationale(spec, method.id),
                requires=list(method.requires),
                prepare=method.prepare,
            )
        )
    return out


def _curriculum_order(problem: Problem, solution: Solution) -> None:
    """Goals the objective cannot tell apart (same parts, method, debrief, Bloom level
    and standing; no prerequisite links; no topic shared with another candidate) take
    their places in curriculum order: a tie goes by catalogue order, not by the order
    the solver happened to find."""
    goals = problem.goals
    linked = {r for g in goals for r in g.prereqs} | {i for i, g in enumerate(goals) if g.prereqs}
    topics: dict[str, int] = {}
    for g in goals:
        for t in g.selected.goal.topics:
            topics[t] = topics.get(t, 0) + 1
    groups: dict[tuple[object, ...], list[int]] = {}
    for i, placed in solution.placements.items():
        g = goals[i]
        if i in linked or any(topics[t] > 1 for t in g.selected.goal.topics):
            continue
        key = (
            g.lengths[placed.length].parts,
            g.methods[placed.method].method,
            g.debriefed(placed.method),
            g.bloom,
            g.selected.required,
            g.value,
            g.selected.requested,
        )
        groups.setdefault(key, []).append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        cells = sorted(solution.placements[i].blocks for i in members)
        for i, blocks in zip(sorted(members), cells, strict=True):
            own = solution.placements[i]  # same method and parts across the group
            solution.placements[i] = type(own)(own.method, own.length, blocks)


def _full(spec: GoalSpec) -> int:
    """The goal's full length as its eligible methods allow it (a method's maximum caps it)."""
    return min(spec.selected.goal.minutes, max(o.default for o in spec.methods))


def _blocks(problem: Problem) -> int:
    shortest = min(
        (p for g in problem.goals for ln in g.lengths for p in ln.parts),
        default=problem.frame.max_block,
    )
    return problem.frame.blocks(shortest)


def _first_slot(days: list[list[Slot]], goal: int) -> tuple[int, int]:
    for d, day in enumerate(days):
        for slot in day:
            if slot.goal == goal:
                return (d, slot.start)
    return (len(days), 0)


def _unavoidable(planner: Planner, problem: Problem, solution: Solution, rule_id: str) -> str:
    """Why the planner could not avoid an avoidable rule's warning."""
    rule = planner.cur.rules[rule_id]
    if rule_id in solution.avoided and not solution.proven.get(rule_id, False):
        return (
            "(the planner found no plan that avoids it within its time limit; more time, "
            "planning.solver.deterministic_seconds, may find one)"
        )
    topics = _avoid_topics([rule])
    if topics and not any(set(g.selected.goal.topics) & topics for g in problem.goals):
        return (
            f"(not avoidable: no goal of {', '.join(sorted(topics))} is in the curriculum for "
            "this audience)"
        )
    goals = _avoid_goals([rule])
    if goals and not any(g.id in goals for g in problem.goals):
        return (
            f"(not avoidable: none of the goals {', '.join(sorted(goals))} is in the curriculum "
            "for this audience)"
        )
    return (
        "(not avoidable: every choice of goals and methods that avoids it breaks a hard "
        "requirement: the required goals, the high-priority gaps or the day frame)"
    )


def _follow_ups(
    rules: list[tuple[str, AddSession]],
    matched: list[tuple[GoalSpec, str, int]],
    cur: Curriculum,
    needs: Needs,
    dates: list[dt.date | None],
    chooser: InstrumentChooser,
) -> list[pm.FollowUp]:
    last = dates[-1] if dates else None
    series = needs.constraints.intervision_series
    out = []
    for rule_id, spec in rules:
        method = cur.methods.get(spec.method) if spec.method else None
        first = spec.weeks_after or 0
        meetings = [(first, spec.title)]
        level = spec.evaluation or "behaviour"
        forms = [i.id for i in chooser.for_follow_up(method, level)]
        named = cur.instruments.get(spec.instrument or "")
        if named is not None and named.id not in forms:
            forms.insert(0, named.id)
        words = named.name if named is not None else spec.instrument
        if words is None and forms:
            words = " and ".join(cur.instruments[i].name for i in forms)
        if spec.series:  # the rule fires only when the needs ask for a series
            count = series.sessions if series else 0
            every = series.every_weeks if series else 0
            meetings = [
                (first + k * every, f"{spec.title} ({k + 1} of {count})") for k in range(count)
            ]
        for weeks, title in meetings:
            out.append(
                pm.FollowUp(
                    title=title,
                    method=spec.method,
                    method_name=method.name if method else None,
                    weeks_after=weeks,
                    date=(last + dt.timedelta(weeks=weeks)).isoformat() if last else None,
                    minutes=spec.minutes,
                    requires=list(method.requires) if method else None,
                    prepare=spec.prepare,
                    goals=[g.id for g, _, _ in matched],
                    evaluation=level,
                    instrument=words or f"not named: add `instrument:` to rule {rule_id}",
                    instruments=forms,
                    rule=rule_id,
                )
            )
    return sorted(out, key=lambda f: f.weeks_after)  # in date order; ties in rule order


def _evaluation(
    matched: list[tuple[GoalSpec, str, int]],
    cur: Curriculum,
    follow_up: list[pm.FollowUp],
    findings: list[Finding],
    chooser: InstrumentChooser,
) -> list[pm.EvaluationItem]:
    defaults = cur.config.planning.evaluation_defaults
    out = []
    for spec, method, _ in matched:
        goal = spec.selected.goal
        ev = goal.evaluation or defaults.get(goal.domain)
        if ev is None:
            findings.append(
                _finding(
                    cb307.CODE,
                    f"goal {goal.id!r} has no evaluation and the curriculum sets no "
                    f"default for the {goal.domain} domain",
                )
            )
            continue
        when = (
            "at the follow-up"
            if ev.level in ("behaviour", "results")
            else "end of the pre-work module"
            if spec.pre_work_by(method)
            else "end of session"
        )
        chosen = chooser.for_goal(goal, cur.methods.get(method), ev.level)
        reaction = chooser.for_goal(goal, cur.methods.get(method), "reaction")
        out.append(
            pm.EvaluationItem(
                goal=goal.id,
                title=goal.title,
                level=ev.level,
                instrument=chosen.name if chosen else ev.instrument,
                instrument_id=chosen.id if chosen else None,
                method=method,
                reaction_id=reaction.id if reaction else None,
                task=ev.instrument if chosen else None,
                when=when,
            )
        )
    seen: set[str] = set()
    for f in follow_up:
        if f.rule in seen:  # a series is evaluated once, at its first meeting
            continue
        seen.add(f.rule)
        out.append(
            pm.EvaluationItem(
                goal=f"follow-up:{f.rule}",
                title=f.title,
                level=f.evaluation,
                instrument=f.instrument,
                instrument_id=f.instruments[0] if f.instruments else None,
                method=f.method,
                when=f"{f.weeks_after} weeks after the last day",
            )
        )
    return out


def _instruments(
    cur: Curriculum, evaluation: list[pm.EvaluationItem], follow_up: list[pm.FollowUp]
) -> dict[str, pm.PlanInstrument]:
    """The catalogue instruments the plan names, copied in so that its forms can be
    written and read back from the plan alone."""
    used = {i for e in evaluation for i in (e.instrument_id, e.reaction_id) if i}
    used |= {i for f in follow_up for i in f.instruments}
    out = {}
    for instrument_id in sorted(used):
        instrument = cur.instruments[instrument_id]
        scale = instrument.scale
        out[instrument_id] = pm.PlanInstrument(
            name=instrument.name,
            level=instrument.level,
            form=instrument.form,
            rated_by=instrument.rated_by,
            items=list(instrument.items),
            scale=pm.InstrumentScale(min=scale.min, max=scale.max, low=scale.low, high=scale.high)
            if scale
            else None,
            description=instrument.description,
        )
    return out


def _coverage(
    matched: list[tuple[GoalSpec, str, int]], cur: Curriculum, needs: Needs
) -> pm.Coverage:
    perspectives = dict.fromkeys(PERSPECTIVES, 0)
    learning_types = dict.fromkeys(LEARNING_TYPES, 0)
    domains = dict.fromkeys(DOMAINS, 0)
    for spec, method, minutes in matched:
        if spec.pre_work_by(method):
            continue  # minutes of the contact time: pre-work is counted apart
        goal = spec.selected.goal
        for p in goal.perspectives:
            perspectives[p] += minutes
        learning_types[cur.methods[method].learning_type] += minutes
        domains[goal.domain] += minutes
    gaps = [
        pm.GapCoverage(
            topic=gap.topic,
            priority=gap.priority,
            goals=[s.id for s, _, _ in matched if gap.topic in s.selected.goal.topics],
        )
        for gap in needs.gaps
    ]
    return pm.Coverage(  # keys sorted: plan.json is canonical
        perspectives=dict(sorted(perspectives.items())),
        learning_types=dict(sorted(learning_types.items())),
        domains=dict(sorted(domains.items())),
        gaps=gaps,
    )
