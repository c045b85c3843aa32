"""Survey responses, read through an intake map, as aggregates only: counts of
professions and settings, the median experience, a mean rating per topic. No cell
of a response is kept beyond the count or the number it contributes to."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from curribuild.checks.codes import cb801, cb802, cb803, cb804
from curribuild.errors import UserError
from curribuild.findings import Finding, Severity
from curribuild.intake.read import Table
from curribuild.models.common import EXPERIENCE_LEVELS
from curribuild.models.intake import Column, IntakeMap

MAX_LISTED = 20  # invalid answers reported at most, then how many more


@dataclass(slots=True)
class GapEvidence:
    topic: str
    header: str
    ratings: list[int]
    priority: str | None  # None: below the lowest threshold, or nobody rated it

    @property
    def mean(self) -> float:
        """The mean rating to one decimal: what the draft shows, and what sets the priority."""
        return _mean(self.ratings)


@dataclass(slots=True)
class Aggregate:
    responses: int
    professions: Counter[str] = field(default_factory=Counter)
    settings: Counter[str] = field(default_factory=Counter)
    experience: Counter[str] = field(default_factory=Counter)
    gaps: list[GapEvidence] = field(default_factory=list)
    free_text: list[tuple[str, int]] = field(default_factory=list)  # (header, answered)
    unmapped: list[Finding] = field(default_factory=list)  # CB803 warnings

    @property
    def median_experience(self) -> str | None:
        """The lower median of the stated levels (none < basic < advanced)."""
        levels = sorted(
            (EXPERIENCE_LEVELS.index(level) for level in self.experience.elements()),
        )
        return EXPERIENCE_LEVELS[levels[(len(levels) - 1) // 2]] if levels else None


def _norm(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(":").strip()


def _find(table: Table, column: Column, what: str, map_name: str) -> int | Finding:
    wanted = {_norm(h) for h in column.column}
    for index, header in enumerate(table.headers):
        if _norm(header) in wanted:
            return index
    shown = ", ".join(f'"{h}"' for h in column.column)
    return Finding(
        cb801.CODE,
        f"{what}: none of the columns {shown} is in {table.source}",
        path=map_name,
        fix=f"name the column as {table.source} does; its first columns: "
        + ", ".join(f'"{h}"' for h in table.headers[:8]),
    )


def _answers(cell: str, column: Column) -> list[str]:
    parts = cell.split(column.separator) if column.separator else [cell]
    return [p.strip() for p in parts if p.strip()]


def aggregate(table: Table, imap: IntakeMap, map_name: str) -> Aggregate:
    """The aggregates of ``table``; a UserError listing every unreadable column and
    answer (CB801, CB802), or too few responses to stay anonymous (CB804)."""
    n = len(table.rows)
    if n < imap.min_responses:
        raise UserError(
            f"{table.source}: {n} responses",
            [
                Finding(
                    cb804.CODE,
                    f"{n} responses, fewer than the {imap.min_responses} the map asks for: "
                    "counts and means of so few answers can tell who said what",
                    path=table.source,
                    fix="collect more responses, or write the needs file with the group",
                )
            ],
        )
    out = Aggregate(responses=n)
    problems: list[Finding] = []
    id_questions = (("professions", imap.professions), ("settings", imap.settings))
    for name, id_column in id_questions:
        if id_column is None:
            continue
        found = _find(table, id_column, name, map_name)
        if isinstance(found, Finding):
            problems.append(found)
            continue
        values = {_norm(k): v for k, v in id_column.values.items()}
        counter = out.professions if name == "professions" else out.settings
        unmapped: Counter[str] = Counter()
        for _, row in table.rows:
            for answer in _answers(row[found], id_column):
                mapped = values.get(_norm(answer))
                if mapped is None:
                    unmapped[answer[:80]] += 1
                else:
                    counter[mapped] += 1
        out.unmapped += _unmapped(table, found, name, unmapped)
    if imap.experience is not None:
        found = _find(table, imap.experience, "experience", map_name)
        if isinstance(found, Finding):
            problems.append(found)
        else:
            levels = {_norm(k): v for k, v in imap.experience.values.items()}
            unmapped = Counter()
            for _, row in table.rows:
                for answer in _answers(row[found], imap.experience)[:1]:
                    level = levels.get(_norm(answer))
                    if level is None:
                        unmapped[answer[:80]] += 1
                    else:
                        out.experience[level] += 1
            out.unmapped += _unmapped(table, found, "experience", unmapped)
    invalid: list[Finding] = []
    for question in imap.gaps:
        found = _find(table, question, f"gap {question.topic}", map_name)
        if isinstance(found, Finding):
            problems.append(found)
            continue
        ratings = _ratings(table, found, imap, invalid)
        out.gaps.append(
            GapEvidence(question.topic, table.headers[found], ratings, _priority(ratings, imap))
        )
    for column in imap.free_text:
        found = _find(table, column, "free text", map_name)
        if isinstance(found, Finding):
            problems.append(found)
            continue
        answered = sum(1 for _, row in table.rows if row[found].strip())
        out.free_text.append((table.headers[found], answered))
    if len(invalid) > MAX_LISTED:
        more = len(invalid) - MAX_LISTED
        invalid = invalid[:MAX_LISTED]
        invalid.append(
            Finding(cb802.CODE, f"and {more} more unreadable answers", path=table.source)
        )
    problems += invalid
    if problems:
        raise UserError(f"{table.source} cannot be read with {map_name}", problems)
    return out


def _unmapped(table: Table, index: int, name: str, answers: Counter[str]) -> list[Finding]:
    return [
        Finding(
            cb803.CODE,
            f'{name}: column "{table.headers[index]}": answer "{answer}" ({count}x) is not '
            "in the map's values; it is not counted",
            path=table.source,
            col=index + 1,
            severity=Severity.WARNING,
            fix=f"add it to the map's {name}.values",
            field=name,
        )
        for answer, count in sorted(answers.items())
    ]


def _ratings(table: Table, index: int, imap: IntakeMap, invalid: list[Finding]) -> list[int]:
    scale = imap.ratings.scale
    words = {_norm(k): v for k, v in imap.ratings.values.items()}
    out: list[int] = []
    for number, row in table.rows:
        cell = row[index].strip()
        if not cell:
            continue  # not answered
        value = words.get(_norm(cell))
        if value is None and cell.isdigit() and 1 <= int(cell) <= scale:
            value = int(cell)
        if value is None:
            accepted = ", ".join([f"1..{scale}", *(f'"{w}"' for w in imap.ratings.values)][:6])
            invalid.append(
                Finding(
                    cb802.CODE,
                    f'column "{table.headers[index]}": "{cell[:80]}" is not one of {accepted}',
                    path=table.source,
                    line=number,
                    col=index + 1,
                    fix="add the answer to the map's ratings.values, or correct the export",
                )
            )
            continue
        out.append(value)
    return out


def _mean(ratings: list[int]) -> float:
    return round(statistics.fmean(ratings), 1) if ratings else 0.0


def _priority(ratings: list[int], imap: IntakeMap) -> str | None:
    if not ratings:
        return None
    mean = _mean(ratings)
    t = imap.ratings.thresholds
    if mean >= t.high:
        return "high"
    if mean >= t.medium:
        return "medium"
    if mean >= t.low:
        return "low"
    return None
