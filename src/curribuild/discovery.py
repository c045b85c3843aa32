"""Finding YAML files: walk folders, skip hidden, git-ignored and excluded files.

- Deterministic: results are sorted by POSIX path, whatever order the disk gives.
- Symlinked folders are never followed, so a symlink loop cannot trap the walk and
  no link leads the walk out of the folder being checked. A symlinked YAML file is
  read only when it resolves inside the folder being checked; one that points
  outside is not read and is reported (:class:`Outside`, CB013 in ``check``).
- ``.gitignore`` files are read with git's semantics (``pathspec``'s gitwildmatch
  patterns), whether or not a ``.git`` folder exists: those of the repository root
  (:func:`repository_root`) and of every folder below it, a deeper file's patterns
  winning over a higher one's, plus ``.git/info/exclude`` at the root. An ignored
  folder is not entered. git itself is never run.
- ``include:``/``exclude:`` globs of the config (:class:`Globs`) use the same
  gitwildmatch patterns: ``goals/*.yaml`` matches ``goals/a.yaml`` but not
  ``goals/sub/a.yaml``; ``*.yaml`` matches at any depth; ``drafts/`` a whole folder.

Pipes, sockets and devices met on the walk are skipped without being opened (git
cannot hold one, so they are never part of a repository); named on the command
line, the loader refuses them (CB013) after checking the file type, before it
opens anything. A symlink inside the folder that leads to one is refused the same way.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

YAML_SUFFIXES = (".yaml", ".yml")
REPOSITORY_MARKERS = (".git", "curribuild.yaml")
MAX_IGNORE_FILE_BYTES = 1_000_000  # a larger .gitignore is not read


def real(path: Path) -> Path:
    """``path.resolve()``, or the absolute path where a symlink loop makes that impossible."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def repository_root(start: Path) -> Path:
    """The repository a checked path belongs to.

    The nearest folder at or above ``start`` that holds a ``.git`` (file or
    folder), else the nearest that holds a ``curribuild.yaml``, else the folder
    of ``start`` itself.
    """
    folder = real(start)
    if not folder.is_dir():
        folder = folder.parent
    chain = [folder, *folder.parents]
    for marker in REPOSITORY_MARKERS:
        for candidate in chain:
            if os.path.lexists(candidate / marker):
                return candidate
    return folder


def _gitignore_spec(lines: Iterable[str]) -> GitIgnoreSpec:
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(lines)


def _read_patterns(file: Path) -> list[str] | None:
    """The lines of an ignore file: regular files within the size cap only, never a link."""
    try:
        info = os.lstat(file)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_IGNORE_FILE_BYTES:
            return None
        return file.read_bytes().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return None


class IgnoreFiles:
    """The ``.gitignore`` files of one repository, each read once, when first needed."""

    def __init__(self, root: Path) -> None:
        self.root = real(root)
        self._specs: dict[Path, GitIgnoreSpec | None] = {}
        exclude = _read_patterns(self.root / ".git" / "info" / "exclude")
        self._info = _gitignore_spec(exclude) if exclude else None

    def _spec(self, folder: Path) -> GitIgnoreSpec | None:
        if folder not in self._specs:
            lines = _read_patterns(folder / ".gitignore")
            self._specs[folder] = _gitignore_spec(lines) if lines else None
        return self._specs[folder]

    def ignored(self, path: Path, is_dir: bool = False) -> bool:
        """Whether git would ignore ``path`` (an absolute, resolved path under the root)."""
        try:
            parts = path.relative_to(self.root).parts
        except ValueError:
            return False
        if not parts:
            return False
        suffix = "/" if is_dir else ""
        verdict: bool | None = None
        if self._info is not None:
            verdict = self._info.check_file("/".join(parts) + suffix).include
        folder = self.root
        # from the root down: a deeper .gitignore has the last word, as in git
        for depth in range(len(parts)):
            spec = self._spec(folder)
            if spec is not None:
                found = spec.check_file("/".join(parts[depth:]) + suffix).include
                if found is not None:
                    verdict = found
            folder = folder / parts[depth]
        return bool(verdict)


class Globs:
    """``include:``/``exclude:`` patterns of a config, matched as gitwildmatch patterns."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = list(patterns)
        self._spec = _gitignore_spec(self.patterns) if self.patterns else None

    def __bool__(self) -> bool:
        return self._spec is not None

    def match(self, relative: str) -> bool:
        """Whether the POSIX path ``relative`` (to the config's folder) matches."""
        return self._spec is not None and self._spec.match_file(relative)


@dataclass(frozen=True, slots=True)
class Outside:
    """A symlinked YAML file that resolves outside the folder being checked: not read."""

    path: Path


@dataclass(slots=True)
class Discovery:
    files: list[Path] = field(default_factory=list)
    outside: list[Outside] = field(default_factory=list)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def discover(root: Path, ignore: IgnoreFiles | None = None) -> Discovery:
    """Every YAML file under ``root``: hidden, ignored and outside-pointing ones left out."""
    found = Discovery()
    top = real(root)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        resolved_here = top / here.relative_to(root)  # no links on the way: only real folders
        kept = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            if ignore is not None and ignore.ignored(resolved_here / name, is_dir=True):
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in filenames:
            if not name.endswith(YAML_SUFFIXES) or name.startswith("."):
                continue
            file = here / name
            if ignore is not None and ignore.ignored(resolved_here / name):
                continue
            try:
                mode = os.lstat(file).st_mode
            except OSError:  # gone since the folder was listed
                continue
            if stat.S_ISLNK(mode) and not _inside(real(file), top):
                found.outside.append(Outside(file))
                continue
            if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
                continue  # a pipe, socket or device: never opened (git cannot hold one)
            found.files.append(file)
    found.files.sort(key=lambda p: p.as_posix())
    found.outside.sort(key=lambda o: o.path.as_posix())
    return found


def walk_yaml(root: Path) -> list[Path]:
    """Every YAML file under ``root``, hidden files and folders skipped, sorted.

    No ignore rules; symlinks that resolve outside ``root`` are left out.
    """
    return discover(root).files
