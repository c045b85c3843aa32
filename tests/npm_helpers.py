"""Installing a real client from npm for a test, or saying why it cannot be."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def npm_install(prefix: Path, package: str, timeout: float) -> None:
    """``npm install package`` into ``prefix``; skips the test, with the reason, when
    npm is missing, the registry does not answer in time, or the install fails."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(f"npm is not installed, so {package} cannot be installed")
    try:
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix), package],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"npm install {package} timed out (no registry access?)")
    if done.returncode != 0:
        pytest.skip(f"npm could not install {package}: {done.stderr[-500:]}")
