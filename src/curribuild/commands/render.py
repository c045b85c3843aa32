"""``curribuild render``: a plan as Markdown, HTML, iCalendar or JSON."""

from __future__ import annotations

import sys
from pathlib import Path

from curribuild import api
from curribuild.atomic import write_output
from curribuild.errors import UsageError
from curribuild.planfile import DEFAULT_PLAN, load_plan
from curribuild.planner.model import Plan

EXTENSIONS = {"md": "md", "html": "html", "ics": "ics", "json": "json"}
DEFAULT_FORMS = Path("build") / "evaluation"


def run(
    plan_path: Path | None,
    fmt: str,
    output: str | None,
    template: Path | None,
    template_seconds: float | None = None,
    audience: str | None = None,
) -> int:
    from curribuild.render.formats import check_audience

    check_audience(fmt, audience)
    if fmt == "evaluation":
        if template is not None:
            raise UsageError("--template does not apply to --format evaluation")
        return write_forms(load_plan(plan_path or DEFAULT_PLAN), output, template_seconds)
    plan = load_plan(plan_path or DEFAULT_PLAN)
    text = api.render(plan, fmt, template, template_seconds, audience)
    target = output or (Path("build") / f"programme.{EXTENSIONS[fmt]}").as_posix()
    where = write_output(target, text)
    if where != "<stdout>":
        sys.stderr.write(f"Wrote {where}\n")
    return 0


def write_forms(plan: Plan, output: str | None, seconds: float | None) -> int:
    """``--format evaluation``: each form as printable HTML and as a CSV template, in
    the folder ``output`` (default build/evaluation)."""
    if output == "-":
        raise UsageError("--format evaluation writes several files: give -o a folder")
    folder = Path(output) if output else DEFAULT_FORMS
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"-o {folder} is a file; --format evaluation writes into a folder")
    for form in api.evaluation_forms(plan, seconds):
        write_output(folder / f"{form.name}.html", form.html)
        write_output(folder / f"{form.name}.csv", form.csv)
        sys.stderr.write(f"Wrote {folder.as_posix()}/{form.name}.{{html,csv}}\n")
    return 0
