"""``curribuild render``: a plan as Markdown, HTML, iCalendar or JSON."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from curribuild.atomic import write_output
from curribuild.checks.codes import cb701
from curribuild.errors import UsageError, UserError
from curribuild.findings import Finding
from curribuild.planfile import DEFAULT_PLAN, load_plan, special_kind
from curribuild.planner.model import Plan

EXTENSIONS = {"md": "md", "html": "html", "ics": "ics", "json": "json"}
DEFAULT_FORMS = Path("build") / "evaluation"


def template_seconds(option: float | None) -> float:
    """The template time limit: ``--template-seconds``, else the environment's
    ``CURRIBUILD_TEMPLATE_SECONDS``, else 5 seconds."""
    from curribuild.render.limits import seconds_setting

    try:
        return seconds_setting(option)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


AUDIENCES = ("coordinator", "participants")


def check_audience(fmt: str, audience: str | None) -> str:
    """The audience of a Markdown or HTML render (default coordinator); ``--audience``
    with ``ics`` or ``json`` is a usage error, since those hold the whole plan."""
    if audience is None:
        return "coordinator"
    if audience not in AUDIENCES:
        raise UsageError(f"--audience {audience}: choose coordinator or participants")
    if fmt not in ("md", "html"):
        raise UsageError(
            f"--audience applies to --format md and html only; --format {fmt} holds the whole plan"
        )
    return audience


def _template_refused(path: Path, message: str, fix: str) -> UserError:
    shown = path.as_posix()
    return UserError(f"{shown}: {message}", [Finding(cb701.CODE, message, shown, 1, 1, fix=fix)])


def template_file(path: Path, *, given: bool = False) -> Path:
    """The template file ``path`` (``--template``, or ``templates/programme.FORMAT.j2``)
    stands for, checked before a byte of it is read.

    It must be a regular file. A symlink is followed only to a file inside the
    repository holding the link (its git work tree, else the folder with a
    ``curribuild.yaml``, else the link's own folder): a link committed to a
    repository cannot make a render read a file elsewhere. Pipes, devices and
    sockets are refused (reading one could block or never end).
    """
    from curribuild.discovery import real, repository_root

    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        if given and not os.path.lexists(path):
            raise UsageError(f"--template {path}: no such file") from None
        raise _template_refused(
            path,
            "is a symbolic link to a file that does not exist",
            "point the link at a template file, or remove it",
        ) from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"--template {path}: is a folder; give a template file")
    kind = special_kind(path)
    if kind:
        raise _template_refused(path, f"is {kind}, not a regular file", "give a template file")
    if not path.is_symlink():
        return path
    target = real(path)
    boundary = repository_root(path.parent)
    if not target.is_relative_to(boundary):
        raise _template_refused(
            path,
            f"is a symbolic link to {target.as_posix()}, outside the repository "
            f"{boundary.as_posix()}; a template link must stay inside the repository",
            "copy the template into the repository, or give its real path with --template",
        )
    # the sandbox looks the template up by name in its folder: give it the target's
    return Path(os.path.relpath(target))


def render_text(
    plan: Plan,
    fmt: str,
    template: Path | None,
    seconds: float | None = None,
    audience: str | None = None,
) -> str:
    chosen_audience = check_audience(fmt, audience)
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
        chosen = template_file(template, given=True)
    else:
        local = Path("templates") / f"programme.{fmt}.j2"
        chosen = template_file(local) if os.path.lexists(local) else f"programme.{fmt}.j2"
    limit = template_seconds(seconds)
    view = build_view(plan, chosen_audience)
    return render(chosen, view, autoescape=fmt == "html", max_seconds=limit)


def run(
    plan_path: Path | None,
    fmt: str,
    output: str | None,
    template: Path | None,
    template_seconds: float | None = None,
    audience: str | None = None,
) -> int:
    check_audience(fmt, audience)
    if fmt == "evaluation":
        if template is not None:
            raise UsageError("--template does not apply to --format evaluation")
        plan = load_plan(plan_path or DEFAULT_PLAN)
        return write_forms(plan, output, template_seconds)
    plan = load_plan(plan_path or DEFAULT_PLAN)
    text = render_text(plan, fmt, template, template_seconds, audience)
    target = output or (Path("build") / f"programme.{EXTENSIONS[fmt]}").as_posix()
    where = write_output(target, text)
    if where != "<stdout>":
        sys.stderr.write(f"Wrote {where}\n")
    return 0


def write_forms(plan: Plan, output: str | None, seconds: float | None) -> int:
    """``--format evaluation``: each form as printable HTML and as a CSV template, in
    the folder ``output`` (default build/evaluation)."""
    from curribuild import __version__
    from curribuild.evaluation.forms import csv_template, form_view, forms
    from curribuild.render.sandbox import render

    if output == "-":
        raise UsageError("--format evaluation writes several files: give -o a folder")
    folder = Path(output) if output else DEFAULT_FORMS
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"-o {folder} is a file; --format evaluation writes into a folder")
    chosen = forms(plan)
    if not chosen:
        raise UserError(
            "the plan names no catalogue instruments, so there are no forms to write; "
            "add a `kind: instruments` document to the curriculum and plan again"
        )
    limit = template_seconds(seconds)
    for form in chosen:
        view = {"form": form_view(plan, form), "generator": f"curribuild {__version__}"}
        html = render("evaluation-form.html.j2", view, autoescape=True, max_seconds=limit)
        write_output(folder / f"{form.instrument_id}.html", html)
        write_output(folder / f"{form.instrument_id}.csv", csv_template(form))
        sys.stderr.write(f"Wrote {folder.as_posix()}/{form.instrument_id}.{{html,csv}}\n")
    return 0
