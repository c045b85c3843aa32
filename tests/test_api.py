"""The library layer as a program uses it: plan, render, explain and list without the
command line, with the same results the commands print."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curribuild import api
from curribuild.errors import UsageError

REPO = Path(__file__).resolve().parents[1]
NEEDS = REPO / "curricula" / "ran-health-pcve" / "needs" / "first-line-awareness-online.yaml"


@pytest.fixture(scope="module")
def planned() -> api.Planned:
    return api.plan(NEEDS)


def test_plan_returns_the_plan_with_its_needs_and_curriculum(planned: api.Planned) -> None:
    plan = planned.plan
    assert planned.needs.file == NEEDS
    assert plan.needs.title == planned.needs.needs.title
    assert plan.curriculum.name == planned.curriculum.name
    scheduled = {g.id for g in plan.goals.scheduled}
    assert scheduled and scheduled <= set(planned.curriculum.goals)
    assert plan.follow_up, "every RAN training has its follow-up session"


def test_render_gives_the_text_the_command_writes(planned: api.Planned) -> None:
    markdown = api.render(planned.plan, "md")
    assert markdown.startswith("# ")
    assert planned.plan.needs.title in markdown
    for goal in planned.plan.goals.scheduled:
        assert goal.title in markdown
    assert json.loads(api.render(planned.plan, "json")) == json.loads(planned.plan.to_json())
    with pytest.raises(UsageError, match="--audience applies to --format md and html only"):
        api.render(planned.plan, "ics", audience="participants")


def test_explain_covers_every_goal_of_the_plan(planned: api.Planned) -> None:
    explained = api.explain(NEEDS)
    assert explained.failure is None
    by_goal = {e.decision.goal: e for e in explained.entries}
    for goal in planned.plan.goals.scheduled:
        assert by_goal[goal.id].status == "scheduled"
        assert by_goal[goal.id].chosen == goal.method
    one = api.explain(NEEDS, planned.plan.goals.scheduled[0].id)
    assert [e.decision.goal for e in one.entries] == [planned.plan.goals.scheduled[0].id]


def test_curriculum_defaults_to_the_bundled_one_and_refuses_a_file() -> None:
    cur = api.curriculum()
    assert cur.name == api.curriculum(REPO / "curricula" / "ran-health-pcve").name
    with pytest.raises(UsageError, match="not a folder"):
        api.curriculum(NEEDS)


def test_the_readme_library_example_runs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's `As a library` example, run as written from the repository root."""
    import re

    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("### As a library", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    monkeypatch.chdir(REPO)
    exec(compile(code.group(1), "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("# ")
    assert any(len(line.split()) == 3 and line.split()[1] == "scheduled" for line in out[1:])
