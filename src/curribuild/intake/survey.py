"""The intake map a survey export is read through: the bundled one, or a file."""

from __future__ import annotations

from pathlib import Path

from curribuild.curriculum import display_path
from curribuild.errors import UserError
from curribuild.inputs import load_document
from curribuild.models.intake import IntakeMap
from curribuild.resources import bundled_curriculum

BUNDLED_MAP = ("ran-health-pcve", Path("intake") / "needs-survey.yaml")


def bundled_map() -> Path:
    root = bundled_curriculum(BUNDLED_MAP[0])
    if root is None:
        raise UserError("the bundled intake map is missing: reinstall curribuild")
    return root / BUNDLED_MAP[1]


def load_map(path: Path) -> tuple[IntakeMap, str]:
    imap = load_document(path, IntakeMap, "intake map", "an intake map (kind: intake)")
    return imap, display_path(path)
