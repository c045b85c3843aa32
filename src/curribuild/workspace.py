"""What one run has loaded: curricula by folder, and the config folder of each folder.

A command makes one :class:`Workspace` and passes it down, so nothing outlives the
run (files may change between runs of a long-lived process: tests, an editor
plug-in) and there is nothing to reset. Only the built-in rules, which ship with
the package, are kept for the process (:func:`curriculum.builtin_layer`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from curribuild.checks.codes import cb207
from curribuild.curriculum import (
    CONFIG_NAMES,
    CURRICULUM_KINDS,
    Curriculum,
    Locator,
    Origin,
    OutsideReference,
    Parsed,
    assemble,
    builtin_layer,
    display_path,
    parse_file,
    resolve_named,
)
from curribuild.discovery import real, walk_yaml
from curribuild.errors import UserError
from curribuild.findings import Finding, Severity
from curribuild.loader import DEFAULT_LIMITS, Limits
from curribuild.models.config import Config
from curribuild.models.needs import Needs
from curribuild.resources import DEFAULT_CURRICULUM, bundled_curricula, bundled_curriculum
from curribuild.suggest import did_you_mean, hinted

Loaded = tuple[Curriculum, list[Finding]]


def _shown(ref: str) -> str:
    return repr(ref if len(ref) <= 120 else ref[:120] + "...")


@dataclass(slots=True)
class Workspace:
    """The curricula and config folders one run has looked up, each looked up once."""

    curricula: dict[Path, Loaded] = field(default_factory=dict)
    config_roots: dict[Path, Path | None] = field(default_factory=dict)
    _extending: list[Path] = field(default_factory=list)  # the `extends:` chain being loaded

    def load_curriculum(self, root: Path, limits: Limits = DEFAULT_LIMITS) -> Loaded:
        """The curriculum in folder ``root`` with everything it extends."""
        root = real(root)
        if root in self.curricula:
            return self.curricula[root]
        locator = Locator()
        parsed: list[Parsed] = []
        findings: list[Finding] = []
        for file in walk_yaml(root):
            item, problems = parse_file(file, display_path(file), limits, locator, explicit=False)
            findings.extend(problems)
            if item is not None:
                parsed.append(item)
        cur, problems = self.build_curriculum(root, parsed, locator, limits)
        result = (cur, sorted(findings + problems, key=lambda f: f.sort_key))
        self.curricula[root] = result
        return result

    def build_curriculum(
        self,
        root: Path,
        parsed: Sequence[Parsed],
        locator: Locator,
        limits: Limits = DEFAULT_LIMITS,
    ) -> Loaded:
        """Merge already-validated documents of folder ``root`` over what they extend."""
        root = real(root)
        parsed = sorted(
            (p for p in parsed if p.kind in CURRICULUM_KINDS), key=lambda p: p.file.as_posix()
        )
        findings: list[Finding] = []
        config = next((p for p in parsed if isinstance(p.model, Config)), None)
        base: Curriculum = builtin_layer()
        default_root = bundled_curriculum(DEFAULT_CURRICULUM)
        if config is None and default_root is not None and real(default_root) != root:
            # Loose documents without a curriculum config build on the bundled
            # curriculum, as needs files without `curriculum:` do.
            base, _ = self.load_curriculum(default_root, limits)
        if config is not None and isinstance(config.model, Config) and config.model.extends:
            extended, problems = self._extended(root, config, config.model.extends, locator, limits)
            findings.extend(problems)
            if extended is not None:
                base = extended
        name = root.name
        if config is not None and isinstance(config.model, Config) and config.model.name:
            name = config.model.name
        cur, problems = assemble(parsed, name, root, base, locator)
        return cur, findings + problems

    def _extended(
        self, root: Path, config: Parsed, ref: str, locator: Locator, limits: Limits
    ) -> tuple[Curriculum | None, list[Finding]]:
        """The curriculum ``extends: ref`` names (None when it cannot be loaded), and
        the findings about the reference."""
        origin = Origin(config.path, config.file, ("extends",))
        try:
            target = resolve_named(ref, config.file)
        except OutsideReference as exc:
            if exc.missing:
                hint = did_you_mean(ref, bundled_curricula())
                message = f"extends {ref!r}: no bundled curriculum or folder of that name" + (
                    f"; {hint}" if hint else ""
                )
            else:
                message = f"extends {_shown(ref)}: {exc.message}"
            return None, [locator.finding(cb207.CODE, message, origin, fix=exc.fix)]
        if target in self._extending or target == root:
            chain = " -> ".join(p.name for p in [*self._extending, root, target])
            message = f"curricula extend each other in a loop: {chain}"
            return None, [locator.finding(cb207.CODE, message, origin, fix="remove one `extends:`")]
        self._extending.append(root)
        try:
            base, base_findings = self.load_curriculum(target, limits)
        finally:
            self._extending.pop()
        if any(f.severity is Severity.ERROR for f in base_findings):
            message = f"extended curriculum {ref!r} has errors; run `curribuild check {target}`"
            return base, [locator.finding(cb207.CODE, message, origin)]
        return base, []

    def load_named(
        self, ref: str | None, relative_to: Path | None, limits: Limits = DEFAULT_LIMITS
    ) -> Loaded:
        """Load a curriculum by bundled name or path (default: the bundled one).

        ``relative_to`` is the file that names it (a needs file): the reference is
        confined as :func:`curriculum.resolve_named` says. Without it, only bundled
        names load.
        """
        name = ref or DEFAULT_CURRICULUM
        target: Path | None = None
        problem: OutsideReference | None = None
        if relative_to is not None and ref is not None:
            try:
                target = resolve_named(name, relative_to)
            except OutsideReference as exc:
                problem = exc
        else:
            bundled = bundled_curriculum(name)
            target = real(bundled) if bundled is not None else None
        if target is None:
            if problem is not None and not problem.missing:
                message = f"curriculum {_shown(name)}: {problem.message}"
                fix = problem.fix
            else:
                choices = bundled_curricula()
                message = hinted(f"curriculum {name!r} not found", name, choices)
                fix = f"use a bundled curriculum ({', '.join(choices)}) or a folder path"
            # about the naming file's `curriculum:`, placed by the command that loaded it
            field = "curriculum" if relative_to is not None else ""
            raise UserError(message, [Finding(cb207.CODE, message, fix=fix, field=field)])
        return self.load_curriculum(target, limits)

    def find_config_root(self, file: Path) -> Path | None:
        """Nearest folder at or above ``file`` holding a curriculum or repository config."""
        roots = self.config_roots
        here = file.parent.absolute()  # files of one folder share the answer
        if here in roots:
            return roots[here]
        start = real(file).parent
        if start in roots:
            roots[here] = roots[start]
            return roots[start]
        folder = start
        found: Path | None = None
        while True:
            if any((folder / name).is_file() for name in CONFIG_NAMES):
                found = folder
                break
            if (folder / ".git").exists() or folder.parent == folder:
                break
            folder = folder.parent
        roots[start] = roots[here] = found
        return found

    def curriculum_for_needs(
        self, needs: Needs, needs_file: Path, limits: Limits = DEFAULT_LIMITS
    ) -> Loaded:
        """The curriculum a needs file asks for: its `curriculum:`, else the nearest
        config folder, else the bundled default."""
        if needs.curriculum is None:
            root = self.find_config_root(needs_file)
            if root is not None:
                return self.load_curriculum(root, limits)
        return self.load_named(needs.curriculum, needs_file, limits)
