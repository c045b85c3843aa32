"""``check --output FORMAT=PATH``: one run writes the console report and report files.

What CI needs from it: each file has the same findings as the console, is written
atomically even when the check fails (exit 1), and a bad ``--output`` is a usage
error (exit 2) before anything is checked or written.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from curribuild.commands import check as check_command
from lint_helpers import MIXED_FINDINGS, RunCli, check_json, located, mixed_repo, write

SCHEMAS = Path(__file__).resolve().parent / "schemas"


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    return mixed_repo(tmp_path / "repo")


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def validate_sarif(document: dict[str, Any]) -> None:
    import jsonschema

    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    errors = list(cls(schema).iter_errors(document))
    assert not errors, [e.message for e in errors[:5]]


def sarif_located(document: dict[str, Any]) -> list[str]:
    out = []
    for item in document["runs"][0]["results"]:
        physical = item["locations"][0]["physicalLocation"]
        region = physical["region"]
        out.append(
            f"{physical['artifactLocation']['uri']}:{region['startLine']}:"
            f"{region['startColumn']} {item['ruleId']}"
        )
    return out


def junit_located(text: str) -> list[str]:
    out = []
    for case in ET.fromstring(text.encode("utf-8")).iter("testcase"):
        for element in (case.find("failure"), case.find("skipped")):
            if element is None or not element.text:
                continue
            for line in element.text.splitlines():
                head, rest = line.split(": [", 1)
                code = rest.rsplit(" (", 1)[1].rstrip(")")
                out.append(f"{head} {code}")
    return out


def test_one_run_writes_the_console_report_and_every_file(run_cli: RunCli, mixed: Path) -> None:
    result = run_cli(
        "check",
        "--format",
        "parsable",
        "--output",
        "junit=reports/curribuild-junit.xml",
        "--output",
        "sarif=results.sarif",
        "--output",
        "json=reports/check.json",
        "--output",
        "text=reports/check.txt",
        "--output",
        "parsable=reports/check.log",
        cwd=mixed,
    )
    assert result.exit_code == 1  # CB201 is an error: the status still reflects the findings
    assert "Traceback" not in result.output
    console = [
        f"{line.split(': [', 1)[0]} {line.rsplit(' (', 1)[1].rstrip(')')}"
        for line in result.stdout.splitlines()
    ]
    assert console == MIXED_FINDINGS

    data = json.loads((mixed / "reports/check.json").read_text(encoding="utf-8"))
    assert located(data["findings"]) == MIXED_FINDINGS
    assert data["summary"]["exit_code"] == 1

    sarif = json.loads((mixed / "results.sarif").read_text(encoding="utf-8"))
    validate_sarif(sarif)
    assert sarif_located(sarif) == MIXED_FINDINGS

    junit = (mixed / "reports/curribuild-junit.xml").read_text(encoding="utf-8")
    xmlschema.XMLSchema10(str(SCHEMAS / "junit-10.xsd")).validate(junit)
    assert sorted(junit_located(junit)) == sorted(MIXED_FINDINGS)

    assert (mixed / "reports/check.log").read_text(encoding="utf-8") == result.stdout
    text = (mixed / "reports/check.txt").read_text(encoding="utf-8")
    assert "\x1b[" not in text  # a file never gets colour
    assert text.startswith("goals.yaml:5:16: warning CB301")
    assert "Found 1 error and 3 warnings in 2 files." in text
    # nothing left behind by the atomic writes
    assert files_under(mixed) == [
        "curribuild.yaml",
        "goals.yaml",
        "reports/check.json",
        "reports/check.log",
        "reports/check.txt",
        "reports/curribuild-junit.xml",
        "results.sarif",
    ]


def test_the_files_match_the_console_format_for_format(run_cli: RunCli, mixed: Path) -> None:
    """``--output F=PATH`` writes exactly what ``--format F`` prints."""
    for fmt in ("json", "sarif", "junit", "parsable", "text"):
        printed = run_cli("check", "--format", fmt, "--color", "never", cwd=mixed)
        written = run_cli("check", "--format", "json", "--output", f"{fmt}=out.{fmt}", cwd=mixed)
        assert (printed.exit_code, written.exit_code) == (1, 1)
        assert (mixed / f"out.{fmt}").read_text(encoding="utf-8") == printed.stdout, fmt


def test_a_passing_check_writes_passing_reports(run_cli: RunCli, tmp_path: Path) -> None:
    root = mixed_repo(tmp_path / "clean", goals="kind: goals\ngoals: []\n")
    result = run_cli("check", "--output", "junit=junit.xml", "--output", "sarif=r.sarif", cwd=root)
    assert result.exit_code == 0, result.output
    assert json.loads((root / "r.sarif").read_text(encoding="utf-8"))["runs"][0]["results"] == []
    suite = ET.fromstring((root / "junit.xml").read_bytes())
    assert suite.get("failures") == "0"


def test_colour_stays_on_the_console(run_cli: RunCli, mixed: Path) -> None:
    result = run_cli(
        "check", "--format", "text", "--color", "always", "--output", "text=t.txt", cwd=mixed
    )
    assert "\x1b[" in result.stdout
    assert "\x1b[" not in (mixed / "t.txt").read_text(encoding="utf-8")


def test_strict_and_filters_apply_to_the_files(run_cli: RunCli, mixed: Path) -> None:
    status, _ = check_json(run_cli, "--ignore", "CB201", "--output", "json=a.json", cwd=mixed)
    assert status == 0
    assert "CB201" not in {
        f["code"] for f in json.loads((mixed / "a.json").read_text())["findings"]
    }
    status, _ = check_json(
        run_cli, "--ignore", "CB201", "--strict", "--output", "junit=j.xml", cwd=mixed
    )
    assert status == 1
    assert ET.fromstring((mixed / "j.xml").read_bytes()).get("failures") != "0"


def test_an_existing_report_is_replaced(run_cli: RunCli, mixed: Path) -> None:
    old = write(mixed, "reports/r.json", "old\n")
    old.chmod(0o444)  # replaced by rename, like every other output
    result = run_cli("check", "--output", "json=reports/r.json", cwd=mixed)
    assert result.exit_code == 1
    assert json.loads(old.read_text(encoding="utf-8"))["summary"]["errors"] == 1
    assert files_under(mixed / "reports") == ["r.json"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["foo"], "--output foo: expected FORMAT=PATH, e.g. --output junit=report.xml"),
        (["=a.xml"], "--output =a.xml: expected FORMAT=PATH"),
        (["xml=a.xml"], "--output xml=a.xml: unknown format 'xml'; FORMAT is one of text, "),
        (["jnuit=a.xml"], "unknown format 'jnuit'; did you mean 'junit'?"),
        (["github=a.txt"], "'github' writes workflow commands for the job log, not a file"),
        (["auto=a.txt"], "'auto' picks a console format"),
        (["junit="], "--output junit=: no file named after '='"),
        (["junit=-"], "a report file cannot be standard output; for that use --format junit"),
        (["junit=goals"], "--output junit=goals: goals is a folder; name a file"),
        (["junit=curribuild.yaml/r.xml"], "curribuild.yaml is not a folder"),
        (["json=a.json", "sarif=./a.json"], "--output json=a.json and --output sarif=./a.json"),
    ],
)
def test_a_bad_output_is_a_usage_error(
    run_cli: RunCli, mixed: Path, values: list[str], message: str
) -> None:
    (mixed / "goals").mkdir()
    before = files_under(mixed)
    args = [arg for value in values for arg in ("--output", value)]
    result = run_cli("check", "--format", "json", *args, cwd=mixed)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert message in result.stderr
    assert result.stdout == ""  # refused before checking
    assert files_under(mixed) == before


def test_an_unwritable_folder_is_a_usage_error(run_cli: RunCli, mixed: Path) -> None:
    # /proc refuses new files even to root, which ignores permission bits
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc here: no folder refuses writes to this user")
    result = run_cli("check", "--output", "junit=/proc/curribuild/r.xml", cwd=mixed)
    assert result.exit_code == 2
    assert "--output junit=/proc/curribuild/r.xml: cannot write in /proc" in result.stderr
    assert result.stdout == ""


def test_a_failed_write_after_the_check_is_a_usage_error(
    run_cli: RunCli, mixed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder that turns unwritable while the check runs: the console report is still
    printed, the other files are written, and the status is 2 with the reason."""
    from curribuild import atomic
    from curribuild.errors import UserError

    real = atomic.write_atomic

    def flaky(path: Path, data: bytes) -> None:
        if path.name == "bad.xml":
            raise UserError(f"cannot write {path}: Read-only file system")
        real(path, data)

    monkeypatch.setattr(atomic, "write_atomic", flaky)
    result = run_cli(
        "check",
        "--format",
        "parsable",
        "--output",
        "junit=bad.xml",
        "--output",
        "json=good.json",
        cwd=mixed,
    )
    assert result.exit_code == 2
    assert "--output junit=bad.xml: cannot write bad.xml: Read-only file system" in result.stderr
    assert len(result.stdout.splitlines()) == len(MIXED_FINDINGS)
    assert (mixed / "good.json").is_file()
    assert not (mixed / "bad.xml").exists()


def test_formats_are_case_insensitive_and_paths_split_at_the_first_equals(
    run_cli: RunCli, mixed: Path
) -> None:
    result = run_cli("check", "--output", "JSON=a=b.json", cwd=mixed)
    assert result.exit_code == 1
    assert json.loads((mixed / "a=b.json").read_text(encoding="utf-8"))["findings"]


def test_parse_outputs() -> None:
    parsed = check_command.parse_outputs(["junit=r.xml", "sarif=out/r.sarif"])
    assert [(r.fmt, r.path.as_posix()) for r in parsed] == [
        ("junit", "r.xml"),
        ("sarif", "out/r.sarif"),
    ]
    assert check_command.parse_outputs([]) == []
    assert set(check_command.OUTPUT_FORMATS) == {"text", "parsable", "json", "sarif", "junit"}


def test_help_documents_output(run_cli: RunCli) -> None:
    result = run_cli("check", "--help")
    assert "--output" in result.stdout
    assert "FORMAT=PATH" in result.stdout
