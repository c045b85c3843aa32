"""Reading a plan.json back (render, evaluate): size-capped, pipes and devices
refused, and every way it can be wrong reported as CB014 with its place."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from curribuild.atomic import SPECIAL_KINDS
from curribuild.checks.codes import cb014
from curribuild.errors import UsageError, UserError
from curribuild.findings import Finding
from curribuild.planner.model import Plan

DEFAULT_PLAN = Path("build") / "plan.json"
MAX_PLAN_BYTES = 200_000_000


def special_kind(path: Path) -> str:
    """What ``path`` is when it is a pipe, device or socket (links followed), else ``""``."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return ""
    return next((kind for test, kind in SPECIAL_KINDS if test(mode)), "")


def load_plan(path: Path) -> Plan:
    if not path.exists():
        raise UserError(f"no plan at {path}: run `curribuild plan NEEDS` first (or pass --plan)")
    if path.is_dir():
        raise UsageError(f"--plan {path} is a folder; give a plan JSON file")
    kind = special_kind(path)
    if kind:
        # opening a pipe blocks until a writer comes; a device never ends
        message = f"is {kind}, not a regular file"
        raise UserError(
            f"{path}: {message}; give a plan JSON file",
            [Finding(cb014.CODE, message, path.as_posix(), 1, 1, fix="give a plan JSON file")],
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_PLAN_BYTES + 1)
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_PLAN_BYTES:
        raise UserError(f"{path} is larger than {MAX_PLAN_BYTES:,} bytes; is it a plan?")
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", 0)
        col = getattr(exc, "colno", 0)
        raise UserError(
            f"{path} is not valid JSON; run `curribuild plan` again",
            [Finding(cb014.CODE, f"invalid JSON: {exc}", path.as_posix(), line, col)],
        ) from None
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[:5]
        findings = [
            Finding(
                cb014.CODE,
                f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}",
                path.as_posix(),
            )
            for err in first
        ]
        raise UserError(
            f"{path} is not a curribuild plan (schema_version 1); run `curribuild plan` again",
            findings,
        ) from None
