"""``curribuild schema``: one JSON Schema per document kind (and the plan), valid, accepting
the bundled curriculum and rejecting broken documents."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from conftest import FIXTURES
from curribuild.loader import load_file
from lint_helpers import BUNDLED_CURRICULUM, RunCli

KINDS = [
    "needs",
    "goals",
    "methods",
    "rules",
    "rule-tests",
    "config",
    "intake",
    "instruments",
    "evidence",
]
ALL_KINDS = [*KINDS, "plan"]
# evidence is recorded by `evaluate --record` from a programme's real results: the
# bundled curriculum ships none (an invented record would be invented evidence)
BUNDLED_KINDS = [k for k in KINDS if k != "evidence"]


@pytest.fixture
def schemas(run_cli: RunCli, tmp_path: Path) -> dict[str, dict[str, Any]]:
    out = tmp_path / "schemas"
    result = run_cli("schema", "-o", str(out), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(f"{kind}.schema.json" for kind in ALL_KINDS)
    for kind in ALL_KINDS:
        assert f"wrote {out.as_posix()}/{kind}.schema.json" in result.stdout
    return {
        kind: json.loads((out / f"{kind}.schema.json").read_text(encoding="utf-8"))
        for kind in ALL_KINDS
    }


def bundled_documents() -> dict[str, list[tuple[str, dict[str, Any]]]]:
    docs: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for file in sorted(BUNDLED_CURRICULUM.rglob("*.yaml")):
        data = load_file(file).data
        docs.setdefault(data["kind"], []).append((file.name, data))
    return docs


def errors(schema: dict[str, Any], instance: Any, *, formats: bool = False) -> list[str]:
    checker = Draft202012Validator.FORMAT_CHECKER if formats else None
    validator = Draft202012Validator(schema, format_checker=checker)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_each_schema_is_valid_json_schema(schemas: dict[str, dict[str, Any]], kind: str) -> None:
    schema = schemas[kind]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema.get("additionalProperties") is False


def test_the_bundled_curriculum_has_every_document_kind_but_plan_and_evidence() -> None:
    assert sorted(bundled_documents()) == sorted(BUNDLED_KINDS)


@pytest.mark.parametrize("kind", BUNDLED_KINDS)
def test_schema_accepts_the_bundled_documents(
    schemas: dict[str, dict[str, Any]], kind: str
) -> None:
    docs = bundled_documents()[kind]
    assert docs
    for name, data in docs:
        assert errors(schemas[kind], data) == [], name


def test_schema_formats_accept_the_bundled_documents(
    schemas: dict[str, dict[str, Any]],
) -> None:
    """Editors (yaml-language-server) check ``format``; a clock time written ``"09:00"``, as
    the loader wants it, must not be flagged."""
    for kind in BUNDLED_KINDS:
        for name, data in bundled_documents()[kind]:
            assert errors(schemas[kind], data, formats=True) == [], f"{kind}: {name}"


def test_plan_schema_accepts_a_plan(
    run_cli: RunCli, schemas: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    needs = BUNDLED_CURRICULUM / "needs" / "forensic-psychiatry-in-person.yaml"
    result = run_cli("plan", str(needs), "-o", "-", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert errors(schemas["plan"], plan) == []
    broken = copy.deepcopy(plan)
    del broken["days"]
    assert errors(schemas["plan"], broken) == ["[]: 'days' is a required property"]
    broken = copy.deepcopy(plan)
    broken["days"][0]["sessions"][0]["kind"] = "party"
    assert errors(schemas["plan"], broken)


GOAL = {
    "id": "a-goal",
    "title": "A goal",
    "statement": "Explain the point.",
    "domain": "knowledge",
    "bloom": "understand",
    "topics": ["a-topic"],
    "minutes": 30,
}
METHOD = {
    "id": "a-method",
    "name": "A method",
    "learning_type": "discussion",
    "domains": ["knowledge"],
    "bloom": {"min": "remember", "max": "understand"},
    "delivery": ["in-person"],
    "participants": {"min": 1, "max": 20},
    "minutes": {"min": 20, "max": 60},
}
RULE = {
    "id": "a-rule",
    "description": "A rule.",
    "when": {"fact": "goal.domain", "eq": "skills"},
    "then": {"score": 1},
}
NEEDS = {"kind": "needs", "id": "a-needs", "title": "Needs"}

VALID: dict[str, dict[str, Any]] = {
    "goals": {"kind": "goals", "goals": [GOAL]},
    "methods": {"kind": "methods", "methods": [METHOD]},
    "rules": {"kind": "rules", "rules": [RULE]},
    "needs": NEEDS,
    "rule-tests": {
        "kind": "rule-tests",
        "cases": [{"id": "a-case", "given": {"goal": {"domain": "skills"}}, "expect": {}}],
    },
    "config": {"kind": "config", "severity": {"CB401": "error"}, "select": ["CB4"]},
    "intake": {
        "kind": "intake",
        "gaps": [{"topic": "a-topic", "column": ["Q1"]}],
        "ratings": {"scale": 5, "values": {"Much": 4}},
    },
    "instruments": {
        "kind": "instruments",
        "instruments": [
            {
                "id": "a-form",
                "name": "A form",
                "level": "reaction",
                "form": "reaction",
                "items": ["How useful was {title}?"],
                "scale": {"min": 1, "max": 5, "low": "not", "high": "very"},
            }
        ],
    },
    "evidence": load_file(FIXTURES / "valid" / "evidence.yaml").data,
}

INVALID: list[tuple[str, dict[str, Any]]] = [
    ("goals", {"kind": "goals", "goals": [{**GOAL, "statment": "typo"}]}),
    ("goals", {"kind": "goals", "goals": [{**GOAL, "minutes": "30"}]}),
    ("goals", {"kind": "goals", "goals": [{**GOAL, "bloom": "expert"}]}),
    ("goals", {"kind": "methods", "goals": [GOAL]}),
    ("methods", {"kind": "methods", "methods": [{**METHOD, "learning_type": "lecture"}]}),
    ("methods", {"kind": "methods", "methods": [{k: v for k, v in METHOD.items() if k != "name"}]}),
    ("rules", {"kind": "rules", "rules": [{**RULE, "then": {"scor": 1}}]}),
    ("rules", {"kind": "rules", "rules": [{**RULE, "id": "Not A Slug"}]}),
    ("needs", {**NEEDS, "gaps": [{"topic": "a-topic", "priority": "urgent"}]}),
    ("needs", {**NEEDS, "constraints": {"days": True}}),
    ("rule-tests", {"kind": "rule-tests", "cases": [{"id": "a-case", "expected": {}}]}),
    ("config", {"kind": "config", "severity": {"CB401": "fatal"}}),
    ("config", {"kind": "config", "select": ["XYZ"]}),
    ("config", {"kind": "config", "stigma_terms": [{"term": "x"}]}),
    ("intake", {"kind": "intake", "gaps": [{"topic": "a-topic"}]}),
    ("intake", {"kind": "intake", "ratings": {"scale": 50}}),
    ("instruments", {"kind": "instruments", "instruments": [{"id": "a-form", "form": "quiz"}]}),
    ("evidence", {"kind": "evidence", "id": "x", "respondents": 0}),
]


@pytest.mark.parametrize("kind", KINDS)
def test_schema_accepts_a_small_valid_document(
    schemas: dict[str, dict[str, Any]], kind: str
) -> None:
    assert errors(schemas[kind], VALID[kind]) == []


@pytest.mark.parametrize(("kind", "document"), INVALID)
def test_schema_rejects_an_invalid_document(
    schemas: dict[str, dict[str, Any]], kind: str, document: dict[str, Any]
) -> None:
    assert errors(schemas[kind], document)


def test_config_schema_rejects_a_severity_for_a_malformed_code(
    schemas: dict[str, dict[str, Any]],
) -> None:
    """``check`` rejects ``severity: {CB9: error}`` (CB102); the editor schema should too."""
    assert errors(schemas["config"], {"kind": "config", "severity": {"CB9": "error"}})


def test_kind_goals_to_stdout_prints_one_schema(
    run_cli: RunCli, schemas: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    result = run_cli("schema", "--kind", "goals", "-o", "-", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema == schemas["goals"]
    assert schema["title"] == "curribuild goals document"
    assert result.stdout.endswith("}\n")
    assert not (tmp_path / "build").exists()


def test_kind_with_output_folder_writes_one_file(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("schema", "-k", "plan", "-o", "out", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["plan.schema.json"]


def test_default_output_folder(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("schema", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "build" / "schemas").iterdir()) == sorted(
        f"{kind}.schema.json" for kind in ALL_KINDS
    )
    assert "yaml-language-server: $schema=" in result.stdout


def test_schemas_are_deterministic(run_cli: RunCli, tmp_path: Path) -> None:
    run_cli("schema", "-o", "one", cwd=tmp_path)
    run_cli("schema", "-o", "two", cwd=tmp_path)
    for kind in ALL_KINDS:
        name = f"{kind}.schema.json"
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_unknown_kind_is_a_usage_error(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("schema", "--kind", "goal", cwd=tmp_path)
    assert result.exit_code == 2
    assert "unknown kind 'goal'" in result.output
    assert "did you mean 'goals'" in result.output
    assert not (tmp_path / "build").exists()


def test_stdout_needs_one_kind(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("schema", "-o", "-", cwd=tmp_path)
    assert result.exit_code == 2
    assert "--kind" in result.output
