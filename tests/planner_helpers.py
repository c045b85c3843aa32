"""Helpers of the engine, planner, plan and explain tests: small synthetic curricula.

Every test builds its own curriculum in ``tmp_path`` so it depends on nothing in the
bundled content. Documents are written as YAML with ``yaml.safe_dump``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from curribuild.checks.ruletests import deep_merge
from curribuild.curriculum import Curriculum, builtin_layer
from curribuild.findings import Finding, Severity
from curribuild.models.config import Config
from curribuild.models.goals import Goal
from curribuild.models.methods import Method
from curribuild.models.needs import Needs
from curribuild.models.rules import Rule
from curribuild.workspace import Workspace

ALL_DOMAINS = ["knowledge", "skills", "attitudes"]
# synthetic curricula solve with a small deterministic limit: the suite stays fast
FAST_SOLVER: dict[str, Any] = {"planning": {"solver": {"deterministic_seconds": 2}}}
ALL_DELIVERY = ["in-person", "online", "hybrid"]


def method(method_id: str, **over: Any) -> dict[str, Any]:
    """A method that fits every goal and every needs unless overridden."""
    base: dict[str, Any] = {
        "id": method_id,
        "name": f"Method {method_id}",
        "learning_type": "acquisition",
        "domains": list(ALL_DOMAINS),
        "bloom": {"min": "remember", "max": "create"},
        "delivery": list(ALL_DELIVERY),
        "participants": {"min": 1, "max": 100},
        "minutes": {"min": 10, "max": 480},
    }
    return deep_merge(base, over)


def goal(goal_id: str, **over: Any) -> dict[str, Any]:
    """A knowledge/understand goal of 60 minutes teaching the topic ``goal_id``."""
    base: dict[str, Any] = {
        "id": goal_id,
        "title": f"Goal {goal_id}",
        "statement": f"Explain {goal_id}.",
        "domain": "knowledge",
        "bloom": "understand",
        "topics": [goal_id],
        "minutes": 60,
    }
    return deep_merge(base, over)


def rule(rule_id: str, then: Mapping[str, Any], when: Any = None, **over: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": rule_id, "description": f"Rule {rule_id}."}
    out.update(over)
    if when is not None:
        out["when"] = when
    out["then"] = dict(then)
    return out


class _NoAliasDumper(yaml.SafeDumper):
    """curribuild rejects YAML anchors and aliases, so never write them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=1000)


def write_doc(path: Path, data: Mapping[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(dict(data)), encoding="utf-8")
    return path


def write_curriculum(
    root: Path,
    *,
    goals: Sequence[Mapping[str, Any]] = (),
    methods: Sequence[Mapping[str, Any]] = (),
    rules: Sequence[Mapping[str, Any]] = (),
    cases: Sequence[Mapping[str, Any]] = (),
    config: Mapping[str, Any] | None = None,
) -> Path:
    """A curriculum folder: curriculum.yaml, goals.yaml, methods.yaml, rules.yaml, tests."""
    root.mkdir(parents=True, exist_ok=True)
    write_doc(root / "curriculum.yaml", {"kind": "config", "name": root.name, **(config or {})})
    if goals:
        write_doc(root / "goals.yaml", {"kind": "goals", "goals": list(goals)})
    if methods:
        write_doc(root / "methods.yaml", {"kind": "methods", "methods": list(methods)})
    if rules:
        write_doc(root / "rules.yaml", {"kind": "rules", "rules": list(rules)})
    if cases:
        write_doc(root / "rule-tests.yaml", {"kind": "rule-tests", "cases": list(cases)})
    return root


def load(root: Path) -> Curriculum:
    """The curriculum in ``root``; fails the test on any error finding."""
    cur, findings = Workspace().load_curriculum(root)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    assert errors == [], [f"{f.located()} {f.code} {f.message}" for f in errors]
    return cur


def load_with_findings(root: Path) -> tuple[Curriculum, list[Finding]]:
    return Workspace().load_curriculum(root)


def needs_data(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"kind": "needs", "id": "test-needs", "title": "Test needs"}
    return deep_merge(base, over)


def make_needs(**over: Any) -> Needs:
    return Needs.model_validate(needs_data(**over))


def make_goal(goal_id: str = "g", **over: Any) -> Goal:
    return Goal.model_validate(goal(goal_id, **over))


def make_method(method_id: str, **over: Any) -> Method:
    return Method.model_validate(method(method_id, **over))


def make_rule(rule_id: str, then: Mapping[str, Any], when: Any = None, **over: Any) -> Rule:
    return Rule.model_validate(rule(rule_id, then, when, **over))


def codes(findings: Iterable[Finding]) -> list[str]:
    return [f.code for f in findings]


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def memory_curriculum(
    goals: Sequence[Mapping[str, Any]] = (),
    methods: Sequence[Mapping[str, Any]] = (),
    rules: Sequence[Mapping[str, Any]] = (),
    config: Mapping[str, Any] | None = None,
) -> Curriculum:
    """A curriculum built in memory over the built-in rules (no files; fast for properties),
    solved with the small FAST_SOLVER limit unless ``config`` says otherwise."""
    base = builtin_layer()
    own_rules = {r["id"]: Rule.model_validate(r) for r in rules}
    return Curriculum(
        name="memory",
        root=None,
        config=Config.model_validate({"kind": "config", **deep_merge(FAST_SOLVER, config or {})}),
        goals={g["id"]: Goal.model_validate(g) for g in goals},
        methods={m["id"]: Method.model_validate(m) for m in methods},
        rules={**base.rules, **own_rules},
        layers=["builtin", "memory"],
    )


# --- a small repository for the command-line tests ----------------------------------------

CLI_RULES: list[dict[str, Any]] = [
    rule(
        "skills-need-practice",
        {"score": 3},
        {
            "all": [
                {"fact": "goal.domain", "eq": "skills"},
                {"fact": "method.learning_type", "in": ["practice", "production"]},
            ]
        },
        source="Constructive alignment",
    ),
    rule(
        "no-lecture-for-skills",
        {"exclude": True},
        {"all": [{"fact": "goal.domain", "eq": "skills"}, {"fact": "method.id", "eq": "lecture"}]},
        source="RAN HEALTH 2022, key point 5",
    ),
    rule(
        "discussion-for-knowledge",
        {"score": 1},
        {
            "all": [
                {"fact": "goal.domain", "eq": "knowledge"},
                {"fact": "method.learning_type", "eq": "discussion"},
            ]
        },
    ),
]


def cli_repo(base: Path) -> Path:
    """``base/cur`` (a curriculum) and ``base/needs.yaml`` (curriculum: cur); returns base."""
    write_curriculum(
        base / "cur",
        goals=[
            goal("know", title="Knowing the field"),
            goal("do", title="Doing the work", domain="skills", bloom="apply"),
            goal("spare", title="Spare goal"),
        ],
        methods=[
            method("lecture", name="Lecture"),
            method("role-play", name="Role play", learning_type="practice"),
            method("debate", name="Debate", learning_type="discussion"),
        ],
        rules=CLI_RULES,
    )
    write_doc(
        base / "needs.yaml",
        needs_data(
            curriculum="cur",
            title="CLI needs",
            gaps=[{"topic": "know", "priority": "high"}, {"topic": "do", "priority": "high"}],
        ),
    )
    return base
