"""The draft needs file: the aggregates as YAML, each value with its evidence in a
comment ("trust-building: high (mean 4.4 of 5, n=23)"), validated as a needs
document before it is written. Only counts, means and ids appear in it."""

from __future__ import annotations

from collections import Counter
from typing import Any

import yaml
from pydantic import ValidationError

from curribuild.checks.codes import cb101
from curribuild.errors import UserError
from curribuild.findings import Finding
from curribuild.intake.aggregate import Aggregate
from curribuild.models.intake import IntakeMap
from curribuild.models.needs import Needs
from curribuild.validate import display_path


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {count}" for key, count in sorted(counter.items()))


def _flow(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _block(data: dict[str, Any], indent: str) -> list[str]:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return [indent + line for line in text.splitlines()]


def needs_data(
    agg: Aggregate, imap: IntakeMap, ident: str, title: str, participants: int | None = None
) -> dict[str, Any]:
    """The needs document the aggregates make (what the YAML holds, without comments)."""
    data: dict[str, Any] = {"kind": "needs", "version": 1, "id": ident, "title": title}
    if imap.curriculum:
        data["curriculum"] = imap.curriculum
    audience: dict[str, Any] = {
        "professions": sorted(agg.professions),
        "settings": sorted(agg.settings),
        "participants": participants or agg.responses,
    }
    if agg.median_experience:
        audience["experience"] = agg.median_experience
    data["audience"] = audience
    data["gaps"] = [
        {"topic": g.topic, "priority": g.priority} for g in agg.gaps if g.priority is not None
    ]
    if imap.constraints:
        data["constraints"] = dict(imap.constraints)
    if imap.context:
        data["context"] = dict(imap.context)
    return data


def draft(
    agg: Aggregate,
    imap: IntakeMap,
    *,
    source: str,
    map_name: str,
    ident: str,
    title: str,
    participants: int | None = None,
) -> str:
    """The needs file as text; a UserError when the map's constraints or context (or
    the aggregates) do not make a valid needs document."""
    data = needs_data(agg, imap, ident, title, participants)
    try:
        Needs.model_validate(data)
    except ValidationError as exc:
        raise UserError(
            f"the needs drafted from {source} are not valid",
            [
                Finding(
                    cb101.CODE,
                    f"{display_path(tuple(err['loc']))}: {err['msg']}",
                    path=map_name,
                    fix="correct the map's constraints or context",
                )
                for err in exc.errors(include_url=False, include_input=False)
            ],
        ) from None
    scale = imap.ratings.scale
    t = imap.ratings.thresholds
    lines = [
        f"# Drafted by `curribuild intake` from {source} ({agg.responses} responses),",
        f"# read with {map_name}. Aggregates only: no answer of any respondent is in it.",
        "# Review it with the group before planning; the comments give the evidence.",
        "kind: needs",
        "version: 1",
        f"id: {yaml.safe_dump(ident).splitlines()[0]}",
        f"title: {yaml.safe_dump(title, width=10_000).splitlines()[0]}",
    ]
    if imap.curriculum:
        lines.append(f"curriculum: {yaml.safe_dump(imap.curriculum).splitlines()[0]}")
    audience = data["audience"]
    lines.append("audience:")
    lines.append(f"  # professions: {_counts(agg.professions) or 'none mapped'}")
    lines.append(f"  professions: {_flow(audience['professions'])}")
    lines.append(f"  # settings: {_counts(agg.settings) or 'none mapped'}")
    lines.append(f"  settings: {_flow(audience['settings'])}")
    if "experience" in audience:
        n = sum(agg.experience.values())
        lines.append(f"  # experience: the median of {n} answers ({_counts(agg.experience)})")
        lines.append(f"  experience: {audience['experience']}")
    if participants:
        lines.append(f"  # participants: as given ({agg.responses} responded)")
    else:
        lines.append("  # participants: the number of respondents; correct it to the group size")
    lines.append(f"  participants: {audience['participants']}")
    lines.append(
        f"# gaps: the mean rating of each topic on 1..{scale}; high from {t.high:g}, medium "
        f"from {t.medium:g}, low from {t.low:g}"
    )
    if data["gaps"]:
        lines.append("gaps:")
        for g in agg.gaps:
            if g.priority is None:
                continue
            lines.append(
                f"  - topic: {g.topic}  # {g.priority} (mean {g.mean:.1f} of {scale}, "
                f"n={len(g.ratings)})"
            )
            lines.append(f"    priority: {g.priority}")
    else:
        lines.append("gaps: []")
    for g in agg.gaps:
        if g.priority is None:
            why = f"mean {g.mean:.1f} of {scale}, n={len(g.ratings)}" if g.ratings else "n=0"
            lines.append(f"# not a gap: {g.topic} ({why})")
    for key in ("constraints", "context"):
        if key in data:
            lines.append(f"{key}:")
            lines.extend(_block(data[key], "  "))
    for header, answered in agg.free_text:
        lines.append(
            f'# free text "{_one_line(header)}": {answered} answers (not copied: they may '
            "hold personal data)"
        )
    unmapped = Counter(f.field for f in agg.unmapped)  # per question
    for question, count in sorted(unmapped.items()):
        lines.append(
            f"# unmapped: {count} different {question} answers are not counted (listed "
            "when intake runs, not here: add them to the map)"
        )
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]
