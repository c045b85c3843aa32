"""Hostile text in every string field of a plan renders inert (issue 15).

A real plan (of the bundled forensic-psychiatry needs) gets the same payload in
every free-text field: raw HTML, a script, ``javascript:`` links, table pipes and newlines, Mermaid
directives, ``click`` and ``call`` statements, ``;`` and ``#``. ``render`` runs
through the real CLI in a child process with time and memory limits.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from test_hostile import BUNDLED_NEEDS, run_cli

PAYLOAD = (
    "<script>document.documentElement.setAttribute('data-pwned','script')</script>"
    "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">"
    " [link](javascript:alert(1)) <javascript:alert(2)> a|b | c\nnew line\r\n"
    '%%{init: {"theme":"dark"}}%% ; click d1s1 call alert() # 35; `tick` *em* '
    '<a href="javascript:alert(3)">x</a> &amp; ::error::x'
)
# Fields the renderers compute with (clock times, dates) and enumerations the plan
# schema checks (session kind, solver status).
STRUCTURAL = {
    "kind",
    "start",
    "end",
    "date",
    "start_date",
    "day_start",
    "day_end",
    "status",
    "form",  # an instrument's form: reaction, pre-post, follow-up or log
}


def inject(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: inject(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [inject(v, key) for v in value]
    if isinstance(value, str) and key not in STRUCTURAL:
        return PAYLOAD
    return value


@pytest.fixture(scope="module")
def real_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("real-plan")
    outcome = run_cli(["plan", str(BUNDLED_NEEDS), "-o", "plan.json"], folder, 120)
    assert outcome.status == 0, outcome.describe()
    return folder / "plan.json"


@pytest.fixture()
def hostile_plan(tmp_path: Path, real_plan: Path) -> Path:
    data = json.loads(real_plan.read_text(encoding="utf-8"))
    target = tmp_path / "plan.json"
    target.write_text(json.dumps(inject(data)), encoding="utf-8")
    return target


def rendered(plan: Path, fmt: str) -> str:
    out = plan.parent / f"out.{fmt}"
    outcome = run_cli(
        ["render", "--format", fmt, "--plan", plan.name, "-o", out.name], plan.parent, 30
    )
    assert outcome.status == 0, outcome.describe()
    assert "Traceback" not in outcome.output
    return out.read_text(encoding="utf-8")


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.handlers: list[tuple[str, str]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name in {"href", "src", "action", "formaction"}:
                self.links.append(value or "")


def tags_of(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    return parser


def test_markdown_escapes_html_links_and_table_cells(hostile_plan: Path) -> None:
    text = rendered(hostile_plan, "md")
    prose = re.sub(r"(?<!\\)`[^`\n]*(?<!\\)`", "", text)  # code spans show text as is
    assert "<script" not in prose and "<img" not in prose and "<a " not in prose
    assert not re.search(r"(?<!\\)\]\(javascript:", prose) and "<javascript:" not in prose
    # every table keeps its columns: unescaped pipes per row equal the header's
    tables = re.findall(r"(?m)(?:^\|.*\n)+", text)
    assert len(tables) >= 5
    for table in tables:
        rows = table.splitlines()
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, table
    # GitHub-flavoured Markdown to HTML: no tag, handler or link came from the data
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    html = md.render(text)
    found = tags_of(html)
    assert found.tags["script"] == 0 and found.tags["img"] == 0 and found.tags["a"] == 0
    assert found.handlers == [] and found.links == []


def test_mermaid_gantt_lines_are_sanitised(hostile_plan: Path) -> None:
    text = rendered(hostile_plan, "md")
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    assert lines[0] == "gantt"
    assert "%%" not in block and "{" not in block and "<" not in block
    statements = {"title", "dateformat", "axisformat", "section"}
    tasks = 0
    for line in lines[1:]:
        head = line.split()[0].lower()
        if head in statements:
            continue
        # a task: `name :[crit, ]id, start, minutes`, the name never a statement
        name, _, spec = line.rpartition(" :")
        assert ";" not in line and "#" not in line and ":" not in name, line
        assert head not in {"click", "call", "title", "section", "%%"}, line
        assert re.fullmatch(r"(crit, )?[df]\d+(s\d+)?, \d{4}-\d\d-\d\d \d\d:\d\d, \d+m", spec)
        tasks += 1
    assert tasks >= 5


def test_html_autoescapes_every_field(hostile_plan: Path, real_plan: Path) -> None:
    clean = tags_of(rendered_clean(real_plan, hostile_plan.parent, "html"))
    html = rendered(hostile_plan, "html")
    found = tags_of(html)
    assert not found.tags - clean.tags  # no element the clean page lacks
    assert found.handlers == [] and found.links == []
    assert "&lt;script&gt;" in html


def rendered_clean(plan: Path, folder: Path, fmt: str) -> str:
    clean = folder / "clean"
    clean.mkdir()
    shutil.copyfile(plan, clean / "plan.json")
    return rendered(clean / "plan.json", fmt)


def test_html_in_headless_chromium_runs_no_script(hostile_plan: Path, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no chromium on this machine")
    rendered(hostile_plan, "html")
    page = hostile_plan.parent / "out.html"
    done = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=3000",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    dom = done.stdout.decode("utf-8", "replace")
    assert "<h1>" in dom  # the page did load
    # neither the script nor the onerror handler ran (they would mark <html>)
    assert re.match(r"<!DOCTYPE html>\s*<html[^>]*>", dom), dom[:200]
    opening = re.match(r"<!DOCTYPE html>\s*<html[^>]*>", dom)
    assert opening is not None and "data-pwned" not in opening.group()
    live = tags_of(dom)
    assert live.tags["script"] == 0 and live.tags["img"] == 0 and live.tags["a"] == 0
    assert live.handlers == []
