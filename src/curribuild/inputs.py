"""The inputs of planning, loaded and checked: a needs file and the curriculum it is
planned from. Shared by the commands that plan (plan, explain) and by the benchmark,
so that no command imports another."""

from __future__ import annotations

from pathlib import Path

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


def load_needs(path: Path) -> Needs:
    """The needs document at ``path``, or a UserError with located findings."""
    if not path.exists():
        raise UsageError(f"no such file: {path}")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a needs file")
    parsed, findings = parse_file(
        path, display_path(path), DEFAULT_LIMITS, Locator(), explicit=True
    )
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors or parsed is None:
        raise UserError(f"{display_path(path)} is not a valid needs file", findings)
    if not isinstance(parsed.model, Needs):
        raise UserError(f"{display_path(path)} is a {parsed.kind} document, not a needs document")
    return parsed.model


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
