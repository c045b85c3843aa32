"""``curribuild init``: the scaffold, its check, no silent overwrite, and the "done when"
scenario: a fresh repository broken in five ways, reported in every CI format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from curribuild.loader import load_file
from lint_helpers import RunCli, check_json, edit, located

SCAFFOLD = [
    ".github/workflows/curribuild.yml",
    ".gitlab-ci.yml",
    ".pre-commit-config.yaml",
    ".vscode/settings.json",
    "curribuild.yaml",
    "goals/local.yaml",
    "methods/local.yaml",
    "needs/example.yaml",
    "rule-tests/local.yaml",
    "rules/local.yaml",
    *(
        f"schemas/{kind}.schema.json"
        for kind in (
            "config",
            "evidence",
            "goals",
            "instruments",
            "intake",
            "methods",
            "needs",
            "plan",
            "rule-tests",
            "rules",
        )
    ),
]


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def scaffold(run_cli: RunCli, tmp_path: Path) -> Path:
    result = run_cli("init", "my-team", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    return tmp_path / "my-team"


def test_init_creates_the_scaffold(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("init", "north-team", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    root = tmp_path / "north-team"
    assert sorted(tree(root)) == SCAFFOLD
    created = [line for line in result.stdout.splitlines() if line.startswith("created ")]
    assert sorted(created) == sorted(f"created north-team/{name}" for name in SCAFFOLD)
    assert "curribuild check" in result.stdout  # the next steps

    config = load_file(root / "curribuild.yaml").data
    assert config["kind"] == "config"
    assert config["name"] == "north-team"
    assert config["title"] == "North team"
    assert config["extends"] == "ran-health-pcve"
    kinds = {
        name: load_file(root / name).data["kind"]
        for name in SCAFFOLD
        if name.endswith(".yaml") and not name.startswith(".")
    }
    assert kinds == {
        "curribuild.yaml": "config",
        "goals/local.yaml": "goals",
        "methods/local.yaml": "methods",
        "needs/example.yaml": "needs",
        "rule-tests/local.yaml": "rule-tests",
        "rules/local.yaml": "rules",
    }


def test_init_ci_and_hook_files(scaffold: Path) -> None:
    """One check run in each CI file writes the console report and the report file; the
    full contract of the CI files is in test_scaffold_ci.py."""
    workflow = yaml.safe_load((scaffold / ".github/workflows/curribuild.yml").read_text())
    steps = workflow["jobs"]["check"]["steps"]
    assert {"run": "curribuild check --format github --output sarif=results.sarif"} in steps
    gitlab = yaml.safe_load((scaffold / ".gitlab-ci.yml").read_text())
    job = gitlab["curribuild-check"]
    assert [line for line in job["script"] if line.startswith("curribuild")] == [
        "curribuild check --format text --output junit=curribuild-junit.xml"
    ]
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "curribuild-junit.xml"
    precommit = yaml.safe_load((scaffold / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in precommit["repos"] for hook in repo["hooks"]]
    assert [(h["id"], h["entry"], h["pass_filenames"]) for h in hooks] == [
        ("curribuild-check", "curribuild check", False)
    ]


def test_check_passes_on_the_scaffold(run_cli: RunCli, scaffold: Path) -> None:
    status, findings = check_json(run_cli, "--strict", "my-team", cwd=scaffold.parent)
    assert (status, findings) == (0, [])
    status, findings = check_json(run_cli, "--strict", cwd=scaffold)
    assert (status, findings) == (0, [])


def test_plan_works_on_the_scaffold_needs_example(run_cli: RunCli, scaffold: Path) -> None:
    result = run_cli("plan", "needs/example.yaml", "-o", "-", cwd=scaffold)
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    scheduled = {g["id"] for g in plan["goals"]["scheduled"]}
    assert "local-referral-pathway" in scheduled


def test_init_in_the_current_folder(run_cli: RunCli, tmp_path: Path) -> None:
    root = tmp_path / "here"
    root.mkdir()
    result = run_cli("init", cwd=root)
    assert result.exit_code == 0, result.output
    assert sorted(tree(root)) == SCAFFOLD
    assert load_file(root / "curribuild.yaml").data["name"] == "here"


def test_init_refuses_to_overwrite(run_cli: RunCli, scaffold: Path) -> None:
    edit(scaffold / "goals/local.yaml", "minutes: 45", "minutes: 50")
    before = tree(scaffold)
    result = run_cli("init", "my-team", cwd=scaffold.parent)
    assert result.exit_code == 1
    assert "already has" in result.output
    assert "--force" in result.output
    assert "goals/local.yaml" in result.output
    assert "Traceback" not in result.output
    assert tree(scaffold) == before


def test_init_refuses_when_only_one_file_exists(run_cli: RunCli, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "goals").mkdir(parents=True)
    (root / "goals" / "local.yaml").write_text("mine\n", encoding="utf-8")
    result = run_cli("init", "repo", cwd=tmp_path)
    assert result.exit_code == 1
    assert "goals/local.yaml" in result.output
    assert tree(root) == {"goals/local.yaml": b"mine\n"}


def test_init_force_overwrites(run_cli: RunCli, scaffold: Path) -> None:
    pristine = tree(scaffold)
    edit(scaffold / "goals/local.yaml", "minutes: 45", "minutes: 50")
    (scaffold / "extra.txt").write_text("kept\n", encoding="utf-8")
    result = run_cli("init", "my-team", "--force", cwd=scaffold.parent)
    assert result.exit_code == 0, result.output
    assert tree(scaffold) == {**pristine, "extra.txt": b"kept\n"}


def test_init_on_a_file_is_an_error(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x\n", encoding="utf-8")
    result = run_cli("init", "afile", cwd=tmp_path)
    assert result.exit_code == 1
    assert "not a folder" in result.output
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "x\n"


@pytest.mark.parametrize(
    ("folder", "name", "title"),
    [
        ("team: north", "team-north", "Team: north"),
        ("#1 team", "1-team", "#1 team"),
        ("Équipe_Nord", "quipe-nord", "Équipe nord"),
    ],
)
def test_init_folder_names_that_need_yaml_quoting(
    run_cli: RunCli, tmp_path: Path, folder: str, name: str, title: str
) -> None:
    """The folder name becomes the config's name and title; any folder name must give a
    config that loads and keeps the title."""
    result = run_cli("init", folder, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    status, findings = check_json(run_cli, "--strict", cwd=tmp_path / folder)
    assert located(findings) == []
    assert status == 0
    config = load_file(tmp_path / folder / "curribuild.yaml").data
    assert (config["name"], config["title"]) == (name, title)


# --- the "done when" scenario ---------------------------------------------------------------

EXTRA_GOALS = """\
  - id: local-escalation
    title: Escalating a concern
    statment: Describe when to escalate a concern to the panel.
    domain: knowledge
    bloom: understand
    perspectives: [forensic]
    topics: [referral-pathways]
    minutes: 30
  - id: local-threats
    title: Threats against the team
    statement: Describe how to respond when a client calls the team insane.
    domain: knowledge
    bloom: understand
    topics: [referral-pathways]
    minutes: 30
    minutes: 45
    requires: [local-referal-pathway]
"""

# (path, line, col, code, a piece of the message)
FIVE = [
    ("goals/local.yaml", 15, 5, "CB101", "unknown field 'statment'; did you mean 'statement'?"),
    ("goals/local.yaml", 23, 69, "CB401", "stigmatising wording 'insane'"),
    ("goals/local.yaml", 28, 5, "CB002", "duplicate key 'minutes' (first defined at line 27)"),
    (
        "goals/local.yaml",
        29,
        16,
        "CB201",
        "goal 'local-threats' requires unknown goal 'local-referal-pathway'; "
        "did you mean 'local-referral-pathway'?",
    ),
    ("needs/example.yaml", 13, 15, "CB102", "gaps[1].priority: Input should be 'high', 'medium'"),
]


def break_five_ways(root: Path, *, raise_cb401: bool) -> None:
    """A typo'd field, a stigmatising word, a duplicate key, an unknown prerequisite (all in
    goals/local.yaml) and a bad enumeration value (in the needs example)."""
    if raise_cb401:
        edit(root / "curribuild.yaml", "severity: {}", "severity: {CB401: error}")
    goals = root / "goals/local.yaml"
    goals.write_text(goals.read_text(encoding="utf-8") + EXTRA_GOALS, encoding="utf-8")
    edit(root / "needs/example.yaml", "priority: medium", "priority: urgent")


def check_broken(run_cli: RunCli, root: Path, fmt: str, *args: str) -> tuple[int, list[tuple]]:
    """Run ``check --format FMT`` and read (path, line, col, code, level, message) back."""
    result = run_cli("check", "--format", fmt, *args, cwd=root)
    assert "Traceback" not in result.output
    out = result.stdout
    found: list[tuple] = []
    if fmt == "parsable":
        for line in out.splitlines():
            head, rest = line.split(": [", 1)
            path, lno, col = head.rsplit(":", 2)
            level, message = rest.split("] ", 1)
            message, code = message.rsplit(" (", 1)
            found.append((path, int(lno), int(col), code.rstrip(")"), level, message))
    elif fmt == "github":
        for line in out.splitlines():
            if not line.startswith("::"):
                continue
            head, message = line[2:].split("::", 1)
            level, props = head.split(" ", 1)
            fields = dict(item.split("=", 1) for item in props.split(","))
            found.append(
                (
                    fields["file"],
                    int(fields["line"]),
                    int(fields["col"]),
                    fields["title"].split()[0],
                    level,
                    message.split("%0A")[0],
                )
            )
    elif fmt == "sarif":
        for item in json.loads(out)["runs"][0]["results"]:
            physical = item["locations"][0]["physicalLocation"]
            found.append(
                (
                    physical["artifactLocation"]["uri"],
                    physical["region"]["startLine"],
                    physical["region"]["startColumn"],
                    item["ruleId"],
                    item["level"],
                    item["message"]["text"],
                )
            )
    elif fmt == "junit":
        root_el = ET.fromstring(out.split("\n", 1)[1])
        for case in root_el.iter("testcase"):
            failure = case.find("failure")
            if failure is None:
                assert case.find("system-out") is None
                continue
            assert failure.text is not None
            for line in failure.text.splitlines():
                head, rest = line.split(": [", 1)
                path, lno, col = head.rsplit(":", 2)
                level, message = rest.split("] ", 1)
                message, code = message.rsplit(" (", 1)
                assert case.get("classname") == path
                assert case.get("name", "").split()[0] == code.rstrip(")") == failure.get("type")
                found.append((path, int(lno), int(col), code.rstrip(")"), level, message))
    return result.exit_code, sorted(found)


@pytest.mark.parametrize("fmt", ["github", "sarif", "junit", "parsable"])
def test_done_when_five_breakages_reported_in_every_format(
    run_cli: RunCli, scaffold: Path, fmt: str
) -> None:
    break_five_ways(scaffold, raise_cb401=True)
    status, found = check_broken(run_cli, scaffold, fmt)
    assert status == 1
    assert [(p, lno, col, code) for p, lno, col, code, _, _ in found] == [
        (p, lno, col, code) for p, lno, col, code, _ in FIVE
    ]
    for (_, _, _, _, level, message), (_, _, _, _, expected) in zip(found, FIVE, strict=True):
        assert level == "error"
        assert expected in message


@pytest.mark.parametrize("fmt", ["github", "sarif", "junit", "parsable"])
def test_done_when_with_strict_instead_of_a_severity(
    run_cli: RunCli, scaffold: Path, fmt: str
) -> None:
    break_five_ways(scaffold, raise_cb401=False)
    status, found = check_broken(run_cli, scaffold, fmt, "--strict")
    assert status == 1
    assert [(p, lno, col, code) for p, lno, col, code, _, _ in found] == [
        (p, lno, col, code) for p, lno, col, code, _ in FIVE
    ]
    levels = {code: level for _, _, _, code, level, _ in found}
    assert levels["CB401"] == "warning"
    assert {levels[c] for c in ("CB101", "CB002", "CB201", "CB102")} == {"error"}


def test_done_when_without_strict_the_warning_alone_passes(run_cli: RunCli, scaffold: Path) -> None:
    goals = scaffold / "goals/local.yaml"
    edit(goals, "multi-agency panel.", "multi-agency panel of insane rules.")
    status, findings = check_json(run_cli, cwd=scaffold)
    assert (status, located(findings)) == (0, ["goals/local.yaml:5:102 CB401"])
    status, _ = check_json(run_cli, "--strict", cwd=scaffold)
    assert status == 1
