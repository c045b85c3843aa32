"""A template named by ``include``, ``import`` or ``extends`` is read only from a regular
file inside the template's own folder (links resolved first), like ``--template``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _plan(folder: Path) -> Path:
    """A small valid plan: the bundled first-line example, planned once per test folder."""
    out = folder / "plan.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "curribuild",
            "plan",
            str(REPO / "curricula" / "ran-health-pcve" / "needs" / "first-line-basics.yaml"),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["schema_version"] == 2
    return out


def _render(folder: Path, template: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "curribuild",
            "render",
            "--format",
            "md",
            "--plan",
            "plan.json",
            "--template",
            template,
            "-o",
            "out.md",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the repository the template lives in
    _plan(tmp_path)
    return tmp_path


def test_an_include_through_a_link_out_of_the_folder_is_refused(folder: Path) -> None:
    secret = folder.parent / f"{folder.name}-secret.txt"
    secret.write_text("TOP-SECRET-CONTENT\n")
    (folder / "leak").symlink_to(secret)
    (folder / "t.md.j2").write_text('{% include "leak" %}\n')
    done = _render(folder, "t.md.j2")
    assert done.returncode == 1
    assert "CB701" in done.stderr and "'leak' links outside its folder" in done.stderr
    assert "TOP-SECRET" not in done.stderr + done.stdout
    assert not (folder / "out.md").exists()


def test_an_include_of_a_fifo_is_refused_without_waiting(folder: Path) -> None:
    os.mkfifo(folder / "pipe.j2")
    (folder / "t.md.j2").write_text('{% include "pipe.j2" %}\n')
    done = _render(folder, "t.md.j2")
    assert done.returncode == 1
    assert "'pipe.j2' is not a regular file" in done.stderr


def test_an_include_inside_the_folder_renders(folder: Path) -> None:
    (folder / "part.j2").write_text("title: {{ plan.needs.title }}\n")
    (folder / "link.j2").symlink_to(folder / "part.j2")  # a link inside the folder is fine
    (folder / "t.md.j2").write_text('{% include "part.j2" %}{% include "link.j2" %}\n')
    done = _render(folder, "t.md.j2")
    assert done.returncode == 0, done.stderr
    text = (folder / "out.md").read_text()
    assert text.count("title: Mental health and radicalisation") == 2
