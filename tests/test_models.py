"""Document models and the findings ``check`` reports for invalid documents.

``fixtures/valid`` holds one valid document of each kind (a small, complete
curriculum); ``fixtures/invalid/<case>/`` holds the documents of one case and
``expected.txt``, the findings ``curribuild check --select CB0,CB1,CB2 --format
parsable .`` prints when run inside the case folder (see its README.md).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from conftest import FIXTURES
from curribuild import loader
from curribuild.checks.runner import CheckOptions, run_check
from curribuild.models.documents import MODELS
from curribuild.models.goals import Goal, GoalsDocument
from curribuild.models.methods import MethodsDocument
from curribuild.models.needs import Needs
from curribuild.models.rules import Leaf, Rule, RulesDocument
from curribuild.reporters import parsable

VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())
# The foundation layer: loading (CB0xx), schema (CB1xx) and reference (CB2xx) checks.
# Pedagogy, language and safety checks (CB3xx and up) are tested elsewhere.
FOUNDATION = ["CB0", "CB1", "CB2"]
VALID_FILES = {
    "needs": "needs.yaml",
    "goals": "goals.yaml",
    "methods": "methods.yaml",
    "rules": "rules.yaml",
    "rule-tests": "rule-tests.yaml",
    "config": "curriculum.yaml",
    "intake": "intake.yaml",
    "instruments": "instruments.yaml",
    "evidence": "evidence.yaml",
}


def parsable_report(paths: list[Path], select: list[str] | None = None) -> tuple[str, int]:
    result = run_check(CheckOptions(paths=paths, select=FOUNDATION if select is None else select))
    out = io.StringIO()
    parsable.report(result, out, False)
    return out.getvalue(), result.exit_code


# --- the fixture folders ---------------------------------------------------------------


def test_every_kind_has_a_valid_fixture() -> None:
    assert set(VALID_FILES) == set(MODELS)


@pytest.mark.parametrize("kind", sorted(VALID_FILES))
def test_valid_fixture_validates(kind: str) -> None:
    data = loader.load_file(VALID / VALID_FILES[kind]).data
    assert data["kind"] == kind
    model = MODELS[kind].model_validate(data)
    assert isinstance(model, BaseModel)


def test_valid_fixture_folder_checks_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(VALID)
    report, exit_code = parsable_report([Path()])
    assert report == ""
    assert exit_code == 0
    result = run_check(CheckOptions(paths=[Path()]))  # every check, not only the foundation
    assert result.documents == len(VALID_FILES)
    assert result.files == sorted(VALID_FILES.values())
    assert [f for f in result.findings if f.severity == "error"] == []
    assert result.exit_code == 0


def test_there_are_invalid_cases() -> None:
    assert len(CASES) >= 18


@pytest.mark.parametrize("case", CASES)
def test_invalid_case(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = INVALID / case
    expected = (folder / "expected.txt").read_text(encoding="utf-8")
    assert expected.strip(), f"{case}: expected.txt must list at least one finding"
    monkeypatch.chdir(folder)
    report, exit_code = parsable_report([Path()])
    assert report == expected
    assert exit_code == (1 if "[error]" in expected else 0)


@pytest.mark.parametrize("case", CASES)
def test_invalid_case_files_named_one_by_one(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Naming the files instead of the folder reports the same findings."""
    folder = INVALID / case
    monkeypatch.chdir(folder)
    files = sorted(Path(p.name) for p in folder.glob("*.yaml"))
    report, _ = parsable_report(files)
    assert report == (folder / "expected.txt").read_text(encoding="utf-8")


def test_cycle_message_prints_the_cycle() -> None:
    expected = (INVALID / "prerequisite-cycle" / "expected.txt").read_text(encoding="utf-8")
    assert "alpha -> gamma -> beta -> alpha" in expected


def test_non_curriculum_yaml_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A YAML file without `kind:` (a CI workflow) is not a document; broken YAML neither."""
    (tmp_path / "workflow.yml").write_text("on: [push]\njobs: {}\n", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("a: [\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    report, exit_code = parsable_report([Path()])
    assert report == ""
    assert exit_code == 0


def test_named_non_document_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "workflow.yml").write_text("on: [push]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    report, exit_code = parsable_report([Path("workflow.yml")])
    assert report == "workflow.yml:1:1: [error] document has no `kind:` (CB011)\n"
    assert exit_code == 1


def test_broken_document_with_kind_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "goals.yaml").write_text("kind: goals\ngoals:\n\t- id: x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    report, exit_code = parsable_report([Path()])
    assert report == (
        "goals.yaml:3:1: [error] YAML syntax error: tab character where YAML expects spaces"
        " (CB001)\n"
    )
    assert exit_code == 1


# --- the models directly ------------------------------------------------------------------


GOAL: dict[str, Any] = {
    "id": "mh-ve-link",
    "title": "Mental health and violent extremism",
    "statement": "Explain the link.",
    "domain": "knowledge",
    "bloom": "understand",
    "topics": ["mental-health-and-extremism"],
    "minutes": 60,
}


def errors(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [(tuple(e["loc"]), e["type"]) for e in info.value.errors()]


def test_goal_defaults() -> None:
    goal = Goal.model_validate(GOAL)
    assert goal.priority == "recommended"
    assert goal.requires == []
    assert goal.sensitive is False
    assert goal.audience is None


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("minutes", "60", "int_type"),
        ("minutes", 60.0, "int_type"),
        ("minutes", True, "int_type"),
        ("minutes", 0, "greater_than"),
        ("minutes", 1441, "less_than_equal"),
        ("sensitive", "yes", "bool_type"),
        ("sensitive", 1, "bool_type"),
        ("domain", "skill", "literal_error"),
        ("bloom", "Understand", "literal_error"),
        ("id", "Bad_Slug", "string_pattern_mismatch"),
        ("id", "-leading-hyphen", "string_pattern_mismatch"),
        ("id", "x" * 81, "string_too_long"),
        ("id", 12, "string_type"),
        ("title", "", "string_too_short"),
        ("topics", [], "too_short"),
        ("priority", "must", "literal_error"),
    ],
)
def test_goal_field_is_strict(field: str, value: Any, error: str) -> None:
    assert errors(Goal, {**GOAL, field: value}) == [((field,), error)]


def test_goal_unknown_field_is_forbidden() -> None:
    assert errors(Goal, {**GOAL, "statment": "x"}) == [(("statment",), "extra_forbidden")]


def test_goal_missing_fields() -> None:
    data = {k: v for k, v in GOAL.items() if k not in {"title", "minutes"}}
    assert errors(Goal, data) == [(("title",), "missing"), (("minutes",), "missing")]


def test_goals_document_kind_and_version() -> None:
    assert errors(GoalsDocument, {"kind": "goal", "goals": []}) == [(("kind",), "literal_error")]
    assert errors(GoalsDocument, {"kind": "goals", "version": 2, "goals": []}) == [
        (("version",), "literal_error")
    ]
    assert GoalsDocument.model_validate({"kind": "goals", "goals": []}).version == 1


def test_models_are_frozen() -> None:
    goal = Goal.model_validate(GOAL)
    with pytest.raises(ValidationError):
        goal.minutes = 5  # type: ignore[misc]


METHOD: dict[str, Any] = {
    "id": "role-play",
    "name": "Role play",
    "learning_type": "practice",
    "domains": ["skills"],
    "bloom": {"min": "apply", "max": "evaluate"},
    "delivery": ["in-person"],
    "participants": {"min": 4, "max": 20},
    "minutes": {"min": 45, "max": 120},
}


def test_method_ranges() -> None:
    method = MethodsDocument.model_validate({"kind": "methods", "methods": [METHOD]}).methods[0]
    assert (method.participants.min, method.participants.max) == (4, 20)
    equal = {**METHOD, "minutes": {"min": 60, "max": 60}}
    assert MethodsDocument.model_validate({"kind": "methods", "methods": [equal]})
    bad = {**METHOD, "participants": {"min": 20, "max": 4}}
    assert errors(MethodsDocument, {"kind": "methods", "methods": [bad]}) == [
        (("methods", 0, "participants"), "value_error")
    ]
    bloom = {**METHOD, "bloom": {"min": "evaluate", "max": "apply"}}
    assert errors(MethodsDocument, {"kind": "methods", "methods": [bloom]}) == [
        (("methods", 0, "bloom"), "value_error")
    ]


NEEDS: dict[str, Any] = {"kind": "needs", "id": "course", "title": "A course"}


def test_needs_dates_and_times_parse_from_strings() -> None:
    needs = Needs.model_validate(
        {
            **NEEDS,
            "constraints": {"start_date": "2027-03-15", "day_start": "08:30", "day_end": "16:00"},
        }
    )
    assert needs.constraints.start_date == dt.date(2027, 3, 15)
    assert needs.constraints.day_start == dt.time(8, 30)
    assert needs.constraints.day_end == dt.time(16, 0)


@pytest.mark.parametrize(
    ("constraints", "loc"),
    [
        ({"start_date": "2027-02-30"}, ("constraints", "start_date")),
        ({"start_date": "15.03.2027"}, ("constraints", "start_date")),
        ({"start_date": 20270315}, ("constraints", "start_date")),
        ({"day_start": "25:00"}, ("constraints", "day_start")),
        ({"day_start": "09:00:30"}, ("constraints", "day_start")),
        ({"day_start": 900}, ("constraints", "day_start")),
        ({"day_start": "18:00", "day_end": "09:00"}, ("constraints",)),
        ({"day_start": "09:00", "day_end": "09:00"}, ("constraints",)),
        ({"days": 0}, ("constraints", "days")),
        ({"delivery": "remote"}, ("constraints", "delivery")),
    ],
)
def test_needs_constraints_rejected(constraints: dict[str, Any], loc: tuple[str, ...]) -> None:
    assert [e[0] for e in errors(Needs, {**NEEDS, "constraints": constraints})] == [loc]


def test_leaf_needs_exactly_one_operator() -> None:
    leaf = Leaf.model_validate({"fact": "goal.domain", "in": ["skills"]})
    assert leaf.op == "in"
    assert leaf.operand == ["skills"]
    assert Leaf.model_validate({"fact": "goal.sensitive", "eq": None}).op == "eq"
    for data in (
        {"fact": "goal.domain"},
        {"fact": "goal.domain", "eq": "skills", "ne": "knowledge"},
    ):
        with pytest.raises(ValidationError, match="exactly one operator"):
            Leaf.model_validate(data)


def test_fact_paths_must_start_at_a_root() -> None:
    with pytest.raises(ValidationError):
        Leaf.model_validate({"fact": "course.domain", "eq": "skills"})


def test_rule_conditions_nest() -> None:
    rule = Rule.model_validate(
        {
            "id": "r",
            "description": "d",
            "when": {
                "all": [
                    {"fact": "goal.domain", "eq": "skills"},
                    {"not": {"any": [{"fact": "method.minutes.max", "lt": 45}]}},
                ]
            },
            "then": {"score": 2},
        }
    )
    assert rule.then.names() == ["score"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"scope": "match", "then": {"add_session": None}}, "at least one effect"),
        ({"scope": "match", "then": {}}, "at least one effect"),
        ({"scope": "programme", "then": {"score": 1}}, "not allowed in a programme-scope"),
        ({"scope": "match", "then": {"exclude": False}}, "True"),
        (
            {
                "scope": "programme",
                "then": {"add_session": {"session": "follow-up", "title": "F", "minutes": 60}},
            },
            "weeks_after",
        ),
        ({"when": {"fact": "goal.domain", "eq": "skills", "ne": "x"}, "then": {"score": 1}}, "one"),
        ({"when": {"every": []}, "then": {"score": 1}}, "a condition is a mapping"),
    ],
)
def test_invalid_rules(rule: dict[str, Any], message: str) -> None:
    data = {"kind": "rules", "rules": [{"id": "r", "description": "d", **rule}]}
    with pytest.raises(ValidationError, match=message):
        RulesDocument.model_validate(data)
