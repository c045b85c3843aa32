"""Which files ``check`` reads: gitwildmatch ``include``/``exclude`` globs, ``.gitignore``
with or without a ``.git`` folder, symlinks that lead outside, pipes; plus where the
text reporter draws its caret (display width) and when did-you-mean speaks."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import clean_env
from curribuild import reporters
from curribuild.checks.runner import CheckResult
from curribuild.discovery import Globs, IgnoreFiles, discover, repository_root
from curribuild.findings import Finding, Severity
from curribuild.reporters.text import display_width
from curribuild.suggest import closest, edit_distance, max_edits
from lint_helpers import RunCli, check_json, located, write

BROKEN = "kind: goals\ngoals:\n  - id: one\n    titel: x\n"  # CB101 at 4:5 (and CB103s)
CLEAN = "kind: goals\ngoals: []\n"


def checked_files(run_cli: RunCli, root: Path, *args: str) -> list[str]:
    """The files ``check`` read, from the CB101 each broken file gives."""
    _, findings = check_json(run_cli, *args, cwd=root)
    return sorted({f["path"] for f in findings if f["code"] == "CB101"})


def broken_tree(root: Path, *names: str) -> None:
    for name in names:
        write(root, name, BROKEN)


# --- include / exclude: gitwildmatch, not fnmatch -----------------------------------------


def test_exclude_glob_with_a_slash_does_not_reach_into_subfolders(
    run_cli: RunCli, tmp_path: Path
) -> None:
    write(tmp_path, "curribuild.yaml", "kind: config\nexclude: ['goals/*.yaml']\n")
    broken_tree(tmp_path, "goals/a.yaml", "goals/sub/b.yaml", "other/c.yaml")
    # fnmatch's `*` crossed the slash and also dropped goals/sub/b.yaml
    assert checked_files(run_cli, tmp_path) == ["goals/sub/b.yaml", "other/c.yaml"]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("exclude: ['*.draft.yaml']", ["a.yaml", "goals/a.yaml", "goals/b.yaml"]),  # any depth
        ("exclude: ['goals/']", ["a.draft.yaml", "a.yaml"]),  # a whole folder
        ("exclude: ['goals/**', '!goals/b.yaml']", ["a.draft.yaml", "a.yaml", "goals/b.yaml"]),
        (
            "exclude: ['/a.yaml']",  # anchored at the config's folder
            ["a.draft.yaml", "goals/a.yaml", "goals/b.draft.yaml", "goals/b.yaml"],
        ),
        ("include: ['goals/']", ["goals/a.yaml", "goals/b.draft.yaml", "goals/b.yaml"]),
        ("include: ['goals/*.yaml']\nexclude: ['*.draft.yaml']", ["goals/a.yaml", "goals/b.yaml"]),
    ],
)
def test_include_and_exclude_are_gitwildmatch_patterns(
    run_cli: RunCli, tmp_path: Path, config: str, expected: list[str]
) -> None:
    write(tmp_path, "curribuild.yaml", f"kind: config\n{config}\n")
    broken_tree(
        tmp_path, "a.yaml", "a.draft.yaml", "goals/a.yaml", "goals/b.yaml", "goals/b.draft.yaml"
    )
    assert checked_files(run_cli, tmp_path) == expected


def test_globs_directly() -> None:
    globs = Globs(["goals/*.yaml", "*.tmp.yaml", "drafts/"])
    assert globs.match("goals/a.yaml")
    assert not globs.match("goals/sub/a.yaml")
    assert globs.match("x/y/z.tmp.yaml")
    assert globs.match("drafts/deep/a.yaml")
    assert not globs.match("notdrafts/a.yaml")
    assert not Globs([])
    assert not Globs([]).match("a.yaml")


def test_a_file_named_on_the_command_line_is_checked_even_when_excluded(
    run_cli: RunCli, tmp_path: Path
) -> None:
    write(tmp_path, "curribuild.yaml", "kind: config\nexclude: ['goals/*.yaml']\n")
    broken_tree(tmp_path, "goals/a.yaml")
    assert checked_files(run_cli, tmp_path, "goals/a.yaml") == ["goals/a.yaml"]


# --- .gitignore, with or without .git ------------------------------------------------------


@pytest.mark.parametrize("with_git", [False, True])
def test_gitignore_is_respected_with_or_without_a_git_folder(
    run_cli: RunCli, tmp_path: Path, with_git: bool
) -> None:
    if with_git:
        (tmp_path / ".git").mkdir()
    write(tmp_path, "curribuild.yaml", "kind: config\n")
    write(tmp_path, ".gitignore", "build/\n*.local.yaml\n/top-only.yaml\n")
    write(tmp_path, "goals/.gitignore", "!keep.local.yaml\nsecret.yaml\n")
    broken_tree(
        tmp_path,
        "a.yaml",
        "build/out.yaml",
        "x.local.yaml",
        "top-only.yaml",
        "goals/top-only.yaml",
        "goals/keep.local.yaml",
        "goals/other.local.yaml",
        "goals/secret.yaml",
        "goals/deep/build/out.yaml",
    )
    assert checked_files(run_cli, tmp_path) == [
        "a.yaml",
        "goals/keep.local.yaml",  # the deeper .gitignore re-includes it
        "goals/top-only.yaml",  # `/top-only.yaml` is anchored at the root
    ]
    # checking a subfolder still applies the repository root's .gitignore
    assert checked_files(run_cli, tmp_path, "goals") == [
        "goals/keep.local.yaml",
        "goals/top-only.yaml",
    ]


def test_gitignore_is_read_in_the_repository_root_not_above_it(
    run_cli: RunCli, tmp_path: Path
) -> None:
    write(tmp_path, ".gitignore", "*.yaml\n")  # above the repository: not ours
    repo = tmp_path / "repo"
    write(repo, "curribuild.yaml", "kind: config\n")
    broken_tree(repo, "a.yaml")
    assert checked_files(run_cli, repo) == ["a.yaml"]
    assert repository_root(repo / "a.yaml") == repo.resolve()


def test_repository_root_prefers_git_then_config_then_the_folder(tmp_path: Path) -> None:
    write(tmp_path, "outer/.git/HEAD", "ref: x\n")
    write(tmp_path, "outer/inner/curribuild.yaml", "kind: config\n")
    write(tmp_path, "outer/inner/goals/a.yaml", CLEAN)
    write(tmp_path, "loose/curribuild.yaml", "kind: config\n")
    write(tmp_path, "loose/sub/a.yaml", CLEAN)
    write(tmp_path, "bare/a.yaml", CLEAN)
    assert repository_root(tmp_path / "outer/inner/goals") == (tmp_path / "outer").resolve()
    assert repository_root(tmp_path / "loose/sub/a.yaml") == (tmp_path / "loose").resolve()
    assert repository_root(tmp_path / "bare") == (tmp_path / "bare").resolve()


def test_an_ignored_folder_is_not_entered(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "node_modules/\n!node_modules/keep.yaml\n")
    write(tmp_path, "node_modules/keep.yaml", CLEAN)  # git cannot re-include inside it
    write(tmp_path, "a.yaml", CLEAN)
    found = discover(tmp_path, IgnoreFiles(tmp_path))
    assert [p.relative_to(tmp_path).as_posix() for p in found.files] == ["a.yaml"]


def test_an_ignored_file_named_on_the_command_line_is_checked(
    run_cli: RunCli, tmp_path: Path
) -> None:
    write(tmp_path, ".gitignore", "*.yaml\n")
    broken_tree(tmp_path, "a.yaml")
    assert checked_files(run_cli, tmp_path) == []
    assert checked_files(run_cli, tmp_path, "a.yaml") == ["a.yaml"]


# --- symlinks and special files ------------------------------------------------------------


def test_a_symlinked_file_outside_the_checked_folder_is_not_read(
    run_cli: RunCli, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    write(outside, "secret.yaml", BROKEN)
    repo = tmp_path / "repo"
    write(repo, "good.yaml", CLEAN)
    (repo / "link.yaml").symlink_to(outside / "secret.yaml")
    (repo / "linked-folder").symlink_to(outside, target_is_directory=True)
    status, findings = check_json(run_cli, cwd=repo)
    assert status == 1
    assert located(findings) == ["link.yaml:1:1 CB013"]  # the target's CB101 never appears
    (finding,) = findings
    assert "outside the folder being checked" in finding["message"]
    assert "secret" not in finding["message"]
    assert finding["fix"]


def test_a_symlink_inside_the_checked_folder_is_read_once(run_cli: RunCli, tmp_path: Path) -> None:
    broken_tree(tmp_path, "goals/real.yaml")
    (tmp_path / "alias.yaml").symlink_to(tmp_path / "goals/real.yaml")
    (tmp_path / "folder-link").symlink_to(tmp_path / "goals", target_is_directory=True)
    files = checked_files(run_cli, tmp_path)
    assert len(files) == 1 and files[0] in {"alias.yaml", "goals/real.yaml"}


def test_checking_a_subfolder_refuses_a_link_to_its_sibling(
    run_cli: RunCli, tmp_path: Path
) -> None:
    broken_tree(tmp_path, "other/real.yaml")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub/link.yaml").symlink_to(tmp_path / "other/real.yaml")
    _, findings = check_json(run_cli, "sub", cwd=tmp_path)
    assert located(findings) == ["sub/link.yaml:1:1 CB013"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_fifo_met_on_the_walk_is_skipped_never_opened(tmp_path: Path) -> None:
    broken_tree(tmp_path, "broken.yaml")
    os.mkfifo(tmp_path / "pipe.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "curribuild", "check", "--format", "parsable"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,  # opening the pipe would block for ever
        check=False,
    )
    assert done.returncode == 1
    assert "pipe.yaml" not in done.stdout
    assert "broken.yaml:4:5: [error] unknown field 'titel'" in done.stdout
    assert "Traceback" not in done.stderr
    found = discover(tmp_path)
    assert [p.name for p in found.files] == ["broken.yaml"]


def test_a_symlink_to_a_device_is_refused(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    _, findings = check_json(run_cli, cwd=tmp_path)
    assert located(findings) == ["zero.yaml:1:1 CB013"]


# --- the caret under wide characters -------------------------------------------------------


def caret_row(tmp_path: Path, line: str, col: int) -> tuple[str, str]:
    write(tmp_path, "goals.yaml", f"kind: goals\n{line}\n")
    finding = Finding("CB401", "x", "goals.yaml", 2, col, severity=Severity.WARNING)
    out = io.StringIO()
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        reporters.get("text")(CheckResult([finding], ["goals.yaml"], 1), out, False)
    finally:
        os.chdir(cwd)
    source, caret = out.getvalue().splitlines()[1:3]
    return source, caret


@pytest.mark.parametrize(
    ("line", "word", "cells_before"),
    [
        ("title: crazy plan", "crazy", 7),
        ("title: 😀😀 crazy plan", "crazy", 12),
        ("title: 中文課程 crazy plan", "crazy", 16),
        ("title: e\u0301e\u0301 crazy", "crazy", 10),  # combining accents take no cell
        ("title: 👩‍⚕️ crazy", "crazy", 10),
    ],
)
def test_caret_is_placed_by_display_width(
    tmp_path: Path, line: str, word: str, cells_before: int
) -> None:
    col = line.index(word) + 1
    source, caret = caret_row(tmp_path, line, col)
    gutter = source.index("| ") + 2
    assert source[gutter:] == line
    assert caret.index("^") - gutter == cells_before == display_width(line[: col - 1])


def test_display_width() -> None:
    assert display_width("abc") == 3
    assert display_width("中文") == 4
    assert display_width("😀") == 2
    assert display_width("e\u0301") == 1
    assert display_width("\\x1b[") == 5  # escaped controls are plain text by then


# --- did-you-mean with a distance cap ------------------------------------------------------


def test_did_you_mean_needs_a_likely_typo() -> None:
    assert closest("oops", ["topics", "goals", "methods"]) is None
    assert closest("statment", ["statement", "minutes"]) == "statement"
    assert closest("frist-goal", ["first-goal", "second-goal"]) == "first-goal"
    assert closest("vauge", ["vague"]) == "vague"  # a swap is one edit
    assert closest("Title", ["title"]) == "title"
    assert closest("id", ["ids", "kind"]) == "ids"
    assert closest("xy", ["id"]) is None


def test_the_cap_grows_with_the_word() -> None:
    assert [max_edits(w) for w in ("a", "abc", "abcdef", "abcdefghi")] == [1, 1, 2, 3]
    # three edits are a typo in a long identifier, not in a short word
    assert closest("local-refral-pathwy-x", ["local-referral-pathway-x"]) == (
        "local-referral-pathway-x"
    )
    assert edit_distance("tpocs", "topics") == 2
    assert closest("tpocs", ["topics"]) is None  # two edits in five letters
    assert closest("tpoics", ["topics"]) == "topics"  # one swap in six
    assert closest("abcd", ["wxyz"]) is None


def test_edit_distance() -> None:
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("ab", "ba") == 1
    assert edit_distance("", "abc") == 3
    assert edit_distance("same", "same") == 0
    assert edit_distance("short", "a much longer text", limit=2) == 3  # stopped early
