"""``check`` streams goals files: each goals document is checked while its model is alive,
and only a compact index of it is kept for the cross-file checks (checks/index.py).

A goals file whose first line of content is ``kind: goals`` is streamed; any other
file is loaded whole as before. The two ways must find the same things in the same
places, and the streamed way must not keep the goals.
"""

from __future__ import annotations

import gc
import re
import shutil
from pathlib import Path

import pytest

from conftest import BUNDLED, FIXTURES, write_file
from curribuild.checks import runner
from curribuild.checks.context import LintContext
from curribuild.checks.registry import REFERENCE_CHECKS
from curribuild.checks.runner import CheckOptions, run_check
from curribuild.curriculum import leading_kind
from curribuild.findings import Finding
from curribuild.models.goals import Goal

_KIND = re.compile(r"^kind: goals\b", re.MULTILINE)


def _unstreamed(src: Path, dst: Path) -> int:
    """Copy ``src`` to ``dst`` with every goals file's kind written as ``"kind": goals``
    (the same document, which check then loads whole); returns how many were rewritten."""
    shutil.copytree(src, dst)
    count = 0
    for path in sorted(dst.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        if leading_kind(path) == "goals":
            path.write_text(
                _KIND.sub('"kind": goals', text, count=1),
                encoding="utf-8",
                errors="surrogateescape",
            )
            assert leading_kind(path) is None
            count += 1
    return count


def _found(folder: str) -> list[tuple[str, str, int, int, str, str]]:
    """The findings of checking ``folder`` (relative to the working directory), with the
    folder's name taken out of paths and messages."""
    result = run_check(CheckOptions(paths=[Path(folder)]))
    return sorted(
        (
            f.code,
            f.path.replace(folder, "<root>", 1),
            f.line,
            f.col,
            f.severity.value,
            f.message.replace(folder, "<root>"),
        )
        for f in result.findings
    )


@pytest.mark.parametrize(
    "source",
    [FIXTURES / "invalid", FIXTURES / "lints", BUNDLED],
    ids=["invalid", "lints", "bundled"],
)
def test_streamed_and_loaded_goals_give_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    streamed = tmp_path / "streamed"
    shutil.copytree(source, streamed)
    loaded = tmp_path / "loaded"
    assert _unstreamed(source, loaded) > 0
    found = _found("streamed")
    assert found or source == BUNDLED  # the fixtures are there to be found
    assert _found("loaded") == found


def test_leading_kind_reads_the_first_line_of_content(tmp_path: Path) -> None:
    cases = {
        "plain.yaml": ("kind: goals\ngoals: []\n", "goals"),
        "comment.yaml": ("# goals of day 1\n\n---\nkind: 'goals'  # yes\n", "goals"),
        "bom.yaml": ("\ufeffkind: rules\n", "rules"),
        "second.yaml": ("version: 1\nkind: goals\n", None),
        "indented.yaml": ("  kind: goals\n", None),
        "quoted-key.yaml": ('"kind": goals\n', None),
        "empty.yaml": ("", None),
    }
    for name, (text, kind) in cases.items():
        assert leading_kind(write_file(tmp_path, name, text)) == kind, name
    assert leading_kind(tmp_path / "missing.yaml") is None
    assert leading_kind(tmp_path) is None  # a folder is not opened


def _goals_file(index: int, goals: int) -> str:
    lines = ["kind: goals", "goals:"]
    for j in range(goals):
        lines += [
            f"  - id: g{index}-{j}",
            f"    title: Goal {index}.{j}",
            f"    statement: Explain how practice {index}.{j} supports trust.",
            "    domain: knowledge",
            "    bloom: understand",
            "    topics: [trust-building]",
            "    minutes: 30",
            f"    requires: [g{index}-{j - 1}]" if j else "    requires: []",
        ]
    return "\n".join(lines) + "\n"


def test_no_goal_model_outlives_its_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the cross-file checks run, the streamed goals are in the index only."""
    repo = tmp_path / "repo"
    shutil.copytree(
        BUNDLED / "ran-health-pcve", repo, ignore=shutil.ignore_patterns("goals*", "needs")
    )
    for i in range(20):
        write_file(repo, f"goals/g{i:02d}.yaml", _goals_file(i, 10))
    live: list[int] = []

    class Counting:
        CODE = "CB201"

        @staticmethod
        def check(ctx: LintContext) -> list[Finding]:
            gc.collect()
            live.append(sum(1 for o in gc.get_objects() if isinstance(o, Goal)))
            return []

    monkeypatch.setattr(runner, "REFERENCE_CHECKS", (Counting, *REFERENCE_CHECKS))
    gc.collect()
    before = sum(1 for o in gc.get_objects() if isinstance(o, Goal))  # other tests' caches
    result = run_check(CheckOptions(paths=[repo]))
    # the last document's at most, not the 200 goals of the 20 files
    assert live and max(live) - before <= 10
    assert not [f for f in result.findings if f.severity.value == "error"]


def test_cross_file_findings_in_streamed_files_are_placed(tmp_path: Path) -> None:
    """Unknown prerequisites, cycles and duplicates across streamed files are found
    after the documents are gone, and placed by reading the file again."""
    repo = tmp_path / "repo"
    write_file(repo, "curriculum.yaml", "kind: config\nname: streamed\n")
    shutil.copy(BUNDLED / "ran-health-pcve" / "methods.yaml", repo / "methods.yaml")
    write_file(repo, "goals/a.yaml", _goals_file(1, 3).replace("requires: []", "requires: [g2-1]"))
    write_file(
        repo,
        "goals/b.yaml",
        _goals_file(2, 3).replace("requires: []", "requires: [g1-2, nowhere]")
        + _goals_file(1, 1).replace("kind: goals\ngoals:\n", ""),
    )
    result = run_check(CheckOptions(paths=[repo]))
    found = {(f.code, Path(f.path).name, f.line, f.col): f.message for f in result.findings}
    b = (repo / "goals" / "b.yaml").read_text().splitlines()
    unknown = next(n for n, line in enumerate(b, 1) if "nowhere" in line)
    assert found[("CB201", "b.yaml", unknown, b[unknown - 1].index("nowhere") + 1)] == (
        "goal 'g2-0' requires unknown goal 'nowhere'"
    )
    duplicate = max(n for n, line in enumerate(b, 1) if "id: g1-0" in line)
    assert found[("CB203", "b.yaml", duplicate, 9)] == (
        f"duplicate goal id 'g1-0' (first defined at {(repo / 'goals' / 'a.yaml').as_posix()}:3:9)"
    )
    [cycle] = [m for (code, *_), m in found.items() if code == "CB202"]
    assert cycle.startswith("prerequisite cycle: ") and "g1-0" in cycle and "g2-1" in cycle


def test_a_streamed_goal_overrides_the_base_it_extends(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_file(repo, "curriculum.yaml", "kind: config\nname: local\nextends: ran-health-pcve\n")
    base_goal = next(
        m.group(1)
        for p in sorted((BUNDLED / "ran-health-pcve" / "goals").glob("*.yaml"))
        for m in [re.search(r"- id: (\S+)", p.read_text())]
        if m
    )
    write_file(
        repo,
        "goals/local.yaml",
        "kind: goals\ngoals:\n"
        f"  - id: {base_goal}\n"
        "    title: Local version\n"
        "    statement: Understand the local version.\n"
        "    domain: knowledge\n"
        "    bloom: understand\n"
        "    topics: [trust-building]\n"
        "    minutes: 30\n",
    )
    result = run_check(CheckOptions(paths=[repo]))
    codes = {(f.code, Path(f.path).name) for f in result.findings}
    assert ("CB203", "local.yaml") not in codes  # a later layer may redefine an id
    assert ("CB301", "local.yaml") in codes  # and its goal is checked as its own
