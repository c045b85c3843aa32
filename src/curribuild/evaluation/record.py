"""``evaluate --record``: the report's aggregates as a ``kind: evidence`` document.

Nothing is recorded from fewer respondents than the minimum group; an aggregate of
fewer is left out, and the command says which (CB807). The document keeps the needs
profile and per goal and method the shares of the scale with their n: no response,
respondent code or free text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from curribuild.checks.codes import cb807
from curribuild.errors import UserError
from curribuild.evaluation.report import Report, Score
from curribuild.findings import Finding, Severity
from curribuild.models.evidence import EvidenceDocument
from curribuild.planner.model import Plan
from curribuild.schemas import CONFIG_FILES

DEFAULT_MIN_GROUP = 5


def _kept(score: Score, min_group: int) -> tuple[float | None, int | None]:
    if score.share is None or score.n < min_group:
        return None, None
    return round(score.share, 3), score.n


def evidence(
    plan: Plan, report: Report, date: dt.date, min_group: int
) -> tuple[EvidenceDocument, list[Finding]]:
    """The evidence document, and what was left out (CB807 warnings)."""
    if report.respondents < min_group:
        raise UserError(
            f"{report.respondents} respondents, fewer than the minimum group of "
            f"{min_group}: nothing recorded",
            [
                Finding(
                    cb807.CODE,
                    f"{report.respondents} respondents, fewer than the minimum group of "
                    f"{min_group}: means of so few can tell who answered what",
                    severity=Severity.ERROR,
                    fix="report without --record, or record with a later run of the programme",
                )
            ],
        )
    left_out: list[Finding] = []
    results = []
    for g in report.goals:
        reaction, reaction_n = _kept(g.reaction, min_group)
        gain, gain_n = _kept(g.gain, min_group)
        behaviour, behaviour_n = _kept(g.behaviour, min_group)
        small = [
            f"{name} (n={score.n})"
            for name, score in (
                ("reaction", g.reaction),
                ("gain", g.gain),
                ("behaviour", g.behaviour),
            )
            if 0 < score.n < min_group
        ]
        if small:
            left_out.append(
                Finding(
                    cb807.CODE,
                    f"goal {g.id!r}: {', '.join(small)} left out, fewer than {min_group}",
                    severity=Severity.WARNING,
                )
            )
        if reaction is None and gain is None and behaviour is None:
            continue
        results.append(
            {
                "goal": g.id,
                "domain": g.domain,
                "method": g.method,
                "learning_type": g.learning_type,
                **({"reaction": reaction, "reaction_n": reaction_n} if reaction_n else {}),
                **({"gain": gain, "gain_n": gain_n} if gain_n else {}),
                **({"behaviour": behaviour, "behaviour_n": behaviour_n} if behaviour_n else {}),
            }
        )
    if not results:
        raise UserError(
            f"no aggregate of {min_group} or more respondents: nothing recorded", left_out
        )
    n = plan.needs
    doc = EvidenceDocument.model_validate(
        {
            "kind": "evidence",
            "id": f"{plan.needs.id}-{date.isoformat()}",
            "programme": n.id,
            "title": n.title,
            "date": date.isoformat(),
            "min_group": min_group,
            "respondents": report.respondents,
            "audience": {
                "professions": n.professions,
                "settings": n.settings,
                "experience": n.experience,
                "delivery": n.delivery,
                "participants": n.participants,
            },
            "results": results,
        }
    )
    return doc, left_out


def evidence_yaml(doc: EvidenceDocument) -> str:
    data = doc.model_dump(mode="json", exclude_none=True)
    results = data.pop("results")
    head = (
        "# Recorded by `curribuild evaluate --record`: aggregates only (shares of each\n"
        "# instrument's scale, with the respondents behind them). Rules read them as\n"
        "# method.evidence.* facts.\n"
    )
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    body += yaml.safe_dump({"results": results}, sort_keys=False, allow_unicode=True)
    return head + body


def evidence_folder(curriculum: Path) -> Path:
    """``curriculum``'s evidence folder; the folder must be a curriculum repository."""
    if not curriculum.is_dir():
        raise UserError(f"--curriculum {curriculum}: no such folder")
    if not any((curriculum / name).is_file() for name in CONFIG_FILES):
        raise UserError(
            f"--curriculum {curriculum} is not a curriculum folder (it has no "
            f"{' or '.join(CONFIG_FILES)}); evidence is recorded into the curriculum the "
            "next plans are made from"
        )
    return curriculum / "evidence"


def record_path(folder: Path, doc: EvidenceDocument) -> Path:
    """A new file for the record: an earlier record of the same day is never replaced."""
    path = folder / f"{doc.id}.yaml"
    count = 2
    while path.exists():
        path = folder / f"{doc.id}-{count}.yaml"
        count += 1
    return path
