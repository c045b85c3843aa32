"""``render --format ics`` as real calendar clients read it.

Every calendar is read back by two independent parsers: ``icalendar`` (what
curribuild writes with) and ``vobject`` (its own lexer and escaping; its time
zones come from the file's VTIMEZONE through dateutil's ``tzical``, which reads
each STANDARD/DAYLIGHT block by its DTSTART, as simple clients do).

The plans are planner output saved under ``tests/fixtures/ics/`` (schema 1),
brought to the current plan model by ``to_plan`` (fields it no longer has are
dropped, new required ones get blank values) and edited here, so these tests
follow neither the planner's choices nor its speed.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import types
import zoneinfo
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import icalendar
import pytest
import vobject
import vobject.icalendar
from dateutil.tz import tzical
from pydantic import BaseModel
from typer.testing import CliRunner

from curribuild.cli import app
from curribuild.errors import UserError
from curribuild.planner.model import Plan
from curribuild.render.ics import render_ics
from render_helpers import assert_clean_failure, render

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ics"
EVENT_KINDS = ("teaching", "debrief", "reflection")
UTC = dt.UTC
_SAMPLE_VTIMEZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:X\r\nBEGIN:STANDARD\r\nDTSTART:20000101T000000\r\n"
    "TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)
TZICAL = type(tzical(io.StringIO(_SAMPLE_VTIMEZONE)).get())  # a zone read from a VTIMEZONE


@pytest.fixture(autouse=True)
def _no_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


# --- plans -----------------------------------------------------------------------------------


def fixture_plan(name: str = "forensic") -> dict[str, Any]:
    """A saved planner output (``forensic``: Amsterdam, March, debrief and reflections;
    ``advanced``: three days in November, split goals, two follow-up rules)."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}-plan.json").read_text("utf-8"))
    return data


def _blank(annotation: Any) -> Any:
    """The emptiest valid value of a type, for fields a saved plan predates."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return args[0]
    if origin in (Union, types.UnionType):
        return None if type(None) in args else _blank(args[0])
    if origin is list or annotation is list:
        return []
    if origin is dict or annotation is dict:
        return {}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _current(annotation, {})
    return {bool: False, int: 0, float: 0.0, str: ""}[annotation]


def _current(annotation: Any, value: Any) -> Any:
    """``value`` in the current plan schema: fields the model no longer has are dropped,
    required fields it gained get blank values; everything the calendar reads is kept."""
    origin, args = get_origin(annotation), get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not isinstance(value, dict):
            return value
        out = {}
        for name, field in annotation.model_fields.items():
            if name in value:
                out[name] = _current(field.annotation, value[name])
            elif field.is_required():
                out[name] = _blank(field.annotation)
        return out
    if origin is list and isinstance(value, list):
        return [_current(args[0], item) for item in value]
    if origin is dict and isinstance(value, dict):
        return {key: _current(args[1], item) for key, item in value.items()}
    if origin in (Union, types.UnionType) and isinstance(value, dict):
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        return _current(models[0], value) if models else value
    return value


def to_plan(data: dict[str, Any]) -> Plan:
    """A plan (a saved planner output, edited) validated by the current plan model."""
    data = copy.deepcopy(data)
    data.pop("schema_version", None)  # the model's own version, whatever it is now
    return Plan.model_validate(_current(Plan, data))


def ics(data: dict[str, Any]) -> str:
    return render_ics(to_plan(data))


def write_plan(data: dict[str, Any], path: Path) -> Path:
    path.write_text(to_plan(data).to_json(), encoding="utf-8")
    return path


def intended(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The sessions and follow-ups that should become events, in plan order."""
    out = [s for day in data["days"] for s in day["sessions"] if s["kind"] in EVENT_KINDS]
    return out + [f for f in data["follow_up"] if f["date"] is not None]


def shift(hhmm: str, minutes: int) -> str:
    hour, minute = divmod(int(hhmm[:2]) * 60 + int(hhmm[3:]) + minutes, 60)
    return f"{hour:02d}:{minute:02d}"


def move(session: dict[str, Any], minutes: int) -> None:
    session["start"] = shift(session["start"], minutes)
    session["end"] = shift(session["end"], minutes)


def small_plan(
    zone: str,
    days: list[str],
    follow_ups: list[str],
    day_start: str = "09:00",
) -> dict[str, Any]:
    """The forensic plan moved to ``zone``, one teaching session a day on ``days``, and one
    follow-up (same rule, 60 min) on each of ``follow_ups``."""
    data = fixture_plan()
    data["needs"].update(timezone=zone, start_date=days[0], day_start=day_start)
    template = next(s for _, s in sessions_of(data, "teaching"))
    follow = data["follow_up"][0]
    data["days"] = [
        {
            **data["days"][0],
            "day": number,
            "date": date,
            "sessions": [
                {
                    **template,
                    "start": day_start,
                    "end": shift(day_start, 60),
                    "minutes": 60,
                    "goals": [f"goal-{number}"],
                    "title": f"Teaching on {date}",
                }
            ],
        }
        for number, date in enumerate(days, start=1)
    ]
    data["follow_up"] = [
        {**follow, "date": date, "minutes": 60, "title": f"Follow-up on {date}"}
        for date in follow_ups
    ]
    return data


def sessions_of(data: dict[str, Any], *kinds: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [
        (day, s) for day in data["days"] for s in day["sessions"] if not kinds or s["kind"] in kinds
    ]


# --- reading back ----------------------------------------------------------------------------


def ical_events(text: str) -> list[icalendar.Event]:
    return [
        e
        for e in icalendar.Calendar.from_ical(text).walk("VEVENT")
        if isinstance(e, icalendar.Event)
    ]


def vobject_calendar(text: str) -> Any:
    """vobject's reading of ``text``, with time zones from this file only.

    vobject keeps a process-wide TZID registry in which the first definition of a
    TZID wins and which falls back to pytz: emptied here, so each file is read
    with its own VTIMEZONE, as a client that has never seen it would.
    """
    registry = vars(vobject.icalendar)["__tzidMap"]
    registry.clear()
    registry["UTC"] = vobject.icalendar.utc
    return vobject.readOne(text)


def vobject_events(text: str) -> list[Any]:
    return list(vobject_calendar(text).contents.get("vevent", []))


def raw_lines(text: str) -> list[str]:
    assert text.endswith("\r\n")
    return text[:-2].split("\r\n")


def unfolded(text: str) -> list[str]:
    out: list[str] = []
    for line in raw_lines(text):
        if line.startswith(" "):
            out[-1] += line[1:]
        else:
            out.append(line)
    return out


# --- 1. which sessions are events ------------------------------------------------------------


@pytest.mark.parametrize("name", ["forensic", "advanced"])
def test_debrief_and_reflection_are_events_breaks_and_lunch_are_not(name: str) -> None:
    data = fixture_plan(name)
    kinds = {s["kind"] for _, s in sessions_of(data)}
    assert {"teaching", "break", "lunch", "debrief", "reflection"} <= kinds
    zone = zoneinfo.ZoneInfo(data["needs"]["timezone"])

    def at(date: str, hhmm: str) -> dt.datetime:
        clock = dt.time.fromisoformat(hhmm)
        return dt.datetime.combine(dt.date.fromisoformat(date), clock, zone)

    expected = sorted(
        [
            (at(d["date"], s["start"]), at(d["date"], s["end"]), s["title"])
            for d, s in sessions_of(data, *EVENT_KINDS)
        ]
        + [
            (
                at(f["date"], data["needs"]["day_start"]),
                at(f["date"], data["needs"]["day_start"]) + dt.timedelta(minutes=f["minutes"]),
                f["title"],
            )
            for f in data["follow_up"]
        ]
    )
    text = ics(data)
    by_ical = sorted(
        (e.decoded("dtstart"), e.decoded("dtend"), str(e["SUMMARY"])) for e in ical_events(text)
    )
    by_vobject = sorted(
        (e.dtstart.value, e.dtend.value, e.summary.value) for e in vobject_events(text)
    )
    assert by_ical == expected
    assert by_vobject == expected  # the same instants (aware datetimes compare in UTC)
    assert not {"Break", "Lunch"} & {title for *_, title in by_ical}
    categories = {str(e["SUMMARY"]): e.get("CATEGORIES").cats for e in ical_events(text)}
    debrief = next(s for _, s in sessions_of(data, "debrief"))
    reflection = next(s for _, s in sessions_of(data, "reflection"))
    assert categories[debrief["title"]] == ["debrief"]
    assert categories[reflection["title"]] == ["reflection"]


def test_a_debrief_names_the_session_it_follows() -> None:
    data = fixture_plan()
    day = next(d for d in data["days"] if any(s["kind"] == "debrief" for s in d["sessions"]))
    index = next(i for i, s in enumerate(day["sessions"]) if s["kind"] == "debrief")
    before = [s for s in day["sessions"][:index] if s["kind"] == "teaching"][-1]
    event = next(
        e for e in ical_events(ics(data)) if str(e["SUMMARY"]) == day["sessions"][index]["title"]
    )
    description = str(event["DESCRIPTION"])
    assert f"Debrief after: {before['title']}" in description.splitlines()
    assert f"Rule: {day['sessions'][index]['rule']}" in description.splitlines()


# --- 2. user text cannot break the file ------------------------------------------------------

INJECTION = "Intro\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil@x\r\nSUMMARY:injected"
INJECTED = "Intro END:VEVENT BEGIN:VEVENT UID:evil@x SUMMARY:injected"
HOSTILE_TITLES = [  # (title in the plan, SUMMARY as both parsers must read it)
    (INJECTION, INJECTED),
    ("carriage\rreturn", "carriage return"),
    ("line\nfeed", "line feed"),
    ("nul\x00bell\x07escape\x1b[31mred", "nul bell escape [31mred"),
    ("vertical\x0btab form\x0cfeed", "vertical tab form feed"),
    ("next\x85line and \u2028separator\u2029paragraph", "next line and separator paragraph"),
    ("del\x7fand c1\x9c", "del and c1"),
    ("tab\there", "tab here"),
    ("\r\n  leading and trailing  \n", "leading and trailing"),
    ("two  spaces stay", "two  spaces stay"),
    ("semi;colon, comma\\backslash: colon", "semi;colon, comma\\backslash: colon"),
    ("surrogate \ud800 alone", "surrogate \ufffd alone"),
]


def _assert_well_formed(text: str) -> None:
    """Every physical line ends in CRLF, holds no control character and is at most 75
    octets; a folded continuation starts with a space, so user text never starts a line."""
    for line in raw_lines(text):
        assert not re.search(r"[\x00-\x1f\x7f\x85\u2028\u2029]", line), repr(line)
        assert len(line.encode("utf-8")) <= 75, line
    names = {line.split(":", 1)[0].split(";", 1)[0] for line in unfolded(text)}
    allowed = {
        "BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "X-WR-CALNAME", "TZID", "COMMENT",
        "DTSTART", "DTEND", "TZNAME", "TZOFFSETFROM", "TZOFFSETTO", "SUMMARY", "DTSTAMP",
        "UID", "SEQUENCE", "CATEGORIES", "DESCRIPTION",
    }  # fmt: skip
    assert names <= allowed, names - allowed


@pytest.mark.parametrize(("title", "expected"), HOSTILE_TITLES)
def test_hostile_titles_stay_one_inert_summary(title: str, expected: str) -> None:
    data = fixture_plan()
    targets = [s for _, s in sessions_of(data, *EVENT_KINDS)][:3] + data["follow_up"]
    for item in targets:
        item["title"] = title
    text = ics(data)
    _assert_well_formed(text)
    count = len(intended(data))
    assert unfolded(text).count("BEGIN:VEVENT") == count
    assert unfolded(text).count("END:VEVENT") == count
    events = ical_events(text)
    others = vobject_events(text)
    assert len(events) == len(others) == count
    summaries = [str(e["SUMMARY"]) for e in events]
    assert summaries == [e.summary.value for e in others]
    assert summaries.count(expected) == len(targets)
    assert "evil@x" not in {str(e["UID"]) for e in events}
    assert all(str(e["UID"]).endswith("@curribuild") for e in events)


def test_description_keeps_lines_as_escaped_text() -> None:
    data = fixture_plan()
    session = next(s for _, s in sessions_of(data, "teaching"))
    session["method_name"] = "Role play\r\nEND:VEVENT\rBEGIN:VCALENDAR\nX:\x00y\u2028z\x1b"
    session["rationale"][0]["effect"] = "score +3\r\nEND:VCALENDAR"
    data["follow_up"][0]["instrument"] = "Survey\n\nBEGIN:VTODO\r\nEND:VTODO"
    text = ics(data)
    _assert_well_formed(text)
    assert unfolded(text).count("BEGIN:VCALENDAR") == 1
    assert unfolded(text).count("END:VCALENDAR") == 1
    assert "BEGIN:VTODO" not in unfolded(text)
    expected_method = "Method: Role play\nEND:VEVENT\nBEGIN:VCALENDAR\nX:y\nz"
    by_ical = {str(e["SUMMARY"]): str(e["DESCRIPTION"]) for e in ical_events(text)}
    by_vobject = {e.summary.value: e.description.value for e in vobject_events(text)}
    assert by_ical == by_vobject
    assert by_ical[session["title"]].startswith(expected_method + "\n")
    assert "Why: " in by_ical[session["title"]]
    assert by_ical[session["title"]].endswith("score +3\nEND:VCALENDAR")
    follow = by_ical[data["follow_up"][0]["title"]]
    assert "Instrument: Survey\n\nBEGIN:VTODO\nEND:VTODO" in follow
    assert len(vobject_calendar(text).contents.get("vtodo", [])) == 0


def test_calendar_name_and_categories_are_one_line() -> None:
    data = fixture_plan()
    data["needs"]["title"] = "Programme\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR"
    session = next(s for _, s in sessions_of(data, "teaching"))
    session["learning_type"] = "practice\nEND:VEVENT"
    text = ics(data)
    _assert_well_formed(text)
    calendar = icalendar.Calendar.from_ical(text)
    assert str(calendar["X-WR-CALNAME"]) == "Programme END:VCALENDAR BEGIN:VCALENDAR"
    event = next(e for e in ical_events(text) if str(e["SUMMARY"]) == session["title"])
    assert event.get("CATEGORIES").cats == ["practice END:VEVENT"]
    assert vobject_calendar(text).contents["x-wr-calname"][0].value == (
        "Programme END:VCALENDAR BEGIN:VCALENDAR"
    )


def test_a_title_of_only_control_characters_falls_back_to_the_kind() -> None:
    data = fixture_plan()
    reflection = next(s for _, s in sessions_of(data, "reflection"))
    reflection["title"] = "\r\n\x00"
    summaries = [str(e["SUMMARY"]) for e in ical_events(ics(data))]
    assert "reflection" in summaries
    assert "" not in summaries


def test_hostile_plan_json_renders_through_the_cli(tmp_path: Path) -> None:
    data = fixture_plan()
    for _, session in sessions_of(data, *EVENT_KINDS):
        session["title"] = INJECTION
    plan = write_plan(data, tmp_path / "plan.json")
    out = tmp_path / "programme.ics"
    result = render(plan, "ics", out, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8")
    _assert_well_formed(text)
    count = len(intended(data))
    assert len(ical_events(text)) == len(vobject_events(text)) == count
    summaries = [e.summary.value for e in vobject_events(text)]
    assert summaries.count(INJECTED) == count - len(data["follow_up"])


# --- 3. time zones ---------------------------------------------------------------------------


def _vobject_utc(text: str) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """SUMMARY -> (local DTSTART as vobject reads it, the same instant in UTC)."""
    out = {}
    for event in vobject_events(text):
        start = event.dtstart.value
        # the offset comes from this file's VTIMEZONE (dateutil's tzical), not from pytz
        assert isinstance(start.tzinfo, TZICAL), type(start.tzinfo)
        out[event.summary.value] = (start, start.astimezone(UTC))
    return out


def test_summer_follow_up_after_a_march_programme_in_brussels() -> None:
    """Taught before the switch to summer time (28 March 2027), followed up in June."""
    data = small_plan("Europe/Brussels", ["2027-03-15", "2027-03-16"], ["2027-06-08"])
    text = ics(data)
    read = _vobject_utc(text)
    march_local, march_utc = read["Teaching on 2027-03-15"]
    june_local, june_utc = read["Follow-up on 2027-06-08"]
    assert (march_local.hour, march_local.minute) == (9, 0)
    assert march_local.utcoffset() == dt.timedelta(hours=1)
    assert march_utc == dt.datetime(2027, 3, 15, 8, 0, tzinfo=UTC)
    assert (june_local.hour, june_local.minute) == (9, 0)
    assert june_local.utcoffset() == dt.timedelta(hours=2)
    assert june_utc == dt.datetime(2027, 6, 8, 7, 0, tzinfo=UTC)
    follow = next(e for e in ical_events(text) if str(e["SUMMARY"]) == "Follow-up on 2027-06-08")
    assert follow.decoded("dtstart").astimezone(UTC) == june_utc
    assert "\r\nDTSTART;TZID=Europe/Brussels:20270608T090000\r\n" in text


def test_vtimezone_covers_only_the_programme() -> None:
    data = small_plan("Europe/Brussels", ["2027-03-15", "2027-03-16"], ["2027-06-08"])
    calendar = icalendar.Calendar.from_ical(ics(data))
    (timezone,) = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Brussels"
    onsets = sorted(block.decoded("DTSTART") for block in timezone.subcomponents)
    assert onsets[0].date() == dt.date(2027, 3, 15)
    assert onsets == [dt.datetime(2027, 3, 15), dt.datetime(2027, 3, 28, 3, 0)]
    assert all("RDATE" not in block for block in timezone.subcomponents)
    assert [b.name for b in sorted(timezone.subcomponents, key=lambda b: b.decoded("DTSTART"))] == [
        "STANDARD",
        "DAYLIGHT",
    ]


@pytest.mark.parametrize(
    ("zone", "days", "follow_ups"),
    [
        # several years: icalendar alone would list the transitions as RDATEs
        (
            "Europe/Brussels",
            ["2027-03-15"],
            ["2027-11-02", "2028-06-13", "2029-01-09", "2029-07-03"],
        ),
        ("America/New_York", ["2027-03-01"], ["2027-03-22", "2027-12-06", "2028-07-10"]),
        ("Australia/Sydney", ["2027-03-29"], ["2027-05-24", "2027-11-08", "2028-02-14"]),
        ("Asia/Kolkata", ["2027-03-15"], ["2027-06-08"]),
    ],
)
def test_every_event_reads_back_at_its_local_time(
    zone: str, days: list[str], follow_ups: list[str]
) -> None:
    data = small_plan(zone, days, follow_ups)
    text = ics(data)
    read = _vobject_utc(text)
    truth = zoneinfo.ZoneInfo(zone)
    dates = days + follow_ups
    assert len(read) == len(dates)
    for date in dates:
        title = f"Teaching on {date}" if date in days else f"Follow-up on {date}"
        local, utc = read[title]
        expected = dt.datetime.combine(dt.date.fromisoformat(date), dt.time(9, 0), truth)
        assert (local.date(), local.hour, local.minute) == (expected.date(), 9, 0)
        assert utc == expected.astimezone(UTC), (zone, date)
        assert local.utcoffset() == expected.utcoffset(), (zone, date)
    for timezone in icalendar.Calendar.from_ical(text).walk("VTIMEZONE"):
        assert all("RDATE" not in block for block in timezone.subcomponents)


def test_utc_programme_has_no_vtimezone() -> None:
    data = small_plan("UTC", ["2027-03-15"], ["2027-06-08"])
    text = ics(data)
    assert "BEGIN:VTIMEZONE" not in text
    read = {e.summary.value: e.dtstart.value for e in vobject_events(text)}
    assert read["Follow-up on 2027-06-08"] == dt.datetime(2027, 6, 8, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("needs", "timezone"), "Mars/Olympus_Mons", "not a known IANA time zone"),
        (("needs", "timezone"), "../../etc/passwd", "not a known IANA time zone"),
        (("needs", "day_start"), "9 am", "needs.day_start"),
        (("days", 0, "date"), "2027-02-30", "days[0].date"),
        (("days", 0, "sessions", 0, "start"), "24:00", "days[0].sessions[0].start"),
        (("days", 0, "sessions", 0, "end"), "08:00", "ends before it starts"),
        (("follow_up", 0, "date"), "someday", "follow_up[0].date"),
        (("follow_up", 0, "date"), "9999-12-31", "follow_up[0].date"),
        (("days", 1, "date"), "1899-12-31", "days[1].date"),
        (("follow_up", 0, "minutes"), 10**12, "follow_up[0].minutes"),
        (("follow_up", 0, "minutes"), -30, "follow_up[0] ends before it starts"),
    ],
)
def test_a_broken_plan_is_a_clean_error(
    tmp_path: Path, path: tuple[str | int, ...], value: str | int, message: str
) -> None:
    data = fixture_plan()
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(UserError, match=re.escape(message)):
        ics(data)
    plan = write_plan(data, tmp_path / "plan.json")
    result = render(plan, "ics", tmp_path / "programme.ics", cwd=tmp_path)
    assert_clean_failure(result, 1)
    assert message in result.stderr
    assert not (tmp_path / "programme.ics").exists()


def test_a_zero_length_session_has_no_dtend() -> None:
    data = fixture_plan()
    session = next(s for _, s in sessions_of(data, "reflection"))
    session["end"] = session["start"]
    event = next(e for e in ical_events(ics(data)) if str(e["SUMMARY"]) == session["title"])
    assert "DTEND" not in event


# --- 4. stable UIDs, DTSTAMP and SEQUENCE ----------------------------------------------------


def uids_by_summary(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for event in ical_events(text):
        out.setdefault(str(event["SUMMARY"]), []).append(str(event["UID"]))
    return out


def test_moving_sessions_by_30_minutes_keeps_every_uid(tmp_path: Path) -> None:
    """Render, move sessions in the plan JSON, render again through the CLI: same UIDs."""
    data = fixture_plan()
    before = tmp_path / "before.ics"
    after = tmp_path / "after.ics"
    assert render(write_plan(data, tmp_path / "a.json"), "ics", before).exit_code == 0
    day = data["days"][0]
    moved = [s for s in day["sessions"] if s["kind"] in ("teaching", "debrief", "reflection")]
    for session in moved:
        move(session, 30)
    data["needs"]["day_start"] = shift(data["needs"]["day_start"], 30)  # follow-ups too
    assert render(write_plan(data, tmp_path / "b.json"), "ics", after).exit_code == 0
    first = before.read_bytes().decode("utf-8")
    second = after.read_bytes().decode("utf-8")
    assert first != second
    starts = {str(e["UID"]): e.decoded("dtstart") for e in ical_events(first)}
    moved_starts = {str(e["UID"]): e.decoded("dtstart") for e in ical_events(second)}
    assert set(starts) == set(moved_starts)
    assert len(starts) == len(intended(data))
    shifted = [uid for uid in starts if moved_starts[uid] - starts[uid] == dt.timedelta(minutes=30)]
    assert len(shifted) == len(moved) + len(data["follow_up"])
    assert {e.uid.value for e in vobject_events(first)} == {
        e.uid.value for e in vobject_events(second)
    }


def test_uid_follows_the_session_not_its_day_title_or_neighbours() -> None:
    data = fixture_plan()
    session = data["days"][0]["sessions"][0]
    assert session["kind"] == "teaching"
    uid = uids_by_summary(ics(data))[session["title"]]
    # to the end of day 2, renamed
    data["days"][0]["sessions"].remove(session)
    data["days"][1]["sessions"].append({**session, "start": "16:45", "end": "17:00"})
    data["days"][1]["sessions"][-1]["title"] = "Renamed and moved"
    assert uids_by_summary(ics(data))["Renamed and moved"] == uid


def test_uid_is_the_identity_goal_and_part() -> None:
    data = fixture_plan("advanced")
    before = uids_by_summary(ics(data))
    uids = [u for v in before.values() for u in v]
    assert len(uids) == len(set(uids)) == len(intended(data))
    parts = [s for _, s in sessions_of(data, "teaching") if s["part"]]
    assert {p["part"] for p in parts} == {1, 2}
    assert len({before[p["title"]][0] for p in parts}) == len(parts)
    # another goal: another session, the others keep their UIDs
    changed = next(s for _, s in sessions_of(data, "teaching") if not s["part"])
    changed["goals"] = ["another-goal"]
    after = uids_by_summary(ics(data))
    assert after[changed["title"]] != before[changed["title"]]
    assert {t: u for t, u in after.items() if t != changed["title"]} == {
        t: u for t, u in before.items() if t != changed["title"]
    }
    # another programme: every UID changes
    data["needs"]["id"] = "another-programme"
    assert not set(uids) & {u for v in uids_by_summary(ics(data)).values() for u in v}


def test_debrief_uid_follows_the_goal_it_debriefs() -> None:
    data = fixture_plan()
    day = data["days"][0]
    index = next(i for i, s in enumerate(day["sessions"]) if s["kind"] == "debrief")
    debrief = day["sessions"][index]
    uid = uids_by_summary(ics(data))[debrief["title"]]
    # the break before it goes; it moves 15 minutes earlier: same debrief
    del day["sessions"][index - 1]
    move(debrief, -15)
    assert uids_by_summary(ics(data))[debrief["title"]] == uid
    # after another goal's session it is another debrief
    day["sessions"].insert(index - 1, {**day["sessions"][0], "goals": ["other"], "title": "Other"})
    assert uids_by_summary(ics(data))[debrief["title"]] != uid


def test_reflection_and_follow_up_uids() -> None:
    data = fixture_plan("advanced")
    by_title = uids_by_summary(ics(data))
    reflections = by_title["End-of-day reflection"]
    assert len(reflections) == len(set(reflections)) == len(data["days"])
    rules = [f["rule"] for f in data["follow_up"]]
    assert len(set(rules)) == len(rules) == 2
    # a second follow-up of the first rule keeps the first one's UID and gets its own
    extra = {**data["follow_up"][0], "date": "2028-09-01", "title": "Second follow-up"}
    data["follow_up"].append(extra)
    again = uids_by_summary(ics(data))
    assert again[data["follow_up"][0]["title"]] == by_title[data["follow_up"][0]["title"]]
    assert again["Second follow-up"][0] not in {u for v in by_title.values() for u in v}
    # moving a follow-up to another date keeps its UID
    data["follow_up"][1]["date"] = "2028-05-17"
    assert (
        uids_by_summary(ics(data))[data["follow_up"][1]["title"]]
        == again[data["follow_up"][1]["title"]]
    )


def _stamps_and_sequences(text: str) -> tuple[set[str], set[int]]:
    events = ical_events(text)
    raw = [e["DTSTAMP"].to_ical() for e in events]
    stamps = {v.decode() if isinstance(v, bytes) else str(v) for v in raw}
    return stamps, {int(str(e["SEQUENCE"])) for e in events}


def test_same_plan_same_bytes_and_stamp_from_the_digest() -> None:
    data = fixture_plan()
    text = ics(data)
    assert text == ics(copy.deepcopy(data))
    stamps, sequences = _stamps_and_sequences(text)
    assert len(stamps) == len(sequences) == 1
    (stamp_text,) = stamps
    stamp = dt.datetime.strptime(stamp_text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert dt.datetime(2000, 1, 1, tzinfo=UTC) <= stamp < dt.datetime(2020, 1, 1, tzinfo=UTC)
    assert sequences == {int(stamp.timestamp()) // 60}
    # another revision of the inputs: another stamp and sequence, the same UIDs
    revised = copy.deepcopy(data)
    revised["curriculum"]["digest"] = "sha256:" + "0" * 64
    other = ics(revised)
    other_stamps, other_sequences = _stamps_and_sequences(other)
    assert other_stamps != stamps
    assert other_sequences != sequences
    assert uids_by_summary(other) == uids_by_summary(text)


def test_source_date_epoch_sets_stamp_and_a_growing_sequence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = fixture_plan()
    unset = _stamps_and_sequences(ics(data))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = _stamps_and_sequences(ics(data))
    assert first == ({"20231114T221320Z"}, {1700000000 // 60})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 1700086400 ")
    later = _stamps_and_sequences(ics(data))
    assert later == ({"20231115T221320Z"}, {1700086400 // 60})
    assert min(later[1]) > max(first[1]) > max(unset[1])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert _stamps_and_sequences(ics(data)) == ({"19700101T000000Z"}, {0})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")  # set but empty: as if unset
    assert _stamps_and_sequences(ics(data)) == unset


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5", "99999999999999999999"])
def test_malformed_source_date_epoch_is_a_clean_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    plan = write_plan(fixture_plan(), tmp_path / "plan.json")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(UserError, match="SOURCE_DATE_EPOCH"):
        render_ics(to_plan(fixture_plan()))
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "p.ics"
    args = ["render", "--plan", str(plan), "--format", "ics", "-o", str(out)]
    result = CliRunner().invoke(app, args, env={"SOURCE_DATE_EPOCH": value})
    assert_clean_failure(result, 1)
    assert "SOURCE_DATE_EPOCH" in result.stderr
    assert not out.exists()
