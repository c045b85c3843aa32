"""Every bundled needs example plans, with the bundled curriculum as shipped (its own
solver limit), into a programme that keeps the planner's promises."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from curribuild.curriculum import Curriculum
from curribuild.loader import load_file
from curribuild.models.needs import Needs
from curribuild.planner.build import build_plan
from curribuild.planner.model import Plan
from curribuild.planner.select import select_goals
from curribuild.workspace import Workspace
from plan_invariants import check_plan

NEEDS = sorted(
    (Path(__file__).resolve().parents[1] / "curricula" / "ran-health-pcve" / "needs").glob("*.yaml")
)


@functools.cache
def planned(path: Path) -> tuple[Plan, Needs, Curriculum]:
    """The example planned once (the plan is deterministic; several tests read it)."""
    needs = Needs.model_validate(load_file(path).data)
    cur, findings = Workspace().curriculum_for_needs(needs, path)
    assert [f for f in findings if f.severity.value == "error"] == []
    return build_plan(needs, cur), needs, cur


def by_name(name: str) -> Path:
    return next(p for p in NEEDS if p.stem == name)


def test_the_bundled_examples_cover_the_realistic_requests() -> None:
    assert [p.stem for p in NEEDS] == [
        "advanced-risk-assessment-hybrid",
        "certified-vera2r-in-person",
        "community-mental-health-blended",
        "first-line-awareness-online",
        "first-line-basics",
        "forensic-psychiatry-in-person",
        "multi-agency-online",
        "prison-team-intervision",
    ]


@pytest.mark.parametrize("path", NEEDS, ids=lambda p: p.stem)
def test_bundled_example_plan_keeps_every_invariant(path: Path) -> None:
    plan, needs, cur = planned(path)
    # the day frame, breaks, lunch, debriefs, reflection, prerequisites, parts on one
    # day, core goals and high gaps, explanations, compact days, the plan schema
    check_plan(plan, needs, cur)
    # a follow-up session, dated when the programme has dates (key point 6)
    assert plan.follow_up, "every programme gets a follow-up"
    if needs.constraints.start_date is not None:
        assert all(f.date is not None for f in plan.follow_up)
    assert any(e.level == "behaviour" for e in plan.evaluation)
    # every core goal for the audience is scheduled
    required = {s.goal.id for s in select_goals(cur.goals, needs) if s.required}
    scheduled = {g.id for g in plan.goals.scheduled}
    assert required, "the bundled curriculum has core goals for every audience"
    assert required <= scheduled, required - scheduled
    assert not [f for f in plan.findings if f.severity == "error"]


@pytest.mark.parametrize("path", NEEDS, ids=lambda p: p.stem)
def test_bundled_example_meets_every_high_gap_with_its_entry_goal(path: Path) -> None:
    """A high gap is met by at least one goal of its topic, and the topic's entry goal
    (no prerequisite inside the topic) comes first."""
    plan, needs, cur = planned(path)
    order = [g for m in plan.pre_work for g in m.goals]  # pre-work comes before day 1
    order += [g for day in plan.days for s in day.sessions if s.kind == "teaching" for g in s.goals]
    for gap in needs.gaps:
        if gap.priority != "high":
            continue
        taught = [g for g in dict.fromkeys(order) if gap.topic in cur.goals[g].topics]
        assert taught, gap.topic
        first = cur.goals[taught[0]]
        inside = [r for r in first.requires if r in cur.goals and gap.topic in cur.goals[r].topics]
        assert inside == [], (gap.topic, first.id, inside)


@pytest.mark.parametrize("path", NEEDS, ids=lambda p: p.stem)
def test_plan_json_is_the_standard_canonical_form(path: Path) -> None:
    """The fast serializer writes exactly what json.dumps(indent=2, sort_keys=True) would."""
    plan, _, _ = planned(path)
    data = plan.model_dump(mode="json")
    assert plan.to_json() == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert data["schema_version"] == 2
    assert data["solver"]["status"] in ("optimal", "feasible")


@pytest.mark.parametrize(
    "path", [by_name("first-line-basics"), by_name("multi-agency-online")], ids=lambda p: p.stem
)
def test_bundled_example_plans_byte_identically_twice(path: Path) -> None:
    plan, needs, cur = planned(path)
    assert build_plan(needs, cur).to_json() == plan.to_json()


# --- the plans as a trainer reads them ------------------------------------------------


def teaching(plan: Plan) -> list[tuple[str, str]]:
    """(goal, method) of every teaching session, in agenda order, one per goal."""
    seen: dict[str, str] = {}
    for day in plan.days:
        for s in day.sessions:
            if s.kind == "teaching":
                for g in s.goals:
                    seen.setdefault(g, s.method or "")
    return list(seen.items())


def test_the_certified_vera2r_course_is_a_certified_programme() -> None:
    """Coding practice with a consensus meeting, led by the licensed trainer, then peer
    consultation on assessments from practice and the refresher, in date order."""
    plan, needs, _ = planned(by_name("certified-vera2r-in-person"))
    assert needs.context.certified_training == "vera-2r" and needs.context.licensed_trainer
    assert plan.needs.certified_training == "vera-2r"
    taught = dict(teaching(plan))
    assert taught["vera2r-coding"] == "risk-tool-coding"
    for prereq in ("risk-tools-landscape", "risk-tools-not-screening", "case-formulation-basics"):
        assert prereq in taught
    rules = [f.rule for f in plan.follow_up]
    assert rules == [
        "follow-up-after-every-training",
        "certified-vera2r-peer-consultation",
        "risk-tool-booster",
    ]
    assert [f.weeks_after for f in plan.follow_up] == [8, 12, 26]
    assert [f.method for f in plan.follow_up][1] == "intervision"
    warned = {f.rule for f in plan.findings}
    assert "risk-tools-awareness-only" not in warned
    assert "certified-course-needs-coding" not in warned


def test_outside_certified_training_risk_tools_are_awareness_only_and_the_plan_says_so() -> None:
    plan, needs, _ = planned(by_name("advanced-risk-assessment-hybrid"))
    assert needs.context.certified_training is None
    assert "risk-tool-coding" not in {m for _, m in teaching(plan)}
    dropped = {d.id: d.reason for d in plan.goals.dropped}
    assert dropped["vera2r-coding"].startswith(
        "not taught here: risk-tool-coding is the method for it, and Coding cases with a "
        "risk-assessment tool is taught only in that tool's certified user training"
    )
    [awareness] = [f for f in plan.findings if f.rule == "risk-tools-awareness-only"]
    assert "awareness level only" in awareness.message
    assert "certified_training" in awareness.message
    assert [f for f in plan.findings if f.code == "CB303"] == []
    assert "risk-tool-booster" not in {f.rule for f in plan.follow_up}


def test_the_half_day_online_session_is_a_morning_of_core_awareness() -> None:
    plan, needs, cur = planned(by_name("first-line-awareness-online"))
    [day] = plan.days
    assert day.sessions[0].start == "09:00" and day.sessions[-1].end <= "12:30"
    order = [g for g, _ in teaching(plan)]
    required = {s.goal.id for s in select_goals(cur.goals, needs) if s.required}
    # the core and the contact goal for the high referral gap, nothing else, in one morning
    assert set(order) == required | {"fl-involve-mhp"}
    assert order[0] == "mh-ve-link"  # the non-causal link before noticing signs
    assert order.index("fl-recognise-concerns") < order.index("fl-involve-mhp")
    assert not any(s.sensitive for s in day.sessions)
    assert plan.totals.teaching_minutes <= 240  # the online day cap


def test_the_prison_team_consults_on_its_own_cases_inside_the_programme() -> None:
    plan, needs, _ = planned(by_name("prison-team-intervision"))
    assert needs.audience.participants == 6 and needs.audience.experience == "advanced"
    taught = dict(teaching(plan))
    formats = {"intervision", "incident-method", "balint-group", "reflecting-team"}
    assert taught.get("own-case-review") in formats | {"supervision", "moral-case-deliberation"}
    assert "advanced-teams-consult-inside-the-programme" not in {f.rule for f in plan.findings}
    assert {"secondary-trauma-signs", "own-stress-responses"} <= set(taught)


def test_media_exposure_is_met_with_a_practised_response() -> None:
    """Key point 1: the forensic staff face media attention, so the plan practises a
    response (or agrees a protocol), not only a lecture about the risks."""
    plan, needs, _ = planned(by_name("forensic-psychiatry-in-person"))
    assert needs.context.media_exposure
    taught = set(dict(teaching(plan)))
    assert taught & {"media-inquiry-response", "threat-protocol"}
    assert "media-exposure-without-safety-session" not in {f.rule for f in plan.findings}


FIRST_LINE = ["teacher", "youth-worker", "police-officer", "social-worker"]


@pytest.mark.parametrize("profession", FIRST_LINE)
def test_the_first_line_core_is_two_hours_at_its_shortest(profession: str) -> None:
    _, needs0, cur = planned(by_name("first-line-awareness-online"))
    data = needs0.model_dump(mode="json", by_alias=True)
    data["audience"]["professions"] = [profession]
    data["gaps"] = []  # the core alone: no gap asks for more
    data["constraints"].update(day_start="09:00", day_end="11:15", break_minutes=15)
    needs = Needs.model_validate(data)
    core = [s.goal for s in select_goals(cur.goals, needs) if s.goal.priority == "core"]
    assert len(core) == 4
    assert sum(g.min_minutes or g.minutes for g in core) <= 120
    plan = build_plan(needs, cur)
    taught = {g for g, _ in teaching(plan)}
    assert {g.id for g in core} <= taught  # two hours and a break hold the whole core
    assert plan.totals.teaching_minutes <= 120


def test_the_prison_team_keeps_meeting_for_intervision_after_the_course() -> None:
    plan, needs, _ = planned(by_name("prison-team-intervision"))
    series = needs.constraints.intervision_series
    assert series is not None and (series.sessions, series.every_weeks) == (4, 6)
    meetings = [f for f in plan.follow_up if f.rule == "intervision-series-after-the-course"]
    assert [f.weeks_after for f in meetings] == [12, 18, 24, 30]
    assert [f.title for f in meetings] == [
        f"Intervision on cases from practice ({k} of 4)" for k in range(1, 5)
    ]
    assert {f.method for f in meetings} == {"intervision"}
    # on top of the single follow-up, which comes first
    assert plan.follow_up[0].rule == "follow-up-after-every-training"
    assert plan.follow_up[0].weeks_after == 8
    # the series is evaluated once, not four times
    evaluated = [e for e in plan.evaluation if e.goal.startswith("follow-up:intervision-series")]
    assert len(evaluated) == 1


def test_without_a_series_there_are_no_intervision_meetings() -> None:
    for path in NEEDS:
        plan, needs, _ = planned(path)
        if needs.constraints.intervision_series is None:
            assert "intervision-series-after-the-course" not in {f.rule for f in plan.follow_up}


@pytest.mark.parametrize(
    "topic",
    [
        "bias-in-referral",
        "dual-role-ethics",
        "lone-actors-and-fixated-persons",
        "young-people",
        "duty-of-care-to-staff",
    ],
)
def test_a_gap_in_each_new_topic_is_met_in_one_day(topic: str) -> None:
    _, needs0, cur = planned(by_name("forensic-psychiatry-in-person"))
    data = needs0.model_dump(mode="json", by_alias=True)
    data["gaps"] = [{"topic": topic, "priority": "high"}]
    data["constraints"]["days"] = 1
    plan = build_plan(Needs.model_validate(data), cur)
    check_plan(plan, Needs.model_validate(data), cur)
    [gap] = plan.coverage.gaps
    assert gap.topic == topic and gap.goals, topic
    assert "unmet-gap" not in {f.rule for f in plan.findings}


def test_the_blended_course_puts_the_basics_online_before_the_day() -> None:
    plan, needs, cur = planned(by_name("community-mental-health-blended"))
    budget = needs.constraints.pre_work_minutes
    assert needs.constraints.delivery == "in-person" and budget == 120
    # self-paced modules before day 1, within the time set aside, in no day
    assert plan.pre_work, "the blended course has pre-work"
    assert sum(m.minutes for m in plan.pre_work) == plan.totals.pre_work_minutes <= budget
    ahead = {g for m in plan.pre_work for g in m.goals}
    assert all(cur.methods[m.method].self_paced for m in plan.pre_work)
    assert not ahead & {g for g, _ in teaching(plan)}
    assert "e-learning" not in {s.method for d in plan.days for s in d.sessions}
    # the basics go online: knowledge goals at remember or understand level only
    for gid in ahead:
        goal = cur.goals[gid]
        assert goal.domain == "knowledge" and goal.bloom in ("remember", "understand"), gid
        assert not goal.sensitive, gid
    # the contact time is the day's teaching; pre-work is counted apart from it
    days = sum(s.minutes for d in plan.days for s in d.sessions if s.kind == "teaching")
    assert plan.totals.teaching_minutes == days
    assert sum(plan.coverage.learning_types.values()) == days
    # the arrangements name the learning platform for the modules
    assert all(m.requires == ["learning-platform"] for m in plan.pre_work)


def test_pre_work_makes_room_in_the_day_for_more_of_the_request() -> None:
    plan, needs, cur = planned(by_name("community-mental-health-blended"))
    data = needs.model_dump(mode="json", by_alias=True)
    data["constraints"]["pre_work_minutes"] = 0
    without = build_plan(Needs.model_validate(data), cur)
    check_plan(without, Needs.model_validate(data), cur)
    assert without.pre_work == [] and without.totals.pre_work_minutes == 0
    # the same day, and the goals the modules hold no longer take its time
    assert len(plan.goals.scheduled) > len(without.goals.scheduled)
    assert len(plan.goals.dropped) < len(without.goals.dropped)
