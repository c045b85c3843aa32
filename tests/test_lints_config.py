"""Check settings in ``curribuild.yaml`` and on the command line: per-code severity,
select/ignore (codes and prefixes), include/exclude globs, ``--strict``."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint_helpers import (
    MIXED_FINDINGS,
    MIXED_GOALS,
    REPO_CONFIG,
    RunCli,
    check_json,
    copy_fixture,
    located,
    mixed_repo,
    severities,
    write,
)

ALL = MIXED_FINDINGS
CONFIG = REPO_CONFIG
GOALS = MIXED_GOALS


def repo(root: Path, config: str = "", goals: str = GOALS) -> Path:
    return mixed_repo(root, config, goals)


def test_baseline(run_cli: RunCli, tmp_path: Path) -> None:
    status, findings = check_json(run_cli, cwd=repo(tmp_path))
    assert located(findings) == ALL
    assert [f["severity"] for f in findings] == ["warning", "warning", "warning", "error"]
    assert status == 1


# --- severity -------------------------------------------------------------------------


def test_severity_override_raises_a_lint_to_error(run_cli: RunCli, tmp_path: Path) -> None:
    root = copy_fixture("cb401-pass", tmp_path / "repo")
    write(root, "notes.yaml", "kind: goals\ngoals: []\n")
    assert check_json(run_cli, cwd=root) == (0, [])
    # one stigmatising word is a warning (exit 0) ...
    write(
        root,
        "more.yaml",
        "kind: rules\nrules:\n  - id: wording\n    description: Insane.\n    then: {score: 1}\n",
    )
    status, findings = check_json(run_cli, cwd=root)
    assert (status, located(findings), severities(findings)) == (
        0,
        ["more.yaml:4:18 CB401"],
        {"warning"},
    )
    # ... and an error once the config says so (exit 1)
    text = (root / "curribuild.yaml").read_text(encoding="utf-8")
    (root / "curribuild.yaml").write_text(text + "severity:\n  CB401: error\n", encoding="utf-8")
    status, findings = check_json(run_cli, cwd=root)
    assert (status, located(findings), severities(findings)) == (
        1,
        ["more.yaml:4:18 CB401"],
        {"error"},
    )


def test_severity_override_lowers_an_error(run_cli: RunCli, tmp_path: Path) -> None:
    status, findings = check_json(run_cli, cwd=repo(tmp_path, "severity: {CB201: warning}\n"))
    assert located(findings) == ALL
    assert severities(findings) == {"warning"}
    assert status == 0
    status, _ = check_json(run_cli, "--strict", cwd=tmp_path)
    assert status == 1


def test_severity_info_does_not_fail_strict(run_cli: RunCli, tmp_path: Path) -> None:
    config = "severity: {CB201: info, CB301: info, CB302: info, CB401: info}\n"
    status, findings = check_json(run_cli, "--strict", cwd=repo(tmp_path, config))
    assert located(findings) == ALL
    assert severities(findings) == {"info"}
    assert status == 0


def test_invalid_severity_config_is_reported(run_cli: RunCli, tmp_path: Path) -> None:
    status, findings = check_json(
        run_cli, cwd=repo(tmp_path, "severity: {CB9: error}\nselect: [XYZ]\n")
    )
    assert status == 1
    config_findings = [f for f in findings if f["path"] == "curribuild.yaml"]
    assert [(f["line"], f["code"], f["severity"]) for f in config_findings] == [
        (4, "CB102", "error"),
        (5, "CB102", "error"),
    ]


# --- select / ignore ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("select: [CB30]\n", ["goals.yaml:5:16 CB301", "goals.yaml:14:12 CB302"]),
        ("select: [CB301, CB2]\n", ["goals.yaml:5:16 CB301", "goals.yaml:17:16 CB201"]),
        ("ignore: [CB3]\n", ["goals.yaml:5:31 CB401", "goals.yaml:17:16 CB201"]),
        (
            "select: [CB3, CB4]\nignore: [CB302]\n",
            ["goals.yaml:5:16 CB301", "goals.yaml:5:31 CB401"],
        ),
        ("select: [CB]\n", ALL),
        ("ignore: [CB]\n", []),
    ],
)
def test_select_and_ignore_in_config(
    run_cli: RunCli, tmp_path: Path, config: str, expected: list[str]
) -> None:
    _, findings = check_json(run_cli, cwd=repo(tmp_path, config))
    assert located(findings) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "CB4"], ["goals.yaml:5:31 CB401"]),
        (["--select", "cb301,CB401"], ["goals.yaml:5:16 CB301", "goals.yaml:5:31 CB401"]),
        (
            ["--select", "CB301", "--select", "CB302"],
            ["goals.yaml:5:16 CB301", "goals.yaml:14:12 CB302"],
        ),
        (["--ignore", "CB3"], ["goals.yaml:5:31 CB401", "goals.yaml:17:16 CB201"]),
        (["--select", "CB3", "--ignore", "CB302"], ["goals.yaml:5:16 CB301"]),
        (["--ignore", "CB2,CB30"], ["goals.yaml:5:31 CB401"]),
    ],
)
def test_select_and_ignore_on_the_command_line(
    run_cli: RunCli, tmp_path: Path, args: list[str], expected: list[str]
) -> None:
    _, findings = check_json(run_cli, *args, cwd=repo(tmp_path))
    assert located(findings) == expected


def test_ignore_from_config_and_command_line_add_up(run_cli: RunCli, tmp_path: Path) -> None:
    _, findings = check_json(run_cli, "--ignore", "CB302", cwd=repo(tmp_path, "ignore: [CB4]\n"))
    assert located(findings) == ["goals.yaml:5:16 CB301", "goals.yaml:17:16 CB201"]


def test_ignored_errors_do_not_fail_the_run(run_cli: RunCli, tmp_path: Path) -> None:
    status, findings = check_json(run_cli, "--ignore", "CB201", cwd=repo(tmp_path))
    assert (status, len(findings)) == (0, 3)
    status, _ = check_json(run_cli, "--ignore", "CB201", "--strict", cwd=tmp_path)
    assert status == 1
    status, findings = check_json(run_cli, "--strict", "--select", "CB2", cwd=tmp_path)
    assert (status, located(findings)) == (1, ["goals.yaml:17:16 CB201"])
    status, findings = check_json(
        run_cli, "--strict", cwd=repo(tmp_path, "ignore: [CB2, CB3, CB4]\n")
    )
    assert (status, findings) == (0, [])


@pytest.mark.parametrize("args", [["--select", "CB4O1"], ["--ignore", "all"], ["--select", "401"]])
def test_unknown_selector_on_the_command_line_is_a_usage_error(
    run_cli: RunCli, tmp_path: Path, args: list[str]
) -> None:
    result = run_cli("check", *args, cwd=repo(tmp_path))
    assert result.exit_code == 2
    assert "is not a check code or prefix" in result.output
    assert "Traceback" not in result.output


# --- --strict -------------------------------------------------------------------------


def test_strict_fails_on_warnings_only(run_cli: RunCli, tmp_path: Path) -> None:
    root = repo(tmp_path, "ignore: [CB201]\n")
    assert check_json(run_cli, cwd=root)[0] == 0
    status, findings = check_json(run_cli, "--strict", cwd=root)
    assert status == 1
    assert severities(findings) == {"warning"}
    result = run_cli("check", "--strict", "--format", "parsable", cwd=root)
    assert result.exit_code == 1
    assert result.stdout.count("[warning]") == 3


# --- include / exclude -----------------------------------------------------------------

BROKEN = "kind: goals\ngoals:\n  - id: broken\n    titel: x\n"


def globs_repo(root: Path, config: str) -> Path:
    write(root, "curribuild.yaml", CONFIG + config)
    write(root, "goals/ok.yaml", GOALS.replace("requires: [vauge]", "requires: [vague]"))
    write(root, "drafts/wip.yaml", BROKEN)
    write(root, "archive/2020/old.yaml", BROKEN)
    return root


def paths(findings: list[dict[str, object]]) -> set[object]:
    return {f["path"] for f in findings}


def test_without_globs_every_file_is_checked(run_cli: RunCli, tmp_path: Path) -> None:
    _, findings = check_json(run_cli, cwd=globs_repo(tmp_path, ""))
    assert paths(findings) == {"goals/ok.yaml", "drafts/wip.yaml", "archive/2020/old.yaml"}
    assert located(findings, "CB101") == [
        "archive/2020/old.yaml:4:5 CB101",
        "drafts/wip.yaml:4:5 CB101",
    ]


def test_exclude_globs(run_cli: RunCli, tmp_path: Path) -> None:
    status, findings = check_json(
        run_cli, cwd=globs_repo(tmp_path, "exclude: ['drafts/*', 'archive/**']\n")
    )
    assert paths(findings) == {"goals/ok.yaml"}
    assert status == 0


def test_include_globs(run_cli: RunCli, tmp_path: Path) -> None:
    status, findings = check_json(
        run_cli,
        cwd=globs_repo(tmp_path, "include: ['curribuild.yaml', 'goals/*.yaml', 'drafts/*']\n"),
    )
    assert paths(findings) == {"goals/ok.yaml", "drafts/wip.yaml"}
    assert status == 1


def test_include_and_exclude_together(run_cli: RunCli, tmp_path: Path) -> None:
    config = "include: ['*.yaml']\nexclude: ['drafts/*']\n"
    _, findings = check_json(run_cli, cwd=globs_repo(tmp_path, config))
    assert paths(findings) == {"goals/ok.yaml", "archive/2020/old.yaml"}


def test_a_file_named_on_the_command_line_is_checked_even_if_excluded(
    run_cli: RunCli, tmp_path: Path
) -> None:
    root = globs_repo(tmp_path, "exclude: ['drafts/*']\n")
    status, findings = check_json(run_cli, "drafts/wip.yaml", cwd=root)
    assert paths(findings) == {"drafts/wip.yaml"}
    assert located(findings, "CB101") == ["drafts/wip.yaml:4:5 CB101"]
    assert status == 1


def test_config_is_found_above_the_checked_folder(run_cli: RunCli, tmp_path: Path) -> None:
    root = globs_repo(tmp_path, "exclude: ['drafts/*']\nignore: [CB3]\n")
    _, findings = check_json(run_cli, "goals", "drafts", cwd=root)
    assert located(findings) == ["goals/ok.yaml:5:31 CB401"]
