"""The plan as an iCalendar file: one event per teaching session and per follow-up.

UIDs are derived from the plan's content, so the same plan gives the same file
and calendar clients update events instead of duplicating them. Times carry
the needs' time zone (with its VTIMEZONE); DTSTAMP is ``SOURCE_DATE_EPOCH``
when set, else the first day at midnight UTC, so output stays deterministic.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import zoneinfo

import icalendar

from curribuild import __version__
from curribuild.errors import UserError
from curribuild.planner.model import Plan


def _uid(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"{digest}@curribuild"


def _at(date: str, hhmm: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(dt.date.fromisoformat(date), dt.time(hour, minute), tzinfo=zone)


def _stamp(plan: Plan) -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    first = plan.needs.start_date or "1970-01-01"
    return dt.datetime.combine(dt.date.fromisoformat(first), dt.time(0, 0), tzinfo=dt.UTC)


def render_ics(plan: Plan) -> str:
    if plan.needs.start_date is None:
        raise UserError(
            "calendar export needs dates: set constraints.start_date in the needs file "
            "and run `curribuild plan` again"
        )
    zone = zoneinfo.ZoneInfo(plan.needs.timezone)
    stamp = _stamp(plan)
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//curribuild//curribuild {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", plan.needs.title)
    for day in plan.days:
        if day.date is None:
            continue
        for session in day.sessions:
            if session.kind != "teaching":
                continue
            event = icalendar.Event()
            event.add("uid", _uid(plan.needs.id, day.date, session.start, session.title))
            event.add("dtstamp", stamp)
            event.add("dtstart", _at(day.date, session.start, zone))
            event.add("dtend", _at(day.date, session.end, zone))
            event.add("summary", session.title)
            lines = [f"Method: {session.method_name or session.method or '-'}"]
            if session.goals:
                lines.append("Goals: " + ", ".join(session.goals))
            lines.extend(f"Why: {r.rule}: {r.effect}" for r in session.rationale)
            event.add("description", "\n".join(lines))
            event.add("categories", [session.learning_type or "session"])
            cal.add_component(event)
    for item in plan.follow_up:
        if item.date is None:
            continue
        start = _at(item.date, plan.needs.day_start, zone)
        event = icalendar.Event()
        event.add("uid", _uid(plan.needs.id, "follow-up", item.rule, item.date))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=item.minutes))
        event.add("summary", item.title)
        event.add(
            "description",
            f"Method: {item.method_name or item.method or '-'}\nEvaluates: {item.evaluation}\n"
            f"Instrument: {item.instrument}",
        )
        event.add("categories", ["follow-up"])
        cal.add_component(event)
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data.decode("utf-8")
