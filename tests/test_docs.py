"""Documentation: every check code is documented (and printable with ``curribuild codes``),
every command has help text and appears in the README."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import typer.main

from curribuild.checks import codes as codes_pkg
from curribuild.checks.registry import CODES, LINTS, get
from curribuild.cli import app
from lint_helpers import REPO, RunCli

SECTIONS = ("## What it finds", "## Why it matters", "## Example", "## Instead")
README = REPO / "README.md"


def squeeze(text: str) -> str:
    """``text`` without whitespace: compares texts whatever their line wrapping."""
    return re.sub(r"\s+", "", text)


def commands() -> dict[str, object]:
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


# --- check codes ------------------------------------------------------------------------


def test_every_code_module_is_registered() -> None:
    folder = Path(codes_pkg.__file__).parent
    modules = sorted(p.stem.upper() for p in folder.glob("cb[0-9][0-9][0-9].py"))
    assert modules == sorted(CODES)
    assert list(CODES) == sorted(CODES)


def test_the_lints_are_registered() -> None:
    assert {m.CODE for m in LINTS} >= {
        "CB301",
        "CB302",
        "CB303",
        "CB304",
        "CB305",
        "CB306",
        "CB307",
        "CB501",
        "CB502",
    }


@pytest.mark.parametrize("code", sorted(CODES))
def test_code_doc_has_all_sections(code: str) -> None:
    info = CODES[code]
    assert info.code == code
    assert re.fullmatch(r"CB\d{3}", code)
    assert re.fullmatch(r"[a-z][a-z0-9-]*", info.name)
    assert info.summary.strip()
    assert info.default_severity.value in {"error", "warning", "info"}
    first, _, body = info.doc.partition("\n")
    assert first == f"{code} {info.name}: {info.summary}"
    positions = [body.find(section) for section in SECTIONS]
    assert all(p >= 0 for p in positions), f"{code} lacks {SECTIONS[positions.index(-1)]}"
    assert positions == sorted(positions), f"{code}: sections out of order"
    bounds = [*positions, len(body)]
    for section, start, end in zip(SECTIONS, bounds, bounds[1:], strict=False):
        text = body[start + len(section) : end].strip()
        assert text, f"{code}: empty {section!r}"


def test_default_severities_follow_the_design() -> None:
    """Error for CB0-CB2, warning for the lints (CB3xx-CB5xx) unless a plan cannot be built."""
    for code, info in CODES.items():
        if code[:3] in {"CB0", "CB1", "CB2"}:
            assert info.default_severity.value == "error", code
    for code in ("CB301", "CB302", "CB303", "CB304", "CB305", "CB306", "CB307"):
        assert CODES[code].default_severity.value == "warning"
    for code in ("CB401", "CB501", "CB502"):
        assert CODES[code].default_severity.value == "warning"


def test_codes_lists_every_code(run_cli: RunCli) -> None:
    result = run_cli("codes")
    assert result.exit_code == 0, result.output
    listed = re.findall(r"^(CB\d{3})\s+(\S+)", result.stdout, flags=re.MULTILINE)
    assert listed == [(code, info.name) for code, info in CODES.items()]


@pytest.mark.parametrize("code", sorted(CODES))
def test_codes_code_prints_its_doc(run_cli: RunCli, code: str) -> None:
    result = run_cli("codes", code)
    assert result.exit_code == 0, result.output
    out = result.stdout
    info = CODES[code]
    for section in SECTIONS:
        assert section in out
    # the whole documentation, whatever the line wrapping
    assert squeeze(info.doc) in squeeze(out)
    assert f"Default severity: {info.default_severity.value}" in out


def test_codes_code_prints_its_doc_verbatim_when_piped(run_cli: RunCli) -> None:
    """Examples are shown verbatim (ruff's E501 is off for them): piped output must not
    re-wrap the documentation at 80 columns, which splits long example lines."""
    rewrapped = []
    for code, info in CODES.items():
        out = run_cli("codes", code).stdout
        if not out.startswith(info.doc + "\n"):
            rewrapped.append(code)
    assert rewrapped == []


def test_codes_code_is_case_insensitive(run_cli: RunCli) -> None:
    assert run_cli("codes", "cb401").stdout == run_cli("codes", "CB401").stdout
    assert get("cb401") is CODES["CB401"]


def test_codes_unknown_code_is_a_usage_error(run_cli: RunCli) -> None:
    result = run_cli("codes", "CB4011")
    assert result.exit_code == 2
    assert "unknown check code 'CB4011'" in result.output
    assert "did you mean 'CB401'" in result.output
    assert "Traceback" not in result.output


# --- commands ---------------------------------------------------------------------------


def test_the_commands_of_the_design_exist() -> None:
    assert {"check", "plan", "render", "explain", "schema", "init", "list", "codes"} <= set(
        commands()
    )


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_has_help(run_cli: RunCli, name: str) -> None:
    command = commands()[name]
    help_text = (getattr(command, "help", None) or "").strip()
    assert help_text, f"`curribuild {name}` has no help text"
    first = help_text.splitlines()[0]
    result = run_cli(name, "--help")
    assert result.exit_code == 0, result.output
    assert f"Usage: curribuild {name}" in result.stdout
    assert squeeze(first) in squeeze(result.stdout)
    for param in getattr(command, "params", []):
        if getattr(param, "help", None) is None and param.param_type_name == "option":
            pytest.fail(f"`curribuild {name}` option {param.opts} has no help")


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_is_in_the_readme(name: str) -> None:
    readme = README.read_text(encoding="utf-8")
    assert re.search(rf"\bcurribuild {re.escape(name)}\b", readme), (
        f"README.md does not mention `curribuild {name}`"
    )


def test_readme_names_every_family_of_check_codes() -> None:
    readme = README.read_text(encoding="utf-8")
    families = sorted({f"{code[:3]}xx" for code in CODES})
    missing = [family for family in families if family not in readme]
    assert missing == []


def test_readme_check_usage_lists_every_format() -> None:
    readme = README.read_text(encoding="utf-8")
    (usage,) = re.findall(r"^curribuild check .*$", readme, flags=re.MULTILINE)[:1]
    for fmt in ("auto", "text", "parsable", "github", "json", "sarif", "junit"):
        assert fmt in usage, f"README's `curribuild check` usage lacks --format {fmt}"


# --- the bundled curriculum ---------------------------------------------------------------


def test_readme_names_every_bundled_needs_example_and_no_other() -> None:
    """The README's list of needs examples is the folder's content, both ways."""
    text = README.read_text(encoding="utf-8")
    section = text.split("#### The bundled curriculum", 1)[1].split("\n### ", 1)[0]
    named = set(re.findall(r"`([a-z0-9-]+\.yaml)`", section))
    folder = REPO / "curricula" / "ran-health-pcve" / "needs"
    assert named == {p.name for p in folder.glob("*.yaml")}


def test_readme_describes_the_certified_training_switch_the_needs_model_has() -> None:
    from curribuild.models.needs import Context

    text = README.read_text(encoding="utf-8")
    for field in ("certified_training", "licensed_trainer"):
        assert field in Context.model_fields
        assert f"`{field}" in text


def test_readme_names_the_intervision_series_fields_the_needs_model_has() -> None:
    from curribuild.models.needs import Constraints, IntervisionSeries

    text = README.read_text(encoding="utf-8")
    assert "intervision_series" in Constraints.model_fields
    assert set(IntervisionSeries.model_fields) == {"sessions", "every_weeks"}
    assert "`constraints.intervision_series:" in text and "every_weeks: W}`" in text


def test_readme_names_every_intervision_format_of_the_catalogue() -> None:
    import yaml

    text = " ".join(README.read_text(encoding="utf-8").split())
    doc = yaml.safe_load((REPO / "curricula" / "ran-health-pcve" / "methods.yaml").read_text())
    names = {m["id"]: m["name"] for m in doc["methods"]}
    for method, words in {
        "incident-method": "the incident method",
        "balint-group": "Balint-style case groups",
        "reflecting-team": "the reflecting team",
        "moral-case-deliberation": "moral case deliberation",
        "formers-co-training": "co-trained with a former",
        "contact-based-anti-stigma": "contact-based work against stigma",
    }.items():
        assert method in names, method
        assert words in text, method


def test_every_lint_is_in_the_registry_of_its_scope() -> None:
    """A code module says its scope; the typed registry lists each lint once, under it."""
    from curribuild.checks import registry

    scopes = {
        info.code: getattr(
            importlib.import_module(f"curribuild.checks.codes.{info.code.lower()}"), "SCOPE", ""
        )
        for info in CODES.values()
    }
    assert sorted(m.CODE for m in registry.GOAL_LINTS) == sorted(
        c for c, s in scopes.items() if s == "goal"
    )
    curriculum_checks = (*registry.REFERENCE_CHECKS, *registry.CURRICULUM_LINTS)
    assert sorted(m.CODE for m in curriculum_checks) == sorted(
        c for c, s in scopes.items() if s == "curriculum"
    )
    assert all(callable(getattr(m, "prepare", None)) for m in registry.GOAL_LINTS)
    assert all(callable(getattr(m, "check", None)) for m in curriculum_checks)
    assert sorted(m.CODE for m in registry.DOCUMENT_LINTS) == sorted(
        c for c, s in scopes.items() if s == "document"
    )
    assert sorted(m.CODE for m in registry.NEEDS_CHECKS) == sorted(
        c for c, s in scopes.items() if s == "needs"
    )
    assert scopes["CB401"] == "document"
