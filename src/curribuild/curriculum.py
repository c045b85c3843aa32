"""Curricula: documents merged into one catalogue of goals, methods and rules.

A curriculum is a folder of ``goals``, ``methods``, ``rules`` and
``rule-tests`` documents (any number of files each) plus an optional
``config`` document (``curriculum.yaml``). Layers merge base first: the
built-in structural rules, then the curriculum named by ``extends:``, then the
folder itself. A later layer may redefine an id of an earlier one (an
override); within one layer ids are unique per kind (CB203).
"""

from __future__ import annotations

import os
import re
import stat
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from curribuild.checks.codes import cb203
from curribuild.discovery import real
from curribuild.errors import UserError
from curribuild.findings import Finding, Position, Severity
from curribuild.loader import (
    DEFAULT_LIMITS,
    Document,
    Limits,
    LoadError,
    SourceMap,
    load_file,
)
from curribuild.models.config import Config
from curribuild.models.evidence import EvidenceDocument
from curribuild.models.goals import Goal, GoalsDocument
from curribuild.models.instruments import Instrument, InstrumentsDocument
from curribuild.models.methods import Method, MethodsDocument
from curribuild.models.rules import Rule, RulesDocument
from curribuild.models.ruletests import Case, RuleTestsDocument
from curribuild.resources import (
    bundled_curricula,
    bundled_curriculum,
    data_file,
)
from curribuild.suggest import did_you_mean
from curribuild.validate import document_kind, validate_document

CONFIG_NAMES = ("curriculum.yaml", "curribuild.yaml")
CURRICULUM_KINDS = frozenset(
    {"goals", "methods", "rules", "rule-tests", "config", "instruments", "evidence"}
)
BUILTIN = "builtin"

Loc = tuple[str | int, ...]


def display_path(path: Path) -> str:
    """A POSIX path relative to the working directory when inside it, else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return path.as_posix()
    if rel.startswith(".."):
        return real(path).as_posix()
    return Path(rel).as_posix()


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an item was defined: file and location path inside the document."""

    path: str
    file: Path
    loc: Loc


class Locator:
    """Resolves origins to positions.

    It keeps the source map of every document it was given (a few bytes per node,
    recorded by the document's one parse) and the last few documents whole; a file
    is read again only when its map is gone (a document with a duplicate key, whose
    positions are tracked in full, or one it was never given).
    """

    def __init__(self, keep: int = 32) -> None:
        self._docs: OrderedDict[Path, Document | None] = OrderedDict()
        self._maps: dict[Path, SourceMap] = {}
        self._keep = keep

    def drop_map(self, file: Path) -> None:
        """Forget ``file``'s source map (a later finding in it reads the file again)."""
        self._maps.pop(file, None)
        self._docs.pop(file, None)

    def remember(self, file: Path, doc: Document | None) -> None:
        if doc is not None and doc.source_map is not None:
            self._maps[file] = doc.source_map
        self._docs[file] = doc
        self._docs.move_to_end(file)
        while len(self._docs) > self._keep:
            self._docs.popitem(last=False)

    def document(self, file: Path) -> Document | None:
        """The loaded document of ``file`` (loading it if needed; None if it does not load)."""
        if file in self._docs:
            self._docs.move_to_end(file)
            return self._docs[file]
        try:
            doc: Document | None = load_file(file, display_path(file))
        except LoadError:
            doc = None
        self.remember(file, doc)
        return doc

    def position(self, origin: Origin, sub: Loc = (), *, key: bool = False) -> Position:
        source_map = self._maps.get(origin.file)
        if source_map is not None:
            return source_map.locate((*origin.loc, *sub), key=key)
        doc = self.document(origin.file)
        if doc is None:
            return Position(1, 1)
        return doc.locate((*origin.loc, *sub), key=key)

    def finding(
        self,
        code: str,
        message: str,
        origin: Origin,
        sub: Loc = (),
        *,
        fix: str = "",
        key: bool = False,
        severity: Severity = Severity.ERROR,
        rule: str = "",
    ) -> Finding:
        pos = self.position(origin, sub, key=key)
        return Finding(
            code,
            message,
            origin.path,
            pos.line,
            pos.col,
            severity=severity,
            fix=fix,
            rule=rule,
        )


@dataclass(slots=True)
class Parsed:
    """A validated document and where it came from."""

    path: str
    file: Path
    kind: str
    model: BaseModel
    indices: list[int] | None = None
    invalid: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


@dataclass(slots=True)
class Curriculum:
    """The merged catalogue a plan is built from."""

    name: str
    root: Path | None
    config: Config
    goals: dict[str, Goal] = field(default_factory=dict)
    methods: dict[str, Method] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    instruments: dict[str, Instrument] = field(default_factory=dict)
    evidence: list[EvidenceDocument] = field(default_factory=list)
    cases: list[tuple[Case, Origin]] = field(default_factory=list)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    layers: list[str] = field(default_factory=list)
    invalid: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    known_rules: list[str] = field(default_factory=list)
    config_origin: Origin | None = None
    locator: Locator = field(default_factory=Locator)
    _own_files: dict[Path, bool] = field(default_factory=dict)
    _real_folders: dict[Path, Path] = field(default_factory=dict)

    def origin(self, kind: str, item_id: str) -> Origin | None:
        return self.origins.get((kind, item_id))

    def owns(self, origin: Origin | None) -> bool:
        """Whether ``origin`` lies in this curriculum's own folder (not in a base it extends)."""
        if origin is None or self.root is None:
            return False
        known = self._own_files.get(origin.file)
        if known is None:
            known = self._resolved(origin.file).is_relative_to(self.root)
            self._own_files[origin.file] = known
        return known

    def _resolved(self, file: Path) -> Path:
        """``real(file)``, resolving each folder once: of the file itself, only whether
        it is a link is looked at again."""
        if file.name in {"", ".", ".."} or file.is_symlink():
            return real(file)
        folder = self._real_folders.get(file.parent)
        if folder is None:
            folder = self._real_folders[file.parent] = real(file.parent)
        return folder / file.name


def parse_file(
    file: Path,
    display: str,
    limits: Limits,
    locator: Locator,
    *,
    explicit: bool,
    per_document: Callable[[Document], Iterable[Finding]] | None = None,
) -> tuple[Parsed | None, list[Finding]]:
    """Load and validate one file.

    Returns no findings for YAML files that are not curribuild documents,
    unless ``explicit`` (the user named the file) or the kind looks like a typo.
    """
    try:
        doc = load_file(file, display, limits)
    except LoadError as exc:
        if not explicit and not _looks_like_document(file):
            return None, []
        return None, [exc.finding(display)]
    kind = document_kind(doc)
    if isinstance(kind, Finding):
        raw = doc.data.get("kind")
        typo = isinstance(raw, str) and did_you_mean(raw, _kinds())
        return None, ([kind] if explicit or typo else [])
    locator.remember(file, doc)
    loading = [p.finding(display) for p in doc.problems]
    result = validate_document(doc, kind)
    findings = loading + result.findings
    if per_document is not None:
        findings.extend(per_document(doc))
    if result.model is None:
        return None, findings
    return Parsed(display, file, kind, result.model, result.indices, result.invalid), findings


def _kinds() -> list[str]:
    from curribuild.models.documents import MODELS

    return list(MODELS)


_KIND_LINE = re.compile(rb"kind:[ \t]*(['\"]?)([a-z-]+)\1[ \t]*(?:#.*)?")


def leading_kind(file: Path) -> str | None:
    """The kind a file declares on its first line of content (``kind: goals`` at column
    0, after comments, directives and ``---``), read from its first 4 KB; else None.

    ``check`` uses it only to choose an order: the document's loaded kind decides.
    """
    try:
        if not file.is_file():  # a pipe or device is not opened here
            return None
        with file.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    for raw in head.removeprefix(b"\xef\xbb\xbf").splitlines():
        line = raw.rstrip()
        if not line or line.startswith((b"#", b"%")) or line == b"---":
            continue
        match = _KIND_LINE.fullmatch(line)
        return match.group(2).decode() if match else None
    return None


def _looks_like_document(file: Path) -> bool:
    """Whether an unloadable file still says it is a curribuild document."""
    try:
        if not file.is_file():
            return False
        with file.open("rb") as handle:
            head = handle.read(65536)
    except OSError:
        return False
    for raw in head.splitlines():
        line = raw.strip().strip(b"\"'")
        if line.startswith(b"kind:"):
            value = line[5:].strip().strip(b"\"'").decode("utf-8", "replace")
            return value in _kinds()
    return False


def assemble(
    parsed: Sequence[Parsed],
    name: str,
    root: Path | None,
    base: Curriculum | None,
    locator: Locator,
) -> tuple[Curriculum, list[Finding]]:
    """Merge one layer of documents over ``base``."""
    findings: list[Finding] = []
    own_config = next((p.model for p in parsed if isinstance(p.model, Config)), None)
    base_config = base.config if base is not None else Config(kind="config")
    config = (
        merge_config(base_config, own_config) if isinstance(own_config, Config) else base_config
    )
    cur = Curriculum(
        name=name,
        root=root,
        config=config,
        goals=dict(base.goals) if base else {},
        methods=dict(base.methods) if base else {},
        rules=dict(base.rules) if base else {},
        instruments=dict(base.instruments) if base else {},
        evidence=list(base.evidence) if base else [],
        cases=list(base.cases) if base else [],
        origins=dict(base.origins) if base else {},
        layers=[*(base.layers if base else []), name],
        invalid=dict(base.invalid) if base else {},
        locator=locator,
    )
    seen: dict[tuple[str, str], Origin] = {}
    configs = [p for p in parsed if isinstance(p.model, Config)]
    for extra in configs[1:]:
        findings.append(
            locator.finding(
                cb203.CODE,
                f"second config document in curriculum {name!r} (first: {configs[0].path})",
                Origin(extra.path, extra.file, ()),
                fix="keep one config document per curriculum",
            )
        )
    kinds = {
        GoalsDocument: ("goal", "goals"),
        MethodsDocument: ("method", "methods"),
        RulesDocument: ("rule", "rules"),
        RuleTestsDocument: ("case", "cases"),
        InstrumentsDocument: ("instrument", "instruments"),
    }
    for doc in parsed:
        if isinstance(doc.model, EvidenceDocument):
            cur.evidence.append(doc.model)
            continue
        spec = kinds.get(type(doc.model))
        if spec is None:
            continue
        kind, field_name = spec
        values: list[Any] = getattr(doc.model, field_name)
        indices = doc.indices if doc.indices is not None else list(range(len(values)))
        entries: list[tuple[int, Any, str]] = [
            (index, item, item.id) for index, item in zip(indices, values, strict=True)
        ]
        for index, raw in doc.invalid:
            raw_id = raw.get("id")
            if isinstance(raw_id, str) and raw_id:
                entries.append((index, raw, raw_id))
        for index, item, item_id in sorted(entries, key=lambda e: e[0]):
            origin = Origin(doc.path, doc.file, (field_name, index))
            key = (kind, item_id)
            if key in seen:
                findings.append(duplicate_id(locator, kind, item_id, seen[key], origin))
                continue
            seen[key] = origin
            cur.origins[key] = origin
            if isinstance(item, dict):  # failed validation: known id, no model
                cur.invalid[key] = item
                continue
            if kind == "goal":
                cur.goals[item_id] = item
            elif kind == "method":
                cur.methods[item_id] = item
            elif kind == "rule":
                cur.rules[item_id] = item
            elif kind == "instrument":
                cur.instruments[item_id] = item
            else:
                cur.cases = [c for c in cur.cases if c[0].id != item_id]
                cur.cases.append((item, origin))
    cur.known_rules = list(dict.fromkeys([*(base.known_rules if base else []), *cur.rules]))
    if configs:
        cur.config_origin = Origin(configs[0].path, configs[0].file, ())
    for rule_id in config.disable_rules:
        cur.rules.pop(rule_id, None)
    return cur, findings


def duplicate_id(
    locator: Locator, kind: str, item_id: str, first: Origin, again: Origin
) -> Finding:
    """CB203: ``item_id`` defined again at ``again`` in the layer that defined it at ``first``."""
    first_pos = locator.position(first, ("id",))
    return locator.finding(
        cb203.CODE,
        f"duplicate {kind} id {item_id!r} (first defined at "
        f"{first.path}:{first_pos.line}:{first_pos.col})",
        again,
        ("id",),
        fix=f"rename one of the two {kind}s",
    )


def merge_config(base: Config, own: Config) -> Config:
    """``own`` over ``base``: fields ``own`` sets win; planning settings merge by key."""
    update: dict[str, Any] = {name: getattr(own, name) for name in own.model_fields_set}
    if "planning" in own.model_fields_set:
        planning = own.planning
        merged_defaults = {**base.planning.evaluation_defaults, **planning.evaluation_defaults}
        update["planning"] = base.planning.model_copy(
            update={
                **{n: getattr(planning, n) for n in planning.model_fields_set},
                "evaluation_defaults": merged_defaults,
                "arrangements": {**base.planning.arrangements, **planning.arrangements},
            }
        )
    return base.model_copy(update=update)


@cache
def builtin_layer() -> Curriculum:
    """The built-in structural rules every curriculum starts from (data, not code).

    Loaded once per process: the file ships with the package and cannot change
    under a run, unlike the curricula a :class:`~curribuild.workspace.Workspace` loads."""
    key = data_file("builtin-rules.yaml")
    locator = Locator()
    parsed: list[Parsed] = []
    item, findings = parse_file(key, display_path(key), DEFAULT_LIMITS, locator, explicit=True)
    if item is not None:
        parsed.append(item)
    if findings:  # a broken install, not a user error
        raise UserError("the built-in rules do not load", findings)
    cur, _ = assemble(parsed, BUILTIN, None, None, locator)
    return cur


# Pseudo-file systems: never a curriculum, whatever a file says.
_SPECIAL_ROOTS = tuple(Path(p) for p in ("/proc", "/sys", "/dev"))
CONFINEMENT_RULE = (
    "a curriculum named by a file must be a bundled curriculum or a folder with a "
    "curriculum.yaml inside the repository"
)


class OutsideReference(Exception):
    """A curriculum reference in a file that breaks the confinement rule.

    ``message`` says what is wrong without the reference itself (callers name
    it); ``missing`` is set when a plain name matches nothing at all.
    """

    def __init__(self, message: str, fix: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.missing = missing


def repository_boundary(naming_file: Path) -> Path:
    """The folder a file may name curricula in: the git work tree holding it, else
    the file's own folder (symlinks resolved)."""
    folder = real(naming_file).parent
    probe = folder
    while True:
        if (probe / ".git").exists():
            return probe
        if probe.parent == probe:
            return folder
        probe = probe.parent


_ELSEWHERE = (
    "name a bundled curriculum or a curriculum folder of this repository; "
    "give one elsewhere with `--curriculum DIR` on the command line"
)


def resolve_named(ref: str, naming_file: Path) -> Path:
    """The curriculum folder ``ref`` in ``naming_file`` (a needs or config file) stands for.

    A bundled name, or a path (relative to the file) that resolves, symlinks
    followed, to a folder inside :func:`repository_boundary` holding a regular
    ``curriculum.yaml``. Nothing is read before the check: a breach raises
    :class:`OutsideReference` (device, FIFO and ``/proc`` targets included).
    """
    bundled = bundled_curriculum(ref)
    pathlike = "/" in ref or "\\" in ref or ref.startswith(".")
    if "\0" in ref:
        raise OutsideReference("not a path (NUL character)", _ELSEWHERE)
    if bundled is not None and not pathlike:
        local = real(naming_file).parent / ref
        if not (local.is_dir() and (local / "curriculum.yaml").is_file()):
            return real(bundled)
    boundary = repository_boundary(naming_file)
    target = real(real(naming_file).parent / ref)
    if any(target == p or target.is_relative_to(p) for p in _SPECIAL_ROOTS):
        raise OutsideReference(
            f"resolves to {target.as_posix()}, a system path; {CONFINEMENT_RULE}", _ELSEWHERE
        )
    if not target.is_relative_to(boundary):
        raise OutsideReference(
            f"resolves to {target.as_posix()}, outside the repository "
            f"{boundary.as_posix()}; {CONFINEMENT_RULE}",
            _ELSEWHERE,
        )
    try:
        folder_mode = target.stat().st_mode
    except (OSError, ValueError):
        folder_mode = 0
    if folder_mode == 0 and not pathlike:
        raise OutsideReference(
            "not found",
            f"use a bundled curriculum ({', '.join(bundled_curricula())}) or a relative path",
            missing=True,
        )
    try:
        config_mode = (target / "curriculum.yaml").stat().st_mode if folder_mode else 0
    except (OSError, ValueError):
        config_mode = 0
    if not stat.S_ISDIR(folder_mode) or not stat.S_ISREG(config_mode):
        raise OutsideReference(
            "is not a curriculum folder (a folder with a regular curriculum.yaml file); "
            + CONFINEMENT_RULE,
            f"use a bundled curriculum ({', '.join(bundled_curricula())}) or a relative path "
            "to a folder with a curriculum.yaml",
        )
    return target


def checked(result: tuple[Curriculum, list[Finding]]) -> Curriculum:
    """The curriculum of a load, or a UserError carrying its error findings."""
    cur, findings = result
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        raise UserError(f"curriculum {cur.name!r} has errors", errors)
    return cur
