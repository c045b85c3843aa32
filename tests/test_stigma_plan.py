"""The stigma wording list (CB401) gained psychopath, schizo, retarded, maniac and lone wolf;
``plan`` lints the needs file with the same list and rules as ``check``, as warnings in the
plan's findings and summary, each placed in the needs file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from curribuild.checks.codes.cb401 import patterns_for, scan_text
from curribuild.checks.needs_language import needs_language
from lint_helpers import BUNDLED_CURRICULUM, RunCli, check_json, located, write

NEW_TERMS = {
    "psychopath": "psychopathy",
    "schizo": "schizophrenia",
    "retarded": "intellectual disability",
    "maniac": "describe the behaviour",
    "lone wolf": "lone actor",
}

BASE_NEEDS = (BUNDLED_CURRICULUM / "needs" / "first-line-basics.yaml").read_text(encoding="utf-8")
TITLE = "title: Mental health and radicalisation, basics for first-line practitioners"


def needs_with_title(root: Path, title: str, name: str = "needs.yaml") -> Path:
    """The bundled first-line needs with another title (line 8, from column 8), planned
    from the bundled curriculum whatever config lies beside it."""
    assert BASE_NEEDS.count(TITLE) == 1
    text = BASE_NEEDS.replace(TITLE, f"title: {title}") + "curriculum: ran-health-pcve\n"
    return write(root, name, text)


def plan(run_cli: RunCli, needs: Path, root: Path) -> tuple[Any, dict[str, Any]]:
    result = run_cli("plan", needs.name, "-o", "plan.json", cwd=root)
    data = json.loads((root / "plan.json").read_text(encoding="utf-8"))
    return result, data


def cb401(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in data["findings"] if f["code"] == "CB401"]


@pytest.mark.parametrize(("term", "suggestion"), sorted(NEW_TERMS.items()))
def test_new_terms_are_flagged_with_a_suggestion(term: str, suggestion: str) -> None:
    hits = list(scan_text(f"A case described as a {term.upper()} in the press.", patterns_for()))
    assert [hit.group().lower() for hit, _ in hits] == [term]
    assert suggestion in hits[0][1]


@pytest.mark.parametrize(
    "text", ["psychopathy checklists", "a maniacal laugh", "wolf", "lone actors", "'lone wolf'"]
)
def test_new_terms_match_whole_words_outside_quotes(text: str) -> None:
    assert list(scan_text(text, patterns_for())) == []


@pytest.mark.parametrize("variant", ["lone wolves", "lone-wolf attacks", "Lone\n  wolf"])
def test_lone_wolf_variants(variant: str) -> None:
    hits = list(scan_text(f"About {variant}.", patterns_for()))
    assert [s for _, s in hits] == ["lone actor"]


def test_check_flags_the_new_terms_in_a_needs_file(run_cli: RunCli, tmp_path: Path) -> None:
    needs_with_title(tmp_path, "Working with lone wolf cases")
    status, findings = check_json(run_cli, "--strict", "needs.yaml", cwd=tmp_path)
    assert status == 1
    assert located(findings) == ["needs.yaml:8:21 CB401"]
    assert findings[0]["fix"] == "lone actor"


def test_plan_lints_the_needs_title_like_check(run_cli: RunCli, tmp_path: Path) -> None:
    needs = needs_with_title(tmp_path, "Lone wolf risk and the mentally ill")
    _, checked = check_json(run_cli, "needs.yaml", cwd=tmp_path)
    result, data = plan(run_cli, needs, tmp_path)
    assert result.exit_code == 0, result.output  # warnings: the plan is written
    found = cb401(data)
    assert sorted(f["message"] for f in found) == sorted(
        f"needs.yaml:{f['line']}:{f['col']}: {f['message']}" for f in checked
    )
    assert len(found) == 2
    assert [f["severity"] for f in found] == ["warning", "warning"]
    assert "needs.yaml:8:8: stigmatising wording 'Lone wolf'; write 'lone actor'" in result.stdout
    assert "warning CB401" in result.stdout


def test_plan_without_stigmatising_wording_adds_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    needs = needs_with_title(tmp_path, "Basics for first-line practitioners")
    result, data = plan(run_cli, needs, tmp_path)
    assert result.exit_code == 0, result.output
    assert cb401(data) == []


def test_plan_uses_the_repository_terms_and_suppressions(tmp_path: Path) -> None:
    """The config's extra ``stigma_terms`` count, a disable comment silences a line, and
    ``ignore: [CB401]`` silences them all, as in ``check``."""
    write(
        tmp_path,
        "curribuild.yaml",
        "kind: config\nstigma_terms:\n  - {term: fanatic, suggestion: describe the conviction}\n",
    )
    needs = needs_with_title(tmp_path, "From fanatic to psychopath")
    found = needs_language(needs)
    assert [(f.line, f.col, f.fix) for f in found] == [
        (8, 13, "describe the conviction"),
        (8, 24, found[1].fix),
    ]
    assert "psychopathy" in found[1].fix
    quiet = needs_with_title(
        tmp_path, "From fanatic to psychopath  # curribuild: disable=CB401", "quiet.yaml"
    )
    assert needs_language(quiet) == []
    write(tmp_path, "curribuild.yaml", "kind: config\nignore: [CB401]\n")
    assert needs_language(needs) == []


def test_plan_raises_the_severity_the_config_sets(run_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path, "curribuild.yaml", "kind: config\nseverity: {CB401: error}\n")
    needs = needs_with_title(tmp_path, "The maniac next door")
    result, data = plan(run_cli, needs, tmp_path)
    assert [f["severity"] for f in cb401(data)] == ["error"]
    assert result.exit_code == 1  # an error finding fails the run, as in check
