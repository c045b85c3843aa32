"""The registry of check codes: every code module, listed here explicitly.

Each module's docstring is the code's user documentation (What it finds / Why it
matters / Example / Instead); ``curribuild codes CODE`` prints it.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Protocol

from curribuild.checks import codes
from curribuild.checks.codes import (
    cb104,
    cb201,
    cb202,
    cb204,
    cb205,
    cb206,
    cb208,
    cb209,
    cb301,
    cb302,
    cb303,
    cb304,
    cb305,
    cb306,
    cb307,
    cb316,
    cb401,
    cb501,
    cb502,
)
from curribuild.findings import Finding, Severity

if TYPE_CHECKING:
    from curribuild.checks.context import GoalCheck, LintContext
    from curribuild.checks.index import GoalIndex
    from curribuild.curriculum import Curriculum, Origin
    from curribuild.loader import Document
    from curribuild.models.config import StigmaTerm
    from curribuild.models.needs import Needs


def _code_modules() -> tuple[ModuleType, ...]:
    """Every module of ``checks/codes`` (one per code, named after it), in code order."""
    names = sorted(m.name for m in pkgutil.iter_modules(codes.__path__) if CODE_NAME.match(m.name))
    return tuple(importlib.import_module(f"{codes.__name__}.{name}") for name in names)


CODE_NAME = re.compile(r"cb\d{3}\Z")
_MODULES = _code_modules()


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str
    name: str
    summary: str
    default_severity: Severity
    doc: str


def _info(module: ModuleType) -> CodeInfo:
    return CodeInfo(
        code=module.CODE,
        name=module.NAME,
        summary=module.SUMMARY,
        default_severity=module.DEFAULT_SEVERITY,
        doc=(module.__doc__ or "").strip(),
    )


CODES: dict[str, CodeInfo] = {info.code: info for info in map(_info, _MODULES)}


def get(code: str) -> CodeInfo:
    """The documentation of ``code``; raises ``KeyError`` for an unknown code."""
    try:
        return CODES[code.upper()]
    except KeyError:
        raise KeyError(f"unknown check code {code!r}") from None


def default_severity(code: str) -> Severity:
    info = CODES.get(code)
    return info.default_severity if info else Severity.ERROR


class CurriculumLint(Protocol):
    """A check of one whole curriculum (``SCOPE = "curriculum"``)."""

    CODE: str

    def check(self, ctx: LintContext) -> Iterable[Finding]: ...


class GoalLint(Protocol):
    """A lint of each of a curriculum's own goals (``SCOPE = "goal"``): prepared once per
    curriculum (None: nothing to check), then called on every goal, streamed or loaded."""

    CODE: str

    def prepare(self, ctx: LintContext) -> GoalCheck | None: ...


# Cross-document checks whose errors make a curriculum unfit to plan from: `plan` runs
# them too (checks/references.py).
REFERENCE_CHECKS: tuple[CurriculumLint, ...] = (cb201, cb202, cb204, cb205, cb208, cb209)
CURRICULUM_LINTS: tuple[CurriculumLint, ...] = (cb104, cb304, cb305, cb306, cb316)
GOAL_LINTS: tuple[GoalLint, ...] = (cb301, cb302, cb303, cb307, cb501, cb502)
LINTS: tuple[ModuleType, ...] = tuple(
    m for m in _MODULES if getattr(m, "SCOPE", "") in {"curriculum", "goal"}
)


class DocumentLint(Protocol):
    """A check of each loaded document as files stream by (``SCOPE = "document"``),
    prepared once per run with the repository's extra stigma terms."""

    CODE: str

    def prepare(
        self, extra: tuple[StigmaTerm, ...] = ...
    ) -> Callable[[Document], Iterable[Finding]]: ...


DOCUMENT_LINTS: tuple[DocumentLint, ...] = (cb401,)


class NeedsCheck(Protocol):
    """A check of a needs document against its curriculum (``SCOPE = "needs"``)."""

    CODE: str

    def check(
        self, needs: Needs, cur: Curriculum, origin: Origin, goals: GoalIndex | None = ...
    ) -> Iterable[Finding]: ...


NEEDS_CHECKS: tuple[NeedsCheck, ...] = (cb206,)
