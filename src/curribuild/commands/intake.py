"""``curribuild intake``: a survey export and an intake map -> a draft needs file."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from curribuild.atomic import write_output
from curribuild.curriculum import display_path
from curribuild.errors import UsageError, UserError
from curribuild.findings import Finding
from curribuild.inputs import load_document
from curribuild.intake.aggregate import aggregate
from curribuild.intake.draft import draft
from curribuild.intake.read import read_table
from curribuild.models.intake import IntakeMap
from curribuild.output import neutral
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


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "needs-from-survey"


def run(
    responses: Path,
    map_path: Path | None,
    output: str,
    ident: str | None,
    title: str | None,
    participants: int | None,
) -> list[Finding]:
    """Write the draft; return the warnings (unmapped answers) for the terminal."""
    if not responses.is_file():
        raise UsageError(f"no such file: {responses}")
    imap, map_name = load_map(map_path or bundled_map())
    if map_path is None:
        map_name = f"the bundled map {BUNDLED_MAP[0]}/{BUNDLED_MAP[1].as_posix()}"
    source = display_path(responses)
    table = read_table(responses, source)
    agg = aggregate(table, imap, map_name)
    stem = Path(output).stem if output != "-" else responses.stem
    text = draft(
        agg,
        imap,
        source=source,
        map_name=map_name,
        ident=ident or _slug(stem),
        title=title or imap.title or "Training needs from the needs-assessment survey",
        participants=participants,
    )
    for warning in agg.unmapped:
        sys.stderr.write(
            f"warning {warning.code}: {neutral(warning.located(), multiline=False)}: "
            f"{neutral(warning.message, multiline=False)}\n"
        )
    where = write_output(output, text)
    if where != "<stdout>":
        sys.stderr.write(f"Wrote {where}\n")
    return agg.unmapped


def write_map_template(target: str) -> str:
    """The bundled map, as a commented template to adapt."""
    return write_output(target, bundled_map().read_text(encoding="utf-8"))


def main(
    responses: Path | None,
    map_path: Path | None,
    output: str,
    ident: str | None,
    title: str | None,
    participants: int | None,
    write_map: str | None,
) -> int:
    """The command: the map template (``--write-map``), or a draft from an export."""
    if write_map is not None:
        where = write_map_template(write_map)
        if where != "<stdout>":
            sys.stderr.write(f"Wrote {where}\n")
        return 0
    if responses is None:
        raise UsageError("give the survey export (CSV or xlsx), or --write-map PATH")
    run(responses, map_path, output, ident, title, participants)
    return 0
