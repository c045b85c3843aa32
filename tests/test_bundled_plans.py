"""Every bundled needs example plans, with the bundled curriculum as shipped (its own
solver limit), into a programme that keeps the planner's promises."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from curribuild.curriculum import Curriculum, curriculum_for_needs
from curribuild.loader import load_file
from curribuild.models.needs import Needs
from curribuild.planner.build import build_plan
from curribuild.planner.model import Plan
from curribuild.planner.select import select_goals
from plan_invariants import check_plan

NEEDS = sorted(
    (Path(__file__).resolve().parents[1] / "curricula" / "ran-health-pcve" / "needs").glob("*.yaml")
)


@functools.cache
def planned(path: Path) -> tuple[Plan, Needs, Curriculum]:
    """The example planned once (the plan is deterministic; several tests read it)."""
    needs = Needs.model_validate(load_file(path).data)
    cur, findings = curriculum_for_needs(needs, path)
    assert [f for f in findings if f.severity.value == "error"] == []
    return build_plan(needs, cur), needs, cur


def test_there_are_four_bundled_examples() -> None:
    assert [p.stem for p in NEEDS] == [
        "advanced-risk-assessment-hybrid",
        "first-line-basics",
        "forensic-psychiatry-in-person",
        "multi-agency-online",
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
    order = [g for day in plan.days for s in day.sessions if s.kind == "teaching" for g in s.goals]
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


@pytest.mark.parametrize("path", [NEEDS[1], NEEDS[3]], ids=lambda p: p.stem)
def test_bundled_example_plans_byte_identically_twice(path: Path) -> None:
    plan, needs, cur = planned(path)
    assert build_plan(needs, cur).to_json() == plan.to_json()
