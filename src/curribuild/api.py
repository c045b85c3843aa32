"""The library layer: what each command does, as functions of its inputs.

A command (``curribuild.commands.*``) turns options into a call here and prints or
writes what comes back; nothing here prints or writes a file, and no command imports
another. Heavy modules (the solver, the template sandbox) are imported by the
function that needs them, so ``--help`` and ``check --format json`` stay light.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from curribuild.checks.runner import CheckOptions, CheckResult
    from curribuild.curriculum import Curriculum
    from curribuild.errors import InfeasiblePlan
    from curribuild.evaluation.report import Report
    from curribuild.explanation import Entry
    from curribuild.findings import Finding
    from curribuild.inputs import NeedsFile
    from curribuild.models.evidence import EvidenceDocument
    from curribuild.planner.model import Plan


def curriculum(folder: Path | None = None) -> Curriculum:
    """The curriculum in ``folder`` (default: the bundled one), free of load errors
    (``curribuild list``)."""
    from curribuild.curriculum import checked
    from curribuild.errors import UsageError
    from curribuild.workspace import Workspace

    workspace = Workspace()
    if folder is None:
        return checked(workspace.load_named(None, None))
    if not folder.is_dir():
        raise UsageError(f"--curriculum {folder}: not a folder")
    return checked(workspace.load_curriculum(folder))


def check(options: CheckOptions) -> CheckResult:
    """Validate and lint the files ``options`` names (``curribuild check``)."""
    from curribuild.checks.runner import run_check

    return run_check(options)


@dataclass(frozen=True, slots=True)
class Planned:
    plan: Plan
    needs: NeedsFile  # the needs as loaded, with their positions
    curriculum: Curriculum


def plan(needs_path: Path, curriculum: Path | None = None) -> Planned:
    """Plan the programme ``needs_path`` asks for (``curribuild plan``).

    The needs file's stigmatising wording (CB401, as ``check`` finds it) is among the
    plan's findings. A planning error about a needs field is raised placed at it."""
    from curribuild.checks.needs_language import needs_language
    from curribuild.errors import UsageError, UserError
    from curribuild.inputs import load_for_needs
    from curribuild.planner.build import build_plan
    from curribuild.planner.model import PlanFinding

    needs, cur = load_for_needs(needs_path, curriculum)
    try:
        built = build_plan(needs.needs, cur)
    except UsageError:
        raise
    except UserError as exc:
        raise needs.placed(exc) from None
    extra = [PlanFinding.from_finding(f) for f in needs_language(needs.file, needs.document)]
    if extra:
        findings = sorted([*built.findings, *extra], key=lambda f: (f.code, f.message))
        built = built.model_copy(update={"findings": findings})
    return Planned(built, needs, cur)


@dataclass(frozen=True, slots=True)
class Explanation:
    curriculum: Curriculum
    entries: list[Entry]
    failure: InfeasiblePlan | None  # why no plan meets the request, if none does


def explain(
    needs_path: Path, goal_id: str | None = None, curriculum: Path | None = None
) -> Explanation:
    """For each goal (or just ``goal_id``), every candidate method, what the plan did
    with the goal, and why (``curribuild explain``)."""
    from curribuild.explanation import entries

    cur, found, failure = entries(needs_path, goal_id, curriculum)
    return Explanation(cur, found, failure)


def render(
    plan: Plan,
    fmt: str,
    template: Path | None = None,
    seconds: float | None = None,
    audience: str | None = None,
) -> str:
    """The plan as Markdown, HTML, iCalendar or JSON text (``curribuild render``)."""
    from curribuild.render.formats import render_text

    return render_text(plan, fmt, template, seconds, audience)


@dataclass(frozen=True, slots=True)
class FormFiles:
    name: str  # the instrument id: the files are NAME.html and NAME.csv
    html: str
    csv: str


def evaluation_forms(plan: Plan, seconds: float | None = None) -> list[FormFiles]:
    """Each evaluation form of the plan as printable HTML and a CSV template
    (``curribuild render --format evaluation``); a UserError when there are none."""
    from curribuild import __version__
    from curribuild.errors import UserError
    from curribuild.evaluation.forms import csv_template, form_view, forms
    from curribuild.render.formats import template_seconds
    from curribuild.render.sandbox import render as render_template

    chosen = forms(plan)
    if not chosen:
        raise UserError(
            "the plan names no catalogue instruments, so there are no forms to write; "
            "add a `kind: instruments` document to the curriculum and plan again"
        )
    limit = template_seconds(seconds)
    out = []
    for form in chosen:
        view = {"form": form_view(plan, form), "generator": f"curribuild {__version__}"}
        html = render_template("evaluation-form.html.j2", view, autoescape=True, max_seconds=limit)
        out.append(FormFiles(form.instrument_id, html, csv_template(form)))
    return out


@dataclass(frozen=True, slots=True)
class Evaluated:
    report: Report
    text: str  # the report rendered as Markdown or HTML


def evaluate(
    plan: Plan, results: Sequence[Path], fmt: str, seconds: float | None = None
) -> Evaluated:
    """The evaluation report of ``plan`` from the results files (``curribuild evaluate``)."""
    from curribuild import __version__
    from curribuild.evaluation.report import build_report
    from curribuild.evaluation.results import read_results
    from curribuild.evaluation.view import report_view
    from curribuild.render.formats import template_seconds
    from curribuild.render.sandbox import render as render_template

    limit = template_seconds(seconds)
    report = build_report(plan, read_results(plan, list(results)))
    view = {"report": report_view(report), "generator": f"curribuild {__version__}"}
    text = render_template(
        f"evaluation-report.{fmt}.j2", view, autoescape=fmt == "html", max_seconds=limit
    )
    return Evaluated(report, text)


@dataclass(frozen=True, slots=True)
class Recorded:
    target: Path  # where the record belongs
    text: str  # the record as YAML
    record: EvidenceDocument
    left_out: list[Finding]  # results too few to record, each as a warning


def evidence_record(
    plan: Plan, report: Report, day: dt.date, min_group: int, folder: Path
) -> Recorded:
    """The report's aggregates as an evidence record for ``folder`` (``evaluate --record``);
    a UserError when the group is too small to record."""
    from curribuild.evaluation.record import evidence, evidence_yaml, record_path

    doc, left_out = evidence(plan, report, day, min_group)
    return Recorded(record_path(folder, doc), evidence_yaml(doc), doc, left_out)


@dataclass(frozen=True, slots=True)
class Drafted:
    text: str  # the draft needs file, as commented YAML
    unmapped: list[Finding]  # answers the map does not place, each as a warning


def intake(
    responses: Path,
    map_path: Path | None,
    ident: str,
    title: str | None = None,
    participants: int | None = None,
) -> Drafted:
    """A draft needs file from a needs-assessment survey export (``curribuild intake``),
    read through the intake map ``map_path`` (default: the bundled one)."""
    from curribuild.curriculum import display_path
    from curribuild.intake.aggregate import aggregate
    from curribuild.intake.draft import draft
    from curribuild.intake.read import read_table
    from curribuild.intake.survey import BUNDLED_MAP, bundled_map, load_map

    imap, map_name = load_map(map_path or bundled_map())
    if map_path is None:
        map_name = f"the bundled map {BUNDLED_MAP[0]}/{BUNDLED_MAP[1].as_posix()}"
    source = display_path(responses)
    agg = aggregate(read_table(responses, source), imap, map_name)
    text = draft(
        agg,
        imap,
        source=source,
        map_name=map_name,
        ident=ident,
        title=title or imap.title or "Training needs from the needs-assessment survey",
        participants=participants,
    )
    return Drafted(text, agg.unmapped)
