"""The command line: `check` and `codes`, exit statuses, formats, the installed program."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import BUNDLED, FIXTURES, REPO, clean_env
from curribuild import __version__, resources

RunCli = Callable[..., Any]

# The "done when" case of the foundation: one goals file, three different problems.
DONE_WHEN = """\
kind: goals
goals:
  - id: first-goal
    title: First goal
    statement: Explain why a mental disorder is neither necessary nor sufficient.
    domain: knowledge
    bloom: understand
    topics: [topic-a]
    minutes: 60
    minutes: 45
  - id: second-goal
    title: Second goal
    statment: Describe the main warning signs.
    domain: knowledge
    bloom: remember
    topics: [topic-b]
    minutes: 30
    requires: [frist-goal]
"""
DONE_WHEN_PARSABLE = (
    "goals.yaml:10:5: [error] duplicate key 'minutes' (first defined at line 9) (CB002)\n"
    "goals.yaml:13:5: [error] unknown field 'statment'; did you mean 'statement'? (CB101)\n"
    "goals.yaml:18:16: [error] goal 'second-goal' requires unknown goal 'frist-goal';"
    " did you mean 'first-goal'? (CB201)\n"
)

GAP_CASE = FIXTURES / "invalid" / "gap-topic-untaught"


def assert_no_traceback(result: Any) -> None:
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


@pytest.fixture
def done_when(tmp_path: Path, write: Callable[[str, str], Path]) -> Path:
    write("goals.yaml", DONE_WHEN)
    return tmp_path


# --- version and help ---------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(run_cli: RunCli, flag: str) -> None:
    result = run_cli(flag)
    assert result.exit_code == 0
    assert result.stdout == f"curribuild {__version__}\n"


def test_version_matches_package_metadata() -> None:
    from importlib.metadata import version

    assert version("curribuild") == __version__


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_commands(run_cli: RunCli, flag: str) -> None:
    result = run_cli(flag)
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    for command in ("check", "codes"):
        assert command in result.stdout


def test_check_help_documents_options(run_cli: RunCli) -> None:
    result = run_cli("check", "--help")
    assert result.exit_code == 0
    for option in ("--format", "--strict", "--select", "--ignore"):
        assert option in result.stdout


# --- check: the bundled curriculum ---------------------------------------------------------


def test_check_bundled_curricula_passes(run_cli: RunCli) -> None:
    result = run_cli("check", "curricula", "--format", "parsable", cwd=REPO)
    assert result.exit_code == 0, result.output
    assert "[error]" not in result.stdout
    assert_no_traceback(result)


def test_check_bundled_curricula_text_summary(run_cli: RunCli) -> None:
    result = run_cli("check", "curricula", "--format", "text", cwd=REPO)
    assert result.exit_code == 0, result.output
    assert " 0 errors" in result.stdout or "All checks passed" in result.stdout


# --- check: the "done when" case ------------------------------------------------------------


def test_done_when_parsable(run_cli: RunCli, done_when: Path) -> None:
    result = run_cli("check", "goals.yaml", "--format", "parsable", cwd=done_when)
    assert result.exit_code == 1
    assert result.stdout == DONE_WHEN_PARSABLE
    assert_no_traceback(result)


def test_done_when_default_path_is_cwd(run_cli: RunCli, done_when: Path) -> None:
    result = run_cli("check", "--format", "parsable", cwd=done_when)
    assert result.exit_code == 1
    assert result.stdout == DONE_WHEN_PARSABLE


def test_done_when_auto_format_is_parsable_when_not_a_terminal(
    run_cli: RunCli, done_when: Path
) -> None:
    result = run_cli("check", cwd=done_when)
    assert result.exit_code == 1
    assert result.stdout == DONE_WHEN_PARSABLE


def test_done_when_json(run_cli: RunCli, done_when: Path) -> None:
    result = run_cli("check", "--format", "json", cwd=done_when)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    found = [(f["path"], f["line"], f["col"], f["code"], f["severity"]) for f in data["findings"]]
    assert found == [
        ("goals.yaml", 10, 5, "CB002", "error"),
        ("goals.yaml", 13, 5, "CB101", "error"),
        ("goals.yaml", 18, 16, "CB201", "error"),
    ]
    typo = data["findings"][1]
    assert typo["field"] == "goals[1].statment"
    assert typo["fix"] == "rename it to 'statement'"
    assert data["summary"] == {
        "documents": 1,
        "errors": 3,
        "exit_code": 1,
        "files": 1,
        "infos": 0,
        "warnings": 0,
    }
    assert_no_traceback(result)


def test_done_when_text(run_cli: RunCli, done_when: Path) -> None:
    result = run_cli("check", "--format", "text", cwd=done_when)
    assert result.exit_code == 1
    out = result.stdout
    assert "goals.yaml:10:5: error CB002 duplicate key 'minutes' (first defined at line 9)" in out
    assert "goals.yaml:13:5: error CB101 unknown field 'statment'; did you mean 'statement'?" in out
    assert "goals.yaml:18:16: error CB201 goal 'second-goal' requires unknown goal" in out
    # the source line and a caret under column 16
    lines = out.splitlines()
    index = lines.index("   18 |     requires: [frist-goal]")
    assert lines[index + 1] == "      |                ^"
    assert "fix: rename it to 'statement'" in out
    assert "Found 3 errors and 0 warnings in 1 file." in out
    assert "\x1b[" not in out  # NO_COLOR and not a terminal
    assert_no_traceback(result)


# --- check: --select, --ignore, --strict -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        (["--select", "CB1"], ["CB101"]),
        (["--select", "CB0,CB201"], ["CB002", "CB201"]),
        (["--select", "CB002", "--select", "CB201"], ["CB002", "CB201"]),
        (["--select", "cb101"], ["CB101"]),
        (["--ignore", "CB2"], ["CB002", "CB101"]),
        (["--ignore", "CB002,CB101"], ["CB201"]),
        (["--select", "CB", "--ignore", "CB1"], ["CB002", "CB201"]),
    ],
)
def test_select_and_ignore(
    run_cli: RunCli, done_when: Path, args: list[str], codes: list[str]
) -> None:
    result = run_cli("check", "--format", "json", *args, cwd=done_when)
    found = [f["code"] for f in json.loads(result.stdout)["findings"]]
    assert found == codes
    assert result.exit_code == 1


@pytest.mark.parametrize(("option", "value"), [("--select", "XYZ"), ("--ignore", "CB1O1")])
def test_unknown_selector_is_a_usage_error(
    run_cli: RunCli, done_when: Path, option: str, value: str
) -> None:
    """Like ruff, and like `select:` in the config: a selector that names no code is an error,
    not a silent "select nothing" that turns a CI check green."""
    result = run_cli("check", option, value, "--format", "parsable", cwd=done_when)
    assert result.exit_code == 2
    assert value in result.stderr
    assert_no_traceback(result)


def test_ignoring_every_error_exits_zero(run_cli: RunCli, done_when: Path) -> None:
    result = run_cli("check", "--format", "parsable", "--ignore", "CB0,CB1,CB2", cwd=done_when)
    assert result.exit_code == 0
    assert result.stdout == ""


def test_warning_passes_without_strict_and_fails_with_it(
    run_cli: RunCli, tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(
        "goals.yaml",
        "kind: goals\ngoals:\n  - id: g\n    title: Crazy ideas and insane claims\n"
        "    statement: Explain the claims.\n    domain: knowledge\n    bloom: understand\n"
        "    topics: [ideologies]\n    minutes: 30\n",
    )
    args = ("check", "--format", "parsable", "--select", "CB401")
    plain = run_cli(*args, cwd=tmp_path)
    assert plain.exit_code == 0
    assert plain.stdout.count("[warning]") == 2
    assert "goals.yaml:4:12: [warning]" in plain.stdout
    strict = run_cli(*args, "--strict", cwd=tmp_path)
    assert strict.exit_code == 1
    assert strict.stdout == plain.stdout


def test_strict_without_findings_exits_zero(run_cli: RunCli) -> None:
    result = run_cli("check", "--strict", "--select", "CB0,CB1,CB2", cwd=FIXTURES / "valid")
    assert result.exit_code == 0
    assert result.stdout == ""


# --- check: usage errors and hostile input ----------------------------------------------------


def test_missing_path_exits_2(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("check", "does-not-exist.yaml", cwd=tmp_path)
    assert result.exit_code == 2
    assert "does-not-exist.yaml" in result.stderr
    assert result.stdout == ""
    assert_no_traceback(result)


def test_missing_path_among_good_ones_exits_2(run_cli: RunCli, done_when: Path) -> None:
    result = run_cli("check", "goals.yaml", "nope", cwd=done_when)
    assert result.exit_code == 2
    assert "nope" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["check", "--bogus"], ["check", "--format", "xml"], ["no-such-command"]],
)
def test_usage_errors_exit_2(run_cli: RunCli, tmp_path: Path, args: list[str]) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert result.exit_code == 2
    assert_no_traceback(result)


HOSTILE = {
    "alias-bomb.yaml": (
        'kind: goals\na: &a ["lol","lol"]\nb: &b [*a,*a]\nc: [*b,*b]\n',
        "alias-bomb.yaml:2:4: [error] anchor &a is not supported (CB003)\n",
    ),
    "deep.yaml": (
        "kind: goals\ngoals: " + "[" * 100_000 + "\n",
        "deep.yaml:2:71: [error] nesting is deeper than the limit of 64 levels (CB007)\n",
    ),
    "python.yaml": (
        "kind: goals\ngoals: !!python/object/apply:os.system ['true']\n",
        "python.yaml:2:8: [error] tag !!python/object/apply:os.system is not supported (CB004)\n",
    ),
    "list.yaml": (
        "- kind: goals\n",
        "list.yaml:1:1: [error] top level of the document is a list, not a mapping (CB010)\n",
    ),
    "empty.yaml": ("", "empty.yaml:1:1: [error] file holds no YAML document (CB009)\n"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_named_explicitly(
    run_cli: RunCli, tmp_path: Path, write: Callable[[str, str], Path], name: str
) -> None:
    text, expected = HOSTILE[name]
    write(name, text)
    result = run_cli("check", name, "--format", "parsable", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout == expected
    assert_no_traceback(result)


def test_bad_bytes_reported_with_location(
    run_cli: RunCli, tmp_path: Path, write: Callable[[str, bytes], Path]
) -> None:
    write("bad.yaml", b"kind: goals\ntitle: caf\xe9\n")
    write("utf16.yaml", "kind: goals\n".encode("utf-16"))
    write("nul.yaml", b"kind: goals\x00\n")
    result = run_cli("check", "bad.yaml", "nul.yaml", "utf16.yaml", "-f", "parsable", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "bad.yaml:2:11: [error] invalid UTF-8 byte 0xe9 (CB005)",
        "nul.yaml:1:12: [error] NUL byte is not allowed in YAML (the file may be UTF-16 without"
        " a BOM) (CB005)",
        "utf16.yaml:1:1: [error] file is UTF-16 or UTF-32 encoded; curribuild reads UTF-8 only"
        " (CB005)",
    ]
    text = run_cli("check", "-f", "text", cwd=tmp_path)
    assert text.exit_code == 1
    assert_no_traceback(text)


@pytest.mark.parametrize(
    "paths",
    [["goals.yaml", "{abs}/goals.yaml"], [".", "{abs}"], ["{abs}", "goals.yaml"]],
    ids=["file-twice", "folder-twice", "folder-and-file"],
)
def test_same_files_named_twice_are_checked_once(run_cli: RunCli, paths: list[str]) -> None:
    """A file reached by two spellings of its path is one file, not a duplicate of itself."""
    valid = FIXTURES / "valid"
    args = [p.format(abs=valid.as_posix()) for p in paths]
    result = run_cli("check", *args, "--format", "parsable", "--select", "CB0,CB1,CB2", cwd=valid)
    assert result.stdout == ""
    assert result.exit_code == 0


def test_raised_depth_limit_in_repo_config_still_reports_findings(
    run_cli: RunCli, tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    """`limits.max_depth` from `curribuild.yaml` applies to locating findings too."""
    write("curribuild.yaml", "kind: config\nlimits:\n  max_depth: 200\n")
    write("goals.yaml", "kind: goals\ngoals: []\nnotes: " + "[" * 80 + "]" * 80 + "\n")
    result = run_cli("check", "--format", "parsable", "--select", "CB0,CB1,CB2", cwd=tmp_path)
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert result.stdout == "goals.yaml:3:1: [error] unknown field 'notes' (CB101)\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX-only")
def test_named_pipe_in_checked_folder_does_not_hang(tmp_path: Path) -> None:
    """A FIFO called *.yaml (hostile or accidental) must not block `check` forever."""
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "goals.yaml").write_text(DONE_WHEN, encoding="utf-8")
    try:
        done = subprocess.run(
            [entry_point(), "check", ".", "--format", "parsable"],
            cwd=tmp_path,
            env=clean_env(),
            capture_output=True,
            text=True,
            timeout=15,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("curribuild check blocked reading a named pipe")
    assert "Traceback" not in done.stderr
    assert done.returncode == 1
    assert DONE_WHEN_PARSABLE in done.stdout


# --- codes ----------------------------------------------------------------------------------


def test_codes_lists_every_foundation_code(run_cli: RunCli) -> None:
    result = run_cli("codes")
    assert result.exit_code == 0
    for code in [f"CB{n:03d}" for n in range(1, 14)] + ["CB101", "CB102", "CB103"]:
        assert code in result.stdout
    for code in [f"CB{n}" for n in range(201, 208)]:
        assert code in result.stdout
    assert "unknown-field" in result.stdout


@pytest.mark.parametrize("code", ["CB101", "cb101"])
def test_codes_prints_one_code(run_cli: RunCli, code: str) -> None:
    result = run_cli("codes", code)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("CB101 unknown-field")
    assert "## What it finds" in out
    assert "sensitve: true" in out  # the failing example
    assert "sensitive: true" in out  # the passing one
    assert "Default severity: error" in out


def test_codes_warning_default_severity(run_cli: RunCli) -> None:
    result = run_cli("codes", "CB401")
    assert result.exit_code == 0
    assert "Default severity: warning" in result.stdout


@pytest.mark.parametrize("code", ["CB999", "XYZ", "CB10"])
def test_unknown_code_exits_2(run_cli: RunCli, code: str) -> None:
    result = run_cli("codes", code)
    assert result.exit_code == 2
    assert "unknown check code" in result.stderr
    assert result.stdout == ""
    assert_no_traceback(result)


def test_unknown_code_suggests_close_one(run_cli: RunCli) -> None:
    result = run_cli("codes", "CB-101")
    assert result.exit_code == 2
    assert "did you mean 'CB101'?" in result.stderr


# --- the installed program ------------------------------------------------------------------


def entry_point() -> str:
    """The installed ``curribuild`` script of this interpreter's environment."""
    beside = Path(sys.executable).parent / "curribuild"
    if beside.is_file():
        return str(beside)
    found = shutil.which("curribuild")
    assert found, "the curribuild entry point is not installed"
    return found


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("how", ["script", "module"])
def test_installed_version(tmp_path: Path, how: str) -> None:
    cmd = [entry_point()] if how == "script" else [sys.executable, "-m", "curribuild"]
    done = run([*cmd, "--version"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"curribuild {__version__}\n"
    assert done.stderr == ""


@pytest.mark.parametrize("how", ["script", "module"])
def test_installed_check_of_bundled_curricula_from_elsewhere(tmp_path: Path, how: str) -> None:
    cmd = [entry_point()] if how == "script" else [sys.executable, "-m", "curribuild"]
    done = run([*cmd, "check", str(BUNDLED), "--format", "parsable"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[error]" not in done.stdout
    assert "Traceback" not in done.stderr


def test_installed_check_done_when(tmp_path: Path) -> None:
    (tmp_path / "goals.yaml").write_text(DONE_WHEN, encoding="utf-8")
    done = run([entry_point(), "check", "goals.yaml"], tmp_path)  # auto: not a terminal
    assert done.returncode == 1
    assert done.stdout == DONE_WHEN_PARSABLE
    assert "Traceback" not in done.stderr


def test_installed_missing_path_exits_2(tmp_path: Path) -> None:
    done = run([entry_point(), "check", "missing-folder"], tmp_path)
    assert done.returncode == 2
    assert "missing-folder" in done.stderr
    assert "Traceback" not in done.stderr


def test_needs_outside_any_curriculum_uses_the_bundled_one(tmp_path: Path) -> None:
    (tmp_path / "needs.yaml").write_text(
        "kind: needs\nid: course\ntitle: A course\ngaps:\n  - topic: zz-no-such-topic\n",
        encoding="utf-8",
    )
    done = run([entry_point(), "check", "needs.yaml", "--format", "parsable"], tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stdout == (
        "needs.yaml:5:12: [error] gap topic 'zz-no-such-topic' is taught by no goal of"
        " curriculum 'ran-health-pcve' (CB206)\n"
    )


def test_needs_naming_an_unknown_curriculum_is_cb207(tmp_path: Path) -> None:
    (tmp_path / "needs.yaml").write_text(
        "kind: needs\nid: course\ntitle: A course\ncurriculum: no-such-curriculum\n",
        encoding="utf-8",
    )
    done = run([entry_point(), "check", "needs.yaml", "--format", "parsable"], tmp_path)
    assert done.returncode == 1
    assert done.stdout.startswith(
        "needs.yaml:4:13: [error] curriculum 'no-such-curriculum' not found"
    )
    assert done.stdout.rstrip().endswith("(CB207)")


def test_bundled_curriculum_resource_is_a_directory() -> None:
    path = resources.bundled_curriculum("ran-health-pcve")
    assert path is not None
    assert path.is_dir()
    assert "ran-health-pcve" in resources.bundled_curricula()
    assert resources.bundled_curriculum("no-such-curriculum") is None
    assert resources.bundled_curriculum("../ran-health-pcve") is None


def test_bundled_curriculum_resource_from_elsewhere(tmp_path: Path) -> None:
    code = (
        "from curribuild.resources import bundled_curriculum as b\n"
        "p = b('ran-health-pcve')\n"
        "print(p is not None and p.is_dir() and any(p.glob('*.yaml')))\n"
    )
    done = run([sys.executable, "-c", code], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "True\n"
