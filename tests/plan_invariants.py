"""What every plan keeps, whatever the request (DESIGN.md section 4): ``check_plan``.

Used by the synthetic planner tests, the bundled examples and the property tests.
Every check reads the plan as a user would (times on the clock, sessions in order)
and recomputes what it can from the needs and the curriculum, so a planner bug
cannot hide behind the planner's own bookkeeping:

- the day frame: sessions in ``day_start..day_end``, in order, no overlap; at most
  ``max_block_minutes`` of teaching between two pauses (a block may end with the
  debrief of a sensitive goal and the day's reflection, nothing else); lunch only
  between two blocks, within 60 minutes of the middle of the day, never on days
  shorter than 300 minutes, and no teaching through the lunch window without it;
  the online teaching cap;
- goals: the parts of a goal in consecutive blocks of one day, prerequisites
  first, every core goal and every high gap met, methods the rules engine allows,
  shortening reported (CB315), every requested goal that is out reported (CB308);
- programme rules, re-evaluated on the plan as written: a debrief directly after
  the last part of every sensitive goal (never after a break), the reflection at
  the end of every teaching day, the follow-ups, and exactly the warnings that the
  plan's own facts call for; a warning of an ``avoid: true`` rule only when it
  says why it was not avoidable;
- compact days: no idle time at the end of a day that a dropped goal (plus the
  pause before it) would fill, where nothing else stands in its way;
- pre-work: with ``pre_work_minutes`` set, a goal taught with a self-paced method
  (and no distressing material) is a module before day 1, in no day; the modules
  stay within the minutes set aside, their prerequisites are pre-work too, and
  the plan's minutes (coverage, totals, learning-type facts) are the contact time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import jsonschema

from curribuild.curriculum import Curriculum
from curribuild.engine.match import Fired, Matcher, Prepared
from curribuild.engine.programme import ProgrammeRules
from curribuild.errors import InfeasiblePlan
from curribuild.models.common import DOMAINS, LEARNING_TYPES, PERSPECTIVES
from curribuild.models.needs import Needs
from curribuild.models.programme import ProgrammeFacts
from curribuild.models.rules import AddSession
from curribuild.planner.build import build_plan
from curribuild.planner.model import Plan, ScheduledGoal, Session, plan_schema
from curribuild.planner.select import audience_matches, select_goals

LUNCH_WINDOW = 60  # lunch starts within this many minutes of where it would be centred
HALF_DAY = 300  # days shorter than this (minutes) have no lunch
GRID = 5  # every session starts and lasts a multiple of five minutes
PAUSES = ("break", "lunch")

VALIDATOR = jsonschema.Draft202012Validator(plan_schema())

Chosen = tuple[str, str, int]  # (goal id, method id, minutes)


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def clock(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def on_grid(value: int) -> int:
    return max(GRID, math.ceil(value / GRID) * GRID)


# --- programme facts, recomputed from a plan --------------------------------------------


def is_pre_work(needs: Needs, cur: Curriculum, gid: str, method: str) -> bool:
    """Goal ``gid`` taught with ``method`` is self-paced pre-work before day 1: the
    request sets pre-work time aside, the method is self-paced, and the material is
    not distressing (that stays in the room, where a debrief can follow)."""
    return (
        needs.constraints.pre_work_minutes > 0
        and cur.methods[method].self_paced
        and not distressing(needs, cur, gid, method)
    )


def programme_facts(needs: Needs, cur: Curriculum, chosen: Sequence[Chosen]) -> ProgrammeFacts:
    """The programme facts of the goals ``chosen``, as programme rules read them:
    minutes of the contact time, sets of everything taught (pre-work included)."""
    lt_minutes = dict.fromkeys(LEARNING_TYPES, 0)
    used: set[str] = set()
    pre_work = 0
    perspectives: set[str] = set()
    domains: set[str] = set()
    topics: set[str] = set()
    for gid, method, mins in chosen:
        goal = cur.goals[gid]
        kind = cur.methods[method].learning_type
        used.add(kind)
        if is_pre_work(needs, cur, gid, method):
            pre_work += mins
        else:
            lt_minutes[kind] += mins
        perspectives.update(goal.perspectives)
        domains.add(goal.domain)
        topics.update(goal.topics)
    total = sum(lt_minutes.values())
    return ProgrammeFacts.model_validate(
        {
            "goals": [gid for gid, _, _ in chosen],
            "methods": sorted({m for _, m, _ in chosen}),
            "topics": sorted(topics),
            "perspectives": [p for p in PERSPECTIVES if p in perspectives],
            "missing_perspectives": [p for p in PERSPECTIVES if p not in perspectives],
            "learning_types": [lt for lt in LEARNING_TYPES if lt in used],
            "missing_learning_types": [lt for lt in LEARNING_TYPES if lt not in used],
            "learning_type_minutes": lt_minutes,
            "largest_learning_type_share": round(100 * max(lt_minutes.values()) / total)
            if total
            else 0,
            "domains": [d for d in DOMAINS if d in domains],
            "unmet_gaps": [g.topic for g in needs.gaps if g.topic not in topics],
            "sensitive_goals": [gid for gid, m, _ in chosen if distressing(needs, cur, gid, m)],
            "any_sensitive": any(distressing(needs, cur, gid, m) for gid, m, _ in chosen),
            "teaching_minutes": total,
            "pre_work_minutes": pre_work,
            "days": needs.constraints.days,
            "experience": needs.audience.experience,
        }
    )


def distressing(needs: Needs, cur: Curriculum, gid: str, method: str) -> bool:
    """Whether goal ``gid`` taught with ``method`` uses distressing material (DESIGN.md
    section 4): a sensitive goal, or case material when the needs say the cases are
    distressing (the curriculum lists its case-material methods)."""
    if cur.goals[gid].sensitive:
        return True
    cases = cur.config.planning.case_material_methods
    return needs.context.sensitive_case_material and method in cases


def programme_fired(needs: Needs, cur: Curriculum, chosen: Sequence[Chosen]) -> list[Fired]:
    rules = ProgrammeRules.compile(cur.rules.values())
    return rules.evaluate(needs, programme_facts(needs, cur, chosen))


def added_sessions(fired: Iterable[Fired], kind: str) -> list[tuple[str, AddSession]]:
    return [
        (f.rule, f.value)
        for f in fired
        if f.effect == "add_session" and isinstance(f.value, AddSession) and f.value.session == kind
    ]


def avoid_rules(cur: Curriculum) -> set[str]:
    return {r.id for r in cur.rules.values() if r.scope == "programme" and r.then.avoid}


def chosen_of(plan: Plan) -> list[Chosen]:
    return [(g.id, g.method, g.minutes) for g in plan.goals.scheduled]


# --- the check --------------------------------------------------------------------------


def check_plan(plan: Plan, needs: Needs, cur: Curriculum) -> None:
    """Assert every promise of DESIGN.md section 4 on ``plan``."""
    prepared = Matcher(cur.rules.values(), list(cur.methods.values())).prepare(needs)
    fired = programme_fired(needs, cur, chosen_of(plan))
    _check_format(plan, needs)
    _check_days(plan, needs, cur)
    _check_goals(plan, needs, cur, prepared)
    _check_programme_rules(plan, needs, cur, fired)
    # These hold for every plan, proven optimal or not: the repair of an unproven
    # plan (planner/repair.py) brings the day-ends, kept goals and avoidable
    # warnings to where no one-day change improves them.
    _check_reasons(plan, needs, cur, fired)
    _check_compact_days(plan, needs, cur, prepared, fired)


def _check_format(plan: Plan, needs: Needs) -> None:
    text = plan.to_json()
    data = json.loads(text)
    VALIDATOR.validate(data)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert plan.schema_version == 2
    _check_solver(plan)
    c = needs.constraints
    assert [d.day for d in plan.days] == list(range(1, c.days + 1))
    assert {d.delivery for d in plan.days} <= {c.delivery}
    dates = [d.date for d in plan.days]
    if c.start_date is None:
        assert dates == [None] * c.days
        assert plan.needs.start_date is None
    else:
        parsed = [dt.date.fromisoformat(d or "") for d in dates]
        assert parsed[0] >= c.start_date
        assert parsed == sorted(set(parsed))
        # consecutive teaching days: only weekend days may be skipped, and only
        # when the needs do not teach at weekends
        day = parsed[0]
        for date in parsed[1:]:
            day += dt.timedelta(days=1)
            while not c.weekends and day.weekday() >= 5:
                day += dt.timedelta(days=1)
            assert date == day, (date, day)
        if not c.weekends:
            assert all(d.weekday() < 5 for d in parsed)
            skipped = c.start_date.weekday() >= 5
            assert (parsed[0] != c.start_date) == skipped
            cb314 = [f for f in plan.findings if f.code == "CB314"]
            assert len(cb314) == (1 if skipped else 0), cb314
        else:
            assert parsed[0] == c.start_date
        # the header shows the first day actually taught
        assert plan.needs.start_date == parsed[0].isoformat()


def _check_solver(plan: Plan) -> None:
    solver = plan.solver
    assert solver.name == "OR-Tools CP-SAT"
    assert solver.version
    assert solver.status in ("optimal", "feasible")
    assert solver.deterministic_limit > 0
    # the first stage maximises: its bound is never below the plan's objective
    assert solver.bound >= solver.objective, (solver.bound, solver.objective)
    assert solver.order_bound >= solver.order_objective
    if solver.status == "optimal":
        assert solver.bound == solver.objective, (solver.bound, solver.objective)
    assert solver.ties == sorted(g.id for g in plan.goals.scheduled if g.tie)


def _check_days(plan: Plan, needs: Needs, cur: Curriculum) -> None:
    c = needs.constraints
    start, end = clock(c.day_start), clock(c.day_end)
    span = end - start
    has_lunch = c.lunch_minutes > 0 and span >= HALF_DAY
    target = start + (span - c.lunch_minutes) // 2  # where a centred lunch would start
    cap = span
    if c.delivery == "online":
        cap = min(cap, cur.config.planning.online_day_minutes)
    for day in plan.days:
        ss = day.sessions
        where = f"day {day.day}"
        previous = start
        for s in ss:
            a, b = minutes(s.start), minutes(s.end)
            assert start <= a < b <= end, (where, s.title, s.start, s.end)
            assert b - a == s.minutes, (where, s.title)
            assert a % GRID == 0 and b % GRID == 0, (where, s.title)
            assert a >= previous, f"{where}: {s.title} at {s.start} overlaps the session before it"
            previous = b
            if s.kind == "teaching":
                assert len(s.goals) == 1 and s.method is not None, (where, s.title)
            elif s.kind in PAUSES:
                assert s.goals == [] and s.method is None, (where, s.title)
        teaching = sum(s.minutes for s in ss if s.kind == "teaching")
        assert teaching <= cap, (where, teaching, cap)
        _check_blocks(ss, needs, where)
        lunches = [i for i, s in enumerate(ss) if s.kind == "lunch"]
        assert len(lunches) <= 1, where
        if not has_lunch:
            assert lunches == [], f"{where}: lunch on a day of {span} minutes"
        if lunches:
            i = lunches[0]
            lunch = ss[i]
            assert lunch.minutes == c.lunch_minutes, where
            # between two blocks: after teaching (or its debrief), before teaching
            assert 0 < i < len(ss) - 1, f"{where}: lunch is not between two blocks"
            assert ss[i - 1].kind in ("teaching", "debrief"), (where, ss[i - 1].kind)
            assert ss[i + 1].kind == "teaching", (where, ss[i + 1].kind)
            a = minutes(lunch.start)
            assert target - LUNCH_WINDOW <= a <= target + LUNCH_WINDOW, (
                f"{where}: lunch at {lunch.start} is not within {LUNCH_WINDOW} minutes of "
                "the middle of the day"
            )
        if has_lunch:
            # nobody teaches through the lunch window: what comes before lunch (or the
            # whole day, on a day without lunch) ends by the window's close
            before = ss[: lunches[0]] if lunches else ss
            for i, s in enumerate(before):
                closing = s.kind == "reflection" or (
                    s.kind == "break" and i + 1 < len(ss) and ss[i + 1].kind == "reflection"
                )
                if not closing:
                    assert minutes(s.end) <= target + LUNCH_WINDOW, (
                        f"{where}: {s.title} ends at {s.end}, past the lunch window, "
                        "with no lunch before it"
                    )
        for i, s in enumerate(ss):
            if s.kind == "break":
                assert s.minutes == c.break_minutes, where
                assert 0 < i < len(ss) - 1, f"{where}: a break opens or closes the day"
                assert ss[i - 1].kind in ("teaching", "debrief"), (where, ss[i - 1].kind)
                assert ss[i + 1].kind in ("teaching", "reflection"), (where, ss[i + 1].kind)
        reflections = [i for i, s in enumerate(ss) if s.kind == "reflection"]
        assert len(reflections) <= 1, where
        if reflections:
            assert reflections == [len(ss) - 1], f"{where}: the reflection is not last"
            assert teaching > 0, f"{where}: a reflection on a day without teaching"


def _check_pre_work(
    plan: Plan, needs: Needs, cur: Curriculum, scheduled: dict[str, ScheduledGoal]
) -> set[str]:
    """The pre-work modules: one per goal, with its method, within the minutes set
    aside and counted apart from the contact time. Returns the goals taught as pre-work."""
    c = needs.constraints
    ahead: set[str] = set()
    for module in plan.pre_work:
        assert len(module.goals) == 1, module.title
        gid = module.goals[0]
        assert gid not in ahead, f"{gid}: two pre-work modules"
        ahead.add(gid)
        g = scheduled[gid]
        method = cur.methods[g.method]
        assert module.method == g.method and module.method_name == method.name, gid
        assert module.learning_type == method.learning_type, gid
        assert module.minutes == g.minutes, gid
        assert module.requires == list(method.requires), gid
        assert module.title == cur.goals[gid].title, gid
        assert is_pre_work(needs, cur, gid, g.method), f"{gid} is no pre-work with {g.method}"
        # the prerequisites of pre-work are pre-work (or not taught: met already)
        for req in cur.goals[gid].requires:
            if req in scheduled:
                assert req in ahead, f"{gid} is pre-work, but its prerequisite {req} is not"
    total = sum(m.minutes for m in plan.pre_work)
    assert total <= c.pre_work_minutes, (total, c.pre_work_minutes)
    assert plan.totals.pre_work_minutes == total
    assert plan.needs.pre_work_minutes == c.pre_work_minutes
    for e in plan.evaluation:
        if e.goal in ahead and e.level not in ("behaviour", "results"):
            assert e.when == "end of the pre-work module", e
    # coverage counts the contact time
    contact = [(g.id, g.minutes) for g in plan.goals.scheduled if g.id not in ahead]
    for name in PERSPECTIVES:
        expect = sum(m for gid, m in contact if name in cur.goals[gid].perspectives)
        assert plan.coverage.perspectives[name] == expect, (name, expect)
    for name in DOMAINS:
        expect = sum(m for gid, m in contact if cur.goals[gid].domain == name)
        assert plan.coverage.domains[name] == expect, (name, expect)
    return ahead


def _check_blocks(ss: Sequence[Session], needs: Needs, where: str) -> None:
    """A block (sessions between two pauses) holds at most max_block_minutes of
    teaching; besides teaching it holds only the debriefs that follow sensitive
    goals and the day's reflection, and at most the longest of them beyond
    max_block_minutes."""
    c = needs.constraints
    if c.break_minutes == 0:
        return  # blocks are not visible without break sessions
    block: list[Session] = []
    for s in [*ss, None]:
        if s is None or s.kind in PAUSES:
            if block:
                teach = sum(x.minutes for x in block if x.kind == "teaching")
                extras = [x.minutes for x in block if x.kind != "teaching"]
                total = sum(x.minutes for x in block)
                assert teach <= c.max_block_minutes, (
                    f"{where}: {teach} minutes of teaching without a break "
                    f"(max_block_minutes {c.max_block_minutes}), from {block[0].start}"
                )
                assert total <= c.max_block_minutes + max(extras, default=0), (
                    f"{where}: a block of {total} minutes from {block[0].start}"
                )
            block = []
        else:
            block.append(s)


def _check_goals(plan: Plan, needs: Needs, cur: Curriculum, prepared: Prepared) -> None:
    c = needs.constraints
    scheduled = {g.id: g for g in plan.goals.scheduled}
    assert len(scheduled) == len(plan.goals.scheduled), "a goal scheduled twice"
    dropped = {d.id: d for d in plan.goals.dropped}
    assert len(dropped) == len(plan.goals.dropped), "a goal dropped twice"
    assert not set(scheduled) & set(dropped)
    # where every goal is taught: (day, index in the day, session)
    where: dict[str, list[tuple[int, int, Session]]] = {}
    for day in plan.days:
        for i, s in enumerate(day.sessions):
            if s.kind == "teaching":
                where.setdefault(s.goals[0], []).append((day.day, i, s))
    ahead = _check_pre_work(plan, needs, cur, scheduled)
    assert set(where) | ahead == set(scheduled), (set(where) | ahead) ^ set(scheduled)
    assert not set(where) & ahead, f"{set(where) & ahead} are both pre-work and in the days"
    for gid, g in scheduled.items():
        goal = cur.goals[gid]
        if gid in ahead:
            cand = prepared.decide(goal).candidate(g.method)
            assert cand is not None and cand.eligible, (gid, g.method)
            assert g.why and g.reason, gid
            continue
        assert not is_pre_work(needs, cur, gid, g.method), f"{gid} is pre-work, yet in the days"
        parts = where[gid]
        sessions = [s for _, _, s in parts]
        assert {s.method for s in sessions} == {g.method}, gid
        assert sum(s.minutes for s in sessions) == g.minutes, gid
        hard = distressing(needs, cur, gid, g.method)
        assert all(s.sensitive == hard for s in sessions), (
            f"{gid}: sessions marked sensitive={[s.sensitive for s in sessions]}, but the "
            f"goal taught with {g.method} {'uses' if hard else 'does not use'} distressing "
            "material"
        )
        method = cur.methods[g.method]
        assert c.delivery in method.delivery, (gid, g.method)
        assert all(s.learning_type == method.learning_type for s in sessions), gid
        if len(parts) == 1:
            assert (sessions[0].part, sessions[0].parts) == (None, None), gid
        else:
            # the parts of a goal: in consecutive blocks of one day
            assert [s.part for s in sessions] == list(range(1, len(parts) + 1)), gid
            assert {s.parts for s in sessions} == {len(parts)}, gid
            assert len({d for d, _, _ in parts}) == 1, f"{gid} is split across days"
            agenda = plan.days[parts[0][0] - 1].sessions
            for (_, i, _), (_, j, _) in itertools.pairwise(parts):
                assert j == i + 2 and agenda[i + 1].kind in PAUSES, (
                    f"the parts of {gid} are not in consecutive blocks"
                )
            assert all(s.minutes <= c.max_block_minutes for s in sessions), gid
        # the method is one the rules engine allows for this goal
        cand = prepared.decide(goal).candidate(g.method)
        assert cand is not None and cand.eligible, (gid, g.method)
        assert g.alternatives == sorted(g.alternatives, key=lambda a: -a.score)
        eligible = {x.method for x in prepared.decide(goal).candidates if x.eligible} - {g.method}
        assert {a.method for a in g.alternatives} == eligible, gid
        # length: within the goal's range clamped to the method's, shortening reported
        low = on_grid(min(max(goal.shortest, method.minutes.min), method.minutes.max))
        high = on_grid(min(max(goal.minutes, method.minutes.min), method.minutes.max))
        assert low <= g.minutes <= high, (gid, g.minutes, low, high)
        assert g.default_minutes == goal.minutes
        cb315 = [f for f in plan.findings if f.code == "CB315" and f"goal {gid!r}" in f.message]
        # shortened: below the goal's length as the longest eligible method allows it (a
        # method's maximum is not the planner shortening the goal)
        cap = max(cur.methods[m].minutes.max for m in eligible | {g.method})
        full = min(goal.minutes, on_grid(cap) if on_grid(cap) <= cap else cap)
        assert len(cb315) == (1 if g.minutes < full else 0), (gid, cb315, full)
        assert g.required == (goal.priority == "core"), gid
        assert g.why and g.reason, gid
        if g.required:
            assert g.why.startswith("core goal"), (gid, g.why)
        if g.tie:
            assert any(a.score == cand.score for a in g.alternatives), gid
    # prerequisites first (or earlier in the same block); a prerequisite that is not
    # taught is one the audience is taken to have met already
    first = {gid: (p[0][0], minutes(p[0][2].start)) for gid, p in where.items()}
    last = {gid: (p[-1][0], minutes(p[-1][2].end)) for gid, p in where.items()}
    for gid in ahead:  # before day 1, in the order the modules are listed
        index = next(i for i, m in enumerate(plan.pre_work) if gid in m.goals)
        first[gid] = last[gid] = (0, index)
    for gid in scheduled:
        for req in cur.goals[gid].requires:
            if req in scheduled:
                assert last[req] <= first[gid], f"{req} must come before {gid}"
            else:
                assert req not in cur.goals or not audience_matches(cur.goals[req], needs), (
                    f"{gid} is taught without its prerequisite {req}"
                )
    # hard requirements: every core goal for the audience, every high gap met
    for goal in cur.goals.values():
        if goal.priority == "core" and audience_matches(goal, needs):
            assert goal.id in scheduled, f"core goal {goal.id} is not in the plan"
    for gap in needs.gaps:
        covering = [gid for gid in scheduled if gap.topic in cur.goals[gid].topics]
        if gap.priority == "high":
            assert covering, f"the high-priority gap {gap.topic} is not met"
        cov = next(x for x in plan.coverage.gaps if x.topic == gap.topic)
        assert sorted(cov.goals) == sorted(covering), gap.topic
        assert cov.priority == gap.priority
    # every goal the request asked for (core, gap, prerequisite of one) that is not
    # in the plan is reported, with a CB308 finding, its cost and its reason
    requested = {s.goal.id for s in select_goals(cur.goals, needs) if s.requested}
    assert requested - set(scheduled) == set(dropped), (requested - set(scheduled)) ^ set(dropped)
    cb308 = [f.message for f in plan.findings if f.code == "CB308"]
    assert len(cb308) == len(dropped)
    for d in plan.goals.dropped:
        assert d.reason, d.id
        assert any(m.startswith(f"goal {d.id!r} ") for m in cb308), d.id
        assert set(d.lost_to) <= set(scheduled), (d.id, d.lost_to)
    # totals
    t = plan.totals
    teaching = [s for day in plan.days for s in day.sessions if s.kind == "teaching"]
    assert t.days == c.days
    assert t.teaching_minutes == sum(s.minutes for s in teaching)
    assert t.sessions == len(teaching)
    assert t.goals_scheduled == len(scheduled)
    assert t.goals_dropped == len(dropped)
    assert t.teaching_minutes <= t.available_minutes


def _check_programme_rules(plan: Plan, needs: Needs, cur: Curriculum, fired: list[Fired]) -> None:
    scheduled = {g.id: g for g in plan.goals.scheduled}
    # a debrief directly after the last part of every sensitive goal, never after a
    # break; no other debriefs
    debrief = added_sessions(fired, "debrief")[:1]
    sensitive = {gid for gid, g in scheduled.items() if distressing(needs, cur, gid, g.method)}
    debriefed: set[str] = set()
    for day in plan.days:
        ss = day.sessions
        for i, s in enumerate(ss):
            if s.kind != "debrief":
                continue
            assert debrief, f"day {day.day}: a debrief no programme rule asks for"
            rule, spec = debrief[0]
            before = ss[i - 1] if i else None
            assert before is not None and before.kind == "teaching", (
                f"day {day.day}: the debrief at {s.start} does not follow teaching directly"
            )
            gid = before.goals[0]
            assert gid in sensitive, f"day {day.day}: a debrief after {gid}"
            assert before.part == before.parts, f"debrief after part {before.part} of {gid}"
            assert s.start == before.end
            assert s.goals == [gid] and s.rule == rule and s.title == spec.title
            assert s.minutes == on_grid(spec.minutes)
            assert gid not in debriefed, f"two debriefs after {gid}"
            debriefed.add(gid)
    if debrief:
        assert debriefed == sensitive, f"no debrief directly after {sorted(sensitive - debriefed)}"
    # the reflection closes every day with teaching when a rule asks for it
    reflection = added_sessions(fired, "reflection")[:1]
    for day in plan.days:
        teaches = any(s.kind == "teaching" for s in day.sessions)
        closing = [s for s in day.sessions if s.kind == "reflection"]
        if reflection and teaches:
            rule, spec = reflection[0]
            assert [(s.rule, s.title, s.minutes) for s in closing] == [
                (rule, spec.title, on_grid(spec.minutes))
            ], f"day {day.day}"
        else:
            assert closing == [], f"day {day.day}"
    # follow-ups: one per rule that asks for one (a series: one per meeting the needs
    # ask for, every every_weeks from the rule's weeks_after), in date order (ties in
    # rule order)
    series = needs.constraints.intervision_series
    asked = sorted(
        (
            (r, (spec.weeks_after or 0) + k * (series.every_weeks if series else 0))
            for r, spec in added_sessions(fired, "follow-up")
            for k in range((series.sessions if series else 0) if spec.series else 1)
        ),
        key=lambda rw: rw[1],
    )
    assert [(f.rule, f.weeks_after) for f in plan.follow_up] == asked
    assert (not plan.follow_up) == any(f.code == "CB306" for f in plan.findings)
    # warnings: exactly those the plan's own facts call for (no warning about a
    # situation the plan does not have, none missing); an avoidable rule warns only
    # when it could not be avoided, and says why
    programme = {r.id for r in cur.rules.values() if r.scope == "programme"}
    warned = sorted(
        (f.rule, f.code)
        for f in plan.findings
        if f.code in ("CB310", "CB311") and f.rule in programme
    )
    expected = sorted(
        (f.rule, "CB310" if f.effect == "warn" else "CB311")
        for f in fired
        if f.effect in ("warn", "error")
    )
    assert warned == expected, (warned, expected)
    avoid = avoid_rules(cur)
    for f in plan.findings:
        if f.code == "CB310" and f.rule in avoid:
            # every avoidable warning is avoided, or said (and proven) to be unavoidable
            assert "not avoidable" in f.message, f"avoidable warning not avoided: {f.message}"
    for f in plan.findings:
        if f.code in ("CB310", "CB311") and f.rule not in programme:
            assert f.rule in cur.rules and any(
                f.message.startswith(f"goal {gid!r}: ") for gid in scheduled
            ), f.message


WHY_GAP = re.compile(r"^meets the (high|medium|low)-priority gap ([a-z0-9-]+)(?:; (.*))?$")
WHY_PREREQ = re.compile(r"^prerequisite of (.+)$")
WHY_AVOID = re.compile(r"^taken in so that the programme avoids: .* \(([a-z0-9-]+)\)$")


def _names(text: str) -> list[str]:
    """``a, b and 2 more`` -> [a, b] (reasons.py names at most three goals)."""
    text = re.sub(r" and \d+ more$", "", text)
    return [n.strip() for n in text.split(",")]


def _requires_all(cur: Curriculum, gid: str) -> set[str]:
    """Every goal ``gid`` needs first, directly or through others."""
    out: set[str] = set()
    stack = list(cur.goals[gid].requires)
    while stack:
        r = stack.pop()
        if r in out or r not in cur.goals:
            continue
        out.add(r)
        stack.extend(cur.goals[r].requires)
    return out


def _check_reasons(plan: Plan, needs: Needs, cur: Curriculum, fired: list[Fired]) -> None:
    """Every goal is in the plan for a reason that holds on the plan as written: core,
    a gap it meets, a scheduled goal that needs it, or an avoidable warning that would
    fire without it; a goal nobody asked for is never in the plan for nothing."""
    scheduled = {g.id: g for g in plan.goals.scheduled}
    gaps = {g.topic: g.priority for g in needs.gaps}
    selected = select_goals(cur.goals, needs)
    requested = {s.goal.id for s in selected if s.requested}
    own_account = {s.goal.id for s in selected if s.required or s.gap is not None}
    avoid = avoid_rules(cur)
    warned = {f.rule for f in fired if f.effect == "warn"}
    chosen = chosen_of(plan)
    for g in plan.goals.scheduled:
        _check_method_reason(g, needs, cur, chosen, warned)

    def dependants(gid: str) -> set[str]:
        out = {gid}
        grew = True
        while grew:
            more = {x for x in scheduled if x not in out and set(cur.goals[x].requires) & out}
            out |= more
            grew = bool(more)
        return out

    for gid, g in scheduled.items():
        goal = cur.goals[gid]
        if g.required:
            continue
        why = g.why
        if m := WHY_GAP.match(why):
            assert gaps.get(m[2]) == m[1] and m[2] in goal.topics, (gid, why)
            rest = m[3]
            if rest:
                m2 = WHY_PREREQ.match(rest)
                assert m2, (gid, why)
                why = rest
            else:
                continue
        if m := WHY_PREREQ.match(why):
            for other in _names(m[1]):
                assert other in scheduled and gid in cur.goals[other].requires, (gid, why)
            continue
        if why.startswith("asked for as a "):
            # a goal asked for only as the prerequisite of another: fine when there is
            # time for it, but never while a goal asked for on its own account, and
            # no longer than it, is dropped (issue 11)
            assert gid in requested, (gid, why)
            above = dependants(gid)
            better = [
                d.id
                for d in plan.goals.dropped
                if d.id in own_account
                and 0 < d.minutes <= g.minutes
                and d.id not in above
                and gid not in _requires_all(cur, d.id)
                and all(
                    r in scheduled
                    for r in cur.goals[d.id].requires
                    if r in cur.goals and audience_matches(cur.goals[r], needs)
                )
            ]
            assert not better, f"{gid} ({why}) is kept while {better} are dropped"
            continue
        m = WHY_AVOID.match(why)
        assert m, f"{gid} is in the plan for no reason a coordinator could defend: {why!r}"
        rule = m[1]
        assert rule in avoid and rule not in warned, (gid, why)
        assert gid not in requested, f"{gid} was asked for, yet is said to be taken in: {why}"
        gone = dependants(gid)
        without = [x for x in chosen if x[0] not in gone]
        trial = {f.rule for f in programme_fired(needs, cur, without) if f.effect == "warn"}
        assert rule in trial, (
            f"{gid} is said to be taken in to avoid {rule}, but the plan avoids it without "
            f"{gid} too"
        )


R_ONLY = re.compile(r"^(\S+) is the only eligible method$")
R_BEST = re.compile(
    r"^(\S+) fits best under the rules \(score (-?\d+)\), ahead of (\S+) \((-?\d+)\)$"
)
R_TIE = re.compile(
    r"^(\S+) and (\S+) fit equally well under the rules \(score (-?\d+)\); (\S+) comes "
    r"first in the catalogue$"
)
R_EQUAL = re.compile(
    r"^(\S+) and (\S+) fit equally well under the rules \(score (-?\d+)\); the planner took "
    r"(\S+) for the programme as a whole \(learning-type balance, the time it has\)$"
)
R_HIGHER = re.compile(r"^(\S+) scores higher \((-?\d+) against (-?\d+)\)(.*)$")
R_LONGER = re.compile(
    r"^ but needs at least (\d+) minutes; (\S+) teaches it in the (\d+) minutes the "
    r"programme has for it$"
)
R_AVOIDS = re.compile(r"^, but (\S+) \(([a-z]+)\) lets the programme avoid: .* \(([a-z0-9-]+)\)$")
R_BALANCE = re.compile(r"^; (\S+) keeps the programme within its time and balance$")
R_PRE_EQUAL = re.compile(
    r"^(\S+) and (\S+) fit equally well under the rules \(score (-?\d+)\); the planner made "
    r"it pre-work, which leaves (\d+) minutes of the days to other goals$"
)
PRE_DONE = "; done as pre-work before day 1, outside the contact time"
R_PRE_NOT = re.compile(r"^(.*); (\S+) would be pre-work before day 1, but (.+)$")


def _check_method_reason(
    g: ScheduledGoal, needs: Needs, cur: Curriculum, chosen: list[Chosen], warned: set[str]
) -> None:
    """The reason for a goal's method says what is true: its score and the best
    alternative's, a tie only between equal scores decided by catalogue order, and a
    lower-scoring choice only for a reason that holds."""
    order = {mid: i for i, mid in enumerate(cur.methods)}
    alts = {a.method: a.score for a in g.alternatives}
    best = max(alts.values(), default=None)
    reason = g.reason
    tie = False
    ahead = is_pre_work(needs, cur, g.id, g.method)
    if reason.endswith(PRE_DONE):
        assert ahead, (g.id, reason)
        reason = reason.removesuffix(PRE_DONE)
    elif m := R_PRE_NOT.match(reason):
        assert not ahead and is_pre_work(needs, cur, g.id, m[2]), (g.id, reason)
        assert alts.get(m[2]) is not None, (g.id, reason)
        reason = m[1]
    if m := R_PRE_EQUAL.match(reason):
        assert ahead and m[1] == g.method and alts.get(m[2]) == int(m[3]) == best, (g.id, reason)
        assert int(m[4]) == g.minutes, (g.id, reason)
    elif m := R_ONLY.match(reason):
        assert m[1] == g.method and not alts, (g.id, reason)
    elif m := R_BEST.match(reason):
        assert m[1] == g.method and alts.get(m[3]) == int(m[4]) == best, (g.id, reason)
        assert int(m[2]) > int(m[4]), (g.id, reason)
    elif m := R_TIE.match(reason):
        assert m[1] == m[4] == g.method and alts.get(m[2]) == int(m[3]) == best, (g.id, reason)
        assert order[g.method] < order[m[2]], (g.id, reason)
        tie = True
    elif m := R_EQUAL.match(reason):
        assert m[1] == m[4] == g.method and alts.get(m[2]) == int(m[3]) == best, (g.id, reason)
    elif m := R_HIGHER.match(reason):
        other, higher, lower, rest = m[1], int(m[2]), int(m[3]), m[4]
        assert alts.get(other) == higher == best, (g.id, reason)
        assert higher > lower, f"{g.id}: says {other} scores higher, but: {reason!r}"
        if m2 := R_LONGER.match(rest):
            assert m2[2] == g.method and int(m2[3]) == g.minutes < int(m2[1]), (g.id, reason)
        elif m2 := R_AVOIDS.match(rest):
            assert m2[1] == g.method and m2[2] == cur.methods[g.method].learning_type
            rule = m2[3]
            assert rule not in warned, (g.id, reason)
            swapped = [(x, other if x == g.id else y, z) for x, y, z in chosen]
            trial = {f.rule for f in programme_fired(needs, cur, swapped) if f.effect == "warn"}
            assert rule in trial, (
                f"{g.id}: {reason!r}, but with {other} the programme avoids {rule} as well"
            )
        else:
            balance = R_BALANCE.match(rest)
            assert balance and balance[1] == g.method, (g.id, reason)
    else:
        raise AssertionError(f"{g.id}: a method reason of no known form: {reason!r}")
    assert g.tie == tie, (g.id, g.tie, reason)


def _check_compact_days(
    plan: Plan, needs: Needs, cur: Curriculum, prepared: Prepared, fired: list[Fired]
) -> None:
    """No idle time at the end of a day that a dropped goal would fill: its length
    with an eligible method (its own length clamped to the method's range: a goal
    left out is never one that had to be shortened) plus the pause before it (lunch,
    where the day would otherwise teach through the lunch window), when its
    prerequisites are taught by that day, the day's teaching cap allows it, it fits
    in one block, it was asked for on its own account (core, gap) and adding it
    neither calls for a new debrief or reflection nor sets off an avoidable warning."""
    c = needs.constraints
    start, end = clock(c.day_start), clock(c.day_end)
    span = end - start
    has_lunch = c.lunch_minutes > 0 and span >= HALF_DAY
    target = start + (span - c.lunch_minutes) // 2
    cap = span if c.delivery != "online" else min(span, cur.config.planning.online_day_minutes)
    own_account = {
        s.goal.id for s in select_goals(cur.goals, needs) if s.required or s.gap is not None
    }
    chosen = chosen_of(plan)
    avoid = avoid_rules(cur)
    warned = {f.rule for f in fired if f.effect == "warn" and f.rule in avoid}
    sessions_now = {(r, s.session) for r, s in _sessions_of(fired)}
    debrief = added_sessions(fired, "debrief")[:1]
    taught_by: dict[str, int] = {}
    for day in plan.days:
        for s in day.sessions:
            if s.kind == "teaching":
                taught_by.setdefault(s.goals[0], day.day)
    for module in plan.pre_work:  # before day 1
        taught_by.update(dict.fromkeys(module.goals, 0))
    extra = on_grid(debrief[0][1].minutes) if debrief else 0
    for d in plan.goals.dropped:
        goal = cur.goals[d.id]
        if d.id not in own_account:
            continue
        reqs = [
            r for r in goal.requires if r in cur.goals and audience_matches(cur.goals[r], needs)
        ]
        # each way to teach it: an eligible method, at the goal's own length clamped to
        # the method's range (a goal left out is not shortened to fit: shortening is for
        # the request's hard requirements only), in one block
        options: set[tuple[int, str]] = set()
        for x in prepared.decide(goal).candidates:
            if not x.eligible:
                continue
            span_ = cur.methods[x.method].minutes
            length = on_grid(min(max(goal.minutes, span_.min), span_.max))
            if length > c.max_block_minutes:
                continue
            trial = programme_fired(needs, cur, [*chosen, (d.id, x.method, length)])
            new_warnings = {f.rule for f in trial if f.effect == "warn" and f.rule in avoid}
            new_sessions = {(r, a.session) for r, a in _sessions_of(trial)} - sessions_now
            if new_warnings <= warned and all(k == "follow-up" for _, k in new_sessions):
                options.add((length, x.method))
        room = c.pre_work_minutes - plan.totals.pre_work_minutes
        ahead = {gid for m in plan.pre_work for gid in m.goals}
        for length, method in sorted(options):
            if is_pre_work(needs, cur, d.id, method):
                # left out while it fits in the pre-work time still free
                assert not (length <= room and all(r in ahead for r in reqs)), (
                    f"{d.id} (dropped: {d.reason}) fits in the {room} pre-work minutes "
                    f"still free, with {method} in {length} minutes"
                )
                continue
            need = length + (extra if distressing(needs, cur, d.id, method) else 0)
            for day in plan.days:
                if any(taught_by.get(r, c.days + 1) > day.day for r in reqs):
                    continue
                ss = day.sessions
                teaching = sum(s.minutes for s in ss if s.kind == "teaching")
                if teaching + length > cap:
                    continue
                last = minutes(ss[-1].end) if ss else start
                if not ss:
                    begin = start
                elif (
                    has_lunch
                    and not any(s.kind == "lunch" for s in ss)
                    and (last + c.break_minutes + need > target + LUNCH_WINDOW)
                ):
                    begin = max(last, target - LUNCH_WINDOW) + c.lunch_minutes
                else:
                    begin = last + c.break_minutes
                assert begin + need > end, (
                    f"day {day.day} ends at {hhmm(last)} with {end - last} idle minutes, but "
                    f"{d.id} (dropped: {d.reason}) takes {length} minutes with {method}"
                )


def _sessions_of(fired: Iterable[Fired]) -> list[tuple[str, AddSession]]:
    return [(f.rule, f.value) for f in fired if isinstance(f.value, AddSession)]


def hhmm(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def scheduled_goal(plan: Plan, gid: str) -> ScheduledGoal:
    found = [g for g in plan.goals.scheduled if g.id == gid]
    assert found, f"{gid} is not in the plan ({[(d.id, d.reason) for d in plan.goals.dropped]})"
    return found[0]


# --- infeasible requests: the conflict in words, relaxations that really plan -----------

# the relaxations as infeasible.py words them in the CB313 finding's fix, "; or " between
DAYS = re.compile(r"^plan (\d+) days instead of (\d+) \(constraints\.days: (\d+)\)$")
DAY_END = re.compile(
    r"^end the days at (\d\d:\d\d) instead of (\d\d:\d\d) \((\d+) minutes longer; "
    r'constraints\.day_end: "(\d\d:\d\d)"\)$'
)
LOWER = re.compile(r"^lower the gap ([a-z0-9-]+) from high to medium priority$")
SHORTEN = re.compile(
    r"^shorten goal ([a-z0-9-]+) to (\d+) minutes \(in the curriculum: "
    r"minutes: \{min: (\d+), default: (\d+)\}\)$"
)
RELAXATION_STARTS = ("plan ", "end the days at ", "lower the gap ", "shorten goal ")
# "... need(s) at least N minutes ..., but D days (...) hold(s) at most M"
CONFLICT = re.compile(r"needs? at least (\d+) minutes .*holds? (at most )?(\d+)")


def relaxations(exc: InfeasiblePlan) -> list[str]:
    """The relaxations an infeasible request lists (the CB313 finding's fix)."""
    cb313 = [f for f in exc.findings if f.code == "CB313"]
    assert len(cb313) == 1, [(f.code, f.message) for f in exc.findings]
    fix = cb313[0].fix or ""
    if not fix.startswith(RELAXATION_STARTS):
        return []  # no single change tried makes it plan: nothing claimed, nothing to verify
    return fix.split("; or ")


def relaxed(text: str, needs: Needs, cur: Curriculum) -> tuple[Needs, Curriculum]:
    """The request (and curriculum) with the relaxation ``text`` applied."""
    data: dict[str, Any] = needs.model_dump(mode="json", by_alias=True)
    if m := DAYS.match(text):
        assert int(m[2]) == needs.constraints.days and m[1] == m[3], text
        assert int(m[1]) > needs.constraints.days, text
        data["constraints"]["days"] = int(m[1])
    elif m := DAY_END.match(text):
        assert m[2] == needs.constraints.day_end.strftime("%H:%M") and m[1] == m[4], text
        assert minutes(m[1]) - minutes(m[2]) == int(m[3]) > 0, text
        data["constraints"]["day_end"] = m[1]
    elif m := LOWER.match(text):
        gaps = data["gaps"]
        assert [g["priority"] for g in gaps if g["topic"] == m[1]] == ["high"], text
        for g in gaps:
            if g["topic"] == m[1]:
                g["priority"] = "medium"
    elif m := SHORTEN.match(text):
        goal = cur.goals[m[1]]
        assert m[2] == m[3] and int(m[4]) == goal.minutes and int(m[2]) < goal.shortest, text
        goals = dict(cur.goals)
        goals[m[1]] = goal.model_copy(update={"min_minutes": int(m[2])})
        return needs, dataclasses.replace(cur, goals=goals)
    else:
        raise AssertionError(f"a relaxation of no known form: {text!r}")
    return Needs.model_validate(data), cur


def check_infeasible(exc: InfeasiblePlan, needs: Needs, cur: Curriculum) -> list[str]:
    """An infeasible request is explained: the conflict in words with the minutes it
    needs against what the days hold, and relaxations that each really plan (applied
    and planned again, and the plan keeps every invariant). Returns the relaxations."""
    assert exc.message.startswith("no plan meets the request: "), exc.message
    cb313 = next(f for f in exc.findings if f.code == "CB313")
    assert cb313.message in exc.message
    m = CONFLICT.search(cb313.message)
    assert m, cb313.message
    needed, available = int(m[1]), int(m[3])
    if m[2]:  # "hold at most M": more is needed than the days hold
        assert needed > available, cb313.message
    else:  # the minutes would fit, but not in the blocks a day allows
        assert needed <= available, cb313.message
        assert "not in blocks" in cb313.message, cb313.message
    fixes = relaxations(exc)
    if fixes:
        assert "verified" in exc.message, exc.message
    for text in fixes:
        trial_needs, trial_cur = relaxed(text, needs, cur)
        try:
            plan = build_plan(trial_needs, trial_cur)
        except InfeasiblePlan as again:
            raise AssertionError(
                f"the relaxation {text!r} is listed as verified, but the request so changed "
                f"does not plan: {again.message}"
            ) from None
        check_plan(plan, trial_needs, trial_cur)
    return fixes
