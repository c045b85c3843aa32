"""``curribuild plan NEEDS [-o PATH] [--curriculum DIR]`` end to end, in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner, Result

from curribuild.cli import app
from curribuild.models.needs import Needs
from curribuild.planner.build import build_plan
from curribuild.planner.model import plan_schema
from curribuild.workspace import Workspace
from planner_helpers import cli_repo, goal, method, needs_data, write_curriculum, write_doc


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("CURRIBUILD_DEBUG", raising=False)
    monkeypatch.chdir(tmp_path)
    return cli_repo(tmp_path)


def plan(*args: str) -> Result:
    return CliRunner().invoke(app, ["plan", *args], catch_exceptions=False)


def expected_json(repo: Path) -> str:
    needs = Needs.model_validate(yaml.safe_load((repo / "needs.yaml").read_text()))
    cur, _ = Workspace().load_curriculum(repo / "cur")
    return build_plan(needs, cur).to_json()


def test_plan_writes_build_plan_json(repo: Path) -> None:
    result = plan("needs.yaml")
    assert result.exit_code == 0, result.output
    target = repo / "build" / "plan.json"
    text = target.read_text(encoding="utf-8")
    assert text == expected_json(repo)
    data = json.loads(text)
    jsonschema.Draft202012Validator(plan_schema()).validate(data)
    assert data["schema_version"] == 2
    assert data["solver"]["name"] == "OR-Tools CP-SAT"
    assert data["solver"]["status"] == "optimal"
    assert data["needs"]["id"] == "test-needs"
    assert data["needs"]["title"] == "CLI needs"
    assert [(g["id"], g["method"]) for g in data["goals"]["scheduled"]] == [
        ("know", "debate"),
        ("do", "role-play"),
    ]
    lines = result.stdout.splitlines()
    assert lines[0] == "CLI needs  (in-person, 12 participants, curriculum cur)"
    assert "2 goals scheduled in 2 sessions, 120 minutes of teaching over 1 day(s)." in lines
    assert lines[-1] == "Plan written to build/plan.json"
    assert "warning CB306: the programme has no follow-up session" in result.stdout
    assert result.stderr == ""
    # no stray temporary files next to the output
    assert sorted(p.name for p in (repo / "build").iterdir()) == ["plan.json"]


def test_plan_is_byte_identical_across_runs(repo: Path) -> None:
    assert plan("needs.yaml").exit_code == 0
    first = (repo / "build" / "plan.json").read_bytes()
    assert plan("needs.yaml").exit_code == 0
    assert (repo / "build" / "plan.json").read_bytes() == first
    assert first.endswith(b"}\n")


def test_plan_to_stdout(repo: Path) -> None:
    result = plan("needs.yaml", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout == expected_json(repo)
    assert "Plan written to <stdout>" in result.stderr
    assert "2 goals scheduled in 2 sessions" in result.stderr
    assert not (repo / "build").exists()


def test_plan_to_a_chosen_path(repo: Path) -> None:
    result = plan("needs.yaml", "--output", "out/deep/my-plan.json")
    assert result.exit_code == 0, result.output
    assert (repo / "out" / "deep" / "my-plan.json").read_text() == expected_json(repo)
    assert result.stdout.splitlines()[-1] == "Plan written to out/deep/my-plan.json"
    assert not (repo / "build").exists()


def test_curriculum_option_overrides_the_needs_file(repo: Path) -> None:
    write_curriculum(
        repo / "other",
        goals=[goal("know", title="Other knowing", minutes=30), goal("do", minutes=45)],
        methods=[method("seminar", name="Seminar")],
    )
    result = plan("needs.yaml", "--curriculum", "other", "-o", "-")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["curriculum"]["name"] == "other"
    assert [(g["id"], g["method"], g["minutes"]) for g in data["goals"]["scheduled"]] == [
        ("know", "seminar", 30),
        ("do", "seminar", 45),
    ]


def test_needs_without_curriculum_use_the_nearest_config(repo: Path) -> None:
    data = needs_data(gaps=[{"topic": "spare", "priority": "high"}])
    write_doc(repo / "cur" / "needs" / "local.yaml", data)
    result = plan("cur/needs/local.yaml", "-o", "-")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["curriculum"]["name"] == "cur"
    assert [g["id"] for g in out["goals"]["scheduled"]] == ["spare"]


BAD_NEEDS = """\
kind: needs
id: bad
title: Bad
curriculum: cur
audience:
  participants: "12"
  experiense: basic
"""


def test_invalid_needs_give_located_errors_and_write_nothing(repo: Path) -> None:
    (repo / "bad.yaml").write_text(BAD_NEEDS, encoding="utf-8")
    result = plan("bad.yaml")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: bad.yaml is not a valid needs file",
        "  bad.yaml:6:17: error CB102 audience.participants: Input should be a valid integer",
        "    fix: write the value without quotes, as a number or true/false",
        "  bad.yaml:7:3: error CB101 unknown field 'experiense'; did you mean 'experience'?",
        "    fix: rename it to 'experience'",
    ]
    assert not (repo / "build").exists()


def test_invalid_needs_leave_a_previous_plan_intact(repo: Path) -> None:
    assert plan("needs.yaml").exit_code == 0
    before = (repo / "build" / "plan.json").read_bytes()
    (repo / "bad.yaml").write_text(BAD_NEEDS, encoding="utf-8")
    assert plan("bad.yaml").exit_code == 1
    assert (repo / "build" / "plan.json").read_bytes() == before


def test_a_document_of_another_kind_is_not_needs(repo: Path) -> None:
    result = plan("cur/goals.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: cur/goals.yaml is a goals document, not a needs document"
    ]


def test_missing_needs_file_is_a_usage_error(repo: Path) -> None:
    result = plan("nope.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: no such file: nope.yaml"]
    assert not (repo / "build").exists()


def test_unknown_option_is_a_usage_error(repo: Path) -> None:
    result = plan("needs.yaml", "--frobnicate")
    assert result.exit_code == 2
    assert "No such option: --frobnicate" in result.stderr


def test_curriculum_option_must_be_a_folder(repo: Path) -> None:
    result = plan("needs.yaml", "--curriculum", "needs.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: --curriculum needs.yaml: not a folder"]


def test_an_infeasible_plan_exits_1_and_writes_nothing(repo: Path) -> None:
    data = needs_data(
        curriculum="cur",
        gaps=[{"topic": t, "priority": "high"} for t in ("know", "do", "spare")],
        constraints={"day_start": "09:00", "day_end": "11:00", "lunch_minutes": 0},
    )
    write_doc(repo / "tight.yaml", data)
    result = plan("tight.yaml")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    # the minimal conflict in minutes: two of the three high gaps already overflow the day
    conflict = (
        "high-priority gap know, high-priority gap do need at least 120 minutes of teaching "
        "and debriefs, but 1 day (09:00-11:00) holds at most 105"
    )
    assert lines[0] == f"error: no plan meets the request: {conflict} " + (
        "(each change under fix makes it plan: verified by planning again)"
    )
    assert lines[1] == f"  tight.yaml:13:3: error CB313 {conflict}"
    fixes = lines[2].removeprefix("    fix: ").split("; or ")
    # only verified changes: three 60-minute goals need three such days, or one day
    # until 12:30; lowering one gap leaves two that still do not fit, so it is not offered
    assert fixes == [
        "plan 3 days instead of 1 (constraints.days: 3)",
        'end the days at 12:30 instead of 11:00 (90 minutes longer; constraints.day_end: "12:30")',
    ]
    assert not (repo / "build").exists()


def test_a_prerequisite_cycle_exits_1_and_prints_the_cycle(repo: Path) -> None:
    write_curriculum(
        repo / "loop",
        goals=[goal("a", requires=["b"]), goal("b", requires=["a"])],
        methods=[method("lecture")],
    )
    write_doc(repo / "loop-needs.yaml", needs_data(gaps=[{"topic": "a", "priority": "high"}]))
    result = plan("loop-needs.yaml", "--curriculum", "loop")
    assert result.exit_code == 1
    # the curriculum check finds the cycle before planning
    assert "prerequisite cycle: a -> b -> a" in result.stderr
    assert "CB202" in result.stderr
    assert not (repo / "build").exists()


def test_a_high_gap_no_goal_can_meet_is_infeasible_and_writes_nothing(repo: Path) -> None:
    # a high gap must be met (DESIGN.md section 4): its only goal has no eligible
    # method online, so no plan meets the request, and none is written
    data = needs_data(
        curriculum="cur",
        gaps=[{"topic": "do", "priority": "high"}],
        constraints={"delivery": "online"},
    )
    write_curriculum(
        repo / "narrow",
        goals=[goal("do", domain="skills", bloom="apply")],
        methods=[method("lecture", delivery=["in-person"])],
    )
    write_doc(repo / "online.yaml", data)
    result = plan("online.yaml", "--curriculum", "narrow")
    assert result.exit_code == 1
    assert not (repo / "build" / "plan.json").exists()
    assert "the high-priority gap do cannot be met: no goal of it can be taught" in result.stderr
    assert "fix: lower the gap do from high to medium priority" in result.stderr


def test_a_curriculum_with_errors_is_refused(repo: Path) -> None:
    root = repo / "broken"
    write_curriculum(root, goals=[goal("a")], methods=[method("m")])
    write_doc(root / "more-goals.yaml", {"kind": "goals", "goals": [goal("a", minutes=30)]})
    write_doc(repo / "b.yaml", needs_data(gaps=[{"topic": "a", "priority": "high"}]))
    result = plan("b.yaml", "--curriculum", "broken")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "error: curriculum 'broken' has errors"
    assert lines[1] == (
        "  broken/more-goals.yaml:3:7: error CB203 duplicate goal id 'a' (first defined at "
        "broken/goals.yaml:3:7)"
    )
    assert not (repo / "build").exists()


def test_a_programme_rule_s_error_is_cb311_and_fails_the_plan(repo: Path) -> None:
    """An ``error:`` programme rule: the plan is still written (a coordinator reads why),
    with a CB311 error finding naming the rule, and the command exits 1."""
    rules = yaml.safe_load((repo / "cur" / "rules.yaml").read_text(encoding="utf-8"))
    rules["rules"].append(
        {
            "id": "no-one-day-courses",
            "description": "This organisation runs no one-day courses.",
            "source": {"kind": "design", "reason": "a house rule"},
            "scope": "programme",
            "when": {"fact": "programme.days", "eq": 1},
            "then": {"error": "One-day courses are not offered; plan two days."},
        }
    )
    write_doc(repo / "cur" / "rules.yaml", rules)
    result = plan("needs.yaml")
    assert result.exit_code == 1, result.output
    assert "error CB311 [no-one-day-courses]: One-day courses are not offered" in result.stdout
    data = json.loads((repo / "build" / "plan.json").read_text(encoding="utf-8"))
    [finding] = [f for f in data["findings"] if f["code"] == "CB311"]
    assert finding == {
        "code": "CB311",
        "message": "One-day courses are not offered; plan two days.",
        "rule": "no-one-day-courses",
        "severity": "error",
    }


def count_reads(monkeypatch: pytest.MonkeyPatch, file: Path) -> list[Path]:
    """Every read of ``file`` by the loader (``load_file`` reads through ``read_text``)."""
    from curribuild import loader

    reads: list[Path] = []
    read_text = loader.read_text

    def counted(path: Path, *args: Any, **kwargs: Any) -> str:
        if path.resolve() == file.resolve():
            reads.append(path)
        return read_text(path, *args, **kwargs)

    monkeypatch.setattr(loader, "read_text", counted)
    return reads


def needs_position(path: Path, *loc: str | int) -> str:
    """``file:line:col`` of ``loc`` in the needs file, as the loader finds it."""
    from curribuild.loader import load_file

    pos = load_file(path, path.name).locate(loc)
    return f"{path.name}:{pos.line}:{pos.col}"


@pytest.mark.parametrize(
    ("case", "code", "field"),
    [
        ("day_end", "CB312", ("constraints", "day_end")),
        ("days", "CB313", ("constraints", "days")),
        ("gap", "CB313", ("gaps",)),
        ("curriculum", "CB207", ("curriculum",)),
    ],
)
def test_a_planning_error_is_placed_at_its_needs_field_from_the_one_load(
    repo: Path, monkeypatch: pytest.MonkeyPatch, case: str, code: str, field: tuple[str, ...]
) -> None:
    """The planner's finding names the needs field it concerns (``Finding.field``); the
    command places it with the positions the needs file's one load recorded, and never
    reads the file again to do so (nor to lint its wording)."""
    write_curriculum(
        repo / "long", goals=[goal("long", minutes=90, priority="core")], methods=[method("m")]
    )
    write_curriculum(
        repo / "narrow",
        goals=[goal("do", domain="skills", bloom="apply")],
        methods=[method("lecture", delivery=["in-person"])],
    )
    data = {
        "day_end": needs_data(
            curriculum="long",
            constraints={"day_start": "09:00", "day_end": "10:00", "lunch_minutes": 0},
        ),
        "days": needs_data(
            curriculum="cur",
            gaps=[{"topic": t, "priority": "high"} for t in ("know", "do", "spare")],
            constraints={"day_start": "09:00", "day_end": "11:00", "lunch_minutes": 0},
        ),
        "gap": needs_data(
            curriculum="narrow",
            gaps=[{"topic": "do", "priority": "high"}],
            constraints={"days": 2, "delivery": "online"},
        ),
        "curriculum": needs_data(curriculum="no-such-curriculum"),
    }[case]
    path = write_doc(repo / f"{case}-needs.yaml", data)
    where = needs_position(path, *field)
    reads = count_reads(monkeypatch, path)
    result = plan(path.name)
    assert result.exit_code == 1
    [line] = [ln for ln in result.stderr.splitlines() if f" error {code} " in ln]
    assert line.startswith(f"  {where}: error {code} "), result.stderr
    assert len(reads) == 1
    assert not (repo / "build").exists()


def test_a_plan_reads_its_needs_file_once(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loaded once: the same load is validated, planned from and linted for wording."""
    reads = count_reads(monkeypatch, repo / "needs.yaml")
    assert plan("needs.yaml").exit_code == 0
    assert len(reads) == 1
