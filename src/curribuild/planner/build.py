"""Planning end to end: select, order, match, schedule within budget, add
programme sessions, evaluate; the result is a :class:`Plan`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass

from curribuild.curriculum import Curriculum
from curribuild.engine.match import Decision, Fired, Matcher
from curribuild.engine.programme import ProgrammeRules
from curribuild.errors import InfeasiblePlan
from curribuild.findings import Finding
from curribuild.models.common import DOMAINS, LEARNING_TYPES, PERSPECTIVES
from curribuild.models.needs import Needs
from curribuild.models.programme import LearningTypeMinutes, ProgrammeFacts
from curribuild.models.rules import AddSession
from curribuild.planner import model as pm
from curribuild.planner.order import order_goals
from curribuild.planner.schedule import DayFrame, Schedule, Unit, hhmm, schedule, unit_need
from curribuild.planner.select import Selected, select_goals


@dataclass(slots=True)
class _Matched:
    selected: Selected
    decision: Decision
    minutes: int  # session length within the method's range
    rationale: tuple[pm.Rationale, ...] | None = None


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


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


def _frames(
    needs: Needs, cur: Curriculum, reflection: tuple[str, AddSession] | None
) -> list[DayFrame]:
    c = needs.constraints
    start, end = _minutes(c.day_start), _minutes(c.day_end)
    cap = end - start
    if c.delivery == "online":
        cap = min(cap, cur.config.planning.online_day_minutes)
    frame = DayFrame(
        start=start,
        end=end,
        lunch=c.lunch_minutes,
        max_block=c.max_block_minutes,
        break_minutes=c.break_minutes,
        teaching_cap=cap,
        reflection_minutes=reflection[1].minutes if reflection else 0,
        reflection_title=reflection[1].title if reflection else "",
        reflection_rule=reflection[0] if reflection else "",
    )
    return [frame] * c.days


def available_minutes(frame: DayFrame, days: int) -> int:
    """Teaching minutes a day can hold at most, times the days."""
    span = frame.end - frame.start - frame.lunch - frame.reflection_minutes
    blocks = max(1, math.ceil(span / (frame.max_block + frame.break_minutes)))
    breaks = max(0, blocks - 2) * frame.break_minutes
    return max(0, min(frame.teaching_cap, span - breaks)) * days


_RATIONALE: dict[Fired, pm.Rationale] = {}


def _rationale(item: _Matched) -> tuple[pm.Rationale, ...]:
    """Why the goal got its method: the winner's fired rules (computed once per goal)."""
    if item.rationale is None:
        out = []
        for f in item.decision.winner_firings():
            reason = _RATIONALE.get(f)
            if reason is None:  # trusted data from our own models: no re-validation
                reason = pm.Rationale.model_construct(
                    rule=f.rule, effect=f.describe(), description=f.description, source=f.source
                )
                _RATIONALE[f] = reason
            out.append(reason)
        item.rationale = tuple(out)
    return item.rationale


def _units(
    matched: list[_Matched],
    cur: Curriculum,
    frame: DayFrame,
    debrief: tuple[str, AddSession] | None,
) -> list[Unit]:
    units: list[Unit] = []
    for item in matched:
        goal = item.selected.goal
        method = cur.methods[item.decision.winner or ""]
        parts = max(1, math.ceil(item.minutes / frame.max_block))
        base, extra = divmod(item.minutes, parts)
        rationale = _rationale(item)
        for part in range(parts):
            minutes = base + (1 if part < extra else 0)
            last = part == parts - 1
            with_debrief = goal.sensitive and last and debrief is not None
            units.append(
                Unit(
                    goal=goal.id,
                    title=goal.title
                    if parts == 1
                    else f"{goal.title} (part {part + 1} of {parts})",
                    method=method.id,
                    method_name=method.name,
                    learning_type=method.learning_type,
                    minutes=minutes,
                    sensitive=goal.sensitive,
                    rationale=rationale,
                    part=part + 1 if parts > 1 else None,
                    parts=parts if parts > 1 else None,
                    requires=tuple(goal.requires),
                    debrief_minutes=debrief[1].minutes if with_debrief and debrief else 0,
                    debrief_title=debrief[1].title if with_debrief and debrief else "",
                    debrief_rule=debrief[0] if with_debrief and debrief else "",
                )
            )
    return units


def programme_facts(matched: list[_Matched], cur: Curriculum, needs: Needs) -> ProgrammeFacts:
    lt_minutes = dict.fromkeys(LEARNING_TYPES, 0)
    perspectives: set[str] = set()
    domains: set[str] = set()
    topics: set[str] = set()
    for item in matched:
        goal = item.selected.goal
        method = cur.methods[item.decision.winner or ""]
        lt_minutes[method.learning_type] += item.minutes
        perspectives.update(goal.perspectives)
        domains.add(goal.domain)
        topics.update(goal.topics)
    total = sum(lt_minutes.values())
    share = round(100 * max(lt_minutes.values()) / total) if total else 0
    return ProgrammeFacts.model_validate(
        {
            "goals": [m.selected.goal.id for m in matched],
            "methods": sorted({m.decision.winner or "" for m in matched}),
            "topics": sorted(topics),
            "perspectives": [p for p in PERSPECTIVES if p in perspectives],
            "missing_perspectives": [p for p in PERSPECTIVES if p not in perspectives],
            "learning_types": [lt for lt in LEARNING_TYPES if lt_minutes[lt]],
            "missing_learning_types": [lt for lt in LEARNING_TYPES if not lt_minutes[lt]],
            "learning_type_minutes": LearningTypeMinutes(**lt_minutes),
            "largest_learning_type_share": share,
            "domains": [d for d in DOMAINS if d in domains],
            "unmet_gaps": [g.topic for g in needs.gaps if g.topic not in topics],
            "sensitive_goals": [m.selected.goal.id for m in matched if m.selected.goal.sensitive],
            "any_sensitive": any(m.selected.goal.sensitive for m in matched),
            "teaching_minutes": total,
            "days": needs.constraints.days,
            "experience": needs.audience.experience,
        },
        strict=False,
    )


def _session_rules(fired: list[Fired], kind: str) -> list[tuple[str, AddSession]]:
    return [
        (f.rule, f.value)
        for f in fired
        if f.effect == "add_session" and isinstance(f.value, AddSession) and f.value.session == kind
    ]


def _drop_order(matched: list[_Matched]) -> list[_Matched]:
    """Droppable goals, first to drop first: low gap, then medium, then optional;
    later goals before earlier ones."""
    droppable = [(i, m) for i, m in enumerate(matched) if not m.selected.required]
    droppable.sort(
        key=lambda pair: (
            pair[1].selected.drop_tier,
            pair[1].selected.goal.priority != "optional",
            -pair[0],
        )
    )
    return [m for _, m in droppable]


_TIER_WHY = {
    0: "low-priority gap",
    1: "medium-priority gap",
    2: "optional goal in a high-priority gap",
}


def build_plan(needs: Needs, cur: Curriculum) -> pm.Plan:
    """Plan a programme for ``needs`` from ``cur``; raises InfeasiblePlan when impossible."""
    findings: list[pm.PlanFinding] = []
    selected = order_goals(select_goals(cur.goals, needs))
    prepared = Matcher(cur.rules.values(), list(cur.methods.values())).prepare(needs)
    matched: list[_Matched] = []
    dropped: list[pm.DroppedGoal] = []
    unmatched: set[str] = set()
    for item in selected:
        decision = prepared.decide(item.goal)
        if decision.winner is None:
            unmatched.add(item.goal.id)
            findings.append(
                pm.PlanFinding(
                    code="CB303",
                    severity="error" if item.required else "warning",
                    message=f"goal {item.goal.id!r} has no eligible method: {decision.reason}",
                )
            )
            dropped.append(
                pm.DroppedGoal(id=item.goal.id, title=item.goal.title, reason=decision.reason)
            )
            continue
        method = cur.methods[decision.winner]
        length = min(max(item.goal.minutes, method.minutes.min), method.minutes.max)
        matched.append(_Matched(item, decision, length))
    matched = _without_dependants(
        matched, unmatched, dropped, "a prerequisite has no eligible method"
    )

    programme = ProgrammeRules.compile(cur.rules.values())

    def attempt(goals: list[_Matched], *, check: bool = True) -> _Attempt:
        facts = programme_facts(goals, cur, needs)
        fired = programme.evaluate(needs, facts)
        debriefs = _session_rules(fired, "debrief")
        reflections = _session_rules(fired, "reflection")
        frames = _frames(needs, cur, reflections[0] if reflections else None)
        units = _units(goals, cur, frames[0], debriefs[0] if debriefs else None)
        if not check:
            return _Attempt(goals, fired, frames, Schedule(), units)
        _check_units_fit(units, frames[0])
        return _Attempt(goals, fired, frames, schedule(units, frames), units)

    matched = _drop_too_long(matched, attempt, dropped)
    best = attempt(matched)
    if best.result.overflow:
        best = _fit_budget(matched, best, attempt, dropped, needs)
    matched, fired, frames, result = best.goals, best.fired, best.frames, best.result

    dates = teaching_dates(needs)
    days = _days(result, dates, needs)
    follow_up = _follow_ups(_session_rules(fired, "follow-up"), matched, cur, dates)
    for f in fired:
        if f.effect in ("warn", "error"):
            findings.append(
                pm.PlanFinding(
                    code="CB310" if f.effect == "warn" else "CB311",
                    severity="warning" if f.effect == "warn" else "error",
                    message=str(f.value),
                    rule=f.rule,
                )
            )
    for m in matched:
        for f in m.decision.winner_firings():
            if f.effect in ("warn", "error"):
                findings.append(
                    pm.PlanFinding(
                        code="CB310" if f.effect == "warn" else "CB311",
                        severity="warning" if f.effect == "warn" else "error",
                        message=f"goal {m.selected.goal.id!r}: {f.value}",
                        rule=f.rule,
                    )
                )
    if not follow_up:
        findings.append(
            pm.PlanFinding(
                code="CB306",
                severity="warning",
                message="the programme has no follow-up session; add a programme rule with "
                "add_session: {session: follow-up, ...}",
            )
        )
    evaluation = _evaluation(matched, cur, follow_up, findings)
    scheduled_ids = {m.selected.goal.id for m in matched}
    for d in dropped:
        if d.id not in unmatched:
            findings.append(
                pm.PlanFinding(
                    code="CB308", severity="warning", message=f"goal {d.id!r} dropped: {d.reason}"
                )
            )
    frame = frames[0]
    teaching = sum(s.minutes for day in days for s in day.sessions if s.kind == "teaching")
    return pm.Plan(
        needs=pm.NeedsSummary(
            id=needs.id,
            title=needs.title,
            delivery=needs.constraints.delivery,
            participants=needs.audience.participants,
            experience=needs.audience.experience,
            professions=list(needs.audience.professions),
            settings=list(needs.audience.settings),
            start_date=needs.constraints.start_date.isoformat()
            if needs.constraints.start_date
            else None,
            timezone=needs.constraints.timezone,
            day_start=needs.constraints.day_start.strftime("%H:%M"),
            day_end=needs.constraints.day_end.strftime("%H:%M"),
        ),
        curriculum=pm.CurriculumSummary(
            name=cur.name, layers=cur.layers, digest=_digest(needs, cur)
        ),
        days=days,
        follow_up=follow_up,
        goals=pm.Goals(
            scheduled=[_scheduled(m) for m in matched],
            dropped=dropped,
        ),
        coverage=_coverage(matched, cur, needs, scheduled_ids),
        evaluation=evaluation,
        findings=sorted(findings, key=lambda f: (f.code, f.message)),
        totals=pm.Totals(
            days=len(days),
            teaching_minutes=teaching,
            sessions=sum(1 for day in days for s in day.sessions if s.kind == "teaching"),
            goals_scheduled=len(matched),
            goals_dropped=len(dropped),
            available_minutes=available_minutes(frame, len(days)),
        ),
    )


def _without_dependants(
    matched: list[_Matched], gone: set[str], dropped: list[pm.DroppedGoal], why: str
) -> list[_Matched]:
    """Remove goals whose prerequisites are gone, transitively, recording why."""
    kept = _prune(matched, gone)
    _record_drops(
        matched, kept, {}, dropped, lambda m, kept_ids: f"{why} ({_missing(m, kept_ids)})"
    )
    return kept


def _missing(m: _Matched, kept_ids: set[str]) -> str:
    return ", ".join(r for r in m.selected.goal.requires if r not in kept_ids)


def _record_drops(
    matched: list[_Matched],
    kept: list[_Matched],
    reasons: dict[str, str],
    dropped: list[pm.DroppedGoal],
    dependant: Callable[[_Matched, set[str]], str],
) -> None:
    """A DroppedGoal for every goal of ``matched`` not ``kept``: its own reason, or,
    for a dependant dropped along with a prerequisite, ``dependant``'s."""
    kept_ids = {m.selected.goal.id for m in kept}
    for m in matched:
        gid = m.selected.goal.id
        if gid in kept_ids:
            continue
        reason = reasons.get(gid) or dependant(m, kept_ids)
        dropped.append(pm.DroppedGoal(id=gid, title=m.selected.goal.title, reason=reason))


def _day_capacity(frame: DayFrame) -> int:
    return min(frame.end - frame.start - frame.reflection_minutes, frame.teaching_cap)


def _too_long(units: list[Unit], frame: DayFrame) -> dict[str, int]:
    """Goals whose sessions (parts, breaks, debrief) cannot fit in one day: id -> minutes."""
    totals: dict[str, int] = {}
    teaching: dict[str, int] = {}
    for unit in units:
        totals[unit.goal] = totals.get(unit.goal, 0) + unit_need(unit, frame)
        teaching[unit.goal] = teaching.get(unit.goal, 0) + unit.minutes
    capacity = _day_capacity(frame)
    return {
        goal: need
        for goal, need in totals.items()
        if need > capacity or teaching[goal] > frame.teaching_cap
    }


def _too_long_error(
    goal: str, title: str, need: int, method: str, frame: DayFrame
) -> InfeasiblePlan:
    capacity = _day_capacity(frame)
    return InfeasiblePlan(
        f"goal {title!r} needs {need} minutes in one day but a day holds at most "
        f"{capacity} minutes of sessions",
        [
            Finding(
                "CB312",
                f"a day ({hhmm(frame.start)}-{hhmm(frame.end)}) is too short for "
                f"{goal!r} ({need} minutes with {method})",
                fix="lengthen the day (day_start/day_end) or shorten the goal",
            )
        ],
    )


def _check_units_fit(units: list[Unit], frame: DayFrame) -> None:
    for goal, need in _too_long(units, frame).items():
        first = next(u for u in units if u.goal == goal)
        title = first.title.split(" (part ")[0]
        raise _too_long_error(goal, title, need, first.method, frame)


@dataclass(slots=True)
class _Attempt:
    goals: list[_Matched]
    fired: list[Fired]
    frames: list[DayFrame]
    result: Schedule
    units: list[Unit]


def _drop_too_long(
    matched: list[_Matched],
    attempt: Callable[..., _Attempt],
    dropped: list[pm.DroppedGoal],
) -> list[_Matched]:
    """Goals that cannot fit in any single day: fatal when required, else dropped."""
    trial = attempt(matched, check=False)
    long = _too_long(trial.units, trial.frames[0])
    if not long:
        return matched
    for m in matched:
        gid = m.selected.goal.id
        if gid in long and m.selected.required:
            raise _too_long_error(
                gid, m.selected.goal.title, long[gid], m.decision.winner or "", trial.frames[0]
            )
    kept = _prune(matched, set(long))
    reasons = {gid: f"a day is too short for it ({need} minutes)" for gid, need in long.items()}
    _record_drops(
        matched, kept, reasons, dropped, lambda m, ids: "its prerequisite does not fit in a day"
    )
    return kept


REFILL_TRIES = 12


def _fit_budget(
    matched: list[_Matched],
    first: _Attempt,
    attempt: Callable[[list[_Matched]], _Attempt],
    dropped: list[pm.DroppedGoal],
    needs: Needs,
) -> _Attempt:
    """Drop the fewest droppable goals (low gaps first, then medium, then optional) so
    the programme fits, then put back any dropped goal that still fits."""
    order = _drop_order(matched)

    def without(gone: set[str]) -> list[_Matched]:
        return _prune(matched, gone)

    def fits(k: int) -> _Attempt | None:
        trial = attempt(without({m.selected.goal.id for m in order[:k]}))
        return None if trial.result.overflow else trial

    best: _Attempt | None = fits(len(order)) if order else None
    if best is None:
        required = [m for m in matched if m.selected.required]
        _infeasible(required, first.frames[0], needs)
    assert best is not None
    low, high = 1, len(order)
    while low < high:  # smallest prefix of the drop order that fits
        mid = (low + high) // 2
        trial = fits(mid)
        if trial is None:
            low = mid + 1
        else:
            high, best = mid, trial
    if high < len(order):
        best = fits(high) or best
    gone = {m.selected.goal.id for m in order[:high]}
    tries = 0
    for candidate in reversed(order[:high]):  # most valuable first
        if tries >= REFILL_TRIES:
            break
        gid = candidate.selected.goal.id
        if any(r in gone for r in candidate.selected.goal.requires):
            continue
        tries += 1
        trial = attempt(without(gone - {gid}))
        if not trial.result.overflow:
            gone.discard(gid)
            best = trial
    reasons = {
        m.selected.goal.id: "over the time budget "
        f"({_TIER_WHY.get(m.selected.drop_tier, 'droppable')})"
        for m in matched
        if m.selected.goal.id in gone
    }
    _record_drops(
        matched,
        best.goals,
        reasons,
        dropped,
        lambda m, ids: "its prerequisite was dropped for time",
    )
    return best


def _prune(matched: list[_Matched], gone: set[str]) -> list[_Matched]:
    """``matched`` without the ``gone`` goals and, transitively, their dependants."""
    removed = set(gone)
    kept = []
    for m in matched:  # prerequisite order: one pass suffices
        if m.selected.goal.id in removed or any(r in removed for r in m.selected.goal.requires):
            removed.add(m.selected.goal.id)
        else:
            kept.append(m)
    return kept


def _infeasible(required: list[_Matched], frame: DayFrame, needs: Needs) -> None:
    minutes = sum(m.minutes for m in required)
    days = needs.constraints.days
    available = available_minutes(frame, days)
    days_needed = math.ceil(minutes / max(1, available / max(1, days)))
    message = (
        f"required goals need {minutes} minutes of teaching but {days} day(s) hold about "
        f"{available}"
    )
    raise InfeasiblePlan(
        message,
        [
            Finding(
                "CB313",
                message,
                fix=f"set days to at least {max(days_needed, days + 1)}, lengthen the days, "
                "or lower some gap priorities from high to medium",
            )
        ],
    )


def _days(result: Schedule, dates: list[dt.date | None], needs: Needs) -> list[pm.Day]:
    days: list[pm.Day] = []
    for index, slots in enumerate(result.days):
        sessions = []
        for slot in slots:
            unit = slot.unit
            sessions.append(
                pm.Session(
                    start=hhmm(slot.start),
                    end=hhmm(slot.end),
                    kind=slot.kind,
                    title=slot.title,
                    method=unit.method if unit else None,
                    method_name=unit.method_name if unit else None,
                    learning_type=unit.learning_type if unit else None,
                    goals=[unit.goal] if unit else [],
                    minutes=slot.end - slot.start,
                    part=unit.part if unit else None,
                    parts=unit.parts if unit else None,
                    sensitive=unit.sensitive if unit else False,
                    rationale=list(unit.rationale) if unit else [],
                    rule=slot.rule or None,
                )
            )
        date = dates[index]
        days.append(
            pm.Day(
                day=index + 1,
                date=date.isoformat() if date else None,
                delivery=needs.constraints.delivery,
                sessions=sessions,
            )
        )
    return days


def _follow_ups(
    rules: list[tuple[str, AddSession]],
    matched: list[_Matched],
    cur: Curriculum,
    dates: list[dt.date | None],
) -> list[pm.FollowUp]:
    last = dates[-1] if dates else None
    out = []
    for rule_id, spec in rules:
        weeks = spec.weeks_after or 0
        method = cur.methods.get(spec.method) if spec.method else None
        out.append(
            pm.FollowUp(
                title=spec.title,
                method=spec.method,
                method_name=method.name if method else None,
                weeks_after=weeks,
                date=(last + dt.timedelta(weeks=weeks)).isoformat() if last else None,
                minutes=spec.minutes,
                goals=[m.selected.goal.id for m in matched],
                evaluation=spec.evaluation or "behaviour",
                instrument=spec.instrument or spec.title,
                rule=rule_id,
            )
        )
    return out


def _evaluation(
    matched: list[_Matched],
    cur: Curriculum,
    follow_up: list[pm.FollowUp],
    findings: list[pm.PlanFinding],
) -> list[pm.EvaluationItem]:
    defaults = cur.config.planning.evaluation_defaults
    out = []
    for m in matched:
        goal = m.selected.goal
        ev = goal.evaluation or defaults.get(goal.domain)
        if ev is None:
            findings.append(
                pm.PlanFinding(
                    code="CB307",
                    severity="warning",
                    message=f"goal {goal.id!r} has no evaluation and the curriculum sets no "
                    f"default for the {goal.domain} domain",
                )
            )
            continue
        when = "at the follow-up" if ev.level in ("behaviour", "results") else "end of session"
        out.append(
            pm.EvaluationItem(
                goal=goal.id, title=goal.title, level=ev.level, instrument=ev.instrument, when=when
            )
        )
    for f in follow_up:
        out.append(
            pm.EvaluationItem(
                goal=f"follow-up:{f.rule}",
                title=f.title,
                level=f.evaluation,
                instrument=f.instrument,
                when=f"{f.weeks_after} weeks after the last day",
            )
        )
    return out


def _scheduled(m: _Matched) -> pm.ScheduledGoal:
    goal = m.selected.goal
    return pm.ScheduledGoal(
        id=goal.id,
        title=goal.title,
        statement=goal.statement,
        domain=goal.domain,
        bloom=goal.bloom,
        perspectives=list(goal.perspectives),
        topics=list(goal.topics),
        minutes=m.minutes,
        method=m.decision.winner or "",
        reason=m.decision.reason,
        required=m.selected.required,
        why=m.selected.why,
        sensitive=goal.sensitive,
    )


def _coverage(
    matched: list[_Matched], cur: Curriculum, needs: Needs, scheduled: set[str]
) -> pm.Coverage:
    perspectives = dict.fromkeys(PERSPECTIVES, 0)
    learning_types = dict.fromkeys(LEARNING_TYPES, 0)
    domains = dict.fromkeys(DOMAINS, 0)
    for m in matched:
        goal = m.selected.goal
        for p in goal.perspectives:
            perspectives[p] += m.minutes
        learning_types[cur.methods[m.decision.winner or ""].learning_type] += m.minutes
        domains[goal.domain] += m.minutes
    gaps = [
        pm.GapCoverage(
            topic=gap.topic,
            priority=gap.priority,
            goals=[m.selected.goal.id for m in matched if gap.topic in m.selected.goal.topics],
        )
        for gap in needs.gaps
    ]
    return pm.Coverage(  # keys sorted: plan.json is canonical
        perspectives=dict(sorted(perspectives.items())),
        learning_types=dict(sorted(learning_types.items())),
        domains=dict(sorted(domains.items())),
        gaps=gaps,
    )
