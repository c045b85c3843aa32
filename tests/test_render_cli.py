"""``curribuild render`` as a command: defaults, stdout, JSON, template choice, errors."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from render_helpers import (
    FORENSIC,
    TEMPLATES,
    Example,
    assert_clean_failure,
    invoke,
    plan_examples,
    render,
)

FORMATS = ["md", "html", "ics", "json"]


@pytest.fixture(scope="module")
def forensic(tmp_path_factory: pytest.TempPathFactory) -> Example:
    return plan_examples(tmp_path_factory.mktemp("cli"))[FORENSIC]


@pytest.fixture
def workdir(tmp_path: Path, forensic: Example) -> Path:
    """An empty folder except for build/plan.json (the forensic example)."""
    (tmp_path / "build").mkdir()
    shutil.copyfile(forensic.plan_path, tmp_path / "build" / "plan.json")
    return tmp_path


# --- defaults and stdout ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_default_input_and_output(workdir: Path, forensic: Example, fmt: str) -> None:
    result = invoke("render", "--format", fmt, cwd=workdir)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote build/programme.{fmt}\n"
    assert result.stdout == ""
    written = workdir / "build" / f"programme.{fmt}"
    assert written.read_bytes() == forensic.outputs[fmt].read_bytes()
    assert sorted(p.name for p in (workdir / "build").iterdir()) == sorted(
        ["plan.json", f"programme.{fmt}"]
    ), "no temporary files left behind"


@pytest.mark.parametrize("fmt", FORMATS)
def test_dash_writes_to_stdout(workdir: Path, forensic: Example, fmt: str) -> None:
    result = invoke("render", "-f", fmt, "-o", "-", cwd=workdir)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == forensic.outputs[fmt].read_bytes()
    assert result.stderr == ""
    assert sorted(p.name for p in (workdir / "build").iterdir()) == ["plan.json"]


def test_output_folders_are_created(workdir: Path, forensic: Example) -> None:
    result = invoke("render", "-f", "md", "-o", "site/a/b/index.md", cwd=workdir)
    assert result.exit_code == 0, result.output
    assert (workdir / "site/a/b/index.md").read_bytes() == forensic.outputs["md"].read_bytes()


def test_output_file_is_readable_like_any_other_file(workdir: Path) -> None:
    """A programme is meant to be shared: the file gets the usual permissions (umask),
    not the 0600 of a private temporary file."""
    old = os.umask(0o022)
    try:
        result = invoke("render", "-f", "html", "-o", "programme.html", cwd=workdir)
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    mode = (workdir / "programme.html").stat().st_mode & 0o777
    assert mode == 0o644, oct(mode)


def test_output_path_that_is_a_folder(workdir: Path) -> None:
    (workdir / "out").mkdir()
    result = invoke("render", "-f", "md", "-o", "out", cwd=workdir)
    assert_clean_failure(result, 1)
    assert "out" in result.stderr
    assert list((workdir / "out").iterdir()) == []


# --- JSON ----------------------------------------------------------------------------------


def test_json_is_the_plan_byte_for_byte(forensic: Example, tmp_path: Path) -> None:
    out = tmp_path / "copy.json"
    result = render(forensic.plan_path, "json", out, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == forensic.plan_path.read_bytes()
    assert forensic.outputs["json"].read_bytes() == forensic.plan_path.read_bytes()


def test_json_of_a_reformatted_plan_is_canonical(forensic: Example, tmp_path: Path) -> None:
    minified = tmp_path / "min.json"
    minified.write_text(json.dumps(forensic.plan, separators=(",", ":")), encoding="utf-8")
    result = render(minified, "json", "-", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == forensic.plan_path.read_bytes()


@pytest.mark.parametrize("fmt", ["json", "ics"])
def test_template_does_not_apply_to(fmt: str, workdir: Path) -> None:
    result = invoke(
        "render", "-f", fmt, "--template", TEMPLATES / "summary.md.j2", "-o", "x", cwd=workdir
    )
    assert_clean_failure(result, 2)
    assert "--template" in result.stderr
    assert not (workdir / "x").exists()


# --- errors --------------------------------------------------------------------------------


def test_missing_plan_says_to_run_plan_first(tmp_path: Path) -> None:
    result = invoke("render", "-f", "md", cwd=tmp_path)
    assert_clean_failure(result, 1)
    assert "build/plan.json" in result.stderr
    assert "curribuild plan" in result.stderr
    assert list(tmp_path.iterdir()) == [], "nothing written"


def test_missing_explicit_plan(tmp_path: Path) -> None:
    result = invoke("render", "-f", "html", "--plan", "elsewhere/plan.json", cwd=tmp_path)
    assert_clean_failure(result, 1)
    assert "elsewhere/plan.json" in result.stderr
    assert "curribuild plan" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_plan_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "build" / "plan.json").mkdir(parents=True)
    result = invoke("render", "-f", "md", cwd=tmp_path)
    assert_clean_failure(result, 2)
    assert "folder" in result.stderr


@pytest.mark.parametrize(
    "content",
    [
        b'{"schema_version": 1, "needs": ',
        b"not json at all\n",
        b"\xff\xfe\x00garbage",
        b"",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["truncated", "text", "binary", "empty", "deep"],
)
def test_invalid_json_plan(tmp_path: Path, content: bytes) -> None:
    plan = tmp_path / "plan.json"
    plan.write_bytes(content)
    out = tmp_path / "programme.md"
    result = render(plan, "md", out, cwd=tmp_path)
    assert_clean_failure(result, 1)
    assert "plan.json" in result.stderr
    assert "curribuild plan" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "needs", "id": "x", "title": "Not a plan"},
        [],
        "a string",
        42,
        None,
        "PLAN_WITH_SCHEMA_2",
        "PLAN_WITHOUT_DAYS",
    ],
    ids=["needs", "list", "string", "number", "null", "schema-3", "no-days"],
)
def test_json_that_is_not_a_plan(tmp_path: Path, forensic: Example, data: object) -> None:
    if data == "PLAN_WITH_SCHEMA_2":
        data = {**forensic.plan, "schema_version": 3}
    elif data == "PLAN_WITHOUT_DAYS":
        data = {k: v for k, v in forensic.plan.items() if k != "days"}
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "programme.html"
    result = render(plan, "html", out, cwd=tmp_path)
    assert_clean_failure(result, 1)
    assert "not a curribuild plan" in result.stderr
    assert not out.exists()


def test_failed_render_keeps_the_previous_output(workdir: Path) -> None:
    target = workdir / "build" / "programme.ics"
    target.write_text("previous\n", encoding="utf-8")
    plan = json.loads((workdir / "build" / "plan.json").read_text(encoding="utf-8"))
    plan["needs"]["start_date"] = None
    for day in plan["days"]:
        day["date"] = None
    (workdir / "build" / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    result = invoke("render", "-f", "ics", cwd=workdir)
    assert_clean_failure(result, 1)
    assert target.read_text(encoding="utf-8") == "previous\n"


# --- which template ------------------------------------------------------------------------


def test_local_templates_folder_overrides_the_bundled_template(
    workdir: Path, forensic: Example
) -> None:
    local = workdir / "templates" / "programme.md.j2"
    local.parent.mkdir()
    local.write_text(
        '{% import "macros.j2" as m %}'
        "LOCAL {{ plan.needs.id }}: {{ m.duration(plan.totals.teaching_minutes) }}\n",
        encoding="utf-8",
    )
    result = invoke("render", "-f", "md", "-o", "-", cwd=workdir)
    assert result.exit_code == 0, result.output
    hours, minutes = divmod(forensic.plan["totals"]["teaching_minutes"], 60)
    shown = f"{hours} h {minutes} min" if minutes else f"{hours} h"
    assert result.stdout == f"LOCAL forensic-mhp-2027: {shown}\n"
    # the HTML has no local override: still the bundled template
    html = invoke("render", "-f", "html", "-o", "-", cwd=workdir)
    assert html.stdout_bytes == forensic.outputs["html"].read_bytes()
    # --template wins over the local folder
    chosen = invoke(
        "render", "-f", "md", "-o", "-", "--template", TEMPLATES / "summary.md.j2", cwd=workdir
    )
    assert chosen.stdout.startswith(f"# Summary: {forensic.plan['needs']['title']}\n")


def test_local_override_errors_name_the_local_file(workdir: Path) -> None:
    local = workdir / "templates" / "programme.html.j2"
    local.parent.mkdir()
    local.write_text("<p>\n{{ plan.needs.nope }}\n", encoding="utf-8")
    result = invoke("render", "-f", "html", cwd=workdir)
    assert_clean_failure(result, 1)
    assert "programme.html.j2:2" in result.stderr
    assert not (workdir / "build" / "programme.html").exists()


def test_user_template_sees_the_plan(workdir: Path, forensic: Example) -> None:
    result = invoke(
        "render", "-f", "md", "-o", "-", "--template", TEMPLATES / "summary.md.j2", cwd=workdir
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"# Summary: {forensic.plan['needs']['title']}"
    sessions = [line for line in lines if line.startswith("- ")]
    assert len(sessions) == sum(len(d["sessions"]) for d in forensic.plan["days"])
    assert [line for line in lines if line.startswith("## ")] == [
        f"## Day {d['day']}" for d in forensic.plan["days"]
    ]


def test_template_name_with_braces(workdir: Path) -> None:
    weird = workdir / "{{ name }} {x}.md.j2"
    shutil.copyfile(TEMPLATES / "summary.md.j2", weird)
    result = invoke("render", "-f", "md", "-o", "out.md", "--template", weird.name, cwd=workdir)
    assert result.exit_code == 0, result.output
    expected = invoke(
        "render", "-f", "md", "-o", "-", "--template", TEMPLATES / "summary.md.j2", cwd=workdir
    )
    assert (workdir / "out.md").read_text(encoding="utf-8") == expected.stdout
    # and an error in such a template names it, without tripping over the braces
    broken = workdir / "{broken}.j2"
    broken.write_text("ok\n{{ missing }}\n", encoding="utf-8")
    failed = invoke("render", "-f", "md", "-o", "bad.md", "--template", broken.name, cwd=workdir)
    assert_clean_failure(failed, 1)
    assert "{broken}.j2:2" in failed.stderr
    assert "missing" in failed.stderr
    assert not (workdir / "bad.md").exists()


def test_missing_template_file(workdir: Path) -> None:
    result = invoke("render", "-f", "md", "--template", "nope.j2", cwd=workdir)
    assert_clean_failure(result, 2)
    assert "nope.j2" in result.stderr
    assert not (workdir / "build" / "programme.md").exists()
