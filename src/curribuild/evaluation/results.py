"""Reading filled-in results sheets back, by the column ids of the plan's forms.

Each file is a table (CSV or xlsx, as survey exports are read): one row per
respondent, one column per column id. An empty cell is a question not answered.
Every unknown column (CB805) and every value off its scale (CB806) is reported,
located by row and column, before anything is computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from curribuild.checks.codes import cb805, cb806
from curribuild.errors import UserError
from curribuild.evaluation.forms import RESPONDENT, forms
from curribuild.findings import Finding
from curribuild.intake.read import read_table
from curribuild.planner.model import InstrumentScale, Plan
from curribuild.suggest import did_you_mean

MAX_FINDINGS = 50  # listed before the rest is summarised


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    goal: str | None  # None: a log entry
    measure: str  # reaction, pre, post, behaviour, log
    scale: InstrumentScale | None


@dataclass(slots=True)
class Responses:
    """Per respondent row (across all files), the mean answer per (goal, measure)."""

    rows: list[dict[tuple[str, str], float]] = field(default_factory=list)
    log_entries: int = 0
    scales: dict[tuple[str, str], InstrumentScale] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)  # respondent codes seen, in any sheet
    largest_sheet: int = 0  # answered rows of the fullest sheet

    @property
    def respondents(self) -> int:
        """The people behind the results: their distinct respondent codes, and never
        fewer than the answered rows of one sheet (each row of a sheet is a person)."""
        return max(len(self.codes), self.largest_sheet)


def columns(plan: Plan) -> dict[str, ColumnInfo]:
    """Every column id the plan's forms define."""
    out: dict[str, ColumnInfo] = {}
    for form in forms(plan):
        scale = form.instrument.scale
        for _, questions in form.sections:
            for q in questions:
                parts = q.column.split(":")
                if parts[0] == "log":
                    out[q.column] = ColumnInfo(None, "log", None)
                else:
                    out[q.column] = ColumnInfo(parts[1], parts[2], scale)
    return out


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ".", 1) if text.count(",") == 1 else text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_results(plan: Plan, paths: list[Path]) -> Responses:
    known = columns(plan)
    out = Responses()
    problems: list[Finding] = []
    for path in paths:
        source = path.as_posix()
        table = read_table(path, source)
        index: list[tuple[int, ColumnInfo]] = []
        code_column: int | None = None
        for number, header in enumerate(table.headers, start=1):
            if header == RESPONDENT:
                code_column = number
            if header == RESPONDENT or not header:
                continue
            info = known.get(header)
            if info is None:
                hint = did_you_mean(header, known)
                problems.append(
                    Finding(
                        cb805.CODE,
                        f'column "{header}" is not on the plan\'s forms'
                        + (f"; {hint}" if hint else ""),
                        source,
                        1,
                        number,
                        fix="use the CSV templates of `curribuild render --format evaluation`"
                        " for this plan",
                        field=header,
                    )
                )
                continue
            index.append((number, info))
        answered = 0
        for row_number, cells in table.rows:
            sums: dict[tuple[str, str], list[float]] = {}
            logged = False
            for number, info in index:
                cell = cells[number - 1].strip() if number <= len(cells) else ""
                if not cell:
                    continue
                if info.goal is None:
                    out.log_entries += 1
                    logged = True
                    continue
                value = _number(cell)
                scale = info.scale
                assert scale is not None  # every rated form has one
                if value is None or not scale.min <= value <= scale.max:
                    problems.append(
                        Finding(
                            cb806.CODE,
                            f'column "{table.headers[number - 1]}": "{cell[:40]}" is not on '
                            f"the scale {scale.min}-{scale.max}",
                            source,
                            row_number,
                            number,
                            fix="correct the cell, or leave it empty when the question was "
                            "not answered",
                            field=table.headers[number - 1],
                        )
                    )
                    continue
                key = (info.goal, info.measure)
                sums.setdefault(key, []).append(value)
                out.scales[key] = scale
            if sums:
                out.rows.append({k: sum(v) / len(v) for k, v in sums.items()})
            if sums or logged:
                answered += 1
                code = (
                    cells[code_column - 1].strip()
                    if code_column and code_column <= len(cells)
                    else ""
                )
                if code:
                    out.codes.add(code)
        out.largest_sheet = max(out.largest_sheet, answered)
    if problems:
        shown = problems[:MAX_FINDINGS]
        more = len(problems) - len(shown)
        raise UserError(
            f"{len(problems)} problem(s) in the results; nothing reported"
            + (f" ({more} more not listed)" if more else ""),
            shown,
        )
    return out
