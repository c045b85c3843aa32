"""``curribuild intake``: a survey export and an intake map -> a draft needs file."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from curribuild import api
from curribuild.atomic import write_output
from curribuild.errors import UsageError
from curribuild.findings import Finding
from curribuild.intake.survey import bundled_map
from curribuild.output import neutral


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
    stem = Path(output).stem if output != "-" else responses.stem
    drafted = api.intake(responses, map_path, ident or _slug(stem), title, participants)
    for warning in drafted.unmapped:
        sys.stderr.write(
            f"warning {warning.code}: {neutral(warning.located(), multiline=False)}: "
            f"{neutral(warning.message, multiline=False)}\n"
        )
    where = write_output(output, drafted.text)
    if where != "<stdout>":
        sys.stderr.write(f"Wrote {where}\n")
    return drafted.unmapped


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
