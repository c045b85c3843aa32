"""Start-up stays light: ``--help`` and ``--version`` load no pydantic, jinja2 or yaml.

Each command imports what it needs when it runs (DESIGN.md section 11).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import clean_env

HEAVY = ("pydantic", "pydantic_core", "jinja2", "yaml", "_yaml")

# Runs the console-script entry point with patched argv, then reports the
# top-level modules that were imported, as JSON on the last line of stderr.
PROBE = """
import json, sys
sys.argv = ["curribuild", *{args!r}]
from curribuild.cli import main
code = None
try:
    main()
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
print(json.dumps({{"code": code, "modules": sorted({{m.split(".")[0] for m in sys.modules}})}}),
      file=sys.stderr)
"""


def imported_after(args: list[str], cwd: Path) -> tuple[int | None, set[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args)],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"]), done.stdout


# Only the top level: Typer (0.29) itself imports pydantic to coerce the options
# of a subcommand, so `curribuild check --help` cannot be kept free of it.
@pytest.mark.parametrize("args", [["--help"], ["-h"], ["--version"], ["-V"]])
def test_light_commands_import_no_heavy_modules(tmp_path: Path, args: list[str]) -> None:
    code, modules, stdout = imported_after(args, tmp_path)
    assert code in (0, None)
    assert "curribuild" in stdout  # it did print the help or the version
    assert sorted(modules & set(HEAVY)) == []


def test_probe_sees_heavy_modules_when_a_command_runs(tmp_path: Path) -> None:
    """The probe itself works: running ``check`` does load pydantic and yaml."""
    (tmp_path / "goals.yaml").write_text("kind: goals\ngoals: []\n", encoding="utf-8")
    code, modules, _ = imported_after(["check", "goals.yaml", "--format", "parsable"], tmp_path)
    assert code == 0
    assert {"pydantic", "yaml"} <= modules


def test_version_with_importtime_has_no_heavy_modules(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "curribuild", "--version"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "curribuild" in imported
    assert sorted(imported & set(HEAVY)) == []


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "parsable", "github"])
def test_machine_formats_of_check_load_no_terminal_library(tmp_path: Path, fmt: str) -> None:
    """Only the text report draws on a terminal: the others import no ``rich`` (issue 14),
    and no command-specific heavy library (the solver, the spreadsheet reader)."""
    (tmp_path / "goals.yaml").write_text("kind: goals\ngoals: []\n", encoding="utf-8")
    code, modules, stdout = imported_after(["check", "goals.yaml", "--format", fmt], tmp_path)
    assert code == 0 and (stdout or fmt == "parsable")  # parsable: a line per finding
    assert {"rich", "ortools", "openpyxl"} & modules == set()
    # the text report does draw with rich: the probe would see it
    _, text_modules, _ = imported_after(["check", "goals.yaml", "--format", "text"], tmp_path)
    assert "rich" in text_modules
