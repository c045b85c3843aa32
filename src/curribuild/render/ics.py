"""The plan as an iCalendar file (RFC 5545) for real calendar clients.

Events
    One event per session that needs people in the room: teaching, debrief and
    reflection sessions (facilitators are booked for all three), and one per
    follow-up. Breaks and lunch are not events. Each self-paced pre-work module
    is a to-do (VTODO) due at the start of the first day.

Text from the curriculum is data
    SUMMARY, X-WR-CALNAME and CATEGORIES are single-line: CR, LF, every other
    control character and the Unicode line and paragraph separators become one
    space. DESCRIPTION keeps its line breaks (CRLF, CR, LF, VT, FF, NEL, U+2028
    and U+2029 become LF, which icalendar writes escaped as ``\\n``) and drops
    every other control character. Lone surrogates become U+FFFD. No text can
    end a line of the file, so none can open or close a calendar component.

Time zones
    Times carry the needs' time zone. Its VTIMEZONE covers only the programme's
    own dates (first session to last follow-up), and every transition is its own
    STANDARD or DAYLIGHT block without an RDATE list, so clients that read only
    DTSTART or the first RDATE of a block (ical.js, vobject/dateutil) get the
    right offset on both sides of a summer-time change.

UIDs
    A UID names what a session *is*, never when it happens: the programme (needs
    id) with, for a teaching session, its goals and part; for a debrief, the
    goals and part of the teaching session it follows (or its own goals, or its
    day when none precedes it); for a reflection, its day number; for a
    follow-up, its rule and its index among that rule's follow-ups. Moving a
    session keeps its UID, so clients update the event instead of duplicating
    it. Two sessions of the same identity are told apart by their order.

DTSTAMP and SEQUENCE
    Both follow the plan's revision and never the clock. DTSTAMP is
    ``SOURCE_DATE_EPOCH`` when set (set it to the commit time of the
    curriculum repository); otherwise it is derived from the plan's curriculum
    digest (a digest of the needs and the curriculum): 2000-01-01T00:00:00Z plus
    the digest's SHA-256 modulo twenty years, so always before 2020 and never in
    the future. SEQUENCE is DTSTAMP in whole minutes since 1970 (clamped to 0 ..
    2**31 - 1): with ``SOURCE_DATE_EPOCH`` it grows with every later revision,
    which is what clients that honour SEQUENCE need to accept an update; any
    ``SOURCE_DATE_EPOCH`` revision after 2020 outranks a digest-stamped one. A
    malformed or out-of-range ``SOURCE_DATE_EPOCH`` is an error, not ignored.

The same plan (and environment) gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import zoneinfo
from collections.abc import Iterable

import icalendar

from curribuild import __version__
from curribuild.errors import UserError
from curribuild.planner.model import Day, FollowUp, Plan, Session

EVENT_KINDS = ("teaching", "debrief", "reflection")

_DIGEST_BASE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_DIGEST_SPAN = int((dt.datetime(2020, 1, 1, tzinfo=dt.UTC) - _DIGEST_BASE).total_seconds())
_MAX_EPOCH = int(dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC).timestamp())
_MAX_SEQUENCE = 2**31 - 1
_FIRST_DATE = dt.date(1900, 1, 1)
_LAST_DATE = dt.date(9998, 12, 31)  # room for the VTIMEZONE's end after the last event

_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_DIGITS = re.compile(r"[0-9]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# C0 and C1 control characters (Unicode category Cc) and the line/paragraph separators
_CONTROL_RUN = re.compile(r" *(?:[\x00-\x1f\x7f-\x9f\u2028\u2029]+ *)+")
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_OTHER_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_RERUN = "run `curribuild plan` again"


# --- text ----------------------------------------------------------------------------------


def one_line(text: str) -> str:
    """``text`` as one line: each run of control characters and line breaks is one space."""
    return _CONTROL_RUN.sub(" ", _SURROGATE.sub("\ufffd", text)).strip(" ")


def multi_line(text: str) -> str:
    """``text`` with LF line breaks, tabs as spaces and no other control character."""
    text = _LINE_BREAK.sub("\n", _SURROGATE.sub("\ufffd", text))
    return _OTHER_CONTROL.sub("", text.replace("\t", " "))


# --- times ---------------------------------------------------------------------------------


def _zone(key: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(key)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise UserError(
            f"the plan's time zone {key!r} is not a known IANA time zone "
            f"(like Europe/Brussels); fix constraints.timezone in the needs file and {_RERUN}"
        ) from None


def _date(value: str, where: str) -> dt.date:
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{where}: {value!r} is not a date (YYYY-MM-DD); {_RERUN}") from None
    if not _FIRST_DATE <= date <= _LAST_DATE:
        raise UserError(
            f"{where}: {value} is outside the years {_FIRST_DATE.year}-{_LAST_DATE.year} "
            f"a calendar can hold; {_RERUN}"
        )
    return date


def _clock(value: str, where: str) -> dt.time:
    match = _CLOCK.fullmatch(value)
    if match is None:
        raise UserError(f"{where}: {value!r} is not a clock time (HH:MM); {_RERUN}")
    return dt.time(int(match[1]), int(match[2]))


def _epoch() -> int | None:
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    if _DIGITS.fullmatch(raw) is None or int(raw) > _MAX_EPOCH:
        raise UserError(
            f"SOURCE_DATE_EPOCH={raw[:40]!r} is not a number of seconds since 1970-01-01 "
            "before the year 10000; set it to a Unix time (for example "
            "`git log -1 --format=%ct`) or unset it"
        )
    return int(raw)


def revision_stamp(plan: Plan) -> dt.datetime:
    """DTSTAMP of every event: ``SOURCE_DATE_EPOCH``, else derived from the digest."""
    epoch = _epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
    digest = hashlib.sha256(plan.curriculum.digest.encode("utf-8", "replace")).digest()
    offset = int.from_bytes(digest[:8], "big") % _DIGEST_SPAN
    return _DIGEST_BASE + dt.timedelta(seconds=offset)


def revision_sequence(stamp: dt.datetime) -> int:
    """SEQUENCE of every event: DTSTAMP in whole minutes since 1970, clamped."""
    minutes = int(stamp.timestamp()) // 60
    return min(max(minutes, 0), _MAX_SEQUENCE)


# --- identities ------------------------------------------------------------------------------


def _uid(plan: Plan, identity: Iterable[str]) -> str:
    text = json.dumps([plan.needs.id, *identity], ensure_ascii=False)
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:32]
    return f"{digest}@curribuild"


def _goal_part(session: Session) -> list[str]:
    if session.goals:
        return ["goals", *session.goals, "part", str(session.part or "")]
    if session.rule:
        return ["rule", session.rule, "part", str(session.part or "")]
    return ["title", session.title, "part", str(session.part or "")]


def _identity(day: Day, index: int) -> list[str]:
    session = day.sessions[index]
    if session.kind == "teaching":
        return ["teaching", *_goal_part(session)]
    if session.kind == "debrief":
        if session.goals:
            return ["debrief", *_goal_part(session)]
        for earlier in reversed(day.sessions[:index]):
            if earlier.kind == "teaching":
                return ["debrief", "after", *_goal_part(earlier)]
        return ["debrief", "day", str(day.day)]
    return [session.kind, "day", str(day.day)]


class _Uids:
    """UIDs of identities, the second and later of one identity told apart by count."""

    def __init__(self, plan: Plan) -> None:
        self._plan = plan
        self._seen: dict[tuple[str, ...], int] = {}

    def __call__(self, identity: list[str]) -> str:
        key = tuple(identity)
        count = self._seen.get(key, 0)
        self._seen[key] = count + 1
        return _uid(self._plan, identity if count == 0 else [*identity, f"#{count + 1}"])


# --- time zones ------------------------------------------------------------------------------


def _one_transition_per_block(cal: icalendar.Calendar) -> None:
    """Split every STANDARD/DAYLIGHT block with an RDATE list into one block per onset."""
    for timezone in cal.walk("VTIMEZONE"):
        blocks: list[icalendar.cal.Component] = []
        for block in timezone.subcomponents:
            rdates = block.get("RDATE")
            if rdates is None:
                blocks.append(block)
                continue
            del block["RDATE"]
            blocks.append(block)
            lists = rdates if isinstance(rdates, list) else [rdates]
            for onset in (value.dt for rdate in lists for value in rdate.dts):
                copy = type(block)()
                for name, value in block.items():
                    if name != "DTSTART":
                        copy[name] = value
                copy.add("dtstart", onset)
                blocks.append(copy)
        blocks.sort(key=lambda b: (b.decoded("DTSTART"), b.name))
        timezone.subcomponents = blocks


# --- events ----------------------------------------------------------------------------------


def _event(
    uid: str,
    stamp: dt.datetime,
    sequence: int,
    start: dt.datetime,
    end: dt.datetime,
    where: str,
) -> icalendar.Event:
    if end < start:
        raise UserError(f"{where} ends before it starts; {_RERUN}")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", start)
    if end > start:  # a zero-length event has no DTEND (RFC 5545, 3.8.2.2)
        event.add("dtend", end)
    return event


def _session_description(day: Day, index: int) -> str:
    session = day.sessions[index]
    lines: list[str] = []
    if session.kind == "debrief":
        earlier = [s for s in day.sessions[:index] if s.kind == "teaching"]
        if earlier:
            lines.append(f"Debrief after: {earlier[-1].title}")
    if session.method or session.method_name or session.kind == "teaching":
        lines.append(f"Method: {session.method_name or session.method or '-'}")
    if session.goals:
        lines.append("Goals: " + ", ".join(session.goals))
    if session.part is not None and session.parts is not None:
        lines.append(f"Part: {session.part} of {session.parts}")
    if session.rule:
        lines.append(f"Rule: {session.rule}")
    lines.extend(f"Why: {r.rule}: {r.effect}" for r in session.rationale)
    return multi_line("\n".join(lines))


def _follow_up_description(item: FollowUp) -> str:
    return multi_line(
        f"Method: {item.method_name or item.method or '-'}\nEvaluates: {item.evaluation}\n"
        f"Instrument: {item.instrument}\nRule: {item.rule}"
    )


def _summary(title: str, fallback: str) -> str:
    return one_line(title) or fallback


def render_ics(plan: Plan) -> str:
    if plan.needs.start_date is None:
        raise UserError(
            "calendar export needs dates: set constraints.start_date in the needs file "
            "and run `curribuild plan` again"
        )
    zone = _zone(plan.needs.timezone)
    stamp = revision_stamp(plan)
    sequence = revision_sequence(stamp)
    uids = _Uids(plan)
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//curribuild//curribuild {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", one_line(plan.needs.title) or one_line(plan.needs.id))
    starts: list[dt.datetime] = []
    ends: list[dt.datetime] = []
    for day_index, day in enumerate(plan.days):
        if day.date is None:
            continue
        date = _date(day.date, f"days[{day_index}].date")
        for index, session in enumerate(day.sessions):
            if session.kind not in EVENT_KINDS:
                continue
            where = f"days[{day_index}].sessions[{index}]"
            start = dt.datetime.combine(date, _clock(session.start, f"{where}.start"), zone)
            end = dt.datetime.combine(date, _clock(session.end, f"{where}.end"), zone)
            event = _event(uids(_identity(day, index)), stamp, sequence, start, end, where)
            event.add("summary", _summary(session.title, session.kind))
            event.add("description", _session_description(day, index))
            category = one_line(session.learning_type or "") or (
                "session" if session.kind == "teaching" else session.kind
            )
            event.add("categories", [category])
            cal.add_component(event)
            starts.append(start)
            ends.append(end)
    day_start = _clock(plan.needs.day_start, "needs.day_start")
    per_rule: dict[str, int] = {}
    for index, item in enumerate(plan.follow_up):
        number = per_rule.get(item.rule, 0)
        per_rule[item.rule] = number + 1
        if item.date is None:
            continue
        where = f"follow_up[{index}]"
        start = dt.datetime.combine(_date(item.date, f"{where}.date"), day_start, zone)
        try:
            end = start + dt.timedelta(minutes=item.minutes)
        except OverflowError:
            raise UserError(f"{where}.minutes: {item.minutes} is out of range; {_RERUN}") from None
        uid = _uid(plan, ["follow-up", item.rule, str(number)])
        event = _event(uid, stamp, sequence, start, end, where)
        event.add("summary", _summary(item.title, "Follow-up"))
        event.add("description", _follow_up_description(item))
        event.add("categories", ["follow-up"])
        cal.add_component(event)
        starts.append(start)
        ends.append(end)
    if plan.pre_work and starts:
        due = min(starts)  # the start of the first day
        for module in plan.pre_work:
            todo = icalendar.Todo()
            todo.add("uid", _uid(plan, ["pre-work", *module.goals]))
            todo.add("dtstamp", stamp)
            todo.add("sequence", sequence)
            todo.add("due", due)
            todo.add("summary", _summary(f"Pre-work: {module.title}", "Pre-work"))
            todo.add(
                "description",
                multi_line(
                    f"Self-paced, about {module.minutes} minutes, before day 1\n"
                    f"Method: {module.method_name or module.method}\n"
                    "Goals: " + ", ".join(module.goals)
                ),
            )
            todo.add("categories", ["pre-work"])
            cal.add_component(todo)
    if starts:
        first = min(starts).date()
        last = max(ends).date() + dt.timedelta(days=1)
        cal.add_missing_timezones(first_date=first, last_date=last)
        _one_transition_per_block(cal)
    data: bytes = cal.to_ical()
    return data.decode("utf-8")
