"""Rule tests (``kind: rule-tests``): passing cases, CB601 failures, CB602 invalid facts,
CB603 unknown rules and methods; through ``run_cases`` and through ``curribuild check``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from curribuild.checks.ruletests import run_cases
from curribuild.cli import app
from curribuild.findings import Severity
from curribuild.workspace import Workspace

CONFIG = "kind: config\nname: {name}\n"

METHODS = """\
kind: methods
methods:
  - id: lecture
    name: Lecture
    learning_type: acquisition
    domains: [knowledge]
    bloom: {min: remember, max: understand}
    delivery: [in-person, online, hybrid]
    participants: {min: 1, max: 200}
    minutes: {min: 15, max: 120}
  - id: role-play
    name: Role play with feedback
    learning_type: practice
    domains: [skills, attitudes]
    bloom: {min: apply, max: evaluate}
    delivery: [in-person, hybrid]
    participants: {min: 4, max: 20}
    minutes: {min: 45, max: 120}
"""

RULES = """\
kind: rules
rules:
  - id: skills-need-practice
    description: Skills goals are taught with practice, not only input.
    source: "Constructive alignment"
    when:
      all:
        - {fact: goal.domain, eq: skills}
        - {fact: method.learning_type, in: [practice, production]}
    then: {score: 3}
  - id: debrief-sensitive
    description: Sensitive material is followed by a debrief.
    scope: programme
    when: {fact: programme.any_sensitive, eq: true}
    then:
      add_session: {session: debrief, title: Debrief, minutes: 15}
"""

PASSING = """\
kind: rule-tests
cases:
  - id: skills-get-role-play
    given:
      goal: {domain: skills, bloom: apply}
    expect:
      method: role-play
      excluded: [lecture]
      fires: [skills-need-practice]
  - id: knowledge-gets-lecture
    given:
      goal: {domain: knowledge, bloom: understand}
    expect:
      method: lecture
      eligible: [lecture]
      not_fires: [skills-need-practice]
  - id: online-skills-have-no-method
    given:
      goal: {domain: skills, bloom: apply}
      needs: {constraints: {delivery: online}}
    expect:
      no_method: true
      excluded: [lecture, role-play]
  - id: only-the-given-methods
    given:
      goal: {domain: skills, bloom: apply}
      methods: [lecture]
    expect:
      no_method: true
  - id: debrief-when-sensitive
    scope: programme
    given:
      programme: {any_sensitive: true}
    expect:
      fires: [debrief-sensitive]
      sessions: [debrief]
"""

FAILING = """\
kind: rule-tests
cases:
  - id: passes
    given:
      goal: {domain: skills, bloom: apply}
    expect:
      method: role-play
  - id: wrong-winner
    given:
      goal: {domain: skills, bloom: apply}
    expect:
      method: lecture
  - id: bad-goal-facts
    given:
      goal: {domain: skils, minutes: "60"}
    expect:
      method: lecture
  - id: bad-needs-facts
    given:
      needs: {audience: {participants: many}}
    expect:
      method: lecture
  - id: unknown-rule
    given:
      goal: {domain: skills, bloom: apply}
    expect:
      fires: [skills-need-practise]
  - id: unknown-method
    given:
      methods: [lecture, flipchart]
    expect:
      method: lecture
  - id: programme-session-missing
    scope: programme
    given:
      programme: {any_sensitive: false}
    expect:
      sessions: [debrief]
"""

WRONG_WINNER = (
    "rule test 'wrong-winner' failed: expected method 'lecture', got 'role-play' "
    "(role-play is the only eligible method (score 3)) "
    "(fired: fit-bloom-range, fit-domain, skills-need-practice)"
)


def make_repo(root: Path, cases: str) -> Path:
    root.mkdir(parents=True)
    (root / "curriculum.yaml").write_text(CONFIG.format(name=root.name), encoding="utf-8")
    (root / "methods.yaml").write_text(METHODS, encoding="utf-8")
    (root / "rules.yaml").write_text(RULES, encoding="utf-8")
    (root / "rule-tests.yaml").write_text(cases, encoding="utf-8")
    return root


def located(root: Path) -> list[tuple[str, int, int, str]]:
    cur, findings = Workspace().load_curriculum(root)
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    return [(f.code, f.line, f.col, f.message) for f in run_cases(cur)]


def test_passing_cases_give_no_findings(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "passing", PASSING)
    assert located(root) == []


def test_failing_cases_give_located_findings(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "failing", FAILING)
    assert located(root) == [
        ("CB601", 12, 7, WRONG_WINNER),
        (
            "CB602",
            15,
            22,
            "case given.goal: domain: Input should be 'knowledge', 'skills' or 'attitudes'",
        ),
        ("CB602", 15, 38, "case given.goal: minutes: Input should be a valid integer"),
        (
            "CB602",
            20,
            40,
            "case given.needs: audience.participants: Input should be a valid integer",
        ),
        ("CB603", 27, 15, "case 'unknown-rule' names unknown rule 'skills-need-practise'"),
        ("CB603", 28, 5, "case 'unknown-method' names unknown method 'flipchart'"),
        (
            "CB601",
            38,
            7,
            "rule test 'programme-session-missing' failed: expected session(s) debrief "
            "not added (fired: none)",
        ),
    ]


def test_cb601_carries_a_fix_and_the_file(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "fix", FAILING)
    cur, _ = Workspace().load_curriculum(root)
    first = run_cases(cur)[0]
    assert first.code == "CB601"
    assert first.fix == "fix the rules or the case's expectation"
    assert Path(first.path).resolve() == (root / "rule-tests.yaml").resolve()
    assert first.severity is Severity.ERROR


def test_each_failed_expectation_is_listed(tmp_path: Path) -> None:
    cases = """\
kind: rule-tests
cases:
  - id: everything-wrong
    given:
      goal: {domain: skills, bloom: apply}
    expect:
      method: lecture
      eligible: [lecture]
      excluded: [role-play]
      not_fires: [skills-need-practice]
"""
    root = make_repo(tmp_path / "many", cases)
    assert located(root) == [
        (
            "CB601",
            7,
            7,
            "rule test 'everything-wrong' failed: "
            "expected rule 'skills-need-practice' not to fire; "
            "expected method 'lecture', got 'role-play' (role-play is the only eligible "
            "method (score 3)); "
            "expected 'role-play' to be excluded, but it is eligible; "
            "expected 'lecture' to be eligible, but fit-domain, fit-bloom-range excluded it "
            "(fired: fit-bloom-range, fit-domain, skills-need-practice)",
        )
    ]


def test_cases_of_an_extended_curriculum_are_not_rerun(tmp_path: Path) -> None:
    # base and child share a repository: a file may name only curricula inside its own
    (tmp_path / ".git").mkdir()
    make_repo(tmp_path / "base", FAILING)
    child = tmp_path / "child"
    child.mkdir()
    (child / "curriculum.yaml").write_text("kind: config\nextends: ../base\n", encoding="utf-8")
    cur, findings = Workspace().load_curriculum(child)
    assert [f.code for f in findings if f.severity is Severity.ERROR] == []
    assert len(cur.cases) == 7  # inherited...
    assert run_cases(cur) == []  # ...but only the curriculum's own cases run
    assert len(run_cases(cur, only_own=False)) == 7


# --- through `curribuild check` ------------------------------------------------------------


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return CliRunner()


def test_check_passes_a_curriculum_whose_cases_pass(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_repo(tmp_path / "ok", PASSING)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", "ok", "--format", "parsable", "--select", "CB6"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_check_reports_failing_cases_parsable(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_repo(tmp_path / "bad", FAILING)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", "bad", "--format", "parsable", "--select", "CB6"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"bad/rule-tests.yaml:12:7: [error] {WRONG_WINNER} (CB601)",
        "bad/rule-tests.yaml:15:22: [error] case given.goal: domain: Input should be "
        "'knowledge', 'skills' or 'attitudes' (CB602)",
        "bad/rule-tests.yaml:15:38: [error] case given.goal: minutes: Input should be a "
        "valid integer (CB602)",
        "bad/rule-tests.yaml:20:40: [error] case given.needs: audience.participants: Input "
        "should be a valid integer (CB602)",
        "bad/rule-tests.yaml:27:15: [error] case 'unknown-rule' names unknown rule "
        "'skills-need-practise' (CB603)",
        "bad/rule-tests.yaml:28:5: [error] case 'unknown-method' names unknown method "
        "'flipchart' (CB603)",
        "bad/rule-tests.yaml:38:7: [error] rule test 'programme-session-missing' failed: "
        "expected session(s) debrief not added (fired: none) (CB601)",
    ]


def test_check_select_one_code(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_repo(tmp_path / "bad", FAILING)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", "bad", "--format", "parsable", "--select", "CB603"])
    assert result.exit_code == 1
    assert [line.rsplit(" ", 1)[-1] for line in result.stdout.splitlines()] == [
        "(CB603)",
        "(CB603)",
    ]


def test_check_skips_rule_tests_when_the_rules_do_not_load(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path / "broken", FAILING)
    (root / "rules.yaml").write_text(
        RULES + "  - id: skills-need-practice\n    description: again\n    then: {score: 1}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", "broken", "--format", "parsable", "--select", "CB2,CB6"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "broken/rules.yaml:17:9: [error] duplicate rule id 'skills-need-practice' "
        "(first defined at broken/rules.yaml:3:9) (CB203)"
    ]
