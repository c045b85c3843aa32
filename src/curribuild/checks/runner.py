"""``curribuild check``: find, load, validate and cross-check curriculum documents."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path

from curribuild.checks.codes import cb015, cb102, cb207
from curribuild.checks.codes.cb013 import CODE as CB013
from curribuild.checks.context import LintContext
from curribuild.checks.index import GoalIndex
from curribuild.checks.lintdata import MAX_STIGMA_TERMS
from curribuild.checks.registry import (
    CURRICULUM_LINTS,
    DOCUMENT_LINTS,
    GOAL_LINTS,
    NEEDS_CHECKS,
    REFERENCE_CHECKS,
    default_severity,
)
from curribuild.checks.ruletests import run_cases
from curribuild.curriculum import (
    Curriculum,
    Locator,
    Origin,
    Parsed,
    display_path,
    leading_kind,
    parse_file,
)
from curribuild.discovery import Globs, IgnoreFiles, discover, real, repository_root
from curribuild.errors import UsageError, UserError
from curribuild.findings import Finding, Severity
from curribuild.loader import DEFAULT_LIMITS, Document, Limits
from curribuild.models.config import Config
from curribuild.models.goals import GoalsDocument
from curribuild.models.needs import Needs
from curribuild.sourcefile import source_line
from curribuild.workspace import Workspace


@dataclass(slots=True)
class CheckOptions:
    paths: list[Path] = field(default_factory=lambda: [Path()])
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    strict: bool = False
    limits: Limits = DEFAULT_LIMITS
    max_bytes: int | None = None
    max_seconds: float | None = None


@dataclass(slots=True)
class CheckResult:
    findings: list[Finding]
    files: list[str]
    documents: int
    strict: bool = False
    root: str = ""  # the repository checked, as displayed (for findings without a file)
    config: str = ""  # its curribuild.yaml, as displayed, when it has one

    @property
    def exit_code(self) -> int:
        fail = {Severity.ERROR, Severity.WARNING} if self.strict else {Severity.ERROR}
        return 1 if any(f.severity in fail for f in self.findings) else 0

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


def collect_files(
    paths: Sequence[Path], skipped: list[Finding] | None = None
) -> list[tuple[Path, bool]]:
    """YAML files to check, each with whether the user named it explicitly.

    Folders are walked with the ``.gitignore`` files of their repository
    (:func:`~curribuild.discovery.repository_root`); a symlinked file that
    resolves outside the folder is not read, and a CB013 finding for it is
    appended to ``skipped``.
    """
    out: dict[Path, tuple[Path, bool]] = {}  # resolved path -> (path as given, explicit)
    ignores: dict[Path, IgnoreFiles] = {}

    def add(file: Path, explicit: bool) -> None:
        key = real(file)
        if key not in out or (explicit and not out[key][1]):
            out[key] = (out[key][0] if key in out else file, explicit)

    for path in paths:
        if path.is_dir():
            root = repository_root(path)
            ignore = ignores.setdefault(root, IgnoreFiles(root))
            found = discover(path, ignore)
            for file in found.files:
                add(file, False)
            if skipped is not None:
                skipped.extend(_outside_finding(item.path, path) for item in found.outside)
        elif path.exists() or path.is_symlink():
            add(path, True)  # a pipe, device or dangling link is reported as unreadable
        else:
            raise UsageError(f"no such file or directory: {path}")
    return sorted(out.values(), key=lambda item: item[0].as_posix())


def _outside_finding(file: Path, folder: Path) -> Finding:
    return Finding(
        CB013,
        f"symbolic link to a file outside the folder being checked ({display_path(folder)}); "
        "it is not read",
        display_path(file),
        1,
        1,
        fix="check the file's own folder on the command line, or replace the link with the file",
    )


def find_repo_config(
    paths: Sequence[Path], limits: Limits
) -> tuple[Config | None, Path | None, list[Finding]]:
    """The repository's ``curribuild.yaml``: in the first folder checked or above it,
    up to the repository root."""
    start = paths[0] if paths else Path()
    folder = real(start) if start.is_dir() else real(start).parent
    while True:
        candidate = folder / "curribuild.yaml"
        if candidate.is_file():
            parsed, findings = parse_file(
                candidate, display_path(candidate), limits, Locator(), explicit=True
            )
            model = parsed.model if parsed is not None else None
            return (model if isinstance(model, Config) else None), folder, findings
        if (folder / ".git").exists() or folder.parent == folder:
            return None, None, []
        folder = folder.parent


def _filtered(
    files: list[tuple[Path, bool]], config: Config | None, root: Path | None
) -> list[tuple[Path, bool]]:
    """The config's ``include:``/``exclude:`` (gitwildmatch globs relative to its folder);
    files named on the command line are always kept."""
    if config is None or root is None or not (config.include or config.exclude):
        return files
    include, exclude = Globs(config.include), Globs(config.exclude)
    out = []
    for file, explicit in files:
        try:
            rel = real(file).relative_to(root).as_posix()
        except ValueError:
            rel = file.as_posix()
        if not explicit:
            if include and not include.match(rel):
                continue
            if exclude.match(rel):
                continue
        out.append((file, explicit))
    return out


_DISABLE = re.compile(r"#\s*curribuild:\s*disable=([A-Za-z0-9, ]+)")


def suppressed(findings: list[Finding], undirected: Set[str] = frozenset()) -> list[Finding]:
    """Drop findings on lines that carry ``# curribuild: disable=CODE[,CODE]``; the files
    in ``undirected`` are known to have no such line, and are not read again."""
    cache: dict[str, list[str] | None] = {}
    disabled: dict[tuple[str, int], frozenset[str]] = {}
    out = []
    for finding in findings:
        if finding.path and finding.line > 0 and finding.path not in undirected:
            key = (finding.path, finding.line)
            codes = disabled.get(key)
            if codes is None:  # one look at each line, however many findings it has
                line = source_line(finding.path, finding.line, cache)
                match = _DISABLE.search(line) if line and "curribuild" in line else None
                codes = (
                    frozenset(c.strip().upper() for c in match.group(1).split(",") if match)
                    if match
                    else frozenset()
                )
                disabled[key] = codes
            if finding.code in codes or "ALL" in codes:
                continue
        out.append(finding)
    return out


def run_check(options: CheckOptions) -> CheckResult:
    workspace = Workspace()
    repo_config, repo_root, config_findings = find_repo_config(options.paths, options.limits)
    if repo_config is not None:
        options.limits = Limits(repo_config.limits.max_bytes, repo_config.limits.max_depth)
        if options.max_seconds is None:
            options.max_seconds = repo_config.limits.max_seconds
    if options.max_bytes is not None:
        options.limits = Limits(options.max_bytes, options.limits.max_depth)
    deadline = time.monotonic() + options.max_seconds if options.max_seconds else None
    skipped: list[Finding] = []
    files = _filtered(collect_files(options.paths, skipped), repo_config, repo_root)
    locator = Locator()
    findings: list[Finding] = []
    groups: dict[Path, list[Parsed]] = {}
    needs_docs: list[Parsed] = []
    fallback_roots = {
        real(path): real(path) if path.is_dir() else real(path).parent for path in options.paths
    }
    documents = 0
    findings.extend(config_findings)
    findings.extend(skipped)
    extra_terms = tuple(repo_config.stigma_terms) if repo_config else ()
    if len(extra_terms) > MAX_STIGMA_TERMS and repo_root is not None:
        config_file = repo_root / "curribuild.yaml"
        findings.append(
            Locator().finding(
                cb102.CODE,
                f"stigma_terms: {len(extra_terms):,} terms, more than the limit of "
                f"{MAX_STIGMA_TERMS:,}; the terms past it are not checked",
                Origin(display_path(config_file), config_file, ()),
                ("stigma_terms", MAX_STIGMA_TERMS),
                fix=f"keep at most {MAX_STIGMA_TERMS:,} terms (variants of one term: `a|b`)",
            )
        )
        extra_terms = extra_terms[:MAX_STIGMA_TERMS]
    document_checks = [lint.prepare(extra_terms) for lint in DOCUMENT_LINTS]

    undirected: set[str] = set()  # loaded files with no `# curribuild:` comment to read

    def per_document(doc: Document) -> Iterable[Finding]:
        if "curribuild" not in doc.text:
            undirected.add(doc.path)
        return [finding for check in document_checks for finding in check(doc)]

    def load(number: int) -> Parsed | None:
        file, explicit = files[number]
        parsed, problems = parse_file(
            file,
            shown[number],
            options.limits,
            locator,
            explicit=explicit,
            per_document=per_document,
        )
        findings.extend(problems)
        return parsed

    # Goals files come last, one at a time, so their models need not be kept
    # (checks/index.py); every other document is loaded first.
    shown = [display_path(file) for file, _ in files]
    streamed = [leading_kind(file) == "goals" for file, _ in files]
    order = sorted(range(len(files)), key=lambda n: streamed[n])
    late: dict[Path, list[int]] = {}  # root -> numbers of its goals files
    unchecked: list[int] = []
    for position, number in enumerate(order):
        if deadline is not None and time.monotonic() > deadline:
            unchecked = order[position:]
            break
        file = files[number][0]
        if streamed[number]:
            root = workspace.find_config_root(file) or _fallback_root(file, fallback_roots)
            late.setdefault(root, []).append(number)
            groups.setdefault(root, [])
            continue
        parsed = load(number)
        if parsed is None:
            continue
        documents += 1
        if parsed.kind == "needs":
            needs_docs.append(parsed)
            continue
        if parsed.kind == "intake":  # a survey map: validated, part of no curriculum
            continue
        root = workspace.find_config_root(file) or _fallback_root(file, fallback_roots)
        groups.setdefault(root, []).append(parsed)
    curricula: dict[Path, Curriculum] = {}
    indexes: dict[Path, GoalIndex] = {}
    for root, parsed_docs in sorted(groups.items(), key=lambda item: item[0].as_posix()):
        cur, problems = workspace.build_curriculum(root, parsed_docs, locator, options.limits)
        curricula[root] = cur
        index = indexes[root] = GoalIndex.of(cur, (p.file for p in parsed_docs))
        ctx = LintContext(cur, parsed_docs, locator, extra_terms, index)
        goal_checks = [c for lint in GOAL_LINTS if (c := lint.prepare(ctx)) is not None]
        for number in late.get(root, []):
            if deadline is not None and time.monotonic() > deadline:
                unchecked.append(number)
                continue
            parsed = load(number)
            if parsed is not None:
                documents += 1
            # a goals document whenever it loads: its first key says so, and the loader
            # refuses a second `kind` (CB002)
            if parsed is not None and isinstance(parsed.model, GoalsDocument):
                checked, duplicates = index.absorb(parsed, locator)
                problems.extend(duplicates)
                for goal, origin in checked:
                    for goal_check in goal_checks:
                        findings.extend(goal_check(goal, origin))
            locator.drop_map(files[number][0])  # placed from now on by reading it again
        findings.extend(problems)
        if not any(f.severity is Severity.ERROR and f.code < "CB3" for f in problems):
            findings.extend(run_cases(cur))
        for gid, origin in ctx.own_goals():
            for goal_check in goal_checks:
                findings.extend(goal_check(cur.goals[gid], origin))
        for lint in (*REFERENCE_CHECKS, *CURRICULUM_LINTS):
            findings.extend(lint.check(ctx))
    if unchecked:
        findings.append(
            Finding(
                cb015.CODE,
                f"time budget of {options.max_seconds:g} s exceeded: "
                f"{len(unchecked)} of {len(files)} files were not checked",
                fix="raise --max-seconds (or limits.max_seconds), or check fewer files",
            )
        )
    for parsed in needs_docs:
        findings.extend(
            _check_needs(workspace, parsed, curricula, indexes, locator, options.limits)
        )
    findings = apply_config(suppressed(findings, undirected), repo_config, options)
    return CheckResult(
        sorted(set(findings), key=lambda f: f.sort_key),
        shown,
        documents,
        options.strict,
        root=display_path(
            repo_root or repository_root(options.paths[0] if options.paths else Path())
        ),
        config=display_path(repo_root / "curribuild.yaml") if repo_root is not None else "",
    )


def _fallback_root(file: Path, roots: dict[Path, Path]) -> Path:
    resolved = real(file)
    for given, root in roots.items():
        if resolved == given or resolved.is_relative_to(root):
            return root
    return resolved.parent


def _check_needs(
    workspace: Workspace,
    parsed: Parsed,
    curricula: dict[Path, Curriculum],
    indexes: dict[Path, GoalIndex],
    locator: Locator,
    limits: Limits,
) -> list[Finding]:
    needs = parsed.model
    assert isinstance(needs, Needs)
    origin = Origin(parsed.path, parsed.file, ())
    root = workspace.find_config_root(parsed.file) if needs.curriculum is None else None
    index: GoalIndex | None = None
    if root is not None and root in curricula:
        cur, index = curricula[root], indexes[root]
    else:
        try:
            cur, _ = workspace.curriculum_for_needs(needs, parsed.file, limits)
        except UserError as exc:
            return [
                locator.finding(
                    cb207.CODE,
                    exc.message,
                    origin,
                    ("curriculum",),
                    fix=exc.findings[0].fix if exc.findings else "",
                )
            ]
    return [f for check in NEEDS_CHECKS for f in check.check(needs, cur, origin, index)]


def _selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    if select and not any(code.startswith(s) for s in select):
        return False
    return not any(code.startswith(s) for s in ignore)


def apply_config(
    findings: list[Finding], config: Config | None, options: CheckOptions
) -> list[Finding]:
    """Severity overrides and select/ignore, from the repository config and the command line."""
    # like ruff: --select on the command line replaces the config's; ignores add up
    select = list(options.select) or list(config.select if config else [])
    ignore = [*(config.ignore if config else []), *options.ignore]
    overrides = config.severity if config else {}
    out: list[Finding] = []
    for finding in findings:
        if not _selected(finding.code, select, ignore):
            continue
        # the one place a finding's severity is set: the config's, else its code's
        override = overrides.get(finding.code)
        severity = Severity(override) if override is not None else default_severity(finding.code)
        out.append(finding if finding.severity is severity else finding.with_severity(severity))
    return out
