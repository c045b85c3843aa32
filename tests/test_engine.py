"""The rules engine: condition operators, effects, winner selection and explanations.

Conditions are compiled with ``compile_condition`` and tested over fact environments
built from real models; matching runs ``Matcher(rules, methods).prepare(needs)
.decide(goal)``. Curricula that need loading are written to ``tmp_path``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curribuild.engine import match
from curribuild.engine.conditions import Compiled, compile_condition
from curribuild.engine.match import Decision, Fired, Matcher, base_env
from curribuild.engine.programme import ProgrammeRules
from curribuild.models.programme import ProgrammeFacts
from curribuild.models.rules import Leaf
from curribuild.workspace import Workspace
from planner_helpers import (
    goal,
    load,
    make_goal,
    make_method,
    make_needs,
    make_rule,
    method,
    rule,
    write_curriculum,
    write_doc,
)

# --- conditions ---------------------------------------------------------------------------


def holds(condition: dict[str, Any], env: dict[str, Any]) -> bool:
    """Whether ``condition`` (as written in YAML) holds in ``env``."""
    when = make_rule("probe", {"score": 1}, condition).when
    return compile_condition(when).test(env)


def env_of(
    goal_over: dict[str, Any] | None = None,
    method_over: dict[str, Any] | None = None,
    needs_over: dict[str, Any] | None = None,
) -> dict[str, Any]:
    env = base_env(make_needs(**(needs_over or {})))
    env["goal"] = make_goal("g", **(goal_over or {}))
    env["method"] = make_method("m", **(method_over or {}))
    return env


PLAIN = env_of(
    goal_over={
        "title": "Trust building with families",
        "perspectives": ["clinical", "forensic"],
        "topics": ["trust", "families"],
        "minutes": 60,
    },
    method_over={"domains": ["knowledge", "skills"], "delivery": ["in-person", "hybrid"]},
)
NO_AUDIENCE = env_of()  # goal.audience is null: every goal.audience.* path is missing


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"fact": "goal.domain", "eq": "knowledge"}, True),
        ({"fact": "goal.domain", "eq": "skills"}, False),
        ({"fact": "goal.topics", "eq": ["trust", "families"]}, True),  # lists compare as lists
        ({"fact": "goal.topics", "eq": ["families", "trust"]}, False),
        ({"fact": "goal.minutes", "eq": 60}, True),
        ({"fact": "goal.minutes", "eq": {"fact": "needs.audience.participants"}}, False),
    ],
)
def test_eq(condition: dict[str, Any], expected: bool) -> None:
    assert holds(condition, PLAIN) is expected


def test_eq_with_a_missing_fact_is_false() -> None:
    assert holds({"fact": "goal.audience.experience", "eq": ["basic"]}, NO_AUDIENCE) is False


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"fact": "goal.domain", "ne": "skills"}, True),
        ({"fact": "goal.domain", "ne": "knowledge"}, False),
        ({"fact": "goal.topics", "ne": ["trust", "families"]}, False),
        ({"fact": "goal.topics", "ne": ["trust"]}, True),
    ],
)
def test_ne(condition: dict[str, Any], expected: bool) -> None:
    assert holds(condition, PLAIN) is expected


def test_ne_with_a_missing_fact_holds() -> None:
    assert holds({"fact": "goal.audience.experience", "ne": ["basic"]}, NO_AUDIENCE) is True


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"fact": "goal.domain", "in": ["knowledge", "skills"]}, True),
        ({"fact": "goal.domain", "in": ["attitudes"]}, False),
        # a list fact is "in" when any of its elements is
        ({"fact": "goal.perspectives", "in": ["forensic", "counter-terrorism"]}, True),
        ({"fact": "goal.perspectives", "in": ["counter-terrorism"]}, False),
        ({"fact": "needs.constraints.delivery", "in": {"fact": "method.delivery"}}, True),
    ],
)
def test_in(condition: dict[str, Any], expected: bool) -> None:
    assert holds(condition, PLAIN) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"fact": "goal.domain", "not_in": ["knowledge", "skills"]}, False),
        ({"fact": "goal.domain", "not_in": ["attitudes"]}, True),
        ({"fact": "goal.perspectives", "not_in": ["forensic"]}, False),
        ({"fact": "goal.perspectives", "not_in": ["counter-terrorism"]}, True),
    ],
)
def test_not_in(condition: dict[str, Any], expected: bool) -> None:
    assert holds(condition, PLAIN) is expected


def test_in_and_not_in_with_a_missing_fact() -> None:
    cond = {"fact": "goal.audience.experience"}
    assert holds({**cond, "in": ["none", "basic"]}, NO_AUDIENCE) is False
    assert holds({**cond, "not_in": ["none", "basic"]}, NO_AUDIENCE) is True


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"fact": "method.delivery", "contains": "hybrid"}, True),
        ({"fact": "method.delivery", "contains": "online"}, False),
        ({"fact": "method.delivery", "contains": {"fact": "needs.constraints.delivery"}}, True),
        ({"fact": "goal.title", "contains": "Trust"}, True),  # text contains a substring
        ({"fact": "goal.title", "contains": "trust"}, False),  # case-sensitive
        ({"fact": "goal.minutes", "contains": 6}, False),  # a number contains nothing
    ],
)
def test_contains(condition: dict[str, Any], expected: bool) -> None:
    assert holds(condition, PLAIN) is expected


def test_contains_with_a_missing_fact_is_false() -> None:
    cond = {"fact": "goal.audience.experience", "contains": "basic"}
    assert holds(cond, NO_AUDIENCE) is False


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"fact": "goal.topics", "contains_any": ["media", "trust"]}, True),
        ({"fact": "goal.topics", "contains_any": ["media", "threats"]}, False),
        ({"fact": "goal.topics", "contains_any": []}, False),
        ({"fact": "goal.audience.experience", "contains_any": ["none"]}, False),
    ],
)
def test_contains_any(condition: dict[str, Any], expected: bool) -> None:
    env = PLAIN if not condition["fact"].startswith("goal.audience") else NO_AUDIENCE
    assert holds(condition, env) is expected


def test_contains_any_against_a_derived_needs_fact() -> None:
    env = env_of(
        goal_over={"topics": ["trust", "families"]},
        needs_over={"gaps": [{"topic": "media"}, {"topic": "trust", "priority": "high"}]},
    )
    high = {"fact": "goal.topics", "contains_any": {"fact": "needs.high_gap_topics"}}
    assert holds(high, env) is True
    env["_gaps"] = {"trust": "medium"}
    assert holds(high, env) is False
    assert holds({"fact": "needs.gap_topics", "eq": ["trust"]}, env) is True


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"fact": "method.domains", "contains_all": ["knowledge", "skills"]}, True),
        ({"fact": "method.domains", "contains_all": ["knowledge", "attitudes"]}, False),
        ({"fact": "method.domains", "contains_all": "skills"}, True),
        ({"fact": "goal.perspectives", "contains_all": {"fact": "method.domains"}}, False),
    ],
)
def test_contains_all(condition: dict[str, Any], expected: bool) -> None:
    assert holds(condition, PLAIN) is expected


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("lt", 90, True),
        ("lt", 60, False),
        ("lte", 60, True),
        ("lte", 59, False),
        ("gt", 59, True),
        ("gt", 60, False),
        ("gte", 60, True),
        ("gte", 61, False),
    ],
)
def test_number_comparisons(op: str, value: int, expected: bool) -> None:
    assert holds({"fact": "goal.minutes", op: value}, PLAIN) is expected


@pytest.mark.parametrize(
    ("goal_bloom", "method_min", "expected"),
    [
        ("understand", "remember", True),
        ("understand", "understand", True),
        # alphabetically "understand" > "apply", but apply is the higher Bloom level
        ("understand", "apply", False),
        ("analyse", "apply", True),  # alphabetically "analyse" < "apply"
        ("create", "evaluate", True),
        ("remember", "create", False),
    ],
)
def test_ordered_enum_against_a_fact_reference(
    goal_bloom: str, method_min: str, expected: bool
) -> None:
    env = env_of(
        goal_over={"bloom": goal_bloom},
        method_over={"bloom": {"min": method_min, "max": "create"}},
    )
    cond = {"fact": "goal.bloom", "gte": {"fact": "method.bloom.min"}}
    assert holds(cond, env) is expected
    # the reference on the left orders the same way
    flipped = {"fact": "method.bloom.min", "lte": {"fact": "goal.bloom"}}
    assert holds(flipped, env) is expected


@pytest.mark.parametrize(
    ("experience", "op", "value", "expected"),
    [
        ("none", "gte", "basic", False),  # alphabetically "none" > "basic"
        ("basic", "gte", "basic", True),
        ("advanced", "gt", "basic", True),  # alphabetically "advanced" < "basic"
        ("advanced", "lt", "none", False),
        ("none", "lt", "advanced", True),
        ("basic", "lte", "none", False),
    ],
)
def test_ordered_enum_against_a_literal(
    experience: str, op: str, value: str, expected: bool
) -> None:
    env = env_of(needs_over={"audience": {"experience": experience}})
    assert holds({"fact": "needs.audience.experience", op: value}, env) is expected


def test_goal_priority_and_derived_gap_priority_compare_by_order() -> None:
    env = env_of(
        goal_over={"priority": "core", "topics": ["a", "b"]},
        needs_over={
            "gaps": [{"topic": "a", "priority": "low"}, {"topic": "b", "priority": "high"}]
        },
    )
    assert holds({"fact": "goal.priority", "gt": "recommended"}, env) is True
    assert holds({"fact": "goal.priority", "lt": "optional"}, env) is False
    # goal.gap_priority is the highest priority among the goal's gap topics
    assert holds({"fact": "goal.gap_priority", "eq": "high"}, env) is True
    assert holds({"fact": "goal.gap_priority", "gte": "medium"}, env) is True
    env["_gaps"] = {"a": "low"}
    assert holds({"fact": "goal.gap_priority", "gte": "medium"}, env) is False
    assert holds({"fact": "goal.gap_priority", "lt": "medium"}, env) is True
    env["_gaps"] = {}
    # no gap at all: the derived fact is missing
    assert holds({"fact": "goal.gap_priority", "lt": "medium"}, env) is False
    assert holds({"fact": "goal.gap_priority", "exists": False}, env) is True


def test_comparisons_with_a_missing_fact_are_false() -> None:
    env = env_of()  # no start_date
    for op in ("lt", "lte", "gt", "gte"):
        assert holds({"fact": "needs.constraints.start_date", op: "2027-01-01"}, env) is False


def test_comparisons_of_unordered_values_are_false_not_errors() -> None:
    # a bool is never ordered against a number; a string never against a number
    assert holds({"fact": "goal.sensitive", "lt": 1}, PLAIN) is False
    assert holds({"fact": "goal.domain", "gt": 3}, PLAIN) is False


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"fact": "needs.constraints.start_date", "gte": "2027-01-01"}, True),
        ({"fact": "needs.constraints.start_date", "lt": "2027-03-16"}, True),
        ({"fact": "needs.constraints.start_date", "gt": "2027-03-15"}, False),
        ({"fact": "needs.constraints.day_end", "gt": "16:00"}, True),
        ({"fact": "needs.constraints.day_start", "lte": "08:30"}, False),
    ],
)
def test_dates_and_clock_times_compare_with_literals_written_in_yaml(
    condition: dict[str, Any], expected: bool
) -> None:
    """YAML gives dates and times as strings (no implicit timestamps); the engine
    documents lt/lte/gt/gte on dates and clock times and check accepts such literals."""
    env = env_of(
        needs_over={
            "constraints": {"start_date": "2027-03-15", "day_start": "09:00", "day_end": "17:00"}
        }
    )
    assert holds(condition, env) is expected


def test_fact_references_compare_dates_and_times() -> None:
    env = env_of(needs_over={"constraints": {"day_start": "09:00", "day_end": "17:00"}})
    cond = {"fact": "needs.constraints.day_start", "lt": {"fact": "needs.constraints.day_end"}}
    assert holds(cond, env) is True
    cond = {"fact": "needs.constraints.day_start", "gte": {"fact": "needs.constraints.day_end"}}
    assert holds(cond, env) is False


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("eq", False),
        ("ne", True),
        ("in", False),
        ("not_in", True),
        ("contains", False),
        ("contains_any", False),
        ("contains_all", False),
        ("lt", False),
    ],
)
def test_a_missing_fact_reference_operand_follows_the_null_rule(op: str, expected: bool) -> None:
    """conditions.py: "A comparison with a missing value (null) is false, except
    ne and not_in, which hold" -- also when the missing value is the operand."""
    cond = {"fact": "goal.perspectives", op: {"fact": "goal.audience.professions"}}
    env = env_of(goal_over={"perspectives": ["clinical"]})
    assert holds(cond, env) is expected


@pytest.mark.parametrize(("op", "expected"), [("eq", False), ("ne", True)])
def test_two_missing_facts_follow_the_null_rule(op: str, expected: bool) -> None:
    cond = {"fact": "goal.audience.experience", op: {"fact": "goal.audience.professions"}}
    assert holds(cond, NO_AUDIENCE) is expected


@pytest.mark.parametrize(
    ("fact", "want", "expected"),
    [
        ("goal.audience", True, False),
        ("goal.audience", False, True),
        ("goal.audience.experience", True, False),
        ("goal.perspectives", True, False),  # an empty list is no value
        ("goal.perspectives", False, True),
        ("goal.topics", True, True),
        ("goal.sensitive", True, True),  # false is a value
        ("goal.evaluation", True, False),
    ],
)
def test_exists(fact: str, want: bool, expected: bool) -> None:
    assert holds({"fact": fact, "exists": want}, NO_AUDIENCE) is expected


def test_exists_on_a_present_nested_fact() -> None:
    env = env_of(goal_over={"audience": {"experience": ["basic"]}})
    assert holds({"fact": "goal.audience.experience", "exists": True}, env) is True
    assert holds({"fact": "goal.audience.professions", "exists": True}, env) is False


def test_all_any_not_and_empty_when() -> None:
    knowledge = {"fact": "goal.domain", "eq": "knowledge"}
    skills = {"fact": "goal.domain", "eq": "skills"}
    assert holds({"all": [knowledge, {"fact": "goal.minutes", "eq": 60}]}, PLAIN) is True
    assert holds({"all": [knowledge, skills]}, PLAIN) is False
    assert holds({"any": [skills, knowledge]}, PLAIN) is True
    assert holds({"any": [skills]}, PLAIN) is False
    assert holds({"not": skills}, PLAIN) is True
    assert holds({"not": {"any": [skills, knowledge]}}, PLAIN) is False
    assert holds({"all": []}, PLAIN) is True
    assert holds({"any": []}, PLAIN) is False
    assert compile_condition(None).test({}) is True


def test_compiled_conditions_know_their_roots_and_goal_paths() -> None:
    when = make_rule(
        "r",
        {"score": 1},
        {
            "all": [
                {"fact": "goal.bloom", "gte": {"fact": "method.bloom.min"}},
                {
                    "not": {
                        "fact": "method.delivery",
                        "contains": {"fact": "needs.constraints.delivery"},
                    }
                },
                {"any": [{"fact": "goal.minutes", "gt": 5}, {"fact": "goal.bloom", "eq": "apply"}]},
            ]
        },
    ).when
    compiled = compile_condition(when)
    assert compiled.roots == frozenset({"goal", "method", "needs"})
    assert compiled.goal_paths == ("goal.bloom", "goal.minutes")


# --- effects and winner selection --------------------------------------------------------


def decide(
    rules: list[dict[str, Any]],
    methods: list[dict[str, Any]],
    goal_over: dict[str, Any] | None = None,
    needs_over: dict[str, Any] | None = None,
) -> Decision:
    matcher = Matcher(
        [make_rule(r["id"], r["then"], r.get("when"), **extra(r)) for r in rules],
        [make_method(m["id"], **{k: v for k, v in m.items() if k != "id"}) for m in methods],
    )
    return matcher.prepare(make_needs(**(needs_over or {}))).decide(
        make_goal("g", **(goal_over or {}))
    )


def extra(r: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in r.items() if k not in {"id", "then", "when", "description"}}


def scores(decision: Decision) -> dict[str, int]:
    return {c.method: c.score for c in decision.candidates}


def firings(decision: Decision, method_id: str) -> list[tuple[str, str]]:
    cand = decision.candidate(method_id)
    assert cand is not None
    return [(f.rule, f.describe()) for f in cand.fired]


PRACTICE = {"fact": "method.learning_type", "eq": "practice"}
SKILLS = {"fact": "goal.domain", "eq": "skills"}


def test_scores_of_every_firing_rule_are_summed() -> None:
    d = decide(
        [
            rule("practice-plus", {"score": 2}, PRACTICE),
            rule("skills-practice", {"score": 3}, {"all": [SKILLS, PRACTICE]}),
            rule("penalty", {"score": -1}, {"fact": "method.id", "eq": "role-play"}),
            rule("everyone", {"score": 1}),
        ],
        [method("lecture"), method("role-play", learning_type="practice")],
        goal_over={"domain": "skills", "bloom": "apply"},
    )
    assert scores(d) == {"lecture": 1, "role-play": 5}
    assert firings(d, "role-play") == [
        ("practice-plus", "score +2"),
        ("skills-practice", "score +3"),
        ("penalty", "score -1"),
        ("everyone", "score +1"),
    ]
    assert firings(d, "lecture") == [("everyone", "score +1")]
    assert d.winner == "role-play"
    assert d.reason == "role-play has the highest score (5), ahead of lecture (1)"
    assert d.fired_rules == ["everyone", "penalty", "practice-plus", "skills-practice"]


def test_exclusion_beats_any_score_and_names_the_rule() -> None:
    d = decide(
        [
            rule("love-role-play", {"score": 10}, {"fact": "method.id", "eq": "role-play"}),
            rule(
                "no-practice-for-knowledge", {"exclude": True}, {"all": [PRACTICE, {"not": SKILLS}]}
            ),
        ],
        [method("lecture"), method("role-play", learning_type="practice")],
    )
    role_play = d.candidate("role-play")
    assert role_play is not None
    assert role_play.eligible is False
    assert role_play.excluded_by == ["no-practice-for-knowledge"]
    assert role_play.score == 10  # scores are still summed, for the explanation
    assert d.winner == "lecture"
    assert d.reason == "lecture is the only eligible method (score 0)"


def test_every_excluding_rule_is_named() -> None:
    d = decide(
        [
            rule("a-first", {"exclude": True}, PRACTICE),
            rule("b-second", {"exclude": True, "score": -2}, PRACTICE),
        ],
        [method("lecture"), method("role-play", learning_type="practice")],
    )
    assert d.candidate("role-play").excluded_by == ["a-first", "b-second"]  # type: ignore[union-attr]
    assert firings(d, "role-play") == [
        ("a-first", "exclude"),
        ("b-second", "score -2"),
        ("b-second", "exclude"),
    ]


def test_require_restricts_the_goal_to_the_listed_methods() -> None:
    d = decide(
        [
            rule("lecture-best", {"score": 5}, {"fact": "method.id", "eq": "lecture"}),
            rule("skills-need-role-play", {"require": ["role-play", "simulation"]}, SKILLS),
        ],
        [method("lecture"), method("role-play"), method("simulation")],
        goal_over={"domain": "skills"},
    )
    assert d.required == ["role-play", "simulation"]
    lecture = d.candidate("lecture")
    assert lecture is not None
    assert lecture.excluded_by == ["skills-need-role-play (requires another method)"]
    assert [c.method for c in d.candidates if c.eligible] == ["role-play", "simulation"]
    assert d.winner == "role-play"
    assert d.reason == "role-play ties with simulation on score 0 and comes first in the catalogue"
    assert ("skills-need-role-play", "require role-play, simulation") in firings(d, "role-play")


def test_require_does_not_apply_when_its_condition_fails() -> None:
    d = decide(
        [rule("skills-need-role-play", {"require": ["role-play"]}, SKILLS)],
        [method("lecture"), method("role-play")],
        goal_over={"domain": "knowledge"},
    )
    assert d.required == []
    assert all(c.eligible for c in d.candidates)
    assert d.winner == "lecture"


def test_two_requires_intersect() -> None:
    d = decide(
        [
            rule("req-one", {"require": ["lecture", "role-play"]}),
            rule("req-two", {"require": ["role-play", "simulation"]}),
        ],
        [method("lecture"), method("role-play"), method("simulation")],
    )
    assert d.required == ["role-play"]
    assert d.winner == "role-play"
    assert d.candidate("lecture").excluded_by == [  # type: ignore[union-attr]
        "req-one, req-two (requires another method)"
    ]
    assert d.reason == "role-play is the only eligible method (score 0)"


def test_no_eligible_method_names_the_excluding_rules_per_candidate() -> None:
    d = decide(
        [
            rule("need-role-play", {"require": ["role-play"]}),
            rule("no-practice", {"exclude": True}, PRACTICE),
        ],
        [method("lecture"), method("role-play", learning_type="practice")],
    )
    assert d.winner is None
    assert d.reason == (
        "no eligible method: closest: lecture excluded by need-role-play (requires another "
        "method); role-play excluded by no-practice"
    )


def test_no_eligible_method_names_the_three_closest_candidates_and_counts_the_rest() -> None:
    """A catalogue of many methods gives a line a coordinator can read: the methods
    fewest rules excluded (then the best scored, then catalogue order), at most three."""
    rules = [
        rule("no-practice", {"exclude": True}, PRACTICE),
        rule("never", {"exclude": True}),
        rule("liked", {"score": 2}, {"fact": "method.id", "eq": "m4"}),
    ]
    methods = [method(f"m{i}", learning_type="practice") for i in range(1, 8)]
    d = decide(rules, methods)
    assert d.winner is None
    # every method is excluded by the same two rules: score, then catalogue order
    assert d.reason == (
        "no eligible method: closest: m4 excluded by no-practice, never; m1 excluded by "
        "no-practice, never; m2 excluded by no-practice, never; and 4 more (see "
        "`curribuild explain`)"
    )
    assert len(d.reason) < 250
    # a method only one rule excludes comes first
    d = decide(rules, [*methods, method("talk")])
    assert d.reason.startswith("no eligible method: closest: talk excluded by never; m4 ")


def test_warn_and_error_effects_are_recorded_without_changing_scores() -> None:
    d = decide(
        [
            rule("caution", {"warn": "use with a trained facilitator"}, PRACTICE, source="Guide"),
            rule("bad", {"error": "never do this"}, {"fact": "method.id", "eq": "lecture"}),
        ],
        [method("lecture"), method("role-play", learning_type="practice")],
    )
    assert scores(d) == {"lecture": 0, "role-play": 0}
    role_play = d.candidate("role-play")
    assert role_play is not None
    assert role_play.fired == [
        Fired(
            "caution",
            "warn",
            "use with a trained facilitator",
            "design decision of this curriculum: Guide",
            "Rule caution.",
        )
    ]
    assert firings(d, "lecture") == [("bad", "error: never do this")]
    assert all(c.eligible for c in d.candidates)


def test_tie_goes_to_catalogue_order_not_alphabetical_id() -> None:
    d = decide([], [method("zeta"), method("alpha"), method("mid")])
    assert d.winner == "zeta"
    assert d.reason == "zeta ties with alpha on score 0 and comes first in the catalogue"


def test_tie_among_the_best_ignores_lower_scored_earlier_methods() -> None:
    best = {"fact": "method.id", "in": ["late", "later"]}
    d = decide(
        [
            rule("best", {"score": 2}, best),
            rule("some", {"score": 1}, {"fact": "method.id", "eq": "early"}),
        ],
        [method("early"), method("later"), method("late")],
    )
    assert scores(d) == {"early": 1, "later": 2, "late": 2}
    assert d.winner == "later"
    assert d.reason == "later ties with late on score 2 and comes first in the catalogue"


def test_excluded_candidates_do_not_count_as_runner_up() -> None:
    d = decide(
        [
            rule("top", {"score": 9}, {"fact": "method.id", "eq": "gone"}),
            rule("drop", {"exclude": True}, {"fact": "method.id", "eq": "gone"}),
            rule("two", {"score": 2}, {"fact": "method.id", "eq": "b"}),
        ],
        [method("gone"), method("a"), method("b")],
    )
    assert d.winner == "b"
    assert d.reason == "b has the highest score (2), ahead of a (0)"


def test_needs_only_rules_apply_to_every_candidate_when_they_hold() -> None:
    advanced = {"fact": "needs.audience.experience", "eq": "advanced"}
    rules = [rule("experts", {"score": 4}, advanced)]
    d = decide(
        rules, [method("a"), method("b")], needs_over={"audience": {"experience": "advanced"}}
    )
    assert scores(d) == {"a": 4, "b": 4}
    d = decide(rules, [method("a"), method("b")], needs_over={"audience": {"experience": "basic"}})
    assert scores(d) == {"a": 0, "b": 0}
    assert d.fired_rules == []


def test_pair_condition_on_an_object_goal_fact_is_evaluated() -> None:
    """A condition mixing goal and method facts is memoised on the goal facts it
    reads; ``goal.audience`` (an object holding lists) must work as well."""
    d = decide(
        [
            rule(
                "filtered-goals-practise",
                {"score": 2},
                {"any": [{"fact": "goal.audience", "exists": True}, PRACTICE]},
            )
        ],
        [method("lecture"), method("role-play", learning_type="practice")],
        goal_over={"audience": {"experience": ["basic"]}},
    )
    assert scores(d) == {"lecture": 2, "role-play": 2}


def test_builtin_structural_rules_exclude_unfit_methods(tmp_path: Path) -> None:
    cur = load(
        write_curriculum(
            tmp_path / "fit",
            methods=[
                method("online-only", delivery=["online"]),
                method("knowledge-only", domains=["knowledge"]),
                method("low-bloom", bloom={"min": "remember", "max": "understand"}),
                method("small-group", participants={"min": 2, "max": 8}),
                method("big-group", participants={"min": 20, "max": 200}),
                method("long", minutes={"min": 120, "max": 240}),
                method("fits"),
            ],
        )
    )
    needs = make_needs(audience={"participants": 12}, constraints={"delivery": "in-person"})
    d = (
        Matcher(cur.rules.values(), list(cur.methods.values()))
        .prepare(needs)
        .decide(make_goal("g", domain="skills", bloom="apply", minutes=60))
    )
    assert {c.method: c.excluded_by for c in d.candidates} == {
        "online-only": ["fit-delivery-mode"],
        "knowledge-only": ["fit-domain"],
        "low-bloom": ["fit-bloom-range"],
        "small-group": ["fit-group-too-large"],
        "big-group": ["fit-group-too-small"],
        "long": [],
        "fits": [],
    }
    assert scores(d)["long"] == -1  # fit-duration only scores
    assert d.winner == "fits"
    assert d.reason == "fits has the highest score (0), ahead of long (-1)"
    long_firing = d.candidate("long").fired  # type: ignore[union-attr]
    assert [(f.rule, f.effect, f.value) for f in long_firing] == [("fit-duration", "score", -1)]
    assert long_firing[0].source == (
        "design decision of this curriculum: curribuild structural fit: "
        "a method works best at the length it is built for"
    )


# --- overriding and disabling built-in rules ----------------------------------------------


ONLINE_NEEDS = {"constraints": {"delivery": "online"}}


def test_a_self_paced_method_is_exempt_from_the_delivery_mode_only_as_pre_work(
    tmp_path: Path,
) -> None:
    """fit-delivery-mode lets an online self-paced module into an in-person programme
    only when the needs set pre-work time aside, and never for distressing material."""
    cur = load(
        write_curriculum(
            tmp_path / "fit",
            methods=[
                method("module", delivery=["online"], self_paced=True),
                method("webinar", delivery=["online"]),
            ],
        )
    )
    matcher = Matcher(cur.rules.values(), list(cur.methods.values()))

    def excluded(pre_work: int, **goal_over: Any) -> dict[str, list[str]]:
        needs = make_needs(constraints={"delivery": "in-person", "pre_work_minutes": pre_work})
        d = matcher.prepare(needs).decide(make_goal("g", **goal_over))
        return {c.method: c.excluded_by for c in d.candidates}

    assert excluded(0) == {"module": ["fit-delivery-mode"], "webinar": ["fit-delivery-mode"]}
    assert excluded(60) == {"module": [], "webinar": ["fit-delivery-mode"]}
    assert excluded(60, sensitive=True)["module"] == ["fit-delivery-mode"]


def test_a_curriculum_rule_overrides_a_builtin_rule_by_id(tmp_path: Path) -> None:
    root = write_curriculum(
        tmp_path / "override",
        methods=[
            method("classroom", delivery=["in-person"]),
            method("webinar", delivery=["online"]),
        ],
        rules=[
            rule(
                "fit-delivery-mode",
                {"score": -2},
                {
                    "not": {
                        "fact": "method.delivery",
                        "contains": {"fact": "needs.constraints.delivery"},
                    }
                },
                source="our own policy",
            )
        ],
    )
    cur = load(root)
    assert cur.rules["fit-delivery-mode"].then.score == -2
    assert cur.rules["fit-delivery-mode"].then.exclude is None
    origin = cur.origin("rule", "fit-delivery-mode")
    assert origin is not None
    assert origin.file == root.resolve() / "rules.yaml"
    d = (
        Matcher(cur.rules.values(), list(cur.methods.values()))
        .prepare(make_needs(**ONLINE_NEEDS))
        .decide(make_goal("g"))
    )
    assert [c.excluded_by for c in d.candidates] == [[], []]
    assert scores(d) == {"classroom": -2, "webinar": 0}
    assert d.candidate("classroom").fired == [  # type: ignore[union-attr]
        Fired(
            "fit-delivery-mode",
            "score",
            -2,
            "design decision of this curriculum: our own policy",  # plain text reads as design
            "Rule fit-delivery-mode.",
        )
    ]
    assert d.winner == "webinar"


def test_disable_rules_removes_a_builtin_rule(tmp_path: Path) -> None:
    root = write_curriculum(
        tmp_path / "disabled",
        methods=[
            method("classroom", delivery=["in-person"]),
            method("webinar", delivery=["online"]),
        ],
        config={"disable_rules": ["fit-delivery-mode"]},
    )
    cur, findings = Workspace().load_curriculum(root)
    assert findings == []
    assert "fit-delivery-mode" not in cur.rules
    assert "fit-delivery-mode" in cur.known_rules
    assert sorted(cur.rules) == [
        "fit-bloom-range",
        "fit-domain",
        "fit-duration",
        "fit-group-too-large",
        "fit-group-too-small",
    ]
    d = (
        Matcher(cur.rules.values(), list(cur.methods.values()))
        .prepare(make_needs(**ONLINE_NEEDS))
        .decide(make_goal("g"))
    )
    assert [c.eligible for c in d.candidates] == [True, True]
    assert d.winner == "classroom"


def test_without_override_the_builtin_rule_excludes(tmp_path: Path) -> None:
    cur = load(
        write_curriculum(
            tmp_path / "plain",
            methods=[
                method("classroom", delivery=["in-person"]),
                method("webinar", delivery=["online"]),
            ],
        )
    )
    d = (
        Matcher(cur.rules.values(), list(cur.methods.values()))
        .prepare(make_needs(**ONLINE_NEEDS))
        .decide(make_goal("g"))
    )
    assert d.candidate("classroom").excluded_by == ["fit-delivery-mode"]  # type: ignore[union-attr]
    assert d.winner == "webinar"


# --- programme-scope rules ---------------------------------------------------------------


def test_programme_rules_add_sessions_warn_and_error_in_curriculum_order() -> None:
    rules = [
        make_rule(
            "debrief-after-cases",
            {"add_session": {"session": "debrief", "title": "Debrief", "minutes": 15}},
            {"fact": "programme.any_sensitive", "eq": True},
            scope="programme",
            source="Safety guide",
        ),
        make_rule(
            "forensic-missing",
            {"warn": "no forensic perspective"},
            {"fact": "programme.missing_perspectives", "contains": "forensic"},
            scope="programme",
        ),
        make_rule(
            "too-short",
            {"error": "less than two hours"},
            {"fact": "programme.teaching_minutes", "lt": 120},
            scope="programme",
        ),
        make_rule("match-rule", {"score": 1}),  # match scope: ignored here
    ]
    compiled = ProgrammeRules.compile(rules)
    assert [r.id for r, _ in compiled.rules] == [
        "debrief-after-cases",
        "forensic-missing",
        "too-short",
    ]
    facts = ProgrammeFacts(
        any_sensitive=True, missing_perspectives=["forensic"], teaching_minutes=90
    )
    fired = compiled.evaluate(make_needs(), facts)
    assert [(f.rule, f.effect) for f in fired] == [
        ("debrief-after-cases", "add_session"),
        ("forensic-missing", "warn"),
        ("too-short", "error"),
    ]
    assert fired[0].value.minutes == 15
    assert fired[0].source == "design decision of this curriculum: Safety guide"
    assert fired[1].value == "no forensic perspective"
    quiet = compiled.evaluate(make_needs(), ProgrammeFacts(teaching_minutes=300))
    assert quiet == []


def test_programme_rules_read_needs_facts() -> None:
    rule_ = make_rule(
        "follow-up-for-clinicians",
        {
            "add_session": {
                "session": "follow-up",
                "title": "Booster",
                "minutes": 60,
                "weeks_after": 8,
            }
        },
        {"fact": "needs.audience.professions", "contains": "psychiatrist"},
        scope="programme",
    )
    compiled = ProgrammeRules.compile([rule_])
    yes = compiled.evaluate(
        make_needs(audience={"professions": ["psychiatrist"]}), ProgrammeFacts()
    )
    no = compiled.evaluate(make_needs(audience={"professions": ["teacher"]}), ProgrammeFacts())
    assert [(f.rule, f.value.weeks_after) for f in yes] == [("follow-up-for-clinicians", 8)]
    assert no == []


# --- evaluation counts: goal-only and method-only parts once each ------------------------


def counting_compiler(
    monkeypatch: pytest.MonkeyPatch, label: Callable[[Any, Compiled], str]
) -> Counter[str]:
    """Count evaluations of every compiled conjunct the matcher builds, by ``label``."""
    calls: Counter[str] = Counter()
    real = compile_condition  # the function the matcher imported

    def counting(condition: Any) -> Compiled:
        compiled = real(condition)
        name = label(condition, compiled)
        inner = compiled.test

        def test(env: dict[str, Any]) -> bool:
            calls[name] += 1
            return inner(env)

        return Compiled(test, compiled.roots, compiled.goal_paths)

    monkeypatch.setattr(match, "compile_condition", counting)
    return calls


def test_goal_only_method_only_and_needs_only_parts_are_evaluated_once_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = counting_compiler(
        monkeypatch, lambda cond, _: cond.fact if isinstance(cond, Leaf) else "other"
    )
    the_rule = make_rule(
        "mixed",
        {"score": 1},
        {
            "all": [
                {"fact": "goal.domain", "eq": "knowledge"},
                {"fact": "method.learning_type", "eq": "practice"},
                {"fact": "needs.audience.experience", "eq": "none"},
                {"fact": "goal.minutes", "lte": {"fact": "method.minutes.max"}},
            ]
        },
    )
    methods = [
        make_method("a"),
        make_method("b", learning_type="practice"),
        make_method("c", learning_type="practice", minutes={"min": 10, "max": 60}),
        make_method("d"),
    ]
    # five goals with different facts: nothing can be shared between them
    goals = [make_goal(f"g{i}", minutes=m) for i, m in enumerate([30, 45, 60, 90, 120])]
    prepared = Matcher([the_rule], methods).prepare(make_needs())
    decisions = [prepared.decide(g) for g in goals]

    assert calls["needs.audience.experience"] == 1  # once per run
    assert calls["method.learning_type"] == 4  # once per method, not 5 x 4
    assert calls["goal.domain"] == 5  # once per goal, not 5 x 4
    # the goal x method part runs only for the methods the method-only part admits
    assert calls["goal.minutes"] == 5 * 2
    assert "other" not in calls
    assert [scores(d) for d in decisions] == [
        {"a": 0, "b": 1, "c": 1, "d": 0},
        {"a": 0, "b": 1, "c": 1, "d": 0},
        {"a": 0, "b": 1, "c": 1, "d": 0},
        {"a": 0, "b": 1, "c": 0, "d": 0},
        {"a": 0, "b": 1, "c": 0, "d": 0},
    ]


def test_goal_parts_are_not_evaluated_per_method(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting_compiler(monkeypatch, lambda _, compiled: "+".join(sorted(compiled.roots)))
    rules = [
        make_rule("g-only", {"score": 1}, {"fact": "goal.minutes", "gte": 15}),
        make_rule("m-only", {"score": 1}, {"fact": "method.domains", "contains": "skills"}),
    ]
    methods = [make_method(f"m{i}") for i in range(12)]
    goals = [make_goal(f"g{i}", minutes=i + 1) for i in range(30)]
    prepared = Matcher(rules, methods).prepare(make_needs())
    decisions = [prepared.decide(g) for g in goals]
    assert calls == Counter({"goal": 30, "method": 12})
    assert scores(decisions[13]) == dict.fromkeys((m.id for m in methods), 1)
    assert scores(decisions[14]) == dict.fromkeys((m.id for m in methods), 2)


def test_goals_with_equal_facts_may_share_evaluations(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting_compiler(monkeypatch, lambda _, compiled: "+".join(sorted(compiled.roots)))
    rules = [make_rule("g-only", {"score": 1}, {"fact": "goal.bloom", "gte": "understand"})]
    prepared = Matcher(rules, [make_method("m")]).prepare(make_needs())
    decisions = [prepared.decide(make_goal(f"g{i}")) for i in range(10)]
    assert 1 <= calls["goal"] <= 10
    assert [d.goal for d in decisions] == [f"g{i}" for i in range(10)]
    assert {d.winner for d in decisions} == {"m"}
    assert {scores(d)["m"] for d in decisions} == {1}


def test_goal_only_condition_on_an_object_goal_fact() -> None:
    d = decide(
        [rule("filtered", {"score": 1}, {"fact": "goal.audience", "exists": True})],
        [method("lecture")],
        goal_over={"audience": {"experience": ["basic"], "professions": ["psychologist"]}},
    )
    assert scores(d) == {"lecture": 1}
    d = decide(
        [rule("filtered", {"score": 1}, {"fact": "goal.audience", "exists": True})],
        [method("lecture")],
    )
    assert scores(d) == {"lecture": 0}


# --- file layout does not change decisions (property) -----------------------------------

LEAVES = [
    {"fact": "goal.domain", "eq": "skills"},
    {"fact": "goal.bloom", "gte": "apply"},
    {"fact": "goal.minutes", "gt": 60},
    {"fact": "method.learning_type", "in": ["practice", "production"]},
    {"fact": "method.delivery", "contains": "online"},
    {"fact": "method.participants.max", "lt": 15},
    {"fact": "goal.bloom", "lte": {"fact": "method.bloom.max"}},
    {"fact": "goal.minutes", "gte": {"fact": "method.minutes.min"}},
    {"fact": "needs.audience.experience", "gte": "basic"},
]
METHODS = [
    method("lecture", domains=["knowledge"], bloom={"min": "remember", "max": "understand"}),
    method(
        "role-play",
        learning_type="practice",
        domains=["skills", "attitudes"],
        bloom={"min": "apply", "max": "evaluate"},
        participants={"min": 4, "max": 20},
    ),
    method(
        "case-study",
        learning_type="inquiry",
        delivery=["in-person", "online"],
        minutes={"min": 45, "max": 120},
    ),
    method("webinar", delivery=["online"], participants={"min": 1, "max": 12}),
    method(
        "project",
        learning_type="production",
        bloom={"min": "apply", "max": "create"},
        minutes={"min": 90, "max": 240},
    ),
]

when_strategy = st.one_of(
    st.none(),
    st.sampled_from(LEAVES),
    st.lists(st.sampled_from(LEAVES), min_size=1, max_size=3).map(lambda xs: {"all": xs}),
    st.lists(st.sampled_from(LEAVES), min_size=1, max_size=3).map(lambda xs: {"any": xs}),
    st.sampled_from(LEAVES).map(lambda x: {"not": x}),
)
then_strategy = st.one_of(
    st.integers(-3, 5).map(lambda n: {"score": n}),
    st.just({"exclude": True}),
    st.lists(st.sampled_from([m["id"] for m in METHODS]), min_size=1, max_size=3, unique=True).map(
        lambda ids: {"require": ids}
    ),
)
goal_strategy = st.fixed_dictionaries(
    {
        "domain": st.sampled_from(["knowledge", "skills", "attitudes"]),
        "bloom": st.sampled_from(
            ["remember", "understand", "apply", "analyse", "evaluate", "create"]
        ),
        "minutes": st.sampled_from([30, 60, 90, 150]),
    }
)
name_strategy = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=10)


def _outcome(decision: Decision) -> tuple[Any, ...]:
    # with no winner the reason lists excluding rules in curriculum order; compare
    # eligibility instead
    return (
        decision.winner,
        decision.reason if decision.winner else None,
        tuple(decision.required),
        tuple(
            (c.method, c.score, c.eligible, tuple(sorted({f.rule for f in c.fired})))
            for c in decision.candidates
        ),
    )


def _decisions(root: Path, needs_over: dict[str, Any]) -> list[tuple[Any, ...]]:
    cur = load(root)
    prepared = Matcher(cur.rules.values(), list(cur.methods.values())).prepare(
        make_needs(**needs_over)
    )
    return [(gid, _outcome(prepared.decide(g))) for gid, g in sorted(cur.goals.items())]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.data(),
    rules_when=st.lists(st.tuples(when_strategy, then_strategy), min_size=1, max_size=7),
    goal_specs=st.lists(goal_strategy, min_size=1, max_size=4),
    delivery=st.sampled_from(["in-person", "online", "hybrid"]),
    participants=st.sampled_from([6, 12, 30]),
    experience=st.sampled_from(["none", "basic", "advanced"]),
)
def test_winner_does_not_depend_on_file_names_or_order(
    tmp_path_factory: pytest.TempPathFactory,
    data: st.DataObject,
    rules_when: list[tuple[Any, dict[str, Any]]],
    goal_specs: list[dict[str, Any]],
    delivery: str,
    participants: int,
    experience: str,
) -> None:
    rules = [rule(f"r{i}", then, when) for i, (when, then) in enumerate(rules_when)]
    goals = [goal(f"g{i}", **spec) for i, spec in enumerate(goal_specs)]
    needs_over = {
        "audience": {"participants": participants, "experience": experience},
        "constraints": {"delivery": delivery},
    }

    canonical = write_curriculum(
        tmp_path_factory.mktemp("canonical"), goals=goals, methods=METHODS, rules=rules
    )
    expected = _decisions(canonical, needs_over)

    # the same documents, split into files with arbitrary names, written in any order
    shuffled = tmp_path_factory.mktemp("shuffled")
    n_rule_files = data.draw(st.integers(1, len(rules)), label="rule files")
    n_goal_files = data.draw(st.integers(1, len(goals)), label="goal files")
    names = data.draw(
        st.lists(
            name_strategy.filter(lambda n: n != "curriculum"),
            min_size=n_rule_files + n_goal_files + 1,
            max_size=n_rule_files + n_goal_files + 1,
            unique=True,
        ),
        label="file names",
    )
    rule_order = data.draw(st.permutations(rules), label="rule order")
    goal_order = data.draw(st.permutations(goals), label="goal order")
    docs: list[tuple[Path, dict[str, Any]]] = [
        (shuffled / "curriculum.yaml", {"kind": "config", "name": "shuffled"}),
        (shuffled / f"{names[0]}.yaml", {"kind": "methods", "methods": METHODS}),
    ]
    for i in range(n_rule_files):
        chunk = rule_order[i::n_rule_files]
        docs.append(
            (shuffled / "rules" / f"{names[1 + i]}.yaml", {"kind": "rules", "rules": chunk})
        )
    for i in range(n_goal_files):
        chunk = goal_order[i::n_goal_files]
        docs.append(
            (shuffled / f"{names[1 + n_rule_files + i]}.yml", {"kind": "goals", "goals": chunk})
        )
    for path, doc in data.draw(st.permutations(docs), label="write order"):
        write_doc(path, doc)

    assert _decisions(shuffled, needs_over) == expected


def test_named_operands_reads_every_leaf_of_every_rule() -> None:
    from curribuild.engine.conditions import named_operands
    from curribuild.models.rules import Rule

    def made(rule_id: str, when: Any) -> Rule:
        data = {"id": rule_id, "scope": "programme", "when": when, "then": {"warn": "w"}}
        data["source"] = {"kind": "design", "reason": "a test"}
        data["description"] = "A test rule."
        return Rule.model_validate(data)

    rules = [
        made(
            "a",
            {
                "all": [
                    {"fact": "needs.context.media_exposure", "eq": True},
                    {"not": {"fact": "programme.goals", "contains_any": ["g1", "g2"]}},
                ]
            },
        ),
        made("b", {"any": [{"fact": "programme.goals", "contains": "g3"}]}),
        made("c", {"fact": "programme.topics", "contains": "t1"}),
    ]
    assert named_operands(rules, "programme.goals") == {"g1", "g2", "g3"}
    assert named_operands(rules, "programme.topics") == {"t1"}
    assert named_operands(rules, "programme.methods") == set()
