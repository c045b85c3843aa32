"""SARIF for GitHub code scanning: a location on every result (CB015 included),
stable ``partialFingerprints``, rule ``help`` from the code docs.

Checked three ways: the OASIS schema (vendored), GitHub's documented
requirements ("SARIF support for code scanning", written out below as
:func:`github_problems`), and the real SARIF multitool with its GitHub rules
(``validate --rule-kind Ghas``), installed from npm when npm is there.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from curribuild.checks.registry import CODES
from curribuild.checks.runner import CheckResult
from curribuild.findings import Finding
from curribuild.reporters.sarif import FINGERPRINT, help_markdown, help_text, sarif
from lint_helpers import RunCli, mixed_repo, write
from npm_helpers import npm_install
from test_reporters import validate_sarif

MULTITOOL_VERSION = "5.7.0"


# --- GitHub's documented requirements ------------------------------------------------------


def _text(value: Any) -> str:
    return value.get("text", "") if isinstance(value, dict) else ""


def github_problems(document: dict[str, Any]) -> list[str]:
    """What GitHub code scanning's documentation requires of a SARIF file, checked.

    From "SARIF support for code scanning": ``$schema``, ``version`` 2.1.0 and
    ``runs``; per run ``tool.driver.name``, ``tool.driver.rules`` and ``results``;
    per rule ``id``, ``shortDescription.text`` and ``fullDescription.text`` (at
    most 1,024 characters each), ``help.text``, ``name`` at most 255; per result
    ``message.text``, 1 to 10 ``locations`` and ``partialFingerprints``; per
    location a ``physicalLocation`` with ``artifactLocation.uri`` (relative, or a
    ``file:`` URI) and ``region.startLine`` >= 1 (``startColumn`` >= 1 when given).
    """
    problems: list[str] = []
    if not document.get("$schema"):
        problems.append("$schema missing")
    if document.get("version") != "2.1.0":
        problems.append("version is not 2.1.0")
    runs = document.get("runs")
    if not isinstance(runs, list) or not runs:
        return [*problems, "runs missing"]
    for r, run in enumerate(runs):
        driver = run.get("tool", {}).get("driver", {})
        if not driver.get("name"):
            problems.append(f"runs[{r}]: tool.driver.name missing")
        rules = driver.get("rules")
        if not isinstance(rules, list):
            problems.append(f"runs[{r}]: tool.driver.rules missing")
            rules = []
        for i, rule in enumerate(rules):
            where = f"runs[{r}].rules[{i}]"
            if not rule.get("id"):
                problems.append(f"{where}: id missing")
            if len(rule.get("name", "")) > 255:
                problems.append(f"{where}: name longer than 255")
            for key in ("shortDescription", "fullDescription"):
                text = _text(rule.get(key))
                if not text.strip():
                    problems.append(f"{where}: {key}.text missing")
                if len(text) > 1024:
                    problems.append(f"{where}: {key}.text longer than 1024")
            if not _text(rule.get("help")).strip():
                problems.append(f"{where}: help.text missing")
        results = run.get("results")
        if not isinstance(results, list):
            problems.append(f"runs[{r}]: results missing")
            results = []
        for i, result in enumerate(results):
            where = f"runs[{r}].results[{i}] ({result.get('ruleId')})"
            if not _text(result.get("message")).strip():
                problems.append(f"{where}: message.text missing")
            if not result.get("partialFingerprints"):
                problems.append(f"{where}: partialFingerprints missing")
            locations = result.get("locations")
            if not isinstance(locations, list) or not locations:
                problems.append(f"{where}: no location")
                continue
            if len(locations) > 10:
                problems.append(f"{where}: more than 10 locations")
            for location in locations:
                physical = location.get("physicalLocation")
                if not isinstance(physical, dict):
                    problems.append(f"{where}: physicalLocation missing")
                    continue
                uri = physical.get("artifactLocation", {}).get("uri", "")
                if not uri:
                    problems.append(f"{where}: artifactLocation.uri missing")
                elif urlsplit(uri).scheme not in ("", "file"):
                    problems.append(f"{where}: {uri!r} is neither relative nor a file URI")
                region = physical.get("region")
                if not isinstance(region, dict) or region.get("startLine", 0) < 1:
                    problems.append(f"{where}: region.startLine missing or < 1")
                elif region.get("startColumn", 1) < 1:
                    problems.append(f"{where}: region.startColumn < 1")
    return problems


def test_the_requirements_check_finds_what_github_rejects() -> None:
    """The checker is not vacuous: the shape GitHub rejected (no location) fails it."""
    document = sarif(CheckResult([Finding("CB015", "time budget exceeded")], [], 0))
    assert github_problems(document) == []
    broken = json.loads(json.dumps(document))
    result = broken["runs"][0]["results"][0]
    del result["locations"]
    del result["partialFingerprints"]
    broken["runs"][0]["tool"]["driver"]["rules"][0]["help"] = {"text": ""}
    assert github_problems(broken) == [
        "runs[0].rules[0]: help.text missing",
        "runs[0].results[0] (CB015): partialFingerprints missing",
        "runs[0].results[0] (CB015): no location",
    ]


# --- every result has a location -----------------------------------------------------------


def run_out_of_time(
    run_cli: RunCli, root: Path, monkeypatch: pytest.MonkeyPatch, *args: str
) -> dict[str, Any]:
    """``check --format sarif --max-seconds 1`` with a clock that jumps 10 s per look."""

    clock = itertools.count(0, 10)
    monkeypatch.setattr("curribuild.checks.runner.time.monotonic", lambda: float(next(clock)))
    result = run_cli("check", "--format", "sarif", "--max-seconds", "1", *args, cwd=root)
    assert result.exit_code == 1, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def cb015(document: dict[str, Any]) -> dict[str, Any]:
    (result,) = [r for r in document["runs"][0]["results"] if r["ruleId"] == "CB015"]
    return result


def test_time_budget_result_is_placed_on_the_config_file(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = mixed_repo(tmp_path / "repo")
    document = run_out_of_time(run_cli, root, monkeypatch)
    validate_sarif(document)
    assert github_problems(document) == []
    result = cb015(document)
    assert "time budget of 1 s exceeded" in result["message"]["text"]
    assert result["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "curribuild.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 1, "startColumn": 1},
            }
        }
    ]


def test_time_budget_result_without_a_config_is_placed_on_the_repository_root(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, "curricula/goals.yaml", "kind: goals\ngoals: []\n")
    document = run_out_of_time(run_cli, tmp_path, monkeypatch, "curricula")
    validate_sarif(document)
    assert github_problems(document) == []
    # the repository root (where .git is) is the folder check ran in
    assert cb015(document)["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "./", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1, "startColumn": 1},
    }


def test_root_location_is_a_folder_uri() -> None:
    for root, uri in (("", "./"), (".", "./"), ("sub dir", "sub%20dir/"), ("a/b/", "a/b/")):
        document = sarif(CheckResult([Finding("CB015", "out of time")], [], 0, root=root))
        location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": uri, "uriBaseId": "%SRCROOT%"}
        assert github_problems(document) == []
    document = sarif(CheckResult([Finding("CB015", "x")], [], 0, root="/srv/repo"))
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "file:///srv/repo/"}


def test_every_result_of_a_broken_repository_meets_githubs_requirements(
    run_cli: RunCli, tmp_path: Path
) -> None:
    root = mixed_repo(tmp_path / "repo")
    write(root, "a,b:c%d.yaml", "kind: goals\ngoals:\n  - id: one\n    titel: x\n")
    write(root, "needs.yaml", "kind: needs\nid: x\ncurriculum: no-such-curriculum\n")
    result = run_cli("check", "--format", "sarif", cwd=root)
    document = json.loads(result.stdout)
    validate_sarif(document)
    assert github_problems(document) == []
    assert len(document["runs"][0]["results"]) >= 6


# --- partialFingerprints -------------------------------------------------------------------


def fingerprints(document: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    out = {}
    for result in document["runs"][0]["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        out[(uri, result["ruleId"], result["message"]["text"])] = result["partialFingerprints"][
            FINGERPRINT
        ]
    return out


def test_fingerprints_are_deterministic_distinct_and_survive_lines_added_above(
    run_cli: RunCli, tmp_path: Path
) -> None:
    root = mixed_repo(tmp_path / "repo")
    first = json.loads(run_cli("check", "--format", "sarif", cwd=root).stdout)
    again = json.loads(run_cli("check", "--format", "sarif", cwd=root).stdout)
    assert first == again
    before = fingerprints(first)
    assert len(before) == len(first["runs"][0]["results"]) >= 4
    assert len(set(before.values())) == len(before)  # one identity per finding
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in before.values())
    for result in first["runs"][0]["results"]:
        assert set(result["partialFingerprints"]) == {FINGERPRINT}  # GitHub computes its own

    goals = root / "goals.yaml"
    goals.write_text(
        goals.read_text(encoding="utf-8").replace("goals:\n", "goals:\n# a comment\n# another\n"),
        encoding="utf-8",
    )
    moved = json.loads(run_cli("check", "--format", "sarif", cwd=root).stdout)
    lines_before = sorted(
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in first["runs"][0]["results"]
    )
    lines_after = sorted(
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in moved["runs"][0]["results"]
    )
    assert lines_after == [line + 2 for line in lines_before]  # every finding moved down
    assert fingerprints(moved) == before  # and kept its identity


def test_identical_findings_get_distinct_fingerprints() -> None:
    same = Finding("CB401", "stigmatising wording", "goals.yaml", 3, 5, field="goals.0.title")
    other_line = Finding("CB401", "stigmatising wording", "goals.yaml", 9, 5, field="goals.0.title")
    document = sarif(CheckResult([same, other_line], ["goals.yaml"], 1))
    values = [r["partialFingerprints"][FINGERPRINT] for r in document["runs"][0]["results"]]
    assert len(set(values)) == 2
    # a different message, field or file is a different identity
    variants = [
        Finding("CB401", "stigmatising wording", "goals.yaml", 3, 5, field="goals.1.title"),
        Finding("CB401", "other wording", "goals.yaml", 3, 5, field="goals.0.title"),
        Finding("CB401", "stigmatising wording", "more.yaml", 3, 5, field="goals.0.title"),
    ]
    for variant in variants:
        alone = sarif(CheckResult([variant], [], 1))["runs"][0]["results"][0]
        assert alone["partialFingerprints"][FINGERPRINT] != values[0]


# --- rule help -----------------------------------------------------------------------------


def test_every_rule_has_help_from_its_code_documentation() -> None:
    document = sarif(CheckResult([], [], 0))
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(CODES)
    for rule in rules:
        info = CODES[rule["id"]]
        markdown = rule["help"]["markdown"]
        text = rule["help"]["text"]
        assert markdown == help_markdown(info.doc)
        assert markdown.startswith(f"# {info.code} {info.name}\n\n")
        assert info.summary in markdown.split("\n")[2]
        for heading in ("What it finds", "Why it matters", "Example", "Instead"):
            assert f"## {heading}\n" in markdown, (info.code, heading)
            assert f"\n{heading}\n" in text, (info.code, heading)
        assert not re.search(r"^#", text, flags=re.MULTILINE)
        assert "`" not in text
        assert text == help_text(info.doc)
        # the example is kept verbatim (indented code block) in both forms
        example = info.doc.split("## Example", 1)[1].split("##", 1)[0].strip("\n")
        assert example.replace("`", "") in text
        assert example in markdown
        assert len(rule["fullDescription"]["text"]) <= 1024


def test_help_markdown_renders_headings_and_code() -> None:
    from markdown_it import MarkdownIt

    html = MarkdownIt().render(help_markdown(CODES["CB101"].doc))
    assert "<h1>CB101 unknown-field</h1>" in html
    assert "<h2>What it finds</h2>" in html
    assert "<pre><code>- id: case-work\n  sensitve: true\n</code></pre>" in html


# --- the SARIF multitool's GitHub rules ----------------------------------------------------


@pytest.fixture(scope="session")
def multitool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SARIF multitool from npm (a self-contained Linux binary in its package)."""
    prefix = tmp_path_factory.mktemp("sarif-multitool")
    npm_install(prefix, f"@microsoft/sarif-multitool@{MULTITOOL_VERSION}", 600)
    binary = prefix / "node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
    if not binary.is_file():
        pytest.skip("npm installed @microsoft/sarif-multitool without its Linux binary")
    binary.chmod(0o755)  # npm may not run the package's install script that does this
    return binary


def multitool_problems(binary: Path, document: dict[str, Any], tmp_path: Path) -> list[str]:
    """The multitool's findings with the GitHub (GHAS) rules, as ``RULE: message args``."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    log = tmp_path / "input.sarif"
    log.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "validation.sarif"
    out.unlink(missing_ok=True)
    env = {**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}
    done = subprocess.run(
        [str(binary), "validate", "--rule-kind", "Ghas", "-o", str(out), str(log)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    assert out.is_file(), done.stdout + done.stderr
    validation = json.loads(out.read_text(encoding="utf-8"))
    return sorted(
        f"{r['ruleId']}: {r['message'].get('id', '')} {r['message'].get('arguments', [])}"
        for r in validation["runs"][0].get("results", [])
    )


def test_multitool_rejects_a_result_without_a_location(multitool: Path, tmp_path: Path) -> None:
    """The tool is really checking: the file GitHub rejected is rejected here too."""
    document = sarif(CheckResult([Finding("CB015", "time budget exceeded")], [], 0))
    del document["runs"][0]["results"][0]["locations"]
    problems = multitool_problems(multitool, document, tmp_path)
    assert any(p.startswith("GH1015: Error_MissingLocationsArray") for p in problems), problems


def test_multitool_github_rules_accept_a_broken_repositorys_report(
    multitool: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = mixed_repo(tmp_path / "repo")
    write(root, "a,b:c%d.yaml", "kind: goals\ngoals:\n  - id: one\n    titel: x\n")
    document = json.loads(run_cli("check", "--format", "sarif", cwd=root).stdout)
    assert len(document["runs"][0]["results"]) >= 5
    assert multitool_problems(multitool, document, tmp_path / "full") == []
    out_of_time = run_out_of_time(run_cli, root, monkeypatch)
    assert multitool_problems(multitool, out_of_time, tmp_path / "cb015") == []


def test_an_undecodable_file_name_keeps_its_bytes_in_the_uri(
    run_cli: RunCli, tmp_path: Path
) -> None:
    (tmp_path / os.fsdecode(b"bad\xffname.yaml")).write_text(
        "kind: goals\ngoals:\n  - id: one\n    titel: x\n", encoding="utf-8"
    )
    result = run_cli("check", "--format", "sarif", cwd=tmp_path)
    assert "internal error" not in result.output
    document = json.loads(result.stdout)
    validate_sarif(document)
    assert github_problems(document) == []
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in document["runs"][0]["results"]
    }
    assert uris == {"bad%FFname.yaml"}
