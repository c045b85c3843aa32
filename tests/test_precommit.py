"""``.pre-commit-hooks.yaml``: the hook manifest, and the real ``pre-commit`` tool running
the hook from this checkout against a curriculum repository made by ``curribuild init``."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import clean_env

REPO_ROOT = Path(__file__).resolve().parents[1]
MANIFEST = REPO_ROOT / ".pre-commit-hooks.yaml"
TIMEOUT = 600


def need_pre_commit() -> None:
    if importlib.util.find_spec("pre_commit") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pre-commit (in the test extra) is not installed")
        pytest.skip("pre-commit is not installed (pip install pre-commit)")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")


def env_for(tmp_path: Path) -> dict[str, str]:
    env = clean_env()
    for key in list(env):
        if key.startswith(("GIT_", "PRE_COMMIT")):
            del env[key]
    env.update(
        {
            "GIT_AUTHOR_NAME": "Test Author",
            "GIT_AUTHOR_EMAIL": "author@example.invalid",
            "GIT_COMMITTER_NAME": "Test Committer",
            "GIT_COMMITTER_EMAIL": "committer@example.invalid",
            "GIT_CONFIG_NOSYSTEM": "1",
            "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
            "PRE_COMMIT_COLOR": "never",
        }
    )
    return env


def run(
    args: list[str], cwd: Path, env: dict[str, str], timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_manifest_declares_the_check_hook() -> None:
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["curribuild-check"]
    (hook,) = hooks
    assert hook["entry"] == "curribuild check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["types"] == ["yaml"]
    assert hook["name"] and hook["description"]


def test_manifest_and_scaffold_config_validate(tmp_path: Path) -> None:
    need_pre_commit()
    env = env_for(tmp_path)
    done = run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)], tmp_path, env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    init = run([sys.executable, "-m", "curribuild", "init", "repo"], tmp_path, env)
    assert init.returncode == 0, init.stderr
    config = tmp_path / "repo" / ".pre-commit-config.yaml"
    done = run([sys.executable, "-m", "pre_commit", "validate-config", str(config)], tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr


def test_try_repo_passes_then_catches_a_broken_goal(tmp_path: Path) -> None:
    need_pre_commit()
    env = env_for(tmp_path)
    repo = tmp_path / "curriculum-repo"
    repo.mkdir()
    git = ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]
    assert run([*git, "init", "-q", "."], repo, env).returncode == 0
    init = run([sys.executable, "-m", "curribuild", "init", "."], repo, env)
    assert init.returncode == 0, init.stderr
    assert run([*git, "add", "-A"], repo, env).returncode == 0
    done = run([*git, "commit", "-q", "-m", "scaffold"], repo, env)
    assert done.returncode == 0, done.stderr

    try_repo = [
        sys.executable,
        "-m",
        "pre_commit",
        "try-repo",
        str(REPO_ROOT),
        "curribuild-check",
        "--all-files",
    ]
    passed = run(try_repo, repo, env, timeout=TIMEOUT)
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert "curribuild check" in output
    assert "Passed" in output

    goals = repo / "goals" / "local.yaml"
    text = goals.read_text(encoding="utf-8")
    assert "    statement: " in text
    goals.write_text(text.replace("    statement: ", "    statment: ", 1), encoding="utf-8")
    assert run([*git, "add", "-A"], repo, env).returncode == 0
    done = run([*git, "commit", "-q", "-m", "break a goal"], repo, env)
    assert done.returncode == 0, done.stderr

    failed = run(try_repo, repo, env, timeout=TIMEOUT)
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "Failed" in output
    assert (
        "goals/local.yaml:5:5: [error] unknown field 'statment'; did you mean 'statement'? (CB101)"
        in output
    )
