"""The Markdown's Mermaid gantt charts, drawn by the real client: mermaid-cli (``mmdc``)
in headless Chromium.

Each day is its own chart on a time-of-day axis, so every session is a bar wide enough
to see and the follow-up weeks later never stretches the axis. Skipped, with the
reason, where npm, the registry or Chromium is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from npm_helpers import npm_install
from render_helpers import (
    FORENSIC,
    NEEDS_DIR,
    md_tokens,
    mermaid_blocks,
    parse_gantt,
    plan_needs,
    render,
)

RECT = re.compile(r"<rect\b[^>]*\bid=\"[^\"]*-(?P<id>[df]\d+s\d+)\"[^>]*>")
WIDTH = re.compile(r"\bwidth=\"(?P<w>[\d.]+)\"")
TASK_TEXT = re.compile(r"<text\b[^>]*\bid=\"[^\"]*-(?P<id>[df]\d+s\d+)-text\"[^>]*>(?P<t>[^<]*)<")
TICK = re.compile(r"<g class=\"tick\"[^>]*>.*?<text[^>]*>(?P<t>[^<]*)</text>", re.S)
CLOCK = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def mmdc(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``(mmdc, puppeteer config)``: mermaid-cli from npm, driving the system Chromium."""
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium on this machine, and mermaid-cli needs a browser to draw")
    prefix = tmp_path_factory.mktemp("mermaid-cli")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PUPPETEER_SKIP_DOWNLOAD", "1")  # the system Chromium is used instead
        npm_install(prefix, "@mermaid-js/mermaid-cli", timeout=600)
    binary = prefix / "node_modules" / ".bin" / "mmdc"
    if not binary.exists():
        pytest.skip("npm installed @mermaid-js/mermaid-cli without its mmdc command")
    config = prefix / "puppeteer.json"
    config.write_text(json.dumps({"executablePath": browser, "args": ["--no-sandbox"]}))
    return binary, config


def _draw(mmdc: tuple[Path, Path], source: Path, target: Path) -> str:
    binary, config = mmdc
    done = subprocess.run(
        [str(binary), "-p", str(config), "-i", str(source), "-o", str(target), "-q"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return target.read_text(encoding="utf-8") if target.suffix == ".svg" else ""


def _check_day(svg: str, block: str) -> None:
    gantt = parse_gantt(block)
    tasks = [t for tasks in gantt.sections.values() for t in tasks]
    assert tasks, block
    widths = {}
    for match in RECT.finditer(svg):
        width = WIDTH.search(match.group(0))
        assert width is not None, match.group(0)
        widths[match.group("id")] = float(width.group("w"))
    texts = {m.group("id"): m.group("t").strip() for m in TASK_TEXT.finditer(svg)}
    for task in tasks:
        task_id, name = task["id"], task["name"].strip()
        assert task_id in widths, f"session {name!r} has no bar in the drawing"
        # 15 minutes is the shortest session (an end-of-day reflection): at mmdc's
        # default width a day's 15 minutes are about 21 px; at least 15 px for any bar
        assert widths[task_id] >= 15, f"{name!r} is a sliver: {widths[task_id]} px"
        assert texts.get(task_id) == name, f"{name!r} is not labelled: {texts.get(task_id)!r}"
    ticks = [m.group("t") for m in TICK.finditer(svg)]
    assert len(ticks) >= 4, ticks
    assert all(CLOCK.fullmatch(t) for t in ticks), ticks
    assert len(set(ticks)) == len(ticks), f"ticks repeat (not a time of day?): {ticks}"
    starts = [task["time"] for task in tasks]
    assert ticks[0] <= min(starts) and ticks[-1] >= max(starts)[:2] + ":00", (ticks, starts)


@pytest.mark.parametrize("dated", [True, False], ids=["dated", "undated"])
def test_each_day_draws_readably(mmdc: tuple[Path, Path], tmp_path: Path, dated: bool) -> None:
    plan_path = plan_needs(NEEDS_DIR / f"{FORENSIC}.yaml", tmp_path / "plan")
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    if not dated:
        plan["needs"]["start_date"] = None
        for day in plan["days"]:
            day["date"] = None
        for item in plan["follow_up"]:
            item["date"] = None
        plan_path.write_text(json.dumps(plan), encoding="utf-8")
    out = tmp_path / "programme.md"
    result = render(plan_path, "md", out, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    blocks = mermaid_blocks(md_tokens(text))
    assert len(blocks) == len(plan["days"])
    for day, block in zip(plan["days"], blocks, strict=True):
        title = f"Day {day['day']}" + (f" ({day['date']})" if day["date"] else "")
        assert f"    title {title}\n" in block
        assert "2000" not in title
        source = tmp_path / f"day{day['day']}.mmd"
        source.write_text(block, encoding="utf-8")
        svg = _draw(mmdc, source, tmp_path / f"day{day['day']}.svg")
        _check_day(svg, block)
        assert title in svg
    # the follow-up is text beside the charts, never a bar on an axis
    for item in plan["follow_up"]:
        assert not any(item["title"].split(":")[0] in b for b in blocks)
    assert "**Follow-up:**" in text


def test_a_picture_can_be_drawn(mmdc: tuple[Path, Path], tmp_path: Path) -> None:
    """The PNG a reader sees; kept under CURRIBUILD_GANTT_PNG when set, to look at."""
    plan_path = plan_needs(NEEDS_DIR / f"{FORENSIC}.yaml", tmp_path / "plan")
    out = tmp_path / "programme.md"
    assert render(plan_path, "md", out, cwd=tmp_path).exit_code == 0
    block = mermaid_blocks(md_tokens(out.read_text(encoding="utf-8")))[0]
    source = tmp_path / "day1.mmd"
    source.write_text(block, encoding="utf-8")
    png = tmp_path / "day1.png"
    _draw(mmdc, source, png)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 5_000
    keep = os.environ.get("CURRIBUILD_GANTT_PNG")
    if keep:
        shutil.copyfile(png, keep)
