"""Helpers of the lint, reporter, init and schema tests: fixtures, runs, findings."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
LINT_FIXTURES = TESTS / "fixtures" / "lints"
BUNDLED_CURRICULUM = REPO / "curricula" / "ran-health-pcve"

RunCli = Callable[..., Any]


def lint_fixture(name: str) -> Path:
    """The folder ``tests/fixtures/lints/NAME`` (it must exist)."""
    folder = LINT_FIXTURES / name
    assert folder.is_dir(), f"missing fixture folder {folder}"
    return folder


def copy_fixture(name: str, dest: Path) -> Path:
    """A copy of lint fixture ``name`` at ``dest`` (to change it without touching the tree)."""
    shutil.copytree(lint_fixture(name), dest)
    return dest


def write(root: Path, name: str, text: str) -> Path:
    """Write ``text`` to ``root/name`` (folders created); returns the path."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in ``path`` by ``new``."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def check_json(run_cli: RunCli, *args: str, cwd: Path) -> tuple[int, list[dict[str, Any]]]:
    """``curribuild check --format json ARGS`` in ``cwd``: the exit status and the findings."""
    result = run_cli("check", "--format", "json", *args, cwd=cwd)
    assert "Traceback" not in result.output
    data = json.loads(result.stdout)
    assert data["summary"]["exit_code"] == result.exit_code
    return result.exit_code, data["findings"]


def located(findings: list[dict[str, Any]], *codes: str) -> list[str]:
    """``path:line:col CODE`` of each finding (only ``codes``, when given), in report order."""
    return [
        f"{f['path']}:{f['line']}:{f['col']} {f['code']}"
        for f in findings
        if not codes or f["code"] in codes
    ]


def severities(findings: list[dict[str, Any]]) -> set[str]:
    return {f["severity"] for f in findings}


def parsable_lines(output: str) -> list[str]:
    """The ``path:line:col: [severity] message (CODE)`` lines of a report."""
    return [line for line in output.splitlines() if line and not line.startswith("::")]


# A repository that extends the bundled curriculum, for config and reporter tests.
REPO_CONFIG = """\
kind: config
name: config-fixture
extends: ran-health-pcve
"""

# CB301 + CB401 on line 5, CB302 on line 14 (warnings), CB201 on line 17 (an error).
MIXED_GOALS = """\
kind: goals
goals:
  - id: vague
    title: Vague
    statement: Understand the crazy world.
    domain: knowledge
    bloom: understand
    topics: [stigma-and-language]
    minutes: 30
  - id: listing
    title: Listing
    statement: List the warning behaviours.
    domain: knowledge
    bloom: evaluate
    topics: [stigma-and-language]
    minutes: 30
    requires: [vauge]
"""

MIXED_FINDINGS = [
    "goals.yaml:5:16 CB301",
    "goals.yaml:5:31 CB401",
    "goals.yaml:14:12 CB302",
    "goals.yaml:17:16 CB201",
]


def mixed_repo(root: Path, config: str = "", goals: str = MIXED_GOALS) -> Path:
    """``curribuild.yaml`` (+ ``config``) and ``goals.yaml`` (default: MIXED_GOALS)."""
    write(root, "curribuild.yaml", REPO_CONFIG + config)
    write(root, "goals.yaml", goals)
    return root
