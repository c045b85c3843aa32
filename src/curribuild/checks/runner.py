"""``curribuild check``: find, load, validate and cross-check curriculum documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from curribuild.checks.codes import default_severity
from curribuild.checks.references import check_curriculum, check_needs
from curribuild.curriculum import (
    Curriculum,
    Locator,
    Origin,
    Parsed,
    build_curriculum,
    curriculum_for_needs,
    display_path,
    find_config_root,
    parse_file,
)
from curribuild.discovery import git_ignored, walk_yaml
from curribuild.engine.ruletests import run_cases
from curribuild.errors import UsageError, UserError
from curribuild.findings import Finding, Severity
from curribuild.loader import DEFAULT_LIMITS, Limits
from curribuild.models.config import Config
from curribuild.models.needs import Needs


@dataclass(slots=True)
class CheckOptions:
    paths: list[Path] = field(default_factory=lambda: [Path()])
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    strict: bool = False
    limits: Limits = DEFAULT_LIMITS


@dataclass(slots=True)
class CheckResult:
    findings: list[Finding]
    files: list[str]
    documents: int
    strict: bool = False

    @property
    def exit_code(self) -> int:
        fail = {Severity.ERROR, Severity.WARNING} if self.strict else {Severity.ERROR}
        return 1 if any(f.severity in fail for f in self.findings) else 0

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


def collect_files(paths: Sequence[Path]) -> list[tuple[Path, bool]]:
    """YAML files to check, each with whether the user named it explicitly."""
    out: dict[Path, bool] = {}
    for path in paths:
        if path.is_file():
            out[path] = True
        elif path.is_dir():
            found = walk_yaml(path)
            ignored = git_ignored(found)
            for file in found:
                if file not in ignored:
                    out.setdefault(file, False)
        elif path.is_symlink():
            out[path] = True  # a dangling link: reported as unreadable
        else:
            raise UsageError(f"no such file or directory: {path}")
    return sorted(out.items(), key=lambda item: item[0].as_posix())


def run_check(options: CheckOptions) -> CheckResult:
    files = collect_files(options.paths)
    locator = Locator()
    findings: list[Finding] = []
    groups: dict[Path, list[Parsed]] = {}
    needs_docs: list[Parsed] = []
    repo_config: Config | None = None
    fallback_roots = {
        path.resolve(): path.resolve() if path.is_dir() else path.resolve().parent
        for path in options.paths
    }
    documents = 0
    for file, explicit in files:
        parsed, problems = parse_file(
            file, display_path(file), options.limits, locator, explicit=explicit
        )
        findings.extend(problems)
        if parsed is None:
            continue
        documents += 1
        if parsed.kind == "needs":
            needs_docs.append(parsed)
            continue
        root = find_config_root(file) or _fallback_root(file, fallback_roots)
        groups.setdefault(root, []).append(parsed)
        if parsed.kind == "config" and file.name == "curribuild.yaml" and repo_config is None:
            assert isinstance(parsed.model, Config)
            repo_config = parsed.model
    curricula: dict[Path, Curriculum] = {}
    for root, parsed_docs in sorted(groups.items(), key=lambda item: item[0].as_posix()):
        cur, problems = build_curriculum(root, parsed_docs, locator, options.limits)
        curricula[root] = cur
        findings.extend(problems)
        findings.extend(check_curriculum(cur))
        if not any(f.severity is Severity.ERROR and f.code < "CB3" for f in problems):
            findings.extend(run_cases(cur))
    for parsed in needs_docs:
        findings.extend(_check_needs(parsed, curricula, locator, options.limits))
    findings = apply_config(findings, repo_config, options)
    return CheckResult(
        sorted(set(findings), key=lambda f: f.sort_key),
        [display_path(f) for f, _ in files],
        documents,
        options.strict,
    )


def _fallback_root(file: Path, roots: dict[Path, Path]) -> Path:
    resolved = file.resolve()
    for given, root in roots.items():
        if resolved == given or resolved.is_relative_to(root):
            return root
    return resolved.parent


def _check_needs(
    parsed: Parsed, curricula: dict[Path, Curriculum], locator: Locator, limits: Limits
) -> list[Finding]:
    needs = parsed.model
    assert isinstance(needs, Needs)
    origin = Origin(parsed.path, parsed.file, ())
    root = find_config_root(parsed.file) if needs.curriculum is None else None
    if root is not None and root in curricula:
        cur = curricula[root]
    else:
        try:
            cur, _ = curriculum_for_needs(needs, parsed.file, limits)
        except UserError as exc:
            return [
                locator.finding(
                    "CB207",
                    exc.message,
                    origin,
                    ("curriculum",),
                    fix=exc.findings[0].fix if exc.findings else "",
                )
            ]
    return check_needs(needs, cur, origin)


def _selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    if select and not any(code.startswith(s) for s in select):
        return False
    return not any(code.startswith(s) for s in ignore)


def apply_config(
    findings: list[Finding], config: Config | None, options: CheckOptions
) -> list[Finding]:
    """Severity overrides and select/ignore, from the repository config and the command line."""
    select = [*(config.select if config else []), *options.select]
    ignore = [*(config.ignore if config else []), *options.ignore]
    overrides = config.severity if config else {}
    out: list[Finding] = []
    for finding in findings:
        if not _selected(finding.code, select, ignore):
            continue
        severity = overrides.get(finding.code)
        if severity is not None:
            finding = finding.with_severity(Severity(severity))
        elif finding.severity is Severity.ERROR and finding.code[:3] not in {"CB0", "CB1", "CB2"}:
            finding = finding.with_severity(default_severity(finding.code))
        out.append(finding)
    return out
