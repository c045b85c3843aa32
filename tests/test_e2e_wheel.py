"""End to end: build the wheel, install it in a fresh virtualenv, use it from outside.

Checks what a user of the published package relies on: the wheel ships the
bundled curricula and templates (``curricula_dir()`` and ``templates_dir()``
point inside site-packages), and the installed ``curribuild`` can check the
bundled curriculum, plan from a needs file that names it, and render every
format, all from a folder outside the repository. The README Quickstart's
plan command is run as written (output redirected to a temporary file so the
repository is left untouched).

Needs network access to PyPI for the dependencies; this takes a minute or two.
Set ``CURRIBUILD_SKIP_E2E=1`` to skip it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FORENSIC = REPO / "curricula" / "ran-health-pcve" / "needs" / "forensic-psychiatry-in-person.yaml"
STEP_TIMEOUT = 900  # seconds for one pip step (network); each CLI step gets 120

pytestmark = pytest.mark.skipif(
    os.environ.get("CURRIBUILD_SKIP_E2E") == "1", reason="CURRIBUILD_SKIP_E2E=1"
)


def env() -> dict[str, str]:
    out = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "CURRIBUILD_DEBUG", "FORCE_COLOR"}
    }
    out["NO_COLOR"] = "1"
    out["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return out


def run(args: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        args, cwd=cwd, env=env(), capture_output=True, text=True, timeout=timeout, check=False
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"{shlex.join(done.args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


class Installed:
    """A fresh virtualenv with the wheel installed."""

    def __init__(self, root: Path, wheel: Path) -> None:
        self.root = root
        self.wheel = wheel
        self.bin = root / ("Scripts" if os.name == "nt" else "bin")
        self.python = self.bin / "python"
        self.curribuild = self.bin / "curribuild"

    def py(self, code: str, cwd: Path) -> str:
        return ok(run([str(self.python), "-c", code], cwd)).strip()


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("e2e")
    wheels = base / "wheels"
    ok(
        run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(wheels), str(REPO)],
            base,
            STEP_TIMEOUT,
        )
    )
    (wheel,) = wheels.glob("curribuild-*.whl")
    venv = base / "venv"
    ok(run([sys.executable, "-m", "venv", str(venv)], base, STEP_TIMEOUT))
    inst = Installed(venv, wheel)
    ok(run([str(inst.python), "-m", "pip", "install", "-q", str(wheel)], base, STEP_TIMEOUT))
    return inst


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    assert not folder.resolve().is_relative_to(REPO)
    return folder


def test_the_installed_package_comes_from_the_wheel(installed: Installed, outside: Path) -> None:
    site = installed.py(
        "import curribuild, pathlib; print(pathlib.Path(curribuild.__file__))", outside
    )
    assert Path(site).resolve().is_relative_to(installed.root.resolve())
    assert "site-packages" in Path(site).parts
    version = ok(run([str(installed.curribuild), "--version"], outside))
    assert version.startswith("curribuild ")


def test_the_wheel_ships_the_bundled_curricula_and_templates(
    installed: Installed, outside: Path
) -> None:
    code = (
        "from curribuild.resources import curricula_dir, templates_dir;"
        "print(curricula_dir()); print(templates_dir())"
    )
    curricula, templates = (Path(p) for p in installed.py(code, outside).splitlines())
    for folder in (curricula, templates):
        assert folder.resolve().is_relative_to(installed.root.resolve()), folder
        assert "site-packages" in folder.parts
        assert folder.is_dir()
    assert (curricula / "ran-health-pcve" / "curriculum.yaml").is_file()
    assert sorted(p.name for p in (REPO / "templates").iterdir()) == sorted(
        p.name for p in templates.iterdir() if not p.name.startswith(".")
    )


def test_check_the_bundled_curriculum_from_outside(installed: Installed, outside: Path) -> None:
    code = "from curribuild.resources import curricula_dir; print(curricula_dir())"
    curricula = installed.py(code, outside)
    done = run([str(installed.curribuild), "check", "--format", "parsable", curricula], outside)
    errors = [line for line in done.stdout.splitlines() if "[error]" in line]
    assert done.returncode == 0, done.stdout + done.stderr
    assert errors == []


def test_readme_quickstart_plan_command(installed: Installed, tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"curribuild plan (\S+)", quickstart)
    assert match, "README Quickstart has no `curribuild plan NEEDS` command"
    needs = match.group(1)
    target = tmp_path / "quickstart-plan.json"
    out = ok(run([str(installed.curribuild), "plan", needs, "-o", str(target)], REPO))
    assert "Plan written to" in out
    plan = json.loads(target.read_text(encoding="utf-8"))
    assert plan["schema_version"] == 2
    assert plan["curriculum"]["name"] == "ran-health-pcve"
    assert len(plan["days"]) == 2  # "plans a two-day programme"
    assert not (REPO / "build" / "quickstart-plan.json").exists()


def test_plan_and_render_every_format_from_outside(installed: Installed, outside: Path) -> None:
    text = FORENSIC.read_text(encoding="utf-8")
    assert "\ncurriculum:" not in text
    (outside / "needs.yaml").write_text(
        text.replace("\nkind: needs\n", "\nkind: needs\ncurriculum: ran-health-pcve\n", 1),
        encoding="utf-8",
    )
    cb = str(installed.curribuild)
    ok(run([cb, "check", "--format", "parsable", "needs.yaml"], outside))
    out = ok(run([cb, "plan", "needs.yaml"], outside))
    assert "Plan written to build/plan.json" in out
    plan_text = (outside / "build" / "plan.json").read_text(encoding="utf-8")
    plan = json.loads(plan_text)
    assert plan["curriculum"]["name"] == "ran-health-pcve"
    assert plan["days"] and plan["follow_up"]
    for fmt in ("md", "html", "ics", "json"):
        ok(run([cb, "render", "--format", fmt], outside))
        rendered = (outside / "build" / f"programme.{fmt}").read_text(encoding="utf-8")
        assert rendered.strip(), fmt
    build = outside / "build"
    assert (build / "programme.json").read_text(encoding="utf-8") == plan_text
    assert "```mermaid" in (build / "programme.md").read_text(encoding="utf-8")
    html = (build / "programme.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "<svg" in html
    ics = (build / "programme.ics").read_text(encoding="utf-8")
    assert ics.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in ics
    explain = ok(run([cb, "explain", "needs.yaml", "--format", "json"], outside))
    assert json.loads(explain)
    assert sorted(p.name for p in outside.iterdir()) == ["build", "needs.yaml"]


def test_installed_plan_matches_the_source_tree_plan(
    installed: Installed, outside: Path, tmp_path: Path
) -> None:
    """The wheel plans byte for byte what the source tree plans from the same needs."""
    cb = str(installed.curribuild)
    from_wheel = ok(run([cb, "plan", str(FORENSIC), "-o", "-"], outside))
    from_source = ok(
        run([sys.executable, "-m", "curribuild", "plan", str(FORENSIC), "-o", "-"], REPO)
    )
    assert from_wheel == from_source
