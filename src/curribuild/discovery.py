"""Finding YAML files: walk folders, skip hidden ones and git-ignored files.

Deterministic: results are sorted by POSIX path, whatever order the disk gives.
Symlinked folders are not followed, so a symlink loop cannot trap the walk.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

YAML_SUFFIXES = (".yaml", ".yml")


def real(path: Path) -> Path:
    """``path.resolve()``, or the absolute path where a symlink loop makes that impossible."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def walk_yaml(root: Path) -> list[Path]:
    """Every YAML file under ``root``, hidden files and folders skipped, sorted."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                found.append(Path(dirpath) / name)  # pipes and devices fail as CB013 later
    return sorted(found, key=lambda p: p.as_posix())


def git_ignored(paths: Iterable[Path]) -> set[Path]:
    """The subset of ``paths`` that git ignores (empty when git is unavailable)."""
    candidates = list(paths)
    if not candidates:
        return set()
    ignored: set[Path] = set()
    by_dir: dict[Path, list[Path]] = {}
    for path in candidates:
        by_dir.setdefault(path.parent, []).append(path)
    # one git call per repository, found from the first folder of each
    seen_tops: dict[Path, list[Path]] = {}
    for folder, files in by_dir.items():
        top = _git_top(folder)
        if top is not None:
            seen_tops.setdefault(top, []).extend(files)
    for top, files in seen_tops.items():
        stdin = "\0".join(os.path.relpath(real(f), top) for f in files) + "\0"
        try:
            done = subprocess.run(
                ["git", "-C", str(top), "check-ignore", "-z", "--stdin"],
                input=stdin.encode(),
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode not in (0, 1):
            continue
        for rel in done.stdout.decode(errors="replace").split("\0"):
            if rel:
                ignored.add(real(top / rel))
    return {p for p in candidates if real(p) in ignored}


_TOP_CACHE: dict[Path, Path | None] = {}


def _git_top(folder: Path) -> Path | None:
    folder = real(folder)
    if folder in _TOP_CACHE:
        return _TOP_CACHE[folder]
    top: Path | None = None
    probe = folder
    while True:
        if (probe / ".git").exists():
            top = probe
            break
        if probe.parent == probe:
            break
        probe = probe.parent
    _TOP_CACHE[folder] = top
    return top
