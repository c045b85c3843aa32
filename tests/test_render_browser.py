"""The HTML in a real browser: headless Chromium prints the forensic example to PDF,
for both audiences, on A4 and without near-empty pages.

Skipped only on a developer machine without Chromium; in CI (CI=true) it must run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from render_helpers import FORENSIC, NEEDS_DIR, plan_needs, render, sessions

PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


A4 = (595, 842)  # PDF points, rounded
MEDIABOX = re.compile(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]")


def _print_to_pdf(browser: str, html: Path, pdf: Path, profile: Path) -> bytes:
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
            "--no-pdf-header-footer",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    return data


def _page_count(data: bytes) -> int:
    """Pages of the PDF: with pypdf when installed, else by its page objects."""
    try:
        import pypdf
    except ImportError:
        return len(PAGE.findall(data))
    import io

    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def browser() -> str:
    found = _chromium()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have chromium (apt-get install chromium) to print the HTML")
        pytest.skip("no chromium on this machine")
    return found


@pytest.fixture(scope="module")
def forensic_plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    base = tmp_path_factory.mktemp("print")
    path = plan_needs(NEEDS_DIR / f"{FORENSIC}.yaml", base / "plan")
    return path, json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("audience", ["coordinator", "participants"])
def test_html_prints_on_a4_without_orphan_pages(
    browser: str, forensic_plan: tuple[Path, dict], tmp_path: Path, audience: str
) -> None:
    """The bundled 2-day example prints on A4 in at most one page per day plus one."""
    plan_path, plan = forensic_plan
    html = tmp_path / f"{audience}.html"
    result = render(plan_path, "html", html, "--audience", audience, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    data = _print_to_pdf(browser, html, tmp_path / f"{audience}.pdf", tmp_path / "profile")
    assert len(data) > 10_000
    boxes = {tuple(round(float(v)) for v in m.groups()[2:]) for m in MEDIABOX.finditer(data)}
    assert boxes == {A4}, boxes
    pages = _page_count(data)
    days = len(plan["days"])
    assert days == 2
    assert 1 <= pages <= days + 1, f"{audience}: {pages} pages for {days} days"
    if audience == "participants":
        text = re.sub(r"(?s)<style>.*?</style>", "", html.read_text(encoding="utf-8"))
        slugs = {g["id"] for g in plan["goals"]["scheduled"]}
        slugs |= {r["rule"] for _, s in sessions(plan) for r in s["rationale"]}
        leaked = [
            w for w in sorted(slugs) if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)
        ]
        assert leaked == []
        assert not re.search(r"\bCB\d{3}\b", text)
