"""Static checks of rules (CB203 CB204 CB205 CB208 CB209), located, with suggestions.

(The brief named this file test_static_rules.py; it is named test_engine_*.py to stay
within the file names this suite's author may create.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from curribuild.checks.conditions import fact_path_problem, literal_problem
from curribuild.checks.references import check_curriculum
from curribuild.cli import app
from curribuild.models.rules import Leaf
from curribuild.workspace import Workspace
from planner_helpers import method, rule, write_curriculum

METHODS = """\
kind: methods
methods:
  - id: lecture
    name: Lecture
    learning_type: acquisition
    domains: [knowledge]
    bloom: {min: remember, max: understand}
    delivery: [in-person]
    participants: {min: 1, max: 100}
    minutes: {min: 10, max: 120}
"""

RULES = """\
kind: rules
rules:
  - id: typo-path
    description: A misspelt fact.
    when: {fact: goal.domian, eq: skills}
    then: {score: 1}
  - id: impossible-value
    description: A value the fact never takes.
    when: {fact: goal.domain, eq: skill}
    then: {score: 1}
  - id: needs-lecture
    description: Requires a misspelt method.
    then: {require: [lectur]}
  - id: typo-path
    description: The same id again.
    then: {score: 2}
  - id: ref-typo
    description: A misspelt fact reference.
    when:
      all:
        - {fact: goal.bloom, gte: {fact: method.bloom.mni}}
    then: {score: 1}
  - id: wrong-scope
    description: Programme facts in a match rule.
    when: {fact: programme.any_sensitive, eq: true}
    then: {score: 1}
  - id: follow-up-method
    description: A follow-up with an unknown method.
    scope: programme
    then:
      add_session:
        session: follow-up
        title: Booster
        minutes: 60
        weeks_after: 6
        method: rolepaly
"""

CONFIG = """\
kind: config
name: static
disable_rules: [fit-duraton, fit-domain]
"""

EXPECTED = [
    "static/curriculum.yaml:3:17: [error] disable_rules names unknown rule 'fit-duraton'; "
    "did you mean 'fit-duration'? (CB209)",
    "static/rules.yaml:5:18: [error] rule 'typo-path': unknown fact 'goal.domian'; "
    "did you mean 'goal.domain'? (CB204)",
    "static/rules.yaml:9:35: [error] rule 'impossible-value': 'skill' is never a value of "
    "goal.domain (one of knowledge, skills, attitudes); did you mean 'skills'? (CB208)",
    "static/rules.yaml:13:22: [error] rule 'needs-lecture' names unknown method 'lectur'; "
    "did you mean 'lecture'? (CB205)",
    "static/rules.yaml:14:9: [error] duplicate rule id 'typo-path' (first defined at "
    "static/rules.yaml:3:9) (CB203)",
    "static/rules.yaml:21:42: [error] rule 'ref-typo': unknown fact 'method.bloom.mni'; "
    "did you mean 'method.bloom.min'? (CB204)",
    "static/rules.yaml:25:18: [error] rule 'wrong-scope': programme.* facts are not available "
    "in match-scope rules (use goal.*, method.*, needs.*) (CB204)",
    "static/rules.yaml:36:17: [error] rule 'follow-up-method' names unknown method 'rolepaly' "
    "(CB205)",
]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "static"
    root.mkdir()
    (root / "curriculum.yaml").write_text(CONFIG, encoding="utf-8")
    (root / "methods.yaml").write_text(METHODS, encoding="utf-8")
    (root / "rules.yaml").write_text(RULES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return root


def test_check_reports_every_static_rule_problem_located(repo: Path) -> None:
    result = CliRunner().invoke(app, ["check", "static", "--format", "parsable", "--select", "CB2"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == EXPECTED


@pytest.mark.parametrize("code", ["CB203", "CB204", "CB205", "CB208", "CB209"])
def test_each_code_alone(repo: Path, code: str) -> None:
    result = CliRunner().invoke(app, ["check", "static", "--format", "parsable", "--select", code])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [line for line in EXPECTED if line.endswith(f"({code})")]


def test_load_and_check_curriculum_findings(repo: Path) -> None:
    cur, load_findings = Workspace().load_curriculum(repo)
    assert [(f.code, f.line, f.col) for f in load_findings] == [("CB203", 14, 9)]
    # the first definition of a duplicate id wins
    assert cur.rules["typo-path"].then.score == 1
    # a known rule in disable_rules is applied, the unknown one reported
    assert "fit-domain" not in cur.rules
    found = sorted((f.code, f.line, f.col) for f in check_curriculum(cur))
    assert found == [
        ("CB204", 5, 18),
        ("CB204", 21, 42),
        ("CB204", 25, 18),
        ("CB205", 13, 22),
        ("CB205", 36, 17),
        ("CB208", 9, 35),
        ("CB209", 3, 17),
    ]


def test_unknown_method_without_a_close_match_has_no_suggestion(tmp_path: Path) -> None:
    root = write_curriculum(
        tmp_path / "far",
        methods=[method("lecture")],
        rules=[rule("needs-x", {"require": ["zzzzzz"]})],
    )
    cur, _ = Workspace().load_curriculum(root)
    [finding] = check_curriculum(cur)
    assert finding.code == "CB205"
    assert finding.message == "rule 'needs-x' names unknown method 'zzzzzz'"
    assert finding.fix == "use a method id from the catalogue (`curribuild list methods`)"


@pytest.mark.parametrize(
    ("path", "scope", "problem"),
    [
        ("goal.domain", "match", None),
        ("goal.gap_priority", "match", None),
        ("needs.high_gap_topics", "programme", None),
        ("programme.any_sensitive", "programme", None),
        ("goal.domian", "match", "unknown fact 'goal.domian'; did you mean 'goal.domain'?"),
        (
            "needs.constraints.dayz",
            "match",
            "unknown fact 'needs.constraints.dayz'; did you mean 'needs.constraints.days'?",
        ),
        (
            "goal.domain",
            "programme",
            "goal.* facts are not available in programme-scope rules (use needs.*, programme.*)",
        ),
    ],
)
def test_fact_path_problem(path: str, scope: str, problem: str | None) -> None:
    assert fact_path_problem(path, scope) == problem


@pytest.mark.parametrize(
    ("leaf", "problem"),
    [
        ({"fact": "goal.domain", "eq": "skills"}, None),
        ({"fact": "goal.bloom", "gte": "apply"}, None),
        (
            {"fact": "goal.bloom", "gte": "aply"},
            "'aply' is never a value of goal.bloom (one of remember, understand, apply, "
            "analyse, evaluate, create); did you mean 'apply'?",
        ),
        (
            {"fact": "goal.domain", "lt": "skills"},
            "goal.domain has no order, so `lt` cannot compare it",
        ),
        ({"fact": "goal.minutes", "gt": "60"}, "'60' is never a value of goal.minutes (a int)"),
        ({"fact": "goal.minutes", "gt": True}, "True is never a value of goal.minutes (a int)"),
        (
            {"fact": "goal.sensitive", "eq": "yes"},
            "'yes' is never a value of goal.sensitive (a bool)",
        ),
        ({"fact": "method.delivery", "contains": "online"}, None),
        # dates and clock times are written as strings in YAML: check accepts them
        ({"fact": "needs.constraints.start_date", "gte": "2027-01-01"}, None),
        ({"fact": "needs.constraints.day_end", "gt": "16:00"}, None),
        ({"fact": "goal.bloom", "gte": {"fact": "method.bloom.min"}}, None),
    ],
)
def test_literal_problem(leaf: dict[str, object], problem: str | None) -> None:
    assert literal_problem(Leaf.model_validate(leaf)) == problem


def test_disabling_a_known_rule_is_not_reported(tmp_path: Path) -> None:
    root = write_curriculum(
        tmp_path / "quiet", methods=[method("lecture")], config={"disable_rules": ["fit-duration"]}
    )
    cur, findings = Workspace().load_curriculum(root)
    assert findings == []
    assert check_curriculum(cur) == []


def test_extending_a_curriculum_that_disables_a_rule_is_not_a_cb209(tmp_path: Path) -> None:
    """The child never names the rule; the base disabled a rule that exists."""
    write_curriculum(
        tmp_path / "base",
        methods=[method("lecture")],
        config={"disable_rules": ["fit-duration"]},
    )
    # base and child share a repository: a file may name only curricula inside its own
    (tmp_path / ".git").mkdir()
    child = write_curriculum(tmp_path / "child", config={"extends": "../base"})
    base_cur, base_findings = Workspace().load_curriculum(tmp_path / "base")
    assert base_findings == []
    assert check_curriculum(base_cur) == []
    cur, findings = Workspace().load_curriculum(child)
    assert findings == []
    assert "fit-duration" not in cur.rules  # still disabled in the child
    assert [(f.code, f.message) for f in check_curriculum(cur)] == []
