"""Which template, audience and time limit a render uses, and the rendered text."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from curribuild.checks.codes import cb701
from curribuild.errors import UsageError, UserError
from curribuild.findings import Finding
from curribuild.planfile import special_kind
from curribuild.planner.model import Plan
from curribuild.render.view import AUDIENCES


def template_seconds(option: float | None) -> float:
    """The template time limit: ``--template-seconds``, else the environment's
    ``CURRIBUILD_TEMPLATE_SECONDS``, else 5 seconds."""
    from curribuild.render.limits import seconds_setting

    try:
        return seconds_setting(option)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


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
