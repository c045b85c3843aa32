"""``curribuild render --format md``: the Markdown parsed as CommonMark with tables.

Agenda tables per day, the Mermaid gantt, and text from YAML shown as text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from curribuild.render.view import mermaid_text
from render_helpers import (
    EVIL_METHOD,
    EVIL_NEEDS_TITLE,
    EVIL_STATEMENT,
    EVIL_TITLE,
    EXAMPLES,
    KEYWORD_TITLE,
    SEMICOLON_NEEDS_TITLE,
    Example,
    inline_text,
    md_tables,
    md_tokens,
    mermaid_blocks,
    parse_gantt,
    plan_examples,
    plan_needs,
    render,
    write_hostile_repo,
)


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Example]:
    return plan_examples(tmp_path_factory.mktemp("md"), formats=("md",))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    """The plan and Markdown of a curriculum whose text looks like markup and Jinja."""
    base = tmp_path_factory.mktemp("hostile-md")
    plan = plan_needs(write_hostile_repo(base), base / "out")
    out = base / "programme.md"
    result = render(plan, "md", out, cwd=base)
    assert result.exit_code == 0, result.output
    return json.loads(plan.read_text(encoding="utf-8")), out.read_text(encoding="utf-8")


AGENDA_HEADER = ["Time", "Session", "Method", "Goals"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_agenda_table_per_day(examples: dict[str, Example], name: str) -> None:
    plan = examples[name].plan
    tables = [t for t in md_tables(md_tokens(examples[name].text("md"))) if t.h2 == "Agenda"]
    assert len(tables) == len(plan["days"]) >= 1
    for table, day in zip(tables, plan["days"], strict=True):
        label = f"Day {day['day']}" + (f" ({day['date']})" if day["date"] else "")
        assert table.h3 == label
        assert table.header == AGENDA_HEADER
        assert len(table.rows) == len(day["sessions"])
        for row, session in zip(table.rows, day["sessions"], strict=True):
            assert len(row) == 4, row
            assert row[0] == f"{session['start']}–{session['end']}"
            assert row[1] == session["title"]
            assert row[2] == (session.get("method_name") or "")
            assert row[3] == ", ".join(session["goals"])


@pytest.mark.parametrize("name", EXAMPLES)
def test_mermaid_gantt(examples: dict[str, Example], name: str) -> None:
    """One gantt per day on a time-of-day axis; the follow-up is text, never a bar."""
    plan = examples[name].plan
    text = examples[name].text("md")
    blocks = mermaid_blocks(md_tokens(text))
    assert len(blocks) == len(plan["days"])
    ids: list[str] = []
    for day, block in zip(plan["days"], blocks, strict=True):
        assert block.splitlines()[0] == "gantt"
        gantt = parse_gantt(block)
        assert gantt.stray == [], "lines that are neither a section nor a task"
        label = f"Day {day['day']}" + (f" ({day['date']})" if day["date"] else "")
        assert f"title {label}" in gantt.header
        assert "dateFormat YYYY-MM-DD HH:mm" in gantt.header
        assert "axisFormat %H:%M" in gantt.header
        assert list(gantt.sections) == [f"Day {day['day']}"]
        tasks = gantt.sections[f"Day {day['day']}"]
        shown = [s for s in day["sessions"] if s["kind"] not in ("break", "lunch")]
        assert len(tasks) == len(shown)
        dates = {task["date"] for task in tasks}
        assert len(dates) == 1, "a day's chart spans one date only"
        if day["date"]:
            assert dates == {day["date"]}
        for task, session in zip(tasks, shown, strict=True):
            assert task["time"] == session["start"]
            assert int(task["minutes"]) == session["minutes"]
            # the title as the gantt may show it: Mermaid's separators and quotes removed
            assert task["name"] == mermaid_text(session["title"])
        ids.extend(t["id"] for t in tasks)
    assert len(ids) == len(set(ids)), "task ids must be unique"
    follow = re.search(r"(?m)^\*\*Follow-up:\*\* (.*)$", text)
    if plan["follow_up"]:
        assert follow is not None
        for item in plan["follow_up"]:
            assert item["title"] in follow.group(1)
            assert (item["date"] or f"{item['weeks_after']} weeks after") in follow.group(1)
    else:
        assert follow is None


def test_undated_gantt_shows_no_year(tmp_path: Path) -> None:
    """Without a start date each chart is titled "Day N" and the follow-up says how many
    weeks after; no year 2000 in anything a reader sees."""
    plan_path = plan_needs(write_hostile_repo(tmp_path), tmp_path / "out")
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    plan["needs"]["start_date"] = None
    for day in plan["days"]:
        day["date"] = None
    for item in plan["follow_up"]:
        item["date"] = None
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    out = tmp_path / "programme.md"
    assert render(plan_path, "md", out, cwd=tmp_path).exit_code == 0
    text = out.read_text(encoding="utf-8")
    for day, block in zip(plan["days"], mermaid_blocks(md_tokens(text)), strict=True):
        gantt = parse_gantt(block)
        assert f"title Day {day['day']}" in gantt.header
        assert "axisFormat %H:%M" in gantt.header
    outside = re.sub(r"(?s)```mermaid.*?```", "", text)
    assert "2000" not in outside
    if plan["follow_up"]:
        assert "weeks after the last day" in text


@pytest.mark.parametrize("name", EXAMPLES)
def test_coverage_tables_match_the_plan(examples: dict[str, Example], name: str) -> None:
    plan = examples[name].plan
    all_tables = md_tables(md_tokens(examples[name].text("md")))
    tables = {t.h3: t for t in all_tables if t.h2 == "Coverage"}
    learning = tables["Learning types"]
    assert {r[0]: int(r[1]) for r in learning.rows} == plan["coverage"]["learning_types"]
    perspectives = tables["Perspectives"]
    assert {r[0]: int(r[1]) for r in perspectives.rows} == plan["coverage"]["perspectives"]
    overview = next(t for t in all_tables if t.h2 == "Overview")
    assert overview.rows[0][0] == str(plan["totals"]["days"])
    assert overview.rows[0][2] == str(plan["totals"]["sessions"])


def test_markdown_has_no_raw_html_from_data(hostile: tuple[dict, str]) -> None:
    _, text = hostile
    tokens = md_tokens(text)
    raw = [
        t.content
        for tok in tokens
        for t in [tok, *(tok.children or [])]
        if t.type in ("html_inline", "html_block")
    ]
    assert raw == []


def test_hostile_text_is_literal_in_markdown(hostile: tuple[dict, str]) -> None:
    plan, text = hostile
    tables = md_tables(md_tokens(text))
    agenda = [t for t in tables if t.h2 == "Agenda"]
    assert len(agenda) == 1
    rows = agenda[0].rows
    day = plan["days"][0]
    assert len(rows) == len(day["sessions"]), "a | in a title must not add or drop rows"
    evil = next(r for r in rows if r[3] == "evil")
    assert evil == [evil[0], EVIL_TITLE, EVIL_METHOD, "evil"], "a | must not split the cell"
    goals = next(t for t in tables if t.h2 == "Learning goals")
    assert goals.header == ["Goal", "Statement", "Domain", "Bloom", "Minutes"]
    evil_goal = next(r for r in goals.rows if r[0] == EVIL_TITLE)
    assert evil_goal == [EVIL_TITLE, EVIL_STATEMENT, "knowledge", "understand", "60"]
    evaluation = next(t for t in tables if t.h2 == "Evaluation plan")
    assert [EVIL_TITLE, "learning", "quiz <i>x</i> | {{ 1+1 }}", "end of session"] in (
        evaluation.rows
    )
    # the needs title, the "why" list: literal text, the Jinja in it never evaluated
    tokens = md_tokens(text)
    h1 = next(i for i, tok in enumerate(tokens) if tok.type == "heading_open" and tok.tag == "h1")
    assert inline_text(tokens[h1 + 1]) == EVIL_NEEDS_TITLE
    items = [inline_text(t) for t in tokens if t.type == "inline"]
    assert any(item.startswith(f"{EVIL_TITLE}: {EVIL_METHOD}") for item in items), items
    assert not any("49" in item or "42" in item for item in items)


def test_gantt_task_names_cannot_be_read_as_mermaid_keywords(
    hostile: tuple[dict, str],
) -> None:
    """Mermaid's gantt lexer is case-insensitive and takes `section `, `call `, `click `,
    `title ` ... at the start of a line as keywords; a task named that way breaks the chart."""
    _, text = hostile
    gantt = parse_gantt(mermaid_blocks(md_tokens(text))[0])
    assert gantt.stray == []
    names = [t["name"] for tasks in gantt.sections.values() for t in tasks]
    assert any("3 duties" in n for n in names), names
    keyword = re.compile(
        r"(?i)^(section|title|call|click|href|dateformat|axisformat|tickinterval|includes|"
        r"excludes|todaymarker|weekday|accdescription|acctitle|accdescr)\s|"
        r"^(gantt|topaxis|inclusiveenddates)|^\d{4}-\d{2}-\d{2}"
    )
    bad = [n for n in names if keyword.match(n)]
    assert bad == [], f"task names Mermaid reads as keywords: {bad} (from {KEYWORD_TITLE!r})"


def test_gantt_title_has_no_mermaid_separators(tmp_path: Path) -> None:
    """Mermaid ends `title` at `;` or `#`: the rest of the line becomes a syntax error."""
    plan = plan_needs(write_hostile_repo(tmp_path, SEMICOLON_NEEDS_TITLE), tmp_path / "out")
    out = tmp_path / "programme.md"
    assert render(plan, "md", out, cwd=tmp_path).exit_code == 0
    for block in mermaid_blocks(md_tokens(out.read_text(encoding="utf-8"))):
        gantt = parse_gantt(block)
        titles = [h for h in gantt.header if h.startswith("title ")]
        assert len(titles) == 1
        assert titles[0].startswith("title Day ")
        assert not re.search(r"[;#:]", titles[0][len("title ") :]), titles[0]
