"""User templates run in Jinja2's immutable sandbox with StrictUndefined and limits on
output size and time. Every failure is a clean error: exit 1, the template's name and
line, no traceback, and nothing written.

The hostile templates live in tests/fixtures/templates/.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from render_helpers import FORENSIC, TEMPLATES, Example, assert_clean_failure, invoke, plan_examples


@pytest.fixture(scope="module")
def forensic(tmp_path_factory: pytest.TempPathFactory) -> Example:
    return plan_examples(tmp_path_factory.mktemp("sandbox"), formats=())[FORENSIC]


@pytest.fixture
def workdir(tmp_path: Path, forensic: Example) -> Path:
    (tmp_path / "build").mkdir()
    shutil.copyfile(forensic.plan_path, tmp_path / "build" / "plan.json")
    return tmp_path


# (template, line of the offending expression or 0, what the message must say)
FAILING = [
    ("dunder-mro.j2", 3, "sandbox forbids"),
    ("plan-class.j2", 4, "sandbox forbids"),
    ("attr-class.j2", 2, "sandbox forbids"),
    ("attr-format.j2", 2, "sandbox forbids"),
    ("mutate.j2", 3, "sandbox forbids"),
    ("undefined.j2", 2, "no_such_name"),
    ("undefined.txt", 2, "no_such_name"),
    ("syntax-error.j2", 2, "syntax"),
    ("self.j2", 2, "include itself"),
    ("bomb-multiply.j2", 0, "limit"),
    ("bomb-join.j2", 0, "limit"),
    ("bomb-nested.j2", 0, "limit"),
    ("bomb-power.j2", 2, "too large"),
]


@pytest.mark.parametrize(("template", "line", "message"), FAILING, ids=[f[0] for f in FAILING])
def test_hostile_template_fails_cleanly(
    workdir: Path, template: str, line: int, message: str
) -> None:
    target = workdir / "site" / "programme.md"
    target.parent.mkdir()
    local = workdir / "tpl" / template
    local.parent.mkdir()
    shutil.copyfile(TEMPLATES / template, local)
    # a relative --template path, as people type it
    result = invoke(
        "render",
        "-f",
        "md",
        "--template",
        f"tpl/{template}",
        "-o",
        "site/programme.md",
        cwd=workdir,
    )
    assert_clean_failure(result, 1)
    assert template in result.stderr, result.stderr
    if line:
        assert f"{template}:{line}" in result.stderr, result.stderr
    assert message in result.stderr, result.stderr
    assert "CB701" in result.stderr
    assert list(target.parent.iterdir()) == [], "nothing written, no temporary file left"


@pytest.mark.parametrize("template", ["dunder-mro.j2", "undefined.j2", "bomb-multiply.j2"])
def test_hostile_html_template_keeps_previous_output(workdir: Path, template: str) -> None:
    target = workdir / "build" / "programme.html"
    target.write_text("<p>previous</p>\n", encoding="utf-8")
    result = invoke("render", "-f", "html", "--template", TEMPLATES / template, cwd=workdir)
    assert_clean_failure(result, 1)
    assert template in result.stderr
    assert target.read_text(encoding="utf-8") == "<p>previous</p>\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["plan.json", "programme.html"]


def test_sandbox_errors_do_not_leak_python_internals(workdir: Path) -> None:
    result = invoke("render", "-f", "md", "--template", TEMPLATES / "plan-class.j2", cwd=workdir)
    assert_clean_failure(result, 1)
    assert "__globals__" not in result.stdout
    assert "<function" not in result.stderr and "<class" not in result.stderr


_RUN_WITH_LIMIT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from curribuild.errors import UserError
    from curribuild.render.sandbox import render

    start = time.monotonic()
    try:
        render(Path(sys.argv[1]), {"plan": {}}, autoescape=False, max_seconds=1.0)
        print("RENDERED")
    except UserError as exc:
        print("USERERROR", exc.message)
    print("ELAPSED", round(time.monotonic() - start, 1))
    """
)


@pytest.mark.parametrize("template", ["spin.j2", "power-tower.j2"])
def test_time_limit_holds(template: str) -> None:
    """A 1-second limit stops a template within seconds: a silent nested loop
    (10^10 turns that print nothing) and a chain of exponents ((3**100)**100...)."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _RUN_WITH_LIMIT, str(TEMPLATES / template)],
            capture_output=True,
            text=True,
            timeout=15,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{template} still ran after 15 s although max_seconds=1")
    assert done.returncode == 0, done.stderr
    assert "USERERROR" in done.stdout, done.stdout
    assert template in done.stdout
    elapsed = float(done.stdout.split("ELAPSED")[1])
    assert elapsed < 10, elapsed
