"""Terminal output (issue 16, item 8): the plan summary lists each dropped goal once and at
most ten of them; ``check`` shows progress on a terminal when the work is long, and never
when its output is piped or it runs in CI."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import clean_env
from curribuild.commands.check import CI_VARIABLES, LateProgress, wants_progress
from curribuild.commands.plan import MAX_LISTED
from lint_helpers import RunCli
from planner_helpers import CLI_RULES, FAST_SOLVER, goal, method, needs_data, write_curriculum
from planner_helpers import write_doc as write_yaml

# --- plan: dropped goals --------------------------------------------------------------------


def many_drops(base: Path, goals: int) -> Path:
    """A one-day request for ``goals`` one-hour goals, each meeting a low gap: six fit."""
    ids = [f"goal-{i:03d}" for i in range(goals)]
    write_curriculum(
        base / "cur",
        goals=[goal(gid) for gid in ids],
        methods=[method("lecture", name="Lecture")],
        rules=CLI_RULES,
        config=FAST_SOLVER,
    )
    write_yaml(
        base / "needs.yaml",
        needs_data(curriculum="cur", gaps=[{"topic": gid, "priority": "low"} for gid in ids]),
    )
    return base / "needs.yaml"


def dropped_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("  goal-")]


def test_plan_lists_each_dropped_goal_once_and_caps_the_list(
    run_cli: RunCli, tmp_path: Path
) -> None:
    many_drops(tmp_path, 40)
    result = run_cli("plan", "needs.yaml", "-o", "plan.json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    dropped = [d["id"] for d in plan["goals"]["dropped"]]
    assert len(dropped) > MAX_LISTED  # the request does drop more than the cap
    out = result.stdout
    assert f"Not in the plan ({len(dropped)}):" in out
    listed = dropped_lines(out)
    assert len(listed) == MAX_LISTED
    assert [line.split(":")[0].strip() for line in listed] == dropped[:MAX_LISTED]
    for gid in dropped:  # once at most: no second line from the CB308 finding
        assert out.count(f"'{gid}'") + out.count(f"  {gid}:") <= 1, gid
    assert "CB308" not in out
    more = len(dropped) - MAX_LISTED
    assert (
        f"  and {more} more: see plan.json (goals.dropped) "
        "or `curribuild explain needs.yaml --goal ID`"
    ) in out
    # the summary stays short whatever the number of drops
    assert len(out.splitlines()) <= 2 * MAX_LISTED + 15


def test_plan_summary_on_stderr_points_at_the_plan_json(run_cli: RunCli, tmp_path: Path) -> None:
    many_drops(tmp_path, 40)
    result = run_cli("plan", "needs.yaml", "-o", "-", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["goals"]["dropped"]
    assert len(dropped_lines(result.stderr)) == MAX_LISTED
    assert "more: see the plan JSON (goals.dropped)" in result.stderr


def test_plan_with_few_drops_lists_them_all(run_cli: RunCli, tmp_path: Path) -> None:
    many_drops(tmp_path, 9)  # six fit, three dropped
    result = run_cli("plan", "needs.yaml", "-o", "plan.json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "Not in the plan (3):" in result.stdout
    assert len(dropped_lines(result.stdout)) == 3
    assert " more: see " not in result.stdout


# --- check: progress ------------------------------------------------------------------------


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


NO_CI = {"TERM": "xterm-256color"}


def test_progress_only_on_a_terminal_outside_ci() -> None:
    assert wants_progress(Terminal(), NO_CI)
    assert not wants_progress(io.StringIO(), NO_CI)  # piped or redirected
    for name in CI_VARIABLES:
        assert not wants_progress(Terminal(), {**NO_CI, name: "true"}), name
    assert not wants_progress(Terminal(), {**NO_CI, "CI": "1"})
    assert wants_progress(Terminal(), {**NO_CI, "CI": "false"})
    assert wants_progress(Terminal(), {**NO_CI, "CI": ""})
    assert not wants_progress(Terminal(), {"TERM": "dumb"})


def test_late_progress_appears_when_the_work_is_long_and_is_erased() -> None:
    stream = Terminal()
    with LateProgress(stream, "Checking curriculum files", color=False, delay=0.05) as progress:
        time.sleep(0.5)
    assert progress.shown
    text = stream.getvalue()
    assert "Checking curriculum files" in text
    assert "0:00:00" in text  # the elapsed time
    assert "\x1b[?25h" in text  # the cursor is shown again
    assert text.endswith("\r\x1b[1A\x1b[2K")  # and the line erased


def test_late_progress_stays_silent_when_the_work_is_short() -> None:
    stream = Terminal()
    with LateProgress(stream, "Checking curriculum files", color=False, delay=5) as progress:
        pass
    assert not progress.shown
    assert stream.getvalue() == ""


GOALS_FILE = """kind: goals
goals:
{goals}"""
GOAL = """  - id: goal-{file}-{index}
    title: Goal {file} {index}
    statement: Explain topic {index} of file {file}.
    domain: knowledge
    bloom: understand
    topics: [topic-{index}]
    minutes: 30
"""
FILES = 1000  # seconds of checking (20,000 goals): past the progress delay on any machine


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big-repo")
    (root / "curribuild.yaml").write_text("kind: config\nname: big\n", encoding="utf-8")
    goals = root / "goals"
    goals.mkdir()
    for file in range(FILES):
        text = GOALS_FILE.format(
            goals="".join(GOAL.format(file=file, index=index) for index in range(20))
        )
        (goals / f"goals-{file:04d}.yaml").write_text(text, encoding="utf-8")
    return root


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in clean_env().items() if k not in CI_VARIABLES}
    env["TERM"] = "xterm-256color"
    env.update(extra)
    return env


def check_with_stderr_on_a_pty(
    repo: Path, env: dict[str, str], out: Path
) -> tuple[int, bytes, bytes]:
    """``curribuild check --format json`` with stderr on a pseudo-terminal and stdout to a
    file: the exit status, stdout and what the terminal received."""
    try:
        master, slave = os.openpty()
    except OSError as exc:  # e.g. a container without /dev/ptmx
        pytest.skip(f"no pseudo-terminal to run check on: {exc}")
    try:
        with out.open("wb") as stdout:
            proc = subprocess.Popen(
                [sys.executable, "-m", "curribuild", "check", ".", "--format", "json"],
                cwd=repo,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=slave,
            )
    finally:
        os.close(slave)
    received = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        received.append(data)
    os.close(master)
    status = proc.wait(timeout=300)
    return status, out.read_bytes(), b"".join(received)


def test_check_shows_progress_on_a_terminal(big_repo: Path, tmp_path: Path) -> None:
    status, stdout, terminal = check_with_stderr_on_a_pty(
        big_repo, environment(), tmp_path / "out.json"
    )
    assert status == 0, terminal[-2000:]
    assert json.loads(stdout)["summary"]["files"] == FILES + 1
    assert b"Checking curriculum files" in terminal
    assert b"0:00:0" in terminal  # the elapsed time
    assert b"\x1b[?25h" in terminal  # the cursor is shown again
    assert terminal.endswith(b"\x1b[1A\x1b[2K")  # and the line erased


def test_check_shows_no_progress_in_ci_even_on_a_terminal(big_repo: Path, tmp_path: Path) -> None:
    status, stdout, terminal = check_with_stderr_on_a_pty(
        big_repo, environment(CI="true"), tmp_path / "out.json"
    )
    assert status == 0, terminal[-2000:]
    assert json.loads(stdout)["summary"]["files"] == FILES + 1
    assert terminal == b""


def test_check_shows_no_progress_when_piped(big_repo: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "curribuild", "check", ".", "--format", "json"],
        cwd=big_repo,
        env=environment(),
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["summary"]["files"] == FILES + 1
    assert done.stderr == b""
