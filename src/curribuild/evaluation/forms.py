"""The evaluation forms of a plan: one per catalogue instrument it uses.

Every answer a form asks for has a stable column id, the header of its column in the
CSV template and in the results sheet ``evaluate`` reads back:

- ``goal:<id>:reaction`` (reaction forms, after the goal's session);
- ``goal:<id>:pre`` and ``goal:<id>:post`` (pre-post forms);
- ``goal:<id>:behaviour`` (follow-up forms);
- ``log:<n>`` (the n-th entry of a log form; counted, never read).

Each row of a results sheet is one respondent, under a code (``respondent``), never
a name.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from curribuild.planner.model import Plan, PlanInstrument, ScheduledGoal

RESPONDENT = "respondent"


@dataclass(frozen=True, slots=True)
class Question:
    """One answer the form asks for, under its column id."""

    column: str
    text: str
    goal: str | None = None
    goal_title: str | None = None


@dataclass(slots=True)
class Form:
    """A printable form: one instrument, its questions in plan order."""

    instrument_id: str
    instrument: PlanInstrument
    sections: list[tuple[str, list[Question]]] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [RESPONDENT, *(q.column for _, qs in self.sections for q in qs)]


def _text(item: str, goal: ScheduledGoal) -> str:
    return item.replace("{statement}", goal.statement).replace("{title}", goal.title)


def _goal_questions(
    instrument: PlanInstrument, goal: ScheduledGoal, suffixes: tuple[str, ...]
) -> list[Question]:
    out = []
    for suffix in suffixes:
        for index, item in enumerate(instrument.items):
            column = f"goal:{goal.id}:{suffix}" + (f":{index + 1}" if index else "")
            label = f"{suffix}: " if len(suffixes) > 1 else ""
            out.append(Question(column, label + _text(item, goal), goal.id, goal.title))
    return out


SUFFIXES: dict[str, tuple[str, ...]] = {
    "reaction": ("reaction",),
    "pre-post": ("pre", "post"),
    "follow-up": ("behaviour",),
}


def forms(plan: Plan) -> list[Form]:
    """The plan's forms, in the order they are used: reaction and pre-post forms in
    session order, then the follow-up's."""
    goals = {g.id: g for g in plan.goals.scheduled}
    out: dict[str, Form] = {}

    def form(instrument_id: str) -> Form:
        if instrument_id not in out:
            out[instrument_id] = Form(instrument_id, plan.instruments[instrument_id])
        return out[instrument_id]

    behaviour: dict[str, list[str]] = {}  # follow-up instrument -> goals it asks about
    for item in plan.evaluation:
        goal = goals.get(item.goal)
        for instrument_id in (item.reaction_id, item.instrument_id):
            if goal is None or instrument_id is None or instrument_id not in plan.instruments:
                continue
            kind = plan.instruments[instrument_id].form
            if kind == "follow-up":
                behaviour.setdefault(instrument_id, []).append(goal.id)
            elif kind in SUFFIXES:
                questions = _goal_questions(plan.instruments[instrument_id], goal, SUFFIXES[kind])
                form(instrument_id).sections.append((goal.title, questions))
    for follow_up in plan.follow_up:
        for instrument_id in follow_up.instruments:
            known = plan.instruments.get(instrument_id)
            if known is not None and known.form == "follow-up":
                asked = behaviour.setdefault(instrument_id, [])
                asked.extend(g for g in follow_up.goals if g not in asked)
    for instrument_id, goal_ids in behaviour.items():
        instrument = plan.instruments[instrument_id]
        for goal_id in goal_ids:
            if goal_id in goals:
                questions = _goal_questions(instrument, goals[goal_id], ("behaviour",))
                form(instrument_id).sections.append((goals[goal_id].title, questions))
    for follow_up in plan.follow_up:
        for instrument_id in follow_up.instruments:
            log = plan.instruments.get(instrument_id)
            if log is None or log.form != "log" or instrument_id in out:
                continue
            questions = [Question(f"log:{index + 1}", text) for index, text in enumerate(log.items)]
            form(instrument_id).sections.append((follow_up.title, questions))
    return list(out.values())


def csv_template(form: Form) -> str:
    """The results sheet of a form: its header row of column ids (CRLF, as RFC 4180)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(form.columns)
    return buffer.getvalue()


def form_view(plan: Plan, form: Form) -> dict[str, object]:
    """What the form template shows."""
    instrument = form.instrument
    return {
        "programme": plan.needs.title,
        "id": form.instrument_id,
        "name": instrument.name,
        "level": instrument.level,
        "form": instrument.form,
        "rated_by": instrument.rated_by,
        "description": instrument.description or "",
        "scale": instrument.scale.model_dump() if instrument.scale else None,
        "points": list(range(instrument.scale.min, instrument.scale.max + 1))
        if instrument.scale
        else [],
        "sections": [
            {
                "title": title,
                "questions": [{"column": q.column, "text": q.text} for q in questions],
            }
            for title, questions in form.sections
        ],
        "columns": form.columns,
    }
