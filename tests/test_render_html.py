"""``curribuild render --format html``: one standalone, printable, escaped file.

Parsed with the standard library's ``html.parser``.
"""

from __future__ import annotations

import itertools
import json
import re

import pytest

from render_helpers import (
    EVIL_METHOD,
    EVIL_NEEDS_TITLE,
    EVIL_STATEMENT,
    EVIL_TITLE,
    EXAMPLES,
    Example,
    Node,
    css_block,
    css_rules,
    parse_html,
    plan_examples,
    plan_needs,
    render,
    sessions,
    svg_text_extent,
    viewbox,
    write_hostile_repo,
)


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Example]:
    return plan_examples(tmp_path_factory.mktemp("html"), formats=("html",))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    base = tmp_path_factory.mktemp("hostile-html")
    plan = plan_needs(write_hostile_repo(base), base / "out")
    out = base / "programme.html"
    result = render(plan, "html", out, cwd=base)
    assert result.exit_code == 0, result.output
    return json.loads(plan.read_text(encoding="utf-8")), out.read_text(encoding="utf-8")


def _doc(example: Example) -> Node:
    tree = parse_html(example.text("html"))
    assert tree.problems == [], tree.problems
    return tree.root


EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


@pytest.mark.parametrize("name", EXAMPLES)
def test_html_is_standalone(examples: dict[str, Example], name: str) -> None:
    text = examples[name].text("html")
    assert text.startswith("<!DOCTYPE html>")
    root = _doc(examples[name])
    for node in root.iter():
        for attr, value in node.attrs.items():
            if attr == "xmlns":  # a namespace name, never fetched
                continue
            assert not (value and EXTERNAL.match(value)), f"<{node.tag} {attr}={value!r}>"
            assert not (value and value.strip().lower().startswith("javascript:"))
        if node.tag == "link":
            assert "stylesheet" not in (node.attrs.get("rel") or "").lower()
        assert node.tag not in ("iframe", "object", "embed", "img", "base")
    assert root.find_all("script") == [], "no script at all, inline or external"
    styles = "".join(n.text() for n in root.find_all("style"))
    assert "@import" not in styles
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", styles)
    assert root.find("meta", charset="utf-8")


@pytest.mark.parametrize("name", EXAMPLES)
def test_print_stylesheet_is_a4_and_keeps_days_whole(
    examples: dict[str, Example], name: str
) -> None:
    """A4 pages; a day's agenda never splits across pages, and a day starts a new page
    only when it does not fit (forcing one left near-empty pages)."""
    root = _doc(examples[name])
    css = "".join(n.text() for n in root.find_all("style"))
    page = css_block(css, "@page")
    assert re.search(r"size:\s*A4", page), page
    assert "margin" in page
    printing = css_block(css, "@media print")
    assert printing, "no @media print block"
    rules = css_rules(printing)
    day_rule = rules.get("section.day", "")
    assert not re.search(r"(break-before:\s*page|page-break-before:\s*always)", day_rule)
    assert re.search(r"break-inside:\s*avoid", rules.get("section.day table", ""))
    assert re.search(r"break-inside:\s*avoid", rules.get("tr", ""))
    days = root.find_all("section", "day")
    plan = examples[name].plan
    assert [d.attrs["id"] for d in days] == [f"day-{d['day']}" for d in plan["days"]]
    for node, day in zip(days, plan["days"], strict=True):
        heading = node.find_all("h2")
        assert [h.text() for h in heading] == [
            f"Day {day['day']}" + (f" ({day['date']})" if day["date"] else "")
        ]
        rows = node.find("tbody").find_all("tr")
        assert len(rows) == len(day["sessions"])
        for row, session in zip(rows, day["sessions"], strict=True):
            cells = [c.text().strip() for c in row.find_all("td")]
            assert cells[0] == f"{session['start']}–{session['end']}"
            assert cells[1].startswith(session["title"])
            assert ("(sensitive material)" in cells[1]) == session["sensitive"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_learning_type_bars_carry_minutes(examples: dict[str, Example], name: str) -> None:
    root = _doc(examples[name])
    svg = root.find("svg", id="learning-type-chart")
    bars = svg.find_all("rect", "bar")
    minutes = examples[name].plan["coverage"]["learning_types"]
    shown = {b.attrs["data-learning-type"]: int(b.attrs["data-minutes"] or -1) for b in bars}
    assert shown == minutes
    assert len(bars) == len(minutes)
    widths = {b.attrs["data-learning-type"]: int(b.attrs["width"] or -1) for b in bars}
    biggest = max(minutes, key=lambda k: minutes[k])
    assert widths[biggest] == max(widths.values()) > 0
    for kind, value in minutes.items():
        assert (widths[kind] == 0) == (value == 0)


@pytest.mark.parametrize("name", EXAMPLES)
def test_timeline_has_one_rect_per_session(examples: dict[str, Example], name: str) -> None:
    root = _doc(examples[name])
    plan = examples[name].plan
    svg = root.find("svg", id="timeline-chart")
    rects = svg.find_all("rect")
    expected = [(s["start"], s["end"], s["kind"]) for _, s in sessions(plan)]
    assert [(r.attrs["data-start"], r.attrs["data-end"], r.attrs["data-kind"]) for r in rects] == (
        expected
    )
    _, _, width, _ = viewbox(svg)
    rows: dict[str, list[Node]] = {}
    for rect in rects:
        rows.setdefault(rect.attrs["y"] or "", []).append(rect)
    assert [len(r) for r in rows.values()] == [len(d["sessions"]) for d in plan["days"]]
    for row in rows.values():
        for before, after in itertools.pairwise(row):
            end = int(before.attrs["x"] or 0) + int(before.attrs["width"] or 0)
            assert end <= int(after.attrs["x"] or 0) + 1, "sessions overlap on the timeline"
        last = row[-1]
        assert int(last.attrs["x"] or 0) + int(last.attrs["width"] or 0) <= width


@pytest.mark.parametrize("name", EXAMPLES)
def test_chart_labels_fit_inside_the_charts(examples: dict[str, Example], name: str) -> None:
    """Text in the SVG charts must not be cut off at the edge of the drawing
    (e.g. the last hour tick "17:00" centred on the right edge, or "255 min (39%)"
    after the longest learning-type bar)."""
    root = _doc(examples[name])
    clipped = []
    for chart in ("timeline-chart", "learning-type-chart"):
        svg = root.find("svg", id=chart)
        left_edge, _, width, _ = viewbox(svg)
        for text in svg.find_all("text"):
            left, right = svg_text_extent(text)
            if left < left_edge or right > left_edge + width:
                clipped.append(f"{chart}: {text.text()!r} spans {left:.0f}..{right:.0f} of {width}")
    assert clipped == [], "\n".join(clipped)


def test_hostile_text_is_escaped_in_html(hostile: tuple[dict, str]) -> None:
    plan, text = hostile
    tree = parse_html(text)
    assert tree.problems == []
    root = tree.root
    assert root.find_all("script") == [], "a <script> from YAML became markup"
    assert [b for b in root.find_all("b") if b.text() == "bold"] == [], "<b> from YAML is markup"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert root.find("head").find("title").text() == EVIL_NEEDS_TITLE
    assert root.find("h1").text() == EVIL_NEEDS_TITLE
    day = root.find("section", "day")
    evil = next(r for r in day.find_all("tr") if "evil" in r.text())
    cells = [c.text() for c in evil.find_all("td")]
    assert cells[1:] == [EVIL_TITLE, EVIL_METHOD, "evil"]
    goals = root.find("section", id="goals")
    row = next(r for r in goals.find_all("tr") if EVIL_TITLE in r.text())
    assert [c.text() for c in row.find_all("td")][:2] == [EVIL_TITLE, EVIL_STATEMENT]
    assert "{{ 7*7 }}" in root.find("h1").text()
    tooltip = [t.text() for t in root.find("svg", id="timeline-chart").find_all("title")]
    assert any(t.endswith(EVIL_TITLE) for t in tooltip), tooltip
    overview = root.find("section", id="overview")
    assert EVIL_METHOD in [t.text() for t in overview.find_all("span", "tag")]
    assert plan["needs"]["title"] == EVIL_NEEDS_TITLE


@pytest.mark.parametrize("name", EXAMPLES)
def test_timeline_bars_are_labelled_on_paper(examples: dict[str, Example], name: str) -> None:
    """A tooltip does not print: each teaching bar carries its number inside the bar
    (debriefs D, reflections R), and the key under the chart names each number."""
    root = _doc(examples[name])
    plan = examples[name].plan
    svg = root.find("svg", id="timeline-chart")
    marks = svg.find_all("text", "mark")
    keys = root.find_all("p", "timeline-key")
    assert len(keys) == len(plan["days"])
    rects = svg.find_all("rect")
    inside = []
    for mark in marks:
        x, y = float(mark.attrs["x"] or 0), float(mark.attrs["y"] or 0)
        for rect in rects:
            left, top = int(rect.attrs["x"] or 0), int(rect.attrs["y"] or 0)
            right, bottom = (
                left + int(rect.attrs["width"] or 0),
                top + int(rect.attrs["height"] or 0),
            )
            if left <= x <= right and top <= y <= bottom:
                inside.append((rect.attrs["data-kind"], mark.text()))
    assert len(inside) == len(marks), "a label outside its bar"
    for day, key in zip(plan["days"], keys, strict=True):
        teaching = [s for s in day["sessions"] if s["kind"] == "teaching"]
        for number, session in enumerate(teaching, start=1):
            assert f"{number} {session['start']} {session['title']}" in key.text()
    teaching_marks = [m for kind, m in inside if kind == "teaching"]
    assert len(teaching_marks) == sum(1 for _ in sessions(plan, "teaching"))
