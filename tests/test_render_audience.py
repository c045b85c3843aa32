"""``curribuild render --audience participants|coordinator``.

Participants get a handout: the agenda, the goals in words, what to prepare and the
follow-up date, with none of the planner's vocabulary (rule ids, scores, check codes,
goal slugs, findings). Coordinators get the whole plan plus the arrangements to book.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from render_helpers import (
    FORENSIC,
    NEEDS_DIR,
    assert_clean_failure,
    md_tables,
    md_tokens,
    parse_html,
    plan_needs,
    render,
)


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    base = tmp_path_factory.mktemp("audience")
    path = plan_needs(NEEDS_DIR / f"{FORENSIC}.yaml", base)
    return path, json.loads(path.read_text(encoding="utf-8"))


def _render(plan: Path, fmt: str, audience: str | None) -> str:
    out = plan.parent / f"{audience}.{fmt}"
    extra = ("--audience", audience) if audience else ()
    result = render(plan, fmt, out, *extra, cwd=plan.parent)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def planner_words(plan: dict) -> list[str]:
    """Words of the planner a participant must not see: goal ids, rule ids, codes."""
    words = {g["id"] for g in plan["goals"]["scheduled"]}
    words |= {g["id"] for g in plan["goals"]["dropped"]}
    words |= {f["code"] for f in plan["findings"]}
    words |= {f["rule"] for f in plan["findings"] if f.get("rule")}
    for day in plan["days"]:
        for session in day["sessions"]:
            words |= {r["rule"] for r in session["rationale"]}
            if session.get("rule"):
                words.add(session["rule"])
    words |= {f["rule"] for f in plan["follow_up"]}
    words.add(plan["curriculum"]["digest"])
    return sorted(words)


def _visible(text: str) -> str:
    return re.sub(r"(?s)<style>.*?</style>", "", text)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_participants_see_no_planner_vocabulary(planned: tuple[Path, dict], fmt: str) -> None:
    path, plan = planned
    text = _visible(_render(path, fmt, "participants"))
    leaked = [
        w for w in planner_words(plan) if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)
    ]
    assert leaked == []
    assert not re.search(r"\bCB\d{3}\b", text), "a check code"
    assert not re.search(r"(?i)\bscore\b|findings|\bwarning\b", text)
    assert "Why these methods" not in text and "Arrangements" not in text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_participants_get_agenda_goals_preparation_follow_up(
    planned: tuple[Path, dict], fmt: str
) -> None:
    path, plan = planned
    text = _render(path, fmt, "participants")
    shown = parse_html(text).root.text() if fmt == "html" else text
    for goal in plan["goals"]["scheduled"]:
        assert goal["statement"] in shown, goal["title"]
    for day in plan["days"]:
        assert f"Day {day['day']} ({day['date']})" in shown
        for session in day["sessions"]:
            assert f"{session['start']}–{session['end']}" in shown
            assert session["title"] in shown
    assert "What to prepare" in shown
    assert "distressing case material" in shown  # the plan has sensitive sessions
    follow = plan["follow_up"][0]
    assert follow["date"] in shown and follow["title"] in shown
    if fmt == "md":
        agenda = [t for t in md_tables(md_tokens(text)) if t.h2 == "Agenda"]
        assert [t.header for t in agenda] == [["Time", "Session", "How"]] * len(plan["days"])


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_coordinator_is_the_default_and_lists_arrangements(
    planned: tuple[Path, dict], fmt: str
) -> None:
    path, plan = planned
    default = _render(path, fmt, None)
    coordinator = _render(path, fmt, "coordinator")
    assert default == coordinator
    shown = parse_html(coordinator).root.text() if fmt == "html" else coordinator
    assert "Arrangements" in shown and "Why these methods" in shown
    # the methods of this plan require these (curricula/ran-health-pcve/methods.yaml)
    assert "A subject expert" in shown  # lecture
    assert "A trained facilitator for each room" in shown  # role-play
    methods = {s["method"] for d in plan["days"] for s in d["sessions"] if s.get("method")}
    assert "case-study" not in methods  # the forensic plan of this edition uses no case study
    assert "Anonymised case material" not in shown  # so nothing asks for case material
    assert "A facilitator for each debrief" in shown
    assert f"{plan['follow_up'][0]['date']} 09:00" in shown


@pytest.mark.parametrize("fmt", ["ics", "json"])
def test_audience_with_a_whole_plan_format_is_a_usage_error(
    planned: tuple[Path, dict], fmt: str
) -> None:
    path, _ = planned
    out = path.parent / f"x.{fmt}"
    result = render(path, fmt, out, "--audience", "participants", cwd=path.parent)
    assert_clean_failure(result, 2)
    assert "--audience applies to --format md and html only" in result.stderr
    assert not out.exists()


def test_unknown_audience_is_a_usage_error(planned: tuple[Path, dict]) -> None:
    path, _ = planned
    result = render(path, "md", path.parent / "x.md", "--audience", "press", cwd=path.parent)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def _catalogue() -> dict[str, list[str]]:
    import yaml

    doc = yaml.safe_load((NEEDS_DIR.parent / "methods.yaml").read_text(encoding="utf-8"))
    return {m["id"]: m.get("requires", []) for m in doc["methods"]}


def test_plan_carries_what_each_method_requires(planned: tuple[Path, dict]) -> None:
    _, plan = planned
    catalogue = _catalogue()
    sessions = [s for d in plan["days"] for s in d["sessions"]]
    for s in sessions:
        if s.get("method"):
            assert s["requires"] == catalogue[s["method"]], s["title"]
        else:
            assert s["requires"] is None, s["title"]
    for f in plan["follow_up"]:
        assert f["requires"] == catalogue[f["method"]]
    assert any(s.get("requires") for s in sessions)  # the check above saw real lists


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_participants_see_what_the_organisers_arrange(planned: tuple[Path, dict], fmt: str) -> None:
    path, _ = planned
    text = _render(path, fmt, "participants")
    shown = parse_html(text).root.text() if fmt == "html" else text
    section = shown.split("What the organisers arrange", 1)[1].split("Agenda", 1)[0]
    assert "A subject expert to give the input" in section  # lecture
    assert "A trained facilitator for each room" in section  # role-play
    assert "A facilitator for each debrief" in section


def _moved(plan: dict, base: Path, name: str, *, carried: bool) -> Path:
    """The plan as if its curriculum could not be found next to it, with or without
    the ``requires`` the plan carries."""
    data = json.loads(json.dumps(plan))
    data["curriculum"]["layers"] = ["a-curriculum-not-here"]
    data["curriculum"]["name"] = "a-curriculum-not-here"
    if not carried:
        for day in data["days"]:
            for s in day["sessions"]:
                s.pop("requires", None)
        for f in data["follow_up"]:
            f.pop("requires", None)
    out = base / name
    out.mkdir()
    (out / "plan.json").write_text(json.dumps(data), encoding="utf-8")
    return out / "plan.json"


def test_arrangements_come_from_the_plan_not_from_a_curriculum_nearby(
    planned: tuple[Path, dict], tmp_path: Path
) -> None:
    _, plan = planned
    carried = _render(_moved(plan, tmp_path, "new", carried=True), "md", "coordinator")
    assert "A subject expert to give the input" in carried
    assert "To check by hand" not in carried
    old = _render(_moved(plan, tmp_path, "old", carried=False), "md", "coordinator")
    assert "To check by hand" in old  # a plan from before: nothing to read it from
    assert "A subject expert to give the input" not in old


def test_a_series_gets_one_note_in_what_to_prepare(tmp_path: Path) -> None:
    path = plan_needs(NEEDS_DIR / "prison-team-intervision.yaml", tmp_path)
    text = _render(path, "md", "participants")
    prepare = text.split("## What to prepare", 1)[1].split("\n## ", 1)[0]
    plan = json.loads(path.read_text(encoding="utf-8"))
    series = [f for f in plan["follow_up"] if f["rule"] == "intervision-series-after-the-course"]
    assert len(series) == 4
    notes = [line for line in prepare.splitlines() if line.startswith("- For the")]
    assert notes == [
        f"- For the follow-up ({plan['follow_up'][0]['date']}): note how you use what you "
        "learn in your work; the follow-up holds peer consultation on it.",
        f"- For the 4 meetings of \u201cIntervision on cases from practice\u201d (from "
        f"{series[0]['date']}): bring a case or an incident from your own work, anonymised, "
        "to each meeting.",
    ]


def test_what_to_prepare_and_to_arrange_are_the_curriculum_s_own_words() -> None:
    """A user curriculum's methods, rules and config say what participants prepare and
    what the coordinator arranges; nothing of it is built into curribuild."""
    from curribuild.planner.build import build_plan
    from curribuild.render.view import arrangements, prepare
    from planner_helpers import goal, make_needs, memory_curriculum, method, rule

    follow_up = {
        "session": "follow-up",
        "title": "Looking back",
        "minutes": 60,
        "weeks_after": 6,
        "prepare": "write down one conversation that went differently.",
    }
    cur = memory_curriculum(
        goals=[goal("core", priority="core")],
        methods=[
            method(
                "walk",
                requires=["walking-boots", "a-map"],
                prepare="Sturdy shoes and a rain jacket.",
            )
        ],
        rules=[rule("look-back", {"add_session": follow_up}, scope="programme")],
        config={"planning": {"arrangements": {"walking-boots": "Boots in every size"}}},
    )
    plan = build_plan(make_needs(constraints={"start_date": "2027-01-04"}), cur)
    # the plan carries the words, so a render needs no curriculum
    assert plan.arrangements == {"walking-boots": "Boots in every size"}
    [session] = [s for s in plan.days[0].sessions if s.kind == "teaching"]
    assert session.prepare == "Sturdy shoes and a rain jacket."
    assert plan.follow_up[0].prepare == follow_up["prepare"]
    notes = prepare(plan)
    assert notes[0] == "Sturdy shoes and a rain jacket."
    assert notes[-1] == (
        f"For the follow-up ({plan.follow_up[0].date}): write down one conversation that "
        "went differently."
    )
    needs = [a["need"] for a in arrangements(plan)["needs"]]
    assert "Boots in every size" in needs  # the curriculum's words
    assert "A map" in needs  # a tag without words: its name
    # a method and a rule that say nothing: nothing is invented for them
    plain = memory_curriculum(goals=[goal("core", priority="core")], methods=[method("talk")])
    assert prepare(build_plan(make_needs(), plain)) == [
        "Nothing to prepare: all material is provided."
    ]


def test_a_curriculum_that_extends_keeps_the_base_words_it_does_not_replace(
    tmp_path: Path,
) -> None:
    from planner_helpers import load, write_curriculum

    root = write_curriculum(
        tmp_path / "ours",
        config={
            "extends": "ran-health-pcve",
            "planning": {"arrangements": {"subject-expert": "Our own trainer, Dr. A."}},
        },
    )
    words = load(root).config.planning.arrangements
    assert words["subject-expert"] == "Our own trainer, Dr. A."
    assert words["learning-platform"].startswith("The learning platform")
