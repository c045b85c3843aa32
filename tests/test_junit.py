"""JUnit reports as their consumers read them: valid against Jenkins' JUnit schema
(``junit-10.xsd``, vendored), read back by ``junitparser``, never malformed by
control characters or undecodable file names, warnings visible in GitLab's
test report (which shows the text of failed and skipped cases only)."""

from __future__ import annotations

import io
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from junitparser import Failure, JUnitXml, Skipped

from curribuild import reporters
from curribuild.checks.runner import CheckResult
from curribuild.findings import Finding, Severity
from lint_helpers import RunCli, mixed_repo, write

XSD = Path(__file__).resolve().parent / "schemas" / "junit-10.xsd"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema10:
    return xmlschema.XMLSchema10(str(XSD))


def junit(run_cli: RunCli, root: Path, *args: str) -> str:
    result = run_cli("check", "--format", "junit", *args, cwd=root)
    assert "Traceback" not in result.output
    text: str = result.stdout
    return text


def render(findings: list[Finding], files: list[str], strict: bool = False) -> str:
    out = io.StringIO()
    reporters.get("junit")(CheckResult(findings, files, 1, strict), out, False)
    return out.getvalue()


def gitlab_view(xml_text: str) -> dict[tuple[str, str], tuple[str, str | None]]:
    """Each case as GitLab's JUnit parser classifies it: (status, text it shows).

    GitLab's rules (``Gitlab::Ci::Parsers::Test::Junit``): a case with
    ``failure`` is failed and shows the failure text (with ``system-out``); with
    ``error``, error; with ``skipped``, skipped and shows the skipped text;
    otherwise success, showing nothing.
    """
    view: dict[tuple[str, str], tuple[str, str | None]] = {}
    for suite in JUnitXml.fromstring(xml_text.encode("utf-8")):
        for case in suite:
            key = (case.classname, case.name)
            assert key not in view, f"GitLab keeps only the first of duplicate {key}"
            failures = [r for r in case.result if isinstance(r, Failure)]
            skipped = [r for r in case.result if isinstance(r, Skipped)]
            if failures:
                shown = "\n\n".join(t for t in (failures[0].text, case.system_out) if t)
                view[key] = ("failed", shown)
            elif skipped:
                view[key] = ("skipped", skipped[0].text)
            else:
                view[key] = ("success", None)
    return view


def test_the_schema_rejects_what_jenkins_rejects(schema: xmlschema.XMLSchema10) -> None:
    """Not a vacuous check: a `file` attribute on a testcase (the old output) fails it."""
    good = (
        '<testsuites><testsuite name="s" tests="1" failures="0" errors="0">'
        '<testcase name="n" classname="a.yaml"/></testsuite></testsuites>'
    )
    assert schema.is_valid(good)
    assert not schema.is_valid(good.replace('classname="a.yaml"', 'classname="a" file="a.yaml"'))
    assert not schema.is_valid(good.replace("<testsuites>", '<testsuites skipped="0">'))


def test_reports_are_valid_against_the_jenkins_schema(
    run_cli: RunCli, tmp_path: Path, schema: xmlschema.XMLSchema10
) -> None:
    root = mixed_repo(tmp_path / "repo")
    write(root, "notes.yaml", "kind: goals\ngoals: []\n")
    for args in ((), ("--strict",)):
        text = junit(run_cli, root, *args)
        schema.validate(text)
        assert "file=" not in text
    clean = tmp_path / "clean"
    write(clean, "notes.yaml", "kind: goals\ngoals: []\n")
    schema.validate(junit(run_cli, clean))


def test_read_back_by_junitparser_with_the_right_counts(run_cli: RunCli, tmp_path: Path) -> None:
    root = mixed_repo(tmp_path / "repo")
    report = JUnitXml.fromstring(junit(run_cli, root).encode("utf-8"))
    (suite,) = list(report)
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (5, 1, 0, 3)
    statuses = sorted(
        (case.classname, case.name, [type(r).__name__ for r in case.result]) for case in suite
    )
    assert statuses == [
        ("curribuild.yaml", "all checks", []),
        ("goals.yaml", "CB201 unknown-goal", ["Failure"]),
        ("goals.yaml", "CB301 non-observable-verb", ["Skipped"]),
        ("goals.yaml", "CB302 verb-bloom-mismatch", ["Skipped"]),
        ("goals.yaml", "CB401 stigmatising-language", ["Skipped"]),
    ]
    strict = JUnitXml.fromstring(junit(run_cli, root, "--strict").encode("utf-8"))
    (suite,) = list(strict)
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (5, 4, 0, 0)


def test_warnings_are_visible_in_gitlabs_report(run_cli: RunCli, tmp_path: Path) -> None:
    root = mixed_repo(tmp_path / "repo")
    parsable = run_cli("check", "--format", "parsable", cwd=root).stdout.splitlines()
    warnings = [line for line in parsable if ": [warning] " in line]
    errors = [line for line in parsable if ": [error] " in line]
    assert len(warnings) == 3 and len(errors) == 1
    view = gitlab_view(junit(run_cli, root))
    shown = {
        status: "\n".join(text or "" for seen, text in view.values() if seen == status)
        for status in ("failed", "skipped", "success")
    }
    for warning in warnings:
        assert warning in shown["skipped"]  # every warning is on screen in GitLab
    for error in errors:
        assert error in shown["failed"]
    assert shown["success"] == ""
    assert view[("curribuild.yaml", "all checks")] == ("success", None)
    # under --strict the warnings fail, and GitLab shows them as failures
    strict = gitlab_view(junit(run_cli, root, "--strict"))
    assert {status for status, _ in strict.values()} == {"failed", "success"}
    failed_text = "\n".join(text or "" for status, text in strict.values() if status == "failed")
    for line in warnings + errors:
        assert line in failed_text


def test_failing_and_warning_findings_of_one_code_both_show() -> None:
    findings = [
        Finding("CB401", "bad word one", "a.yaml", 2, 3, severity=Severity.ERROR),
        Finding("CB401", "bad word two", "a.yaml", 4, 3, severity=Severity.WARNING),
    ]
    view = gitlab_view(render(findings, ["a.yaml"]))
    status, text = view[("a.yaml", "CB401 stigmatising-language")]
    assert status == "failed"
    assert text is not None
    assert "a.yaml:2:3: [error] bad word one (CB401)" in text
    assert "a.yaml:4:3: [warning] bad word two (CB401)" in text


CONTROL = "".join(chr(c) for c in range(0x20) if c not in (0x09, 0x0A)) + "\x7f\x85\u2028"


def test_control_characters_never_make_the_xml_malformed(schema: xmlschema.XMLSchema10) -> None:
    path = f"goals{CONTROL}.yaml"
    message = f"bad{CONTROL}\ud800\udfff\ufffe\uffff value"
    findings = [
        Finding("CB101", message, path, 3, 5, fix=f"fix{CONTROL}"),
        Finding("CB301", message, path, 4, 1, severity=Severity.WARNING),
    ]
    text = render(findings, [path, f"clean{CONTROL}.yaml"])
    text.encode("utf-8")  # no lone surrogates left: it can be written as UTF-8
    ET.fromstring(text.split("\n", 1)[1])  # well-formed
    schema.validate(text)
    view = gitlab_view(text)
    names = {classname for classname, _ in view}
    assert names == {
        "goals\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\x0b\\x0c\\r\\x0e\\x0f\\x10\\x11"
        "\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f\\x7f\\x85\\u2028.yaml",
        "clean\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\x0b\\x0c\\r\\x0e\\x0f\\x10\\x11"
        "\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f\\x7f\\x85\\u2028.yaml",
    }
    failure_text = next(text for status, text in view.values() if status == "failed")
    assert failure_text is not None
    assert "\\ud800\\udfff\\ufffe\\uffff value" in failure_text


def test_workflow_commands_in_file_names_are_inert_in_a_ci_log() -> None:
    text = render([Finding("CB101", "x", "::error file=a::pwned.yaml", 1, 1)], ["x.yaml"])
    assert not any(line.lstrip().startswith("::") for line in text.splitlines())
    ET.fromstring(text.split("\n", 1)[1])


def test_an_undecodable_file_name_is_reported_in_valid_xml(
    run_cli: RunCli, tmp_path: Path, schema: xmlschema.XMLSchema10
) -> None:
    name = os.fsdecode(b"bad\xffname.yaml")
    (tmp_path / name).write_text("kind: goals\ngoals:\n  - id: one\n    titel: x\n")
    text = junit(run_cli, tmp_path)
    schema.validate(text)
    view = gitlab_view(text)
    assert ("bad\\udcffname.yaml", "CB101 unknown-field") in view


def report_shape(xml_text: str) -> list[Any]:
    root = ET.fromstring(xml_text.split("\n", 1)[1])
    return [(e.tag, sorted(e.attrib)) for e in root.iter()]


def test_report_is_deterministic(run_cli: RunCli, tmp_path: Path) -> None:
    root = mixed_repo(tmp_path / "repo")
    assert junit(run_cli, root) == junit(run_cli, root)
    assert report_shape(junit(run_cli, root))[0] == (
        "testsuites",
        ["errors", "failures", "name", "tests", "time"],
    )
