"""Atomic outputs (DESIGN §10): an interrupted write leaves the previous file intact.

Failures are injected between writing the temporary file and renaming it over
the target (``fsync`` or ``Path.replace`` raising), in ``write_atomic`` itself
and through the ``plan`` and ``render`` commands. A subprocess test kills
``curribuild plan`` with SIGKILL at moments spread over its run time and checks
the output is always the complete old or the complete new plan.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import cast

import pytest
from typer.testing import CliRunner

from curribuild import atomic
from curribuild.atomic import write_atomic, write_output
from curribuild.cli import app
from curribuild.errors import UserError

REPO = Path(__file__).resolve().parent.parent
NEEDS = REPO / "curricula" / "ran-health-pcve" / "needs"
NEW_NEEDS = NEEDS / "forensic-psychiatry-in-person.yaml"
OLD_NEEDS = NEEDS / "first-line-basics.yaml"

OLD = b'{"old": true}\n'
NEW = b'{"new": true, "padding": "' + b"x" * 100_000 + b'"}\n'


class Injected(OSError):
    """The failure the tests inject."""


def _fail(*args: object, **kwargs: object) -> None:
    raise Injected(28, "No space left on device (injected)")


def _target(tmp_path: Path) -> Path:
    target = tmp_path / "out" / "plan.json"
    target.parent.mkdir()
    target.write_bytes(OLD)
    return target


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


# --- write_atomic ------------------------------------------------------------------------


def test_new_content_replaces_old_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = _target(tmp_path)
    write_atomic(target, NEW)
    assert target.read_bytes() == NEW
    assert _leftovers(target.parent, {"plan.json"}) == []


def test_failed_rename_keeps_the_old_file_and_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _target(tmp_path)
    monkeypatch.setattr(Path, "replace", _fail)
    with pytest.raises(UserError, match="cannot write"):
        write_atomic(target, NEW)
    assert target.read_bytes() == OLD
    assert _leftovers(target.parent, {"plan.json"}) == []


def test_failed_fsync_keeps_the_old_file_and_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _target(tmp_path)
    monkeypatch.setattr(os, "fsync", _fail)
    with pytest.raises(UserError, match="cannot write"):
        write_atomic(target, NEW)
    assert target.read_bytes() == OLD
    assert _leftovers(target.parent, {"plan.json"}) == []


def test_failed_os_replace_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whichever rename the implementation uses, a failing one leaves the old file."""
    target = _target(tmp_path)
    monkeypatch.setattr(os, "replace", _fail)
    monkeypatch.setattr(os, "rename", _fail)
    with pytest.raises(UserError, match="cannot write"):
        write_atomic(target, NEW)
    assert target.read_bytes() == OLD
    assert _leftovers(target.parent, {"plan.json"}) == []


def test_interrupt_before_rename_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C between write and rename: the interrupt propagates, nothing is half-written."""
    target = _target(tmp_path)

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, NEW)
    assert target.read_bytes() == OLD
    assert _leftovers(target.parent, {"plan.json"}) == []


def test_the_temp_file_is_written_in_the_target_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same folder, so the rename never crosses a file system; the data is fsynced first."""
    target = _target(tmp_path)
    seen: list[tuple[str, object]] = []
    real_replace = Path.replace
    real_fsync = os.fsync

    def spy_fsync(fd: int) -> None:
        seen.append(("fsync", fd))
        real_fsync(fd)

    def spy_replace(self: Path, other: str | Path) -> Path:
        seen.append(("replace", (self.parent.resolve(), self.read_bytes())))
        return real_replace(self, other)

    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(Path, "replace", spy_replace)
    write_atomic(target, NEW)
    steps = [name for name, _ in seen]
    assert "fsync" in steps and "replace" in steps
    assert steps.index("fsync") < steps.index("replace")
    folder, written = cast(tuple[Path, bytes], next(v for name, v in seen if name == "replace"))
    assert folder == target.parent.resolve()
    assert written == NEW
    assert target.read_bytes() == NEW


def test_missing_folders_are_created(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "plan.json"
    write_atomic(target, NEW)
    assert target.read_bytes() == NEW
    assert _leftovers(target.parent, {"plan.json"}) == []


def test_a_directory_target_is_a_user_error_and_stays_a_directory(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.mkdir()
    with pytest.raises(UserError, match="directory"):
        write_atomic(target, NEW)
    assert target.is_dir()
    assert list(target.iterdir()) == []
    assert _leftovers(tmp_path, {"plan.json"}) == []


def test_stdout_output_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert write_output("-", "text\n") == "<stdout>"
    assert capsys.readouterr().out == "text\n"
    assert list(tmp_path.iterdir()) == []


def test_write_output_uses_the_atomic_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = _target(tmp_path)
    monkeypatch.setattr(Path, "replace", _fail)
    with pytest.raises(UserError):
        atomic.write_output(target, NEW.decode())
    assert target.read_bytes() == OLD


# --- through the commands ----------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("CURRIBUILD_DEBUG", raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_plan_with_a_failing_rename_keeps_the_previous_plan(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cli.invoke(app, ["plan", str(OLD_NEEDS), "-o", "build/plan.json"])
    assert first.exit_code == 0, first.output
    previous = (tmp_path / "build" / "plan.json").read_bytes()
    monkeypatch.setattr(Path, "replace", _fail)
    result = cli.invoke(app, ["plan", str(NEW_NEEDS), "-o", "build/plan.json"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "cannot write" in result.output
    assert (tmp_path / "build" / "plan.json").read_bytes() == previous
    assert _leftovers(tmp_path / "build", {"plan.json"}) == []


def test_plan_with_a_failing_fsync_keeps_the_previous_plan(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cli.invoke(app, ["plan", str(OLD_NEEDS), "-o", "build/plan.json"])
    assert first.exit_code == 0, first.output
    previous = (tmp_path / "build" / "plan.json").read_bytes()
    monkeypatch.setattr(os, "fsync", _fail)
    result = cli.invoke(app, ["plan", str(NEW_NEEDS), "-o", "build/plan.json"])
    assert result.exit_code == 1, result.output
    assert (tmp_path / "build" / "plan.json").read_bytes() == previous
    assert _leftovers(tmp_path / "build", {"plan.json"}) == []


@pytest.mark.parametrize("fmt", ["md", "html", "ics", "json"])
def test_render_with_a_failing_rename_keeps_the_previous_output(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    planned = cli.invoke(app, ["plan", str(NEW_NEEDS), "-o", "plan.json"])
    assert planned.exit_code == 0, planned.output
    out = tmp_path / "site" / f"programme.{fmt}"
    out.parent.mkdir()
    out.write_bytes(b"previous\n")
    monkeypatch.setattr(Path, "replace", _fail)
    result = cli.invoke(app, ["render", "--format", fmt, "--plan", "plan.json", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert out.read_bytes() == b"previous\n"
    assert _leftovers(out.parent, {out.name}) == []


# --- SIGKILL at a random moment ----------------------------------------------------------


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"FORCE_COLOR", "CURRIBUILD_DEBUG"}}
    env["NO_COLOR"] = "1"
    return env


def _plan_bytes(needs: Path, folder: Path) -> bytes:
    out = folder / "reference.json"
    done = subprocess.run(
        [sys.executable, "-m", "curribuild", "plan", str(needs), "-o", str(out)],
        cwd=folder,
        env=_child_env(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    data = out.read_bytes()
    out.unlink()
    return data


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_at_any_moment_leaves_the_old_or_the_new_plan(tmp_path: Path) -> None:
    old = _plan_bytes(OLD_NEEDS, tmp_path)
    new = _plan_bytes(NEW_NEEDS, tmp_path)
    assert old != new
    started = time.monotonic()
    _plan_bytes(NEW_NEEDS, tmp_path)
    duration = time.monotonic() - started

    seed = int(os.environ.get("CURRIBUILD_KILL_SEED", str(time.time_ns() % 100_000)))
    rng = random.Random(seed)
    runs = 8
    # Spread the kills over the whole run, with jitter; the last ones land near the write.
    delays = [duration * (i + rng.random()) / runs * 1.1 for i in range(runs)]
    target = tmp_path / "build" / "plan.json"
    outcomes = []
    for delay in delays:
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(old)
        child = subprocess.Popen(
            [sys.executable, "-m", "curribuild", "plan", str(NEW_NEEDS), "-o", str(target)],
            cwd=tmp_path,
            env=_child_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        data = target.read_bytes()
        state = "old" if data == old else "new" if data == new else "CORRUPT"
        outcomes.append((round(delay, 3), state))
        assert state != "CORRUPT", f"seed {seed}: torn output after {delay:.3f} s: {outcomes}"
        json.loads(data)
        # A killed writer may leave its temp file behind (nothing can clean up after
        # SIGKILL); it must be hidden and never be the target itself.
        for leftover in _leftovers(target.parent, {"plan.json"}):
            assert leftover.startswith("."), leftover
            (target.parent / leftover).unlink()
