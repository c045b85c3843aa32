"""Every bundled needs example plans into a programme that keeps the planner's promises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curribuild.curriculum import curriculum_for_needs
from curribuild.loader import load_file
from curribuild.models.needs import Needs
from curribuild.planner.build import build_plan
from curribuild.planner.order import order_goals
from curribuild.planner.select import select_goals
from test_planner import check_invariants

NEEDS = sorted(
    (Path(__file__).resolve().parents[1] / "curricula" / "ran-health-pcve" / "needs").glob("*.yaml")
)


def test_there_are_four_bundled_examples() -> None:
    assert [p.stem for p in NEEDS] == [
        "advanced-risk-assessment-hybrid",
        "first-line-basics",
        "forensic-psychiatry-in-person",
        "multi-agency-online",
    ]


@pytest.mark.parametrize("path", NEEDS, ids=lambda p: p.stem)
def test_bundled_example_plan_keeps_every_invariant(path: Path) -> None:
    needs = Needs.model_validate(load_file(path).data)
    cur, findings = curriculum_for_needs(needs, path)
    assert [f for f in findings if f.severity.value == "error"] == []
    plan = build_plan(needs, cur)
    # inside days, outside lunch, blocks with breaks, prerequisites first, delivery
    # mode respected, parts on one day, valid against the plan schema
    check_invariants(plan, needs, cur)
    # a follow-up session, dated when the programme has dates
    assert plan.follow_up, "every programme gets a follow-up"
    if needs.constraints.start_date is not None:
        assert all(f.date is not None for f in plan.follow_up)
    assert any(e.level == "behaviour" for e in plan.evaluation)
    # every required goal is scheduled
    required = {s.goal.id for s in order_goals(select_goals(cur.goals, needs)) if s.required}
    scheduled = {g.id for g in plan.goals.scheduled}
    assert required <= scheduled, required - scheduled
    assert not [f for f in plan.findings if f.severity == "error"]


@pytest.mark.parametrize("path", NEEDS, ids=lambda p: p.stem)
def test_plan_json_is_the_standard_canonical_form(path: Path) -> None:
    """The fast serializer writes exactly what json.dumps(indent=2, sort_keys=True) would."""
    needs = Needs.model_validate(load_file(path).data)
    cur, _ = curriculum_for_needs(needs, path)
    plan = build_plan(needs, cur)
    data = plan.model_dump(mode="json")
    assert plan.to_json() == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
