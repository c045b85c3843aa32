"""The inputs of planning, loaded and checked: a needs file and the curriculum it is
planned from. Shared by the commands that plan (plan, explain) and by the benchmark,
so that no command imports another."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from curribuild.checks.references import check_curriculum
from curribuild.curriculum import (
    Curriculum,
    Locator,
    checked,
    display_path,
    parse_file,
)
from curribuild.errors import UsageError, UserError
from curribuild.findings import Finding, Severity
from curribuild.loader import DEFAULT_LIMITS, Document
from curribuild.models.needs import Needs
from curribuild.workspace import Workspace

M = TypeVar("M")


def load_document(path: Path, model: type[M], what: str, kind: str) -> M:
    """The one document at ``path``, of ``model``'s kind: a usage error when there is no
    such file, a UserError with located findings when it does not validate. ``what``
    names it in messages ("needs file"), ``kind`` says what its kind should be."""
    return _load(path, model, what, kind)[0]


def _load(path: Path, model: type[M], what: str, kind: str) -> tuple[M, Document]:
    """As :func:`load_document`, with the document as loaded (its text and positions)."""
    if not path.exists():
        raise UsageError(f"no such file: {path}")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a {what}")
    shown = display_path(path)
    locator = Locator()
    parsed, findings = parse_file(path, shown, DEFAULT_LIMITS, locator, explicit=True)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors or parsed is None:
        raise UserError(f"{shown} is not a valid {what}", findings)
    if not isinstance(parsed.model, model):
        raise UserError(f"{shown} is a {parsed.kind} document, not {kind}")
    doc = locator.document(path)  # the one parse_file loaded: kept, not read again
    assert doc is not None
    return parsed.model, doc


@dataclass(frozen=True, slots=True)
class NeedsFile:
    """A needs document as loaded, once: its model, and its text and positions, so a
    finding about one of its fields is placed (and its wording linted) without reading
    the file again."""

    needs: Needs
    file: Path
    document: Document

    def place(self, findings: list[Finding]) -> list[Finding]:
        """Each finding that has no place and names a field (``Finding.field``, as the
        planner raises them: ``constraints.days``), placed at that field of the needs
        (at the mapping that would hold it, when the request leaves it out)."""
        doc = self.document
        return [
            f.placed(doc.path, doc.locate(f.field_path)) if f.field and not f.path else f
            for f in findings
        ]

    def placed(self, exc: UserError) -> UserError:
        """``exc`` with its findings placed as :meth:`place` says."""
        exc.findings = self.place(exc.findings)
        return exc


def load_needs_file(path: Path) -> NeedsFile:
    """The needs document at ``path`` with its positions, or a UserError with located
    findings."""
    needs, doc = _load(path, Needs, "needs file", "a needs document")
    return NeedsFile(needs, path, doc)


def load_needs(path: Path) -> Needs:
    """The needs at ``path`` (the model only), or a UserError with located findings."""
    return load_needs_file(path).needs


def load_for_needs(needs_path: Path, curriculum: Path | None) -> tuple[NeedsFile, Curriculum]:
    """The needs and the curriculum they are planned from, both free of errors
    (including reference errors such as unknown prerequisites)."""
    workspace = Workspace()
    needs = load_needs_file(needs_path)
    if curriculum is not None:
        if not curriculum.is_dir():
            raise UsageError(f"--curriculum {curriculum}: not a folder")
        cur = checked(workspace.load_curriculum(curriculum))
    else:
        try:
            named = workspace.curriculum_for_needs(needs.needs, needs_path)
        except UserError as exc:  # a `curriculum:` that names none (CB207)
            raise needs.placed(exc) from None
        cur = checked(named)
    problems = [f for f in check_curriculum(cur) if f.severity is Severity.ERROR]
    if problems:
        raise UserError(f"curriculum {cur.name!r} has errors", problems)
    return needs, cur
