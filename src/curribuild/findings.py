"""Findings: the one value every check, loader error and planner warning becomes.

A finding is sortable (path, line, column, code) so reports are deterministic.
This module is imported on the CLI path, so it must stay free of heavy imports.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, replace
from enum import StrEnum

_FIELD_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


class Severity(StrEnum):
    """How serious a finding is; ``error`` fails a run, ``warning`` only with --strict."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True, order=True, slots=True)
class Position:
    """A 1-based line and column in a source file."""

    line: int = 1
    col: int = 1


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in one place."""

    code: str
    message: str
    path: str = ""
    line: int = 0
    col: int = 0
    severity: Severity = Severity.ERROR
    fix: str = ""
    field: str = ""
    rule: str = ""
    extra: tuple[str, ...] = dataclasses.field(default=())

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.col, self.code, self.message)

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)

    @property
    def field_path(self) -> tuple[str | int, ...]:
        """``field`` as a location path in its document: ``("goals", 3, "minutes")`` for
        ``goals[3].minutes`` (empty when the finding names no field)."""
        return tuple(
            int(index) if index else name for index, name in _FIELD_PART.findall(self.field)
        )

    def placed(self, path: str, position: Position) -> Finding:
        """The same finding at ``position`` of the file shown as ``path``."""
        return replace(self, path=path, line=position.line, col=position.col)

    def located(self) -> str:
        """``path:line:col`` (or less, when the finding has no position)."""
        if not self.path:
            return ""
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{self.col}"

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "message": self.message,
            "fix": self.fix,
            "field": self.field,
            "rule": self.rule,
        }
