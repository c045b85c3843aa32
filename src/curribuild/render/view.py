"""The view model: what templates see, computed once from a plan.

Templates stay declarative: every number, label and chart coordinate they
print is prepared here. Text from YAML is passed as data and is never
compiled as template code.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from curribuild import __version__
from curribuild.models.common import LEARNING_TYPES
from curribuild.planner.model import Plan

# Mermaid needs real dates; without a start date, days are shown on a notional week.
NOTIONAL_START = dt.date(2000, 1, 3)
# Characters with a meaning in a gantt task line or in Mermaid's front matter,
# directives (`%%{init: ...}%%`), comments (`%%`), entities (`#35;`) and HTML
# labels; plus every control character. Each becomes a space.
_MERMAID_UNSAFE = re.compile(
    "[:;#`%{}<>&\"'\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
# Words that start a statement in Mermaid's gantt grammar (matched case-insensitively).
_MERMAID_KEYWORDS = (
    "section",
    "title",
    "dateformat",
    "axisformat",
    "tickinterval",
    "includes",
    "excludes",
    "todaymarker",
    "inclusiveenddates",
    "topaxis",
    "weekday",
    "weekend",
    "click",
    "call",
    "acctitle",
    "accdescr",
    "displaymode",
    "gantt",
)

CHART_WIDTH = 640
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 120
TIMELINE_ROW = 34


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def hours(minutes: int) -> str:
    """``90`` -> ``1 h 30 min``."""
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{h} h {m} min"
    return f"{h} h" if h else f"{m} min"


def mermaid_text(text: str) -> str:
    """Text safe inside a Mermaid gantt line: no character Mermaid gives a meaning
    (``:;#%{}<>&`` and the like, newlines, controls), at most 200 characters, and
    never starting with a word Mermaid reads as a statement (``click``, ``title``...)."""
    clean = " ".join(_MERMAID_UNSAFE.sub(" ", text).split())[:200].strip() or "session"
    if clean.lower().startswith(_MERMAID_KEYWORDS):
        clean = "› " + clean
    return clean


def mermaid_clock(text: str) -> str:
    """A plan's ``HH:MM`` as Mermaid reads it; anything else (a hand-edited plan) is 00:00."""
    match = _CLOCK.fullmatch(text)
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else "00:00"


def _day_date(plan: Plan, index: int) -> dt.date:
    day = plan.days[index]
    if day.date:
        return dt.date.fromisoformat(day.date)
    return NOTIONAL_START + dt.timedelta(days=index)


def gantt(plan: Plan) -> dict[str, Any]:
    sections = []
    for index, day in enumerate(plan.days):
        date = _day_date(plan, index)
        tasks = []
        for number, session in enumerate(day.sessions):
            if session.kind in ("break", "lunch"):
                continue
            label = session.title
            if session.method_name:
                label = f"{label} - {session.method_name}"
            tasks.append(
                {
                    "name": mermaid_text(label),
                    "id": f"d{day.day}s{number + 1}",
                    "start": f"{date.isoformat()} {mermaid_clock(session.start)}",
                    "minutes": session.minutes,
                    "crit": session.kind in ("debrief",) or session.sensitive,
                }
            )
        sections.append({"name": f"Day {day.day}", "tasks": tasks})
    follow = []
    last = _day_date(plan, len(plan.days) - 1) if plan.days else NOTIONAL_START
    for number, item in enumerate(plan.follow_up):
        date = (
            dt.date.fromisoformat(item.date)
            if item.date
            else last + dt.timedelta(weeks=item.weeks_after)
        )
        follow.append(
            {
                "name": mermaid_text(item.title),
                "id": f"f{number + 1}",
                "start": f"{date.isoformat()} {mermaid_clock(plan.needs.day_start)}",
                "minutes": item.minutes,
                "crit": False,
            }
        )
    if follow:
        sections.append({"name": "Follow-up", "tasks": follow})
    return {
        "title": mermaid_text(plan.needs.title),
        "sections": sections,
        "dated": plan.needs.start_date is not None,
    }


def learning_type_chart(plan: Plan) -> dict[str, Any]:
    minutes = plan.coverage.learning_types
    total = sum(minutes.values()) or 1
    biggest = max(minutes.values()) or 1
    span = CHART_WIDTH - LABEL_WIDTH - 120  # room for "999 min (100%)" after the bar
    bars = []
    for row, name in enumerate(LEARNING_TYPES):
        value = minutes.get(name, 0)
        bars.append(
            {
                "name": name,
                "minutes": value,
                "percent": round(100 * value / total),
                "x": LABEL_WIDTH,
                "y": BAR_GAP + row * (BAR_HEIGHT + BAR_GAP),
                "width": round(span * value / biggest),
                "height": BAR_HEIGHT,
            }
        )
    height = BAR_GAP + len(bars) * (BAR_HEIGHT + BAR_GAP)
    return {"width": CHART_WIDTH, "height": height, "bars": bars, "label_width": LABEL_WIDTH}


def timeline_chart(plan: Plan) -> dict[str, Any]:
    start = _minutes(plan.needs.day_start)
    end = _minutes(plan.needs.day_end)
    for day in plan.days:
        for session in day.sessions:
            start = min(start, _minutes(session.start))
            end = max(end, _minutes(session.end))
    span = max(1, end - start)
    usable = CHART_WIDTH - LABEL_WIDTH - 30  # room for the last hour label
    rows = []
    for index, day in enumerate(plan.days):
        y = 24 + index * TIMELINE_ROW
        bars = []
        for session in day.sessions:
            x = LABEL_WIDTH + round(usable * (_minutes(session.start) - start) / span)
            width = max(1, round(usable * session.minutes / span))
            bars.append(
                {
                    "x": x,
                    "y": y,
                    "width": width,
                    "height": TIMELINE_ROW - 10,
                    "kind": session.kind,
                    "title": f"{session.start}-{session.end} {session.title}",
                    "start": session.start,
                    "end": session.end,
                }
            )
        label = f"Day {day.day}" + (f" ({day.date})" if day.date else "")
        rows.append({"label": label, "y": y, "bars": bars})
    ticks = []
    first_hour = (start + 59) // 60 * 60
    for minute in range(first_hour, end + 1, 60):
        ticks.append(
            {
                "x": LABEL_WIDTH + round(usable * (minute - start) / span),
                "label": f"{minute // 60:02d}:00",
            }
        )
    height = 24 + len(rows) * TIMELINE_ROW + 10
    return {"width": CHART_WIDTH, "height": height, "rows": rows, "ticks": ticks}


def build_view(plan: Plan) -> dict[str, Any]:
    """Everything a template needs, as plain data."""
    data = plan.model_dump(mode="json")
    methods: dict[str, str] = {}
    for day in plan.days:
        for session in day.sessions:
            if session.method:
                methods[session.method] = session.method_name or session.method
    goals = {g.id: g.model_dump(mode="json") for g in plan.goals.scheduled}
    teaching_sessions = [
        {**s.model_dump(mode="json"), "day": day.day, "date": day.date}
        for day in plan.days
        for s in day.sessions
        if s.kind == "teaching"
    ]
    return {
        "plan": data,
        "generator": f"curribuild {__version__}",
        "overview": {
            "days": plan.totals.days,
            "teaching": hours(plan.totals.teaching_minutes),
            "teaching_minutes": plan.totals.teaching_minutes,
            "sessions": plan.totals.sessions,
            "goals": plan.totals.goals_scheduled,
            "dropped": plan.totals.goals_dropped,
            "methods": [{"id": k, "name": v} for k, v in sorted(methods.items())],
        },
        "goals": goals,
        "teaching_sessions": teaching_sessions,
        "gantt": gantt(plan),
        "charts": {
            "learning_types": learning_type_chart(plan),
            "timeline": timeline_chart(plan),
        },
        "learning_types": list(LEARNING_TYPES),
    }
