"""Blended courses: self-paced pre-work before day 1, rendered apart from the days.

The coordinator's programme lists the modules (with why each is pre-work) before the
agenda and counts them apart from the contact time; the participants' handout says
what to do before the first day; the calendar holds each module as a to-do due when
the first day starts; the arrangements name the learning platform.
"""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest

from render_helpers import NEEDS_DIR, md_tables, md_tokens, parse_html, plan_needs, render

BLENDED = "community-mental-health-blended"


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    base = tmp_path_factory.mktemp("pre-work")
    path = plan_needs(NEEDS_DIR / f"{BLENDED}.yaml", base)
    plan = json.loads(path.read_text(encoding="utf-8"))
    assert plan["pre_work"], "the blended example has pre-work"
    return path, plan


def _render(plan: Path, fmt: str, *extra: str) -> str:
    out = plan.parent / f"out-{fmt}-{'-'.join(extra) or 'coordinator'}.{fmt}"
    result = render(plan, fmt, out, *extra, cwd=plan.parent)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def _duration(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h {m} min" if h and m else f"{h} h" if h else f"{m} min"


def test_the_programme_lists_the_modules_before_the_agenda(planned: tuple[Path, dict]) -> None:
    path, plan = planned
    text = _render(path, "md")
    tables = md_tables(md_tokens(text))
    [modules] = [t for t in tables if t.h2 == "Pre-work before day 1"]
    assert modules.header == ["Module", "Method", "Time", "Goals"]
    assert modules.rows == [
        [m["title"], m["method_name"], _duration(m["minutes"]), ", ".join(m["goals"])]
        for m in plan["pre_work"]
    ]
    # before the agenda, and not in any day
    assert text.index("## Pre-work before day 1") < text.index("## Agenda")
    days = [t for t in tables if t.h2 == "Agenda"]
    in_days = {row[3] for t in days for row in t.rows}
    assert not {g for m in plan["pre_work"] for g in m["goals"]} & in_days
    # counted apart from the contact time, and explained like every method choice
    total = sum(m["minutes"] for m in plan["pre_work"])
    assert f"**Pre-work:** {_duration(total)} of self-paced online modules before day 1" in text
    assert "counted apart from the contact time" in text
    for m in plan["pre_work"]:
        assert f"**{m['title']}**: {m['method_name']}, as pre-work before day 1." in text
    [overview] = [t for t in tables if t.h2 == "Overview"]
    assert overview.rows[0][1] == _duration(plan["totals"]["teaching_minutes"])
    # the learning platform is on the list of what to arrange, for each module
    arrange = text.split("## Arrangements", 1)[1]
    assert "The learning platform, with an account for every participant" in arrange
    for m in plan["pre_work"]:
        assert f"Pre-work before day 1: {m['title']}" in arrange


def test_the_handout_says_what_to_do_before_the_first_day(planned: tuple[Path, dict]) -> None:
    path, plan = planned
    text = _render(path, "md", "--audience", "participants")
    section = text.split("## Before the first day", 1)[1].split("\n## ", 1)[0]
    for m in plan["pre_work"]:
        assert f"- **{m['title']}** ({_duration(m['minutes'])})" in section
    assert f"to finish before {plan['needs']['start_date']}" in section
    prepare = text.split("## What to prepare", 1)[1].split("\n## ", 1)[0]
    count = len(plan["pre_work"])
    assert f"{count} self-paced online modules" in prepare
    # the modules' goals come first in what participants will learn
    learn = text.split("## What you will learn", 1)[1].split("\n## ", 1)[0]
    first = learn.strip().splitlines()[0]
    assert first.startswith(f"- **{plan['pre_work'][0]['title']}**"), first
    # no planner vocabulary in the handout: no goal slugs of the modules
    for m in plan["pre_work"]:
        assert all(g not in text for g in m["goals"])


def test_the_html_programme_and_handout_show_the_pre_work(planned: tuple[Path, dict]) -> None:
    path, plan = planned
    for extra, heading in (
        ((), "Pre-work before day 1"),
        (("--audience", "participants"), "Before the first day"),
    ):
        tree = parse_html(_render(path, "html", *extra))
        assert tree.problems == []
        section = tree.root.find("section", id="pre-work")
        assert section.find("h2").text().strip() == heading
        shown = section.text()
        for m in plan["pre_work"]:
            assert m["title"] in shown
    tree = parse_html(_render(path, "html"))
    cards = [c.text() for c in tree.root.find_all("div", "card")]
    total = sum(m["minutes"] for m in plan["pre_work"])
    assert f"{_duration(total)}pre-work" in cards


def test_the_calendar_holds_each_module_as_a_to_do_due_on_day_one(
    planned: tuple[Path, dict],
) -> None:
    path, plan = planned
    cal = icalendar.Calendar.from_ical(_render(path, "ics"))
    todos = list(cal.walk("VTODO"))
    assert [str(t["SUMMARY"]) for t in todos] == [
        f"Pre-work: {m['title']}" for m in plan["pre_work"]
    ]
    first = min(e.decoded("DTSTART") for e in cal.walk("VEVENT"))
    assert {t.decoded("DUE") for t in todos} == {first}
    assert len({str(t["UID"]) for t in todos}) == len(todos)
    assert all("Self-paced" in str(t["DESCRIPTION"]) for t in todos)
    # the same plan, rendered again: the same UIDs (clients update, not duplicate)
    again = icalendar.Calendar.from_ical(_render(path, "ics"))
    assert [str(t["UID"]) for t in again.walk("VTODO")] == [str(t["UID"]) for t in todos]


def test_a_plan_without_pre_work_renders_no_pre_work_section(tmp_path: Path) -> None:
    path = plan_needs(NEEDS_DIR / "forensic-psychiatry-in-person.yaml", tmp_path)
    plan = json.loads(path.read_text(encoding="utf-8"))
    assert plan["pre_work"] == []
    assert "Pre-work" not in _render(path, "md")
    assert "Before the first day" not in _render(path, "md", "--audience", "participants")
    assert 'id="pre-work"' not in _render(path, "html")
    assert "VTODO" not in _render(path, "ics")
