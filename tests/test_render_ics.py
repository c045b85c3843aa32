"""``curribuild render --format ics`` on the bundled examples, read back with ``icalendar``
and, independently, ``vobject`` (see also ``test_ics_clients.py``)."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path
from typing import Any

import icalendar
import pytest
import vobject
import vobject.icalendar

from render_helpers import (
    EVIL_TITLE,
    EXAMPLES,
    FORENSIC,
    NEEDS_DIR,
    Example,
    assert_clean_failure,
    plan_examples,
    plan_needs,
    render,
    sessions,
    write_hostile_repo,
)


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Example]:
    return plan_examples(tmp_path_factory.mktemp("ics"), formats=("ics",))


def _calendar(text: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(text)


def _events(text: str) -> list[icalendar.Event]:
    return [e for e in _calendar(text).walk("VEVENT") if isinstance(e, icalendar.Event)]


def _vobject_events(text: str) -> list[Any]:
    """vobject's events, its process-wide TZID registry emptied so that the file's own
    VTIMEZONE (and not pytz, nor a zone from an earlier file) gives the offsets."""
    registry = vars(vobject.icalendar)["__tzidMap"]
    registry.clear()
    registry["UTC"] = vobject.icalendar.utc
    return list(vobject.readOne(text).contents.get("vevent", []))


EVENT_KINDS = ("teaching", "debrief", "reflection")  # facilitators are booked for all three


def _at(date: str, hhmm: str, zone: str) -> dt.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(
        dt.date.fromisoformat(date), dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(zone)
    )


def _expected(plan: dict[str, Any]) -> list[tuple[dt.datetime, dt.datetime, str]]:
    zone = plan["needs"]["timezone"]
    out = [
        (_at(day["date"], s["start"], zone), _at(day["date"], s["end"], zone), s["title"])
        for day, s in sessions(plan, *EVENT_KINDS)
    ]
    for item in plan["follow_up"]:
        start = _at(item["date"], plan["needs"]["day_start"], zone)
        out.append((start, start + dt.timedelta(minutes=item["minutes"]), item["title"]))
    return out


@pytest.mark.parametrize("name", EXAMPLES)
def test_one_event_per_session_with_people_and_per_follow_up(
    examples: dict[str, Example], name: str
) -> None:
    plan = examples[name].plan
    events = _events(examples[name].text("ics"))
    booked = list(sessions(plan, *EVENT_KINDS))
    assert len(events) == len(booked) + len(plan["follow_up"]) > 0
    actual = [(e.decoded("dtstart"), e.decoded("dtend"), str(e["SUMMARY"])) for e in events]
    assert sorted(actual) == sorted(_expected(plan))
    # a second, independent parser reads the same events at the same instants
    others = _vobject_events(examples[name].text("ics"))
    read = [(e.dtstart.value, e.dtend.value, e.summary.value) for e in others]
    assert sorted(read) == sorted(_expected(plan))
    titles = {str(e["SUMMARY"]) for e in events}
    assert not titles & {s["title"] for _, s in sessions(plan, "break", "lunch")}
    zone = plan["needs"]["timezone"]
    for event in events:
        assert event["DTSTART"].params["TZID"] == zone
        assert event["DTEND"].params["TZID"] == zone
        assert event.decoded("dtstart").tzinfo.key == zone
        assert str(event["UID"]).endswith("@curribuild")
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    timezones = [str(tz["TZID"]) for tz in _calendar(examples[name].text("ics")).walk("VTIMEZONE")]
    assert timezones == [zone]


def test_forensic_example_in_amsterdam_time(examples: dict[str, Example]) -> None:
    """Teaching in March is CET (UTC+1); the follow-up in May is CEST (UTC+2)."""
    example = examples[FORENSIC]
    assert example.plan["needs"]["timezone"] == "Europe/Amsterdam"
    text = example.text("ics")
    events = sorted(_events(text), key=lambda e: e.decoded("dtstart"))
    first, last = events[0], events[-1]
    assert str(first["SUMMARY"]) == example.plan["days"][0]["sessions"][0]["title"]
    assert first.decoded("dtstart").astimezone(dt.UTC) == dt.datetime(
        2027, 3, 15, 8, 0, tzinfo=dt.UTC
    )
    assert "\r\nDTSTART;TZID=Europe/Amsterdam:20270315T090000\r\n" in text
    follow_up = example.plan["follow_up"][0]
    assert str(last["SUMMARY"]) == follow_up["title"]
    assert follow_up["date"] == "2027-05-11"
    assert last.decoded("dtstart").astimezone(dt.UTC) == dt.datetime(
        2027, 5, 11, 7, 0, tzinfo=dt.UTC
    )
    assert last.decoded("dtend") - last.decoded("dtstart") == dt.timedelta(
        minutes=follow_up["minutes"]
    )
    # clients that read the VTIMEZONE block by block (vobject, ical.js) agree
    read = {e.summary.value: e.dtstart.value for e in _vobject_events(text)}
    assert read[follow_up["title"]].utcoffset() == dt.timedelta(hours=2)
    assert read[follow_up["title"]].astimezone(dt.UTC) == dt.datetime(
        2027, 5, 11, 7, 0, tzinfo=dt.UTC
    )
    first_title = str(first["SUMMARY"])
    assert read[first_title].astimezone(dt.UTC) == dt.datetime(2027, 3, 15, 8, 0, tzinfo=dt.UTC)
    # the VTIMEZONE spans the programme, not 1970-2038
    (timezone,) = _calendar(text).walk("VTIMEZONE")
    onsets = sorted(block.decoded("DTSTART") for block in timezone.subcomponents)
    assert onsets[0] == dt.datetime(2027, 3, 15)
    assert onsets[-1] < dt.datetime(2027, 5, 12)


def test_ics_is_byte_identical_and_uids_stable(tmp_path: Path) -> None:
    needs = NEEDS_DIR / f"{FORENSIC}.yaml"
    first_plan = plan_needs(needs, tmp_path / "one")
    second_plan = plan_needs(needs, tmp_path / "two")
    outputs = []
    for index, plan in enumerate([first_plan, first_plan, second_plan]):
        out = tmp_path / f"calendar-{index}.ics"
        result = render(plan, "ics", out, cwd=tmp_path)
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert b"\r\n" in outputs[0], "iCalendar lines end in CRLF"
    uids = [str(e["UID"]) for e in _events(outputs[0].decode("utf-8"))]
    assert len(set(uids)) == len(uids)


def test_ics_to_stdout_equals_file(examples: dict[str, Example], tmp_path: Path) -> None:
    example = examples[FORENSIC]
    result = render(example.plan_path, "ics", "-", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    # (click's Result.stdout turns CRLF into LF: compare the bytes)
    assert result.stdout_bytes == example.outputs["ics"].read_bytes()
    assert result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")
    assert list(tmp_path.iterdir()) == []


def test_ics_keeps_hostile_text_as_text(tmp_path: Path) -> None:
    plan = plan_needs(write_hostile_repo(tmp_path), tmp_path / "out")
    out = tmp_path / "programme.ics"
    assert render(plan, "ics", out, cwd=tmp_path).exit_code == 0
    text = out.read_bytes().decode("utf-8")
    summaries = [str(e["SUMMARY"]) for e in _events(text)]
    assert EVIL_TITLE in summaries
    assert "Section 3 duties; call #1: the basics" in summaries
    assert [e.summary.value for e in _vobject_events(text)] == summaries


def test_ics_without_start_date_is_a_clear_error(tmp_path: Path) -> None:
    source = (NEEDS_DIR / f"{FORENSIC}.yaml").read_text(encoding="utf-8")
    undated = "\n".join(line for line in source.splitlines() if "start_date" not in line)
    needs = tmp_path / "needs.yaml"
    needs.write_text(undated + "\n", encoding="utf-8")
    plan = plan_needs(needs, tmp_path)
    assert json.loads(plan.read_text(encoding="utf-8"))["needs"]["start_date"] is None
    out = tmp_path / "programme.ics"
    result = render(plan, "ics", out, cwd=tmp_path)
    assert_clean_failure(result, 1)
    assert "start_date" in result.stderr
    assert "curribuild plan" in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["needs.yaml", "plan.json"]
    # the other formats do not need dates
    assert render(plan, "md", tmp_path / "p.md", cwd=tmp_path).exit_code == 0
