"""The inputs of planning, loaded and checked: a needs file and the curriculum it is
planned from. Shared by the commands that plan (plan, explain) and by the benchmark,
so that no command imports another."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from curribuild.checks.references import check_curriculum
from curribuild.curriculum import (
    Curriculum,
    Locator,
    checked,
    curriculum_for_needs,
    display_path,
    forget,
    load_curriculum,
    parse_file,
)
from curribuild.errors import UsageError, UserError
from curribuild.findings import Severity
from curribuild.loader import DEFAULT_LIMITS
from curribuild.models.needs import Needs

M = TypeVar("M")


def load_document(path: Path, model: type[M], what: str, kind: str) -> M:
    """The one document at ``path``, of ``model``'s kind: a usage error when there is no
    such file, a UserError with located findings when it does not validate. ``what``
    names it in messages ("needs file"), ``kind`` says what its kind should be."""
    if not path.exists():
        raise UsageError(f"no such file: {path}")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a {what}")
    shown = display_path(path)
    parsed, findings = parse_file(path, shown, DEFAULT_LIMITS, Locator(), explicit=True)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors or parsed is None:
        raise UserError(f"{shown} is not a valid {what}", findings)
    if not isinstance(parsed.model, model):
        raise UserError(f"{shown} is a {parsed.kind} document, not {kind}")
    return parsed.model


def load_needs(path: Path) -> Needs:
    """The needs document at ``path``, or a UserError with located findings."""
    return load_document(path, Needs, "needs file", "a needs document")


def load_for_needs(needs_path: Path, curriculum: Path | None) -> tuple[Needs, Curriculum]:
    """The needs and the curriculum they are planned from, both free of errors
    (including reference errors such as unknown prerequisites)."""
    forget()
    needs = load_needs(needs_path)
    if curriculum is not None:
        if not curriculum.is_dir():
            raise UsageError(f"--curriculum {curriculum}: not a folder")
        cur = checked(load_curriculum(curriculum))
    else:
        cur = checked(curriculum_for_needs(needs, needs_path))
    problems = [f for f in check_curriculum(cur) if f.severity is Severity.ERROR]
    if problems:
        raise UserError(f"curriculum {cur.name!r} has errors", problems)
    return needs, cur
