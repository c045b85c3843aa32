"""Check reporters: SARIF (validated against the official schema), JUnit XML, GitHub
annotations with their escaping, ``auto``, and large reports in every format."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from conftest import clean_env
from curribuild import reporters
from curribuild.checks.runner import CheckResult
from curribuild.findings import Finding, Severity
from lint_helpers import (
    MIXED_FINDINGS,
    RunCli,
    check_json,
    located,
    mixed_repo,
    write,
)

SARIF_SCHEMA = Path(__file__).resolve().parent / "schemas" / "sarif-schema-2.1.0.json"

CLEAN_GOALS = "kind: goals\ngoals: []\n"


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """Warnings and an error in goals.yaml, a clean notes.yaml, a file in a folder with a space."""
    root = mixed_repo(tmp_path / "repo")
    write(root, "notes.yaml", CLEAN_GOALS)
    write(
        root,
        "sub dir/x y.yaml",
        "kind: rules\nrules:\n  - id: words\n    description: No lunatic talk.\n"
        "    then: {score: 1}\n",
    )
    return root


MIXED_ALL = [*MIXED_FINDINGS, "sub dir/x y.yaml:4:21 CB401"]


def run(run_cli: RunCli, root: Path, fmt: str, *args: str) -> Any:
    result = run_cli("check", "--format", fmt, *args, cwd=root)
    assert "Traceback" not in result.output
    return result


# --- SARIF ------------------------------------------------------------------------------


def sarif_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 schema, vendored in tests/schemas (never skipped)."""
    data: dict[str, Any] = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return data


def validate_sarif(document: dict[str, Any]) -> None:
    import jsonschema

    schema = sarif_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(
        cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(document),
        key=lambda e: list(e.absolute_path),
    )
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_sarif_is_valid_and_complete(run_cli: RunCli, mixed: Path) -> None:
    result = run(run_cli, mixed, "sarif")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    validate_sarif(document)
    assert document["$schema"].endswith("sarif-2.1.0.json")
    assert document["version"] == "2.1.0"
    (sarif_run,) = document["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "curribuild"
    rules = driver["rules"]
    for rule in rules:
        assert re.fullmatch(r"CB\d{3}", rule["id"])
        for key in ("shortDescription", "fullDescription", "help"):
            assert rule[key]["text"].strip(), (rule["id"], key)
    assert {"CB201", "CB301", "CB302", "CB401"} <= {r["id"] for r in rules}
    found = []
    for item in sarif_run["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        (location,) = item["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert not uri.startswith("/")
        assert "://" not in uri
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        region = physical["region"]
        assert region["startLine"] >= 1
        assert region["startColumn"] >= 1
        found.append(f"{uri}:{region['startLine']}:{region['startColumn']} {item['ruleId']}")
    expected = [where.replace("sub dir/x y.yaml", "sub%20dir/x%20y.yaml") for where in MIXED_ALL]
    assert sorted(found) == sorted(expected)
    levels = {item["ruleId"]: item["level"] for item in sarif_run["results"]}
    assert levels == {"CB201": "error", "CB301": "warning", "CB302": "warning", "CB401": "warning"}


def test_sarif_of_a_clean_run_is_valid(run_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path, "notes.yaml", CLEAN_GOALS)
    result = run(run_cli, tmp_path, "sarif")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    validate_sarif(document)
    assert document["runs"][0]["results"] == []


def test_sarif_escapes_special_characters_in_uris(run_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path, "a,b:c%d.yaml", "kind: goals\ngoals:\n  - id: one\n    titel: x\n")
    result = run(run_cli, tmp_path, "sarif")
    document = json.loads(result.stdout)
    validate_sarif(document)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in document["runs"][0]["results"]
    }
    assert uris == {quote("a,b:c%d.yaml")} == {"a%2Cb%3Ac%25d.yaml"}


def test_sarif_finding_without_a_line_still_has_start_line_one() -> None:
    from curribuild.reporters.sarif import sarif

    result = CheckResult([Finding("CB207", "no such curriculum", "needs.yaml")], ["needs.yaml"], 1)
    document = sarif(result)
    validate_sarif(document)
    region = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 1}


# --- JUnit ------------------------------------------------------------------------------


def junit_cases(xml_text: str) -> tuple[ET.Element, list[ET.Element]]:
    assert xml_text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(xml_text.split("\n", 1)[1])
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    return root, suite.findall("testcase")


def test_junit_one_testcase_per_file_and_code(run_cli: RunCli, mixed: Path) -> None:
    result = run(run_cli, mixed, "junit")
    assert result.exit_code == 1
    root, cases = junit_cases(result.stdout)
    table = {
        (c.get("classname"), c.get("name")): (
            c.find("failure"),
            c.find("system-out"),
        )
        for c in cases
    }
    assert len(table) == len(cases)
    assert sorted(table) == [
        ("curribuild.yaml", "all checks"),
        ("goals.yaml", "CB201 unknown-goal"),
        ("goals.yaml", "CB301 non-observable-verb"),
        ("goals.yaml", "CB302 verb-bloom-mismatch"),
        ("goals.yaml", "CB401 stigmatising-language"),
        ("notes.yaml", "all checks"),
        ("sub dir/x y.yaml", "CB401 stigmatising-language"),
    ]
    for case in cases:
        assert case.get("file") is None  # junit-10.xsd has no `file` on a testcase
    # errors are failures carrying the findings; warnings are skipped cases that list them
    failure, out = table[("goals.yaml", "CB201 unknown-goal")]
    assert failure is not None and out is None
    assert failure.get("type") == "CB201"
    assert failure.get("message", "").startswith("1 finding(s): goal 'listing' requires")
    assert failure.text == (
        "goals.yaml:17:16: [error] goal 'listing' requires unknown goal 'vauge'; "
        "did you mean 'vague'? (CB201)"
    )
    failure, out = table[("goals.yaml", "CB401 stigmatising-language")]
    assert failure is None and out is None
    case = next(c for c in cases if c.get("name") == "CB401 stigmatising-language")
    skipped = case.find("skipped")
    assert skipped is not None and skipped.get("type") == "warning"
    assert skipped.text is not None and skipped.text.startswith("goals.yaml:5:31: [warning] ")
    assert table[("notes.yaml", "all checks")] == (None, None)
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("7", "1", "0")
    assert suite.get("skipped") == "4"
    assert (root.get("tests"), root.get("failures")) == ("7", "1")


def test_junit_strict_fails_warnings(run_cli: RunCli, mixed: Path) -> None:
    result = run(run_cli, mixed, "junit", "--strict")
    assert result.exit_code == 1
    root, cases = junit_cases(result.stdout)
    failed = sorted(
        (c.get("classname"), c.get("name", "").split()[0])
        for c in cases
        if c.find("failure") is not None
    )
    assert failed == [
        ("goals.yaml", "CB201"),
        ("goals.yaml", "CB301"),
        ("goals.yaml", "CB302"),
        ("goals.yaml", "CB401"),
        ("sub dir/x y.yaml", "CB401"),
    ]
    assert root.get("failures") == "5"


def test_junit_several_findings_of_one_code_in_one_testcase(
    run_cli: RunCli, tmp_path: Path
) -> None:
    write(
        tmp_path,
        "goals.yaml",
        "kind: goals\ngoals:\n  - id: one\n    titel: x\n    statment: y\n",
    )
    result = run(run_cli, tmp_path, "junit")
    _, cases = junit_cases(result.stdout)
    (case,) = [c for c in cases if c.get("name", "").startswith("CB101")]
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message", "").startswith("2 finding(s): ")
    assert failure.text is not None
    assert [line.split(": [")[0] for line in failure.text.splitlines()] == [
        "goals.yaml:4:5",
        "goals.yaml:5:5",
    ]


# --- GitHub -----------------------------------------------------------------------------

WEIRD_NAME = "a,b:c%d.yaml"
WEIRD_GOALS = """\
kind: goals
goals:
  - id: one
    title: One
    summary%: x
    statement: Explain the point.
    domain: knowledge
    bloom: understand
    topics: [stigma-and-language]
    minutes: 30
"""


def test_github_annotations_escape_properties_and_messages(run_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path, WEIRD_NAME, WEIRD_GOALS)
    result = run(run_cli, tmp_path, "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == 1
    head, message = annotations[0][2:].split("::", 1)
    assert head == "error file=a%2Cb%3Ac%25d.yaml,line=5,col=5,title=CB101 (error)"
    assert message.startswith("unknown field 'summary%25'%0Afix: remove it (allowed: ")
    assert "\r" not in annotations[0]


def test_github_report_is_annotations_then_parsable_report(run_cli: RunCli, mixed: Path) -> None:
    github = run(run_cli, mixed, "github")
    parsable = run(run_cli, mixed, "parsable")
    assert github.exit_code == parsable.exit_code == 1
    lines = github.stdout.splitlines()
    count = len(MIXED_ALL)
    assert all(line.startswith(("::error ", "::warning ")) for line in lines[:count])
    assert lines[count : 2 * count] == parsable.stdout.splitlines()
    assert lines[2 * count :] == ["curribuild check: 1 error(s), 4 warning(s) in 4 file(s)"]
    for annotation, plain in zip(lines[:count], lines[count : 2 * count], strict=True):
        path, line, col = re.match(r"(.+):(\d+):(\d+): ", plain).groups()  # type: ignore[union-attr]
        level = "error" if "[error]" in plain else "warning"
        code = plain.rsplit("(", 1)[1].rstrip(")")
        prefix = f"::{level} file={path},line={line},col={col},title={code} ({level})::"
        assert annotation.startswith(prefix)


def test_github_escaping_of_cr_lf_percent_colon_comma() -> None:
    finding = Finding(
        "CB101",
        "bad\r\nvalue: 100%, really",
        "dir,1/x:y%z.yaml",
        3,
        0,
        fix="a,b: c",
    )
    out = io.StringIO()
    reporters.get("github")(CheckResult([finding], ["dir,1/x:y%z.yaml"], 1), out, False)
    first, second, summary = out.getvalue().splitlines()
    assert first == (
        "::error file=dir%2C1/x%3Ay%25z.yaml,line=3,col=1,title=CB101 (error)"
        "::bad%0D%0Avalue: 100%25, really%0Afix: a,b: c"
    )
    assert second == "dir,1/x:y%z.yaml:3:1: [error] bad  value: 100%, really (CB101)"
    assert summary == "curribuild check: 1 error(s), 0 warning(s) in 1 file(s)"


def test_github_levels() -> None:
    findings = [
        Finding("CB201", "e", "a.yaml", 1, 1, severity=Severity.ERROR),
        Finding("CB301", "w", "a.yaml", 2, 1, severity=Severity.WARNING),
        Finding("CB302", "i", "a.yaml", 3, 1, severity=Severity.INFO),
        Finding("CB207", "no position", "", 0, 0),
    ]
    out = io.StringIO()
    reporters.get("github")(CheckResult(findings, ["a.yaml"], 1), out, False)
    lines = out.getvalue().splitlines()
    assert [line.split(" ", 1)[0] for line in lines[:3]] == ["::error", "::warning", "::notice"]
    assert lines[3] == "::error title=CB207 (error)::no position"


# --- auto -------------------------------------------------------------------------------


def test_auto_is_github_under_github_actions(
    run_cli: RunCli, mixed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    github = run(run_cli, mixed, "github").stdout
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    auto = run_cli("check", cwd=mixed)
    assert auto.exit_code == 1
    assert auto.stdout == github
    assert auto.stdout.startswith("::warning file=goals.yaml,line=5,col=16,title=CB301")


@pytest.mark.parametrize("value", [None, "false", ""])
def test_auto_is_parsable_when_not_a_terminal(
    run_cli: RunCli, mixed: Path, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    parsable = run(run_cli, mixed, "parsable").stdout
    if value is not None:
        monkeypatch.setenv("GITHUB_ACTIONS", value)
    auto = run_cli("check", cwd=mixed)
    assert auto.exit_code == 1
    assert auto.stdout == parsable
    assert parsable.splitlines()[0].startswith("goals.yaml:5:16: [warning] ")


def test_resolve_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert reporters.resolve_auto(True) == "text"
    assert reporters.resolve_auto(False) == "parsable"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert reporters.resolve_auto(True) == "github"
    assert reporters.resolve_auto(False) == "github"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_auto_is_text_on_a_terminal(mixed: Path) -> None:
    import pty

    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "curribuild", "check"],
            cwd=mixed,
            env=clean_env(),
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=subprocess.PIPE,
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=120) == 1
        assert proc.stderr is not None
        proc.stderr.close()
    finally:
        os.close(master)
    output = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    assert "goals.yaml:5:16: warning CB301 goal 'vague': 'understand' is not observable" in output
    assert "goals.yaml:17:16: error CB201 " in output
    assert "    5 | " in output  # the source line with a caret under it
    assert "Found 1 error and 4 warnings in 4 files." in output
    assert "[warning]" not in output  # not the parsable format


# --- many findings: every format reports all of them -------------------------------------

PER_FILE = 30


def many_goals(prefix: str) -> str:
    lines = ["kind: goals", "goals:"]
    for number in range(PER_FILE):
        lines += [
            f"  - id: {prefix}-{number:02d}",
            f"    title: A crazy plan {number:02d}",
            f"    statement: Explain point {number:02d}.",
            "    domain: knowledge",
            "    bloom: understand",
            "    topics: [stigma-and-language]",
            "    minutes: 30",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def many(tmp_path: Path) -> tuple[Path, list[str]]:
    root = mixed_repo(tmp_path / "repo", "severity: {CB401: error}\n", many_goals("a"))
    write(root, "more.yaml", many_goals("b"))
    expected = [
        f"{name}:{4 + 7 * number}:14"
        for name in ("goals.yaml", "more.yaml")
        for number in range(PER_FILE)
    ]
    return root, expected


def test_many_findings_json(run_cli: RunCli, many: tuple[Path, list[str]]) -> None:
    root, expected = many
    status, findings = check_json(run_cli, cwd=root)
    assert status == 1
    assert len(expected) > 50
    assert located(findings) == [f"{where} CB401" for where in expected]


def test_many_findings_parsable(run_cli: RunCli, many: tuple[Path, list[str]]) -> None:
    root, expected = many
    lines = run(run_cli, root, "parsable").stdout.splitlines()
    assert [line.split(": [error] ")[0] for line in lines] == expected


def test_many_findings_text(run_cli: RunCli, many: tuple[Path, list[str]]) -> None:
    root, expected = many
    output = run(run_cli, root, "text").stdout
    heads = re.findall(r"^(\S+:\d+:\d+): error CB401 ", output, flags=re.MULTILINE)
    assert heads == expected
    assert f"Found {len(expected)} errors and 0 warnings in 3 files." in output


def test_many_findings_github(run_cli: RunCli, many: tuple[Path, list[str]]) -> None:
    root, expected = many
    lines = run(run_cli, root, "github").stdout.splitlines()
    annotations = [line for line in lines if line.startswith("::error ")]
    assert [
        re.match(r"::error file=([^,]+),line=(\d+),col=(\d+),", line).groups()  # type: ignore[union-attr]
        for line in annotations
    ] == [tuple(where.split(":")) for where in expected]
    plain = [line.split(": [error] ")[0] for line in lines if ": [error] " in line]
    assert plain == expected
    assert lines[-1] == f"curribuild check: {len(expected)} error(s), 0 warning(s) in 3 file(s)"


def test_many_findings_sarif(run_cli: RunCli, many: tuple[Path, list[str]]) -> None:
    root, expected = many
    document = json.loads(run(run_cli, root, "sarif").stdout)
    validate_sarif(document)
    found = [
        "{uri}:{startLine}:{startColumn}".format(
            uri=r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            **r["locations"][0]["physicalLocation"]["region"],
        )
        for r in document["runs"][0]["results"]
    ]
    assert found == expected


def test_many_findings_junit(run_cli: RunCli, many: tuple[Path, list[str]]) -> None:
    root, expected = many
    _, cases = junit_cases(run(run_cli, root, "junit").stdout)
    lines = []
    for case in cases:
        failure = case.find("failure")
        if failure is not None:
            assert failure.get("message", "").startswith(f"{PER_FILE} finding(s): ")
            assert failure.text is not None
            lines += failure.text.splitlines()
    assert [line.split(": [error] ")[0] for line in lines] == expected
