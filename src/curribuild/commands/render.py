"""``curribuild render``: a plan as Markdown, HTML, iCalendar or JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import ValidationError

from curribuild.atomic import write_output
from curribuild.errors import UsageError, UserError
from curribuild.findings import Finding
from curribuild.planner.model import Plan

DEFAULT_PLAN = Path("build") / "plan.json"
EXTENSIONS = {"md": "md", "html": "html", "ics": "ics", "json": "json"}
MAX_PLAN_BYTES = 200_000_000


def load_plan(path: Path) -> Plan:
    if not path.exists():
        raise UserError(f"no plan at {path}: run `curribuild plan NEEDS` first (or pass --plan)")
    if path.is_dir():
        raise UsageError(f"--plan {path} is a folder; give a plan JSON file")
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
            [Finding("CB014", f"invalid JSON: {exc}", path.as_posix(), line, col)],
        ) from None
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[:5]
        findings = [
            Finding(
                "CB014",
                f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}",
                path.as_posix(),
            )
            for err in first
        ]
        raise UserError(
            f"{path} is not a curribuild plan (schema_version 1); run `curribuild plan` again",
            findings,
        ) from None


def template_seconds(option: float | None) -> float:
    """The template time limit: ``--template-seconds``, else the environment's
    ``CURRIBUILD_TEMPLATE_SECONDS``, else 5 seconds."""
    from curribuild.render.limits import seconds_setting

    try:
        return seconds_setting(option)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def render_text(plan: Plan, fmt: str, template: Path | None, seconds: float | None = None) -> str:
    if fmt == "json":
        if template is not None:
            raise UsageError("--template does not apply to --format json")
        return plan.to_json()
    if fmt == "ics":
        if template is not None:
            raise UsageError("--template does not apply to --format ics")
        from curribuild.render.ics import render_ics

        return render_ics(plan)
    from curribuild.render.sandbox import render
    from curribuild.render.view import build_view

    chosen: Path | str
    if template is not None:
        if not template.is_file():
            raise UsageError(f"--template {template}: no such file")
        chosen = template
    else:
        local = Path("templates") / f"programme.{fmt}.j2"
        chosen = local if local.is_file() else f"programme.{fmt}.j2"
    limit = template_seconds(seconds)
    return render(chosen, build_view(plan), autoescape=fmt == "html", max_seconds=limit)


def run(
    plan_path: Path | None,
    fmt: str,
    output: str | None,
    template: Path | None,
    template_seconds: float | None = None,
) -> int:
    plan = load_plan(plan_path or DEFAULT_PLAN)
    text = render_text(plan, fmt, template, template_seconds)
    target = output or (Path("build") / f"programme.{EXTENSIONS[fmt]}").as_posix()
    where = write_output(target, text)
    if where != "<stdout>":
        sys.stderr.write(f"Wrote {where}\n")
    return 0
