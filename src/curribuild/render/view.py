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
from curribuild.planner.model import FollowUp, Plan

# Mermaid needs real dates; without a start date, days are shown on a notional week.
NOTIONAL_START = dt.date(2000, 1, 3)
# Characters with a meaning in a gantt task line or in Mermaid's front matter,
# directives (`%%{init: ...}%%`), comments (`%%`), entities (`#35;`) and HTML
# labels; plus every control character. Each becomes a space.
_MERMAID_UNSAFE = re.compile(
    "[:;#`%{}<>&\"'\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_SERIES_NUMBER = re.compile(r" \(\d+ of \d+\)$")  # "(2 of 4)" after a series meeting's title
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


def gantt_days(plan: Plan) -> list[dict[str, Any]]:
    """One Mermaid gantt per day: its sessions on a time-of-day axis.

    Breaks and lunch are left out (they show as gaps). Every day's tasks carry that
    day's date (a notional date when the plan is undated: the axis shows times of day
    only, so the date is never printed). The follow-up is never on an axis: a session
    weeks later would squeeze the day into slivers; see :func:`follow_up_items`.
    """
    charts = []
    for index, day in enumerate(plan.days):
        date = _day_date(plan, index)
        tasks = []
        for number, session in enumerate(day.sessions):
            if session.kind in ("break", "lunch"):
                continue
            tasks.append(
                {
                    "name": mermaid_text(session.title),
                    "id": f"d{day.day}s{number + 1}",
                    "start": f"{date.isoformat()} {mermaid_clock(session.start)}",
                    "minutes": session.minutes,
                    "crit": session.kind in ("debrief",) or session.sensitive,
                }
            )
        title = f"Day {day.day}" + (f" ({day.date})" if day.date else "")
        charts.append({"title": mermaid_text(title), "day": day.day, "tasks": tasks})
    return charts


def _add_minutes(hhmm: str, minutes: int) -> str:
    total = _minutes(hhmm) + minutes
    return f"{total // 60 % 24:02d}:{total % 60:02d}"


def follow_up_items(plan: Plan) -> list[dict[str, Any]]:
    """The follow-up sessions as text: date (or weeks after), time and title."""
    items = []
    last = plan.days[-1].date if plan.days else None
    for item in plan.follow_up:
        date = item.date
        if date is None and last:
            date = (dt.date.fromisoformat(last) + dt.timedelta(weeks=item.weeks_after)).isoformat()
        start = mermaid_clock(plan.needs.day_start)
        when = date or f"{item.weeks_after} weeks after the last day"
        items.append(
            {
                "title": item.title,
                "method_name": item.method_name or "",
                "date": date,
                "weeks_after": item.weeks_after,
                "start": start,
                "end": _add_minutes(start, item.minutes),
                "minutes": item.minutes,
                "duration": hours(item.minutes),
                "when": when,
                "evaluation": item.evaluation,
            }
        )
    return items


def pre_work_items(plan: Plan) -> dict[str, Any]:
    """The self-paced modules before the first day, as text, with their total."""
    modules = [
        {
            "title": m.title,
            "method_name": m.method_name,
            "minutes": m.minutes,
            "duration": hours(m.minutes),
            "goals": list(m.goals),
        }
        for m in plan.pre_work
    ]
    total = sum(m.minutes for m in plan.pre_work)
    return {
        "modules": modules,
        "minutes": total,
        "duration": hours(total),
        "budget": plan.needs.pre_work_minutes,
        "due": plan.needs.start_date,
    }


AUDIENCES = ("coordinator", "participants")


def _catalogue_requires(plan: Plan) -> dict[str, list[str]] | None:
    """``requires`` of each method of the plan's curriculum, when it can be found: a
    curriculum in the working folder with the plan's name, else the bundled curriculum
    of the nearest layer. ``None`` when none can be loaded."""
    from pathlib import Path

    from curribuild.resources import bundled_curriculum
    from curribuild.workspace import Workspace

    roots: list[Path] = []
    workspace = Workspace()
    local = workspace.find_config_root(Path.cwd() / "plan.json")
    if local is not None:
        roots.append(local)
    for name in reversed(plan.curriculum.layers):
        found = bundled_curriculum(name)
        if found is not None:
            roots.append(found)
    for root in roots:
        try:
            cur, _ = workspace.load_curriculum(root)
        except Exception:  # a broken curriculum must not stop a render
            continue
        if cur.name not in plan.curriculum.layers:
            continue
        return {m.id: list(m.requires) for m in cur.methods.values()}
    return None


def _where(day: Any, session: Any) -> str:
    return f"Day {day.day}{f' ({day.date})' if day.date else ''} {session.start}"


def arrangements(plan: Plan) -> dict[str, Any]:
    """What a coordinator books: each method's ``requires``, in the curriculum's words,
    with the sessions that need it, plus the debriefs and the follow-up.

    The plan carries each session's ``requires``; only a plan written before it did is
    completed from the curriculum found next to it."""
    carried = all(s.requires is not None for d in plan.days for s in d.sessions if s.method)
    carried = carried and all(f.requires is not None for f in plan.follow_up if f.method)
    catalogue = {} if carried else (_catalogue_requires(plan) or {})
    items: dict[str, dict[str, Any]] = {}
    unknown: list[str] = []

    def need(tag: str, where: str) -> None:
        words = plan.arrangements.get(tag) or tag.replace("-", " ").capitalize()
        items.setdefault(tag, {"need": words, "sessions": []})["sessions"].append(where)

    def tags_of(method: str, name: str | None, requires: list[str] | None) -> list[str]:
        if requires is not None:
            return requires
        found = catalogue.get(method)
        if found is None:
            if (name or method) not in unknown:
                unknown.append(name or method)
            return []
        return found

    for day in plan.days:
        for session in day.sessions:
            where = f"{_where(day, session)} {session.title}"
            if session.kind == "debrief":
                items.setdefault(
                    "debrief",
                    {
                        "need": "A facilitator for each debrief after distressing case "
                        "material, with time to follow up a participant who needs it",
                        "sessions": [],
                    },
                )["sessions"].append(where)
            if not session.method:
                continue
            for tag in tags_of(session.method, session.method_name, session.requires):
                need(tag, where)
    for module in plan.pre_work:
        for tag in module.requires:
            need(tag, f"Pre-work before day 1: {module.title}")
    for item, f in zip(follow_up_items(plan), plan.follow_up, strict=True):
        where = f"{item['when']} {item['start']} {item['title']}"
        items.setdefault(
            "follow-up",
            {"need": "The follow-up sessions booked with the same group", "sessions": []},
        )["sessions"].append(where)
        if f.method:
            for tag in tags_of(f.method, f.method_name, f.requires):
                need(tag, where)
    return {"needs": list(items.values()), "unknown_methods": unknown}


def prepare(plan: Plan) -> list[str]:
    """What participants bring or do beforehand, in the curriculum's words (each
    method's and each follow-up rule's ``prepare``); honest and short."""
    notes: list[str] = []
    if plan.pre_work:
        total = sum(m.minutes for m in plan.pre_work)
        due = f"before {plan.needs.start_date}" if plan.needs.start_date else "before day 1"
        count = len(plan.pre_work)
        notes.append(
            f"Pre-work, {due}: {count} self-paced online module{'s' if count != 1 else ''} "
            f"(about {hours(total)} in all); the days build on it."
        )
    for text in [m.prepare for m in plan.pre_work] + [
        s.prepare for day in plan.days for s in day.sessions
    ]:
        if text and text not in notes:
            notes.append(text)
    if plan.needs.delivery in ("online", "hybrid"):
        notes.append(
            "For the online part: a computer with camera and microphone, and a quiet, "
            "private room (cases are discussed)."
        )
    if any(s.sensitive for day in plan.days for s in day.sessions):
        notes.append(
            "Some sessions use distressing case material (marked below); each is followed "
            "by a debrief. You may step out at any time, and can tell the trainers "
            "beforehand if a topic is close to home."
        )
    meetings: dict[str, list[tuple[dict[str, Any], FollowUp]]] = {}
    for item, f in zip(follow_up_items(plan), plan.follow_up, strict=True):
        meetings.setdefault(f.rule, []).append((item, f))
    for group in meetings.values():
        item, first = group[0]
        if not first.prepare:
            continue
        if len(group) > 1:  # a series: one note for all its meetings
            title = _SERIES_NUMBER.sub("", first.title)
            notes.append(
                f"For the {len(group)} meetings of \u201c{title}\u201d (from {item['when']}): "
                f"{first.prepare}"
            )
        else:
            notes.append(f"For the follow-up ({item['when']}): {first.prepare}")
    if not notes:
        notes.append("Nothing to prepare: all material is provided.")
    return notes


def participant_goals(plan: Plan) -> list[dict[str, str]]:
    """The goals in words, in the order they are taught."""
    goals = {g.id: g for g in plan.goals.scheduled}
    shown: list[dict[str, str]] = []
    seen: set[str] = set()
    for module in plan.pre_work:
        for goal_id in module.goals:
            goal = goals.get(goal_id)
            if goal is not None and goal_id not in seen:
                seen.add(goal_id)
                shown.append({"title": goal.title, "statement": goal.statement})
    for day in plan.days:
        for session in day.sessions:
            if session.kind != "teaching":
                continue
            for goal_id in session.goals:
                goal = goals.get(goal_id)
                if goal is not None and goal_id not in seen:
                    seen.add(goal_id)
                    shown.append({"title": goal.title, "statement": goal.statement})
    return shown


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
        key = []
        number = 0
        for session in day.sessions:
            x = LABEL_WIDTH + round(usable * (_minutes(session.start) - start) / span)
            width = max(1, round(usable * session.minutes / span))
            # a label printed in the bar (a tooltip does not print): teaching sessions are
            # numbered, with the numbers' titles in a key below the chart
            mark = {"debrief": "D", "reflection": "R"}.get(session.kind, "")
            if session.kind == "teaching":
                number += 1
                mark = str(number)
                key.append({"mark": mark, "start": session.start, "title": session.title})
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
                    "mark": mark if width >= 6 * len(mark) + 2 else "",
                    "mark_x": x + width // 2,
                    "mark_y": y + (TIMELINE_ROW - 10) // 2 + 4,
                }
            )
        label = f"Day {day.day}" + (f" ({day.date})" if day.date else "")
        rows.append({"label": label, "y": y, "bars": bars, "key": key})
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


def build_view(plan: Plan, audience: str = "coordinator") -> dict[str, Any]:
    """Everything a template needs, as plain data, for ``audience`` (coordinator or
    participants: see :data:`AUDIENCES`)."""
    data = plan.model_dump(mode="json")
    methods: dict[str, str] = {m.method: m.method_name for m in plan.pre_work}
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
        "audience": audience,
        "gantt_days": gantt_days(plan),
        "follow_up": follow_up_items(plan),
        "pre_work": pre_work_items(plan),
        "arrangements": arrangements(plan),
        "prepare": prepare(plan) if audience == "participants" else [],
        "participant_goals": participant_goals(plan),
        "charts": {
            "learning_types": learning_type_chart(plan),
            "timeline": timeline_chart(plan),
        },
        "learning_types": list(LEARNING_TYPES),
    }
