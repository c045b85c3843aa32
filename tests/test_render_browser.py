"""The HTML in a real browser: headless Chromium prints the forensic example to PDF.

Skipped only on a developer machine without Chromium; in CI (CI=true) it must run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from render_helpers import FORENSIC, NEEDS_DIR, plan_needs, render

PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_html_prints_to_a_multi_page_pdf(tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have chromium (apt-get install chromium) to print the HTML")
        pytest.skip("no chromium on this machine")
    plan = plan_needs(NEEDS_DIR / f"{FORENSIC}.yaml", tmp_path / "plan")
    html = tmp_path / "programme.html"
    result = render(plan, "html", html, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "programme.pdf"
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
            f"--user-data-dir={tmp_path / 'profile'}",
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
    assert len(data) > 10_000
    pages = len(PAGE.findall(data))
    # the print stylesheet starts each day on a new page: overview + at least 2 days
    days = 2
    assert pages >= 1 + days, pages
