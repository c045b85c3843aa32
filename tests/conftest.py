"""Shared fixtures and helpers of the curribuild test suite."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curribuild.cli import app

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
BUNDLED = REPO / "curricula"


def write_file(root: Path, name: str, text: str | bytes) -> Path:
    """Write ``text`` (or raw bytes) to ``root/name``, creating folders; returns the path."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    return path


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """``write(name, text)``: a file under ``tmp_path``."""

    def _write(name: str, text: str | bytes) -> Path:
        return write_file(tmp_path, name, text)

    return _write


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., object]]:
    """``run_cli(*args, cwd=None)``: invoke the Typer app in-process.

    Colour is switched off so output can be compared as plain text.
    """
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("CURRIBUILD_DEBUG", raising=False)
    runner = CliRunner()

    def _run(*args: str, cwd: Path | None = None) -> object:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        return runner.invoke(app, list(args), catch_exceptions=False)

    yield _run
    # monkeypatch restores the working directory and environment


def clean_env() -> dict[str, str]:
    """The environment for subprocesses: no colour, no debug, no CI reporter."""
    env = {k: v for k, v in os.environ.items() if k not in {"FORCE_COLOR", "GITHUB_ACTIONS"}}
    env.pop("CURRIBUILD_DEBUG", None)
    env["NO_COLOR"] = "1"
    return env
