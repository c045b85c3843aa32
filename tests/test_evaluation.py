"""The evaluation loop (issue 13, part 2): a plan's forms are written, filled in (here:
generated with a fixed seed), reported on, recorded as evidence, and the evidence
changes the next plan's choice of method.

The results are made by the tests from the forms' own CSV templates: each answer is
drawn within the instrument's scale, with planted effects (a method that teaches
nothing, a goal whose behaviour never changes) that the report must flag.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from curribuild.engine.evidence import evidence_index
from curribuild.loader import load_file
from curribuild.models.evidence import EvidenceDocument
from curribuild.models.needs import Needs
from render_helpers import NEEDS_DIR, assert_clean_failure, invoke, plan_needs

BUNDLED = NEEDS_DIR.parent
EXAMPLE = "first-line-basics"
Answer = Callable[[str, str, str, int, int, random.Random], str]


def _methods(plan: dict[str, Any]) -> dict[str, str]:
    return {g["id"]: g["method"] for g in plan["goals"]["scheduled"]}


def fill(
    plan: dict[str, Any],
    forms: Path,
    out: Path,
    answer: Answer,
    people: int = 12,
    seed: int = 7,
) -> list[Path]:
    """One filled-in sheet per CSV template in ``forms``, ``people`` rows each."""
    rng = random.Random(seed)
    methods = _methods(plan)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for template in sorted(forms.glob("*.csv")):
        scale = plan["instruments"][template.stem].get("scale") or {"min": 1, "max": 5}
        header = template.read_text(encoding="utf-8").strip().split(",")
        rows = []
        for person in range(people):
            row = [f"P{person:02d}"]
            for column in header[1:]:
                if column.startswith("log:"):
                    row.append("a case discussed" if person < 3 else "")
                    continue
                _, goal, measure, *_ = column.split(":")
                row.append(answer(goal, methods[goal], measure, scale["min"], scale["max"], rng))
            rows.append(row)
        target = out / template.name
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        written.append(target)
    return written


def lectures_teach_nothing(
    goal: str, method: str, measure: str, low: int, high: int, rng: random.Random
) -> str:
    """Gains for every method but the lecture; no behaviour change for mh-ve-link."""
    if measure == "pre":
        return str(low + rng.randint(0, 1))
    if measure == "post":
        return str(low + rng.randint(0, 1) if method == "lecture" else high - rng.randint(0, 1))
    if measure == "behaviour":
        return str(low if goal == "mh-ve-link" else rng.randint(low + 1, high))
    return str(rng.randint(high - 2, high))


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], Path]:
    """The example planned, and its forms written: (plan path, plan, forms folder)."""
    base = tmp_path_factory.mktemp("evaluation")
    plan_path = plan_needs(NEEDS_DIR / f"{EXAMPLE}.yaml", base)
    forms = base / "forms"
    result = invoke("render", "--plan", plan_path, "--format", "evaluation", "-o", forms)
    assert result.exit_code == 0, result.output
    return plan_path, json.loads(plan_path.read_text(encoding="utf-8")), forms


@pytest.fixture(scope="module")
def filled(planned: tuple[Path, dict[str, Any], Path], tmp_path_factory: pytest.TempPathFactory):
    _, plan, forms = planned
    return fill(plan, forms, tmp_path_factory.mktemp("results"), lectures_teach_nothing)


# --- the forms ------------------------------------------------------------------


def test_the_plan_names_catalogue_instruments_for_every_goal(
    planned: tuple[Path, dict[str, Any], Path],
) -> None:
    _, plan, _ = planned
    catalogue = yaml.safe_load((BUNDLED / "instruments.yaml").read_text(encoding="utf-8"))
    ids = {i["id"] for i in catalogue["instruments"]}
    assert set(plan["instruments"]) <= ids
    titles = {s["title"] for day in plan["days"] for s in day["sessions"] if "title" in s}
    for item in plan["evaluation"]:
        assert item["instrument_id"] in ids, item
        assert item["instrument"] not in titles, item
        if item["level"] != "behaviour":  # the follow-up's own item has no session
            assert item["reaction_id"] == "session-feedback", item
    for follow_up in plan["follow_up"]:
        assert follow_up["instruments"], follow_up
        assert set(follow_up["instruments"]) <= ids


def test_forms_cover_each_level_with_unique_stable_columns(
    planned: tuple[Path, dict[str, Any], Path],
) -> None:
    _, plan, forms = planned
    goals = [g["id"] for g in plan["goals"]["scheduled"]]
    headers = {
        p.stem: p.read_text(encoding="utf-8").strip().split(",") for p in forms.glob("*.csv")
    }
    assert set(headers) == set(plan["instruments"])
    for header in headers.values():
        assert header[0] == "respondent"
    columns = [c for h in headers.values() for c in h[1:]]
    assert len(columns) == len(set(columns)), "a column id on two forms"
    assert headers["session-feedback"][1:] == [f"goal:{g}:reaction" for g in goals]
    for goal in goals:
        assert f"goal:{goal}:behaviour" in headers["behaviour-questionnaire"]
        learning = [c for c in columns if c.startswith(f"goal:{goal}:p")]
        assert learning == [f"goal:{goal}:pre", f"goal:{goal}:post"], goal
    assert headers["intervision-log"][1:] == ["log:1", "log:2", "log:3"]


def test_knowledge_form_asks_about_each_goal_in_its_own_words(
    planned: tuple[Path, dict[str, Any], Path],
) -> None:
    _, plan, forms = planned
    page = (forms / "knowledge-check.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    knowledge = [g for g in plan["goals"]["scheduled"] if g["domain"] == "knowledge"]
    assert knowledge
    statements = {
        g["id"]: g["statement"]
        for path in sorted((BUNDLED / "goals").glob("*.yaml"))
        for g in yaml.safe_load(path.read_text(encoding="utf-8"))["goals"]
    }
    for goal in knowledge:
        assert f"goal:{goal['id']}:pre" in page
        first_words = " ".join(statements[goal["id"]].split()[:6])
        assert first_words in page.replace("&#39;", "'"), goal["id"]
    assert "no names" in page.lower()


def test_forms_refuse_stdout_a_file_target_and_a_template(
    planned: tuple[Path, dict[str, Any], Path], tmp_path: Path
) -> None:
    plan_path, _, _ = planned
    result = invoke("render", "--plan", plan_path, "--format", "evaluation", "-o", "-")
    assert_clean_failure(result, 2)
    assert "give -o a folder" in result.stderr
    target = tmp_path / "taken"
    target.write_text("keep me", encoding="utf-8")
    result = invoke("render", "--plan", plan_path, "--format", "evaluation", "-o", target)
    assert_clean_failure(result, 2)
    assert target.read_text(encoding="utf-8") == "keep me"
    template = tmp_path / "t.j2"
    template.write_text("x", encoding="utf-8")
    result = invoke("render", "--plan", plan_path, "--format", "evaluation", "--template", template)
    assert_clean_failure(result, 2)


def test_a_plan_without_instruments_has_no_forms_and_says_why(
    planned: tuple[Path, dict[str, Any], Path], tmp_path: Path
) -> None:
    _, plan, _ = planned
    bare = json.loads(json.dumps(plan))
    bare["instruments"] = {}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(bare), encoding="utf-8")
    result = invoke("render", "--plan", path, "--format", "evaluation", "-o", tmp_path / "f")
    assert_clean_failure(result)
    assert "kind: instruments" in result.stderr
    assert not (tmp_path / "f").exists()


# --- the report -----------------------------------------------------------------


def test_report_gives_each_level_per_goal_method_and_learning_type(
    planned: tuple[Path, dict[str, Any], Path], filled: list[Path], tmp_path: Path
) -> None:
    plan_path, plan, _ = planned
    result = invoke("evaluate", plan_path, *filled, "-o", tmp_path / "report.md")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "12 respondents" in text
    assert "9 intervision log entries" in text
    for heading in ("## Flags", "## Per goal", "## Per method", "## Per learning type"):
        assert heading in text
    for goal in plan["goals"]["scheduled"]:
        rows = [line for line in text.splitlines() if line.startswith(f"| {goal['title']} |")]
        assert len(rows) == 1, goal["id"]
        assert rows[0].count("(12)") == 3, rows[0]  # reaction, gain, behaviour: n=12 each
    lecture = next(line for line in text.splitlines() if line.startswith("| Expert input"))
    assert "| 4 |" in lecture  # four goals taught by lecture
    flags = text.split("## Flags", 1)[1].split("## Per goal", 1)[0]
    assert "Expert input (lecture): learning gain" in flags
    assert "clearly below the other methods'" in flags
    mh = next(g["title"] for g in plan["goals"]["scheduled"] if g["id"] == "mh-ve-link")
    assert f"{mh}: behaviour change absent at the follow-up" in flags


def test_report_without_planted_effects_flags_nothing(
    planned: tuple[Path, dict[str, Any], Path], tmp_path: Path
) -> None:
    plan_path, plan, forms = planned

    def even(goal: str, method: str, measure: str, low: int, high: int, rng: random.Random) -> str:
        return {"pre": str(low), "post": str(high - 1)}.get(measure, str(high - 1))

    sheets = fill(plan, forms, tmp_path / "r", even)
    result = invoke("evaluate", plan_path, *sheets)
    assert result.exit_code == 0, result.output
    assert "No method or goal stands out below the others." in result.stdout


def test_html_report_draws_the_charts_and_escapes(
    planned: tuple[Path, dict[str, Any], Path], filled: list[Path], tmp_path: Path
) -> None:
    plan_path, plan, _ = planned
    target = tmp_path / "report.html"
    result = invoke("evaluate", plan_path, *filled, "-o", target)
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert page.count("<svg") == 3
    goals = len(plan["goals"]["scheduled"])
    # one bar per goal in the gain and behaviour charts, one per method in the reaction chart
    methods = len(set(_methods(plan).values()))
    assert page.count("<rect") >= 2 * goals + methods
    assert "<script" not in page


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_format_option_overrides_the_extension(
    planned: tuple[Path, dict[str, Any], Path], filled: list[Path], fmt: str
) -> None:
    plan_path, _, _ = planned
    result = invoke("evaluate", plan_path, *filled, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().startswith("<!DOCTYPE html>") == (fmt == "html")


def test_report_prints_in_chromium(
    planned: tuple[Path, dict[str, Any], Path], filled: list[Path], tmp_path: Path
) -> None:
    """The report in a real browser: a screenshot of it is drawn, and it prints on A4."""
    import os
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have chromium (apt-get install chromium)")
        pytest.skip("no chromium on this machine")
    plan_path, _, _ = planned
    page = tmp_path / "report.html"
    assert invoke("evaluate", plan_path, *filled, "-o", page).exit_code == 0
    common = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    shot = tmp_path / "report.png"
    pdf = tmp_path / "report.pdf"
    for extra in (
        [f"--screenshot={shot}", "--window-size=1000,1600"],
        ["--no-pdf-header-footer", f"--print-to-pdf={pdf}"],
    ):
        done = subprocess.run(
            [*common, *extra, page.resolve().as_uri()],
            capture_output=True,
            timeout=120,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert shot.read_bytes().startswith(b"\x89PNG")
    assert shot.stat().st_size > 20_000  # a blank page compresses to a few kB
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(__import__("re").findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    assert 1 <= pages <= 4


# --- bad results ------------------------------------------------------------------


def test_unknown_column_is_located_with_a_suggestion(
    planned: tuple[Path, dict[str, Any], Path], filled: list[Path], tmp_path: Path
) -> None:
    plan_path, _, _ = planned
    sheet = tmp_path / "feedback.csv"
    text = next(p for p in filled if p.stem == "session-feedback").read_text(encoding="utf-8")
    sheet.write_text(
        text.replace("goal:mh-ve-link:reaction", "goal:mh-ve-lnik:reaction", 1), encoding="utf-8"
    )
    result = invoke("evaluate", plan_path, sheet, "-o", tmp_path / "r.md")
    assert_clean_failure(result)
    header = text.splitlines()[0].split(",")
    col = header.index("goal:mh-ve-link:reaction") + 1
    assert f"feedback.csv:1:{col}: error CB805" in result.stderr
    assert "did you mean 'goal:mh-ve-link:reaction'" in result.stderr
    assert not (tmp_path / "r.md").exists()


def test_values_off_the_scale_are_located_by_row_and_column(
    planned: tuple[Path, dict[str, Any], Path], filled: list[Path], tmp_path: Path
) -> None:
    plan_path, _, _ = planned
    source = next(p for p in filled if p.stem == "session-feedback")
    rows = list(csv.reader(source.open(encoding="utf-8")))
    rows[3][2] = "very high"
    rows[5][1] = "9"
    rows[6][1] = "4,5"  # a decimal comma is a number on the scale
    sheet = tmp_path / "feedback.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = invoke("evaluate", plan_path, sheet)
    assert_clean_failure(result)
    assert "2 problem(s) in the results" in result.stderr
    assert f'feedback.csv:4:3: error CB806 column "{rows[0][2]}": "very high"' in result.stderr
    assert "feedback.csv:6:2: error CB806" in result.stderr
    assert "the scale 1-5" in result.stderr


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.xlsx", b"PK\x03\x04 not really a workbook"),
        ("empty.csv", b""),
        ("binary.csv", bytes(range(256)) * 4),
    ],
)
def test_unreadable_results_fail_cleanly(
    planned: tuple[Path, dict[str, Any], Path], tmp_path: Path, name: str, content: bytes
) -> None:
    plan_path, _, _ = planned
    sheet = tmp_path / name
    sheet.write_bytes(content)
    result = invoke("evaluate", plan_path, sheet)
    assert_clean_failure(result)
    assert name in result.stderr


def test_usage_errors(planned: tuple[Path, dict[str, Any], Path], filled: list[Path]) -> None:
    plan_path, _, _ = planned
    assert_clean_failure(invoke("evaluate", plan_path, "missing.csv"), 2)
    result = invoke("evaluate", plan_path, *filled, "--date", "01/03/2027")
    assert_clean_failure(result, 2)
    assert "YYYY-MM-DD" in result.stderr
    result = invoke("evaluate", Path("no-plan.json"), *filled)
    assert_clean_failure(result)


# --- the record -------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the bundled curriculum, to record into."""
    target = tmp_path / "repo"
    shutil.copytree(BUNDLED, target)
    return target


def test_record_writes_aggregates_only_and_check_accepts_them(
    planned: tuple[Path, dict[str, Any], Path], filled: list[Path], repo: Path
) -> None:
    plan_path, plan, _ = planned
    args: tuple[str | Path, ...] = (
        "evaluate",
        plan_path,
        *filled,
        "--record",
        "--curriculum",
        repo,
    )
    result = invoke(*args, "--date", "2027-03-01")
    assert result.exit_code == 0, result.output
    recorded = sorted((repo / "evidence").glob("*.yaml"))
    assert [p.name for p in recorded] == [f"{plan['needs']['id']}-2027-03-01.yaml"]
    text = recorded[0].read_text(encoding="utf-8")
    assert "P0" not in text  # no respondent code
    assert "a case discussed" not in text  # no free text
    doc = load_file(recorded[0]).data
    evidence = EvidenceDocument.model_validate(doc)
    assert evidence.respondents == 12
    assert {r.goal for r in evidence.results} == set(_methods(plan))
    assert all(r.gain_n == 12 for r in evidence.results)
    assert invoke("check", repo).exit_code == 0
    # a second record of the same day is a new file, never a replacement
    assert invoke(*args, "--date", "2027-03-01").exit_code == 0
    assert len(list((repo / "evidence").glob("*.yaml"))) == 2


def test_record_refuses_a_group_under_the_minimum(
    planned: tuple[Path, dict[str, Any], Path], repo: Path, tmp_path: Path
) -> None:
    plan_path, plan, forms = planned
    sheets = fill(plan, forms, tmp_path / "few", lectures_teach_nothing, people=4)
    result = invoke("evaluate", plan_path, *sheets, "--record", "--curriculum", repo)
    assert_clean_failure(result)
    assert "4 respondents, fewer than the minimum group of 5" in result.stderr
    assert "CB807" in result.stderr
    assert not (repo / "evidence").exists()
    assert result.stdout == ""  # no report either: nothing half-done
    # without --record the small group is still reported
    assert invoke("evaluate", plan_path, *sheets).exit_code == 0


def test_record_leaves_out_small_aggregates_and_says_so(
    planned: tuple[Path, dict[str, Any], Path], repo: Path, tmp_path: Path
) -> None:
    plan_path, plan, forms = planned
    sheets = fill(plan, forms, tmp_path / "r", lectures_teach_nothing)
    behaviour = next(p for p in sheets if p.stem == "behaviour-questionnaire")
    rows = list(csv.reader(behaviour.open(encoding="utf-8")))
    column = rows[0].index("goal:mh-ve-link:behaviour")
    for row in rows[4:]:
        row[column] = ""  # only three answered
    with behaviour.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = invoke("evaluate", plan_path, *sheets, "--record", "--curriculum", repo)
    assert result.exit_code == 0, result.output
    assert "warning CB807: goal 'mh-ve-link': behaviour (n=3) left out, fewer than 5" in (
        result.stderr
    )
    (recorded,) = (repo / "evidence").glob("*.yaml")
    doc = EvidenceDocument.model_validate(load_file(recorded).data)
    mh = next(r for r in doc.results if r.goal == "mh-ve-link")
    assert mh.behaviour is None and mh.behaviour_n is None
    assert mh.gain_n == 12


def test_record_needs_a_curriculum_folder(
    planned: tuple[Path, dict[str, Any], Path], filled: list[Path], tmp_path: Path
) -> None:
    plan_path, _, _ = planned
    result = invoke("evaluate", plan_path, *filled, "--record", "--curriculum", tmp_path)
    assert_clean_failure(result)
    assert "is not a curriculum folder" in result.stderr
    assert not (tmp_path / "evidence").exists()


def test_recorded_evidence_changes_the_next_plan_and_explain_says_why(
    planned: tuple[Path, dict[str, Any], Path], filled: list[Path], repo: Path, tmp_path: Path
) -> None:
    """The loop closes: lectures that taught nothing are replaced in the next plan for
    a similar group, and explain names the evidence that moved the choice."""
    _, plan, _ = planned
    needs = repo / "needs" / f"{EXAMPLE}.yaml"
    before = plan_needs(needs, tmp_path / "before")
    lectured = [g for g, m in _methods(plan).items() if m == "lecture"]
    assert lectured
    result = invoke("evaluate", before, *filled, "--record", "--curriculum", repo)
    assert result.exit_code == 0, result.output
    after = json.loads(plan_needs(needs, tmp_path / "after").read_text(encoding="utf-8"))
    changed = {g: m for g, m in _methods(after).items() if g in lectured}
    assert changed and "lecture" not in changed.values(), changed
    explained = invoke("explain", needs, "--goal", lectured[0], "--format", "json")
    assert explained.exit_code == 0, explained.output
    (entry,) = json.loads(explained.stdout)
    lines = " ".join(entry["evidence"])
    assert "lecture for knowledge goals: gain 0% of the scale (n=12)" in lines
    assert "avoid-what-did-not-work-for-similar-groups" in lines
    assert f"{plan['needs']['id']}-" in lines


# --- evidence as facts ------------------------------------------------------------


def _record(ident: str, experience: str, professions: list[str], results: list[dict]) -> Any:
    return EvidenceDocument.model_validate(
        {
            "kind": "evidence",
            "id": ident,
            "programme": "p",
            "title": "t",
            "date": "2027-01-01",
            "min_group": 5,
            "respondents": 20,
            "audience": {
                "professions": professions,
                "settings": [],
                "experience": experience,
                "delivery": "in-person",
                "participants": 20,
            },
            "results": results,
        }
    )


def _result(goal: str, method: str, gain: float, n: int) -> dict[str, Any]:
    return {
        "goal": goal,
        "domain": "skills",
        "method": method,
        "learning_type": "practice",
        "gain": gain,
        "gain_n": n,
        "reaction": 0.8,
        "reaction_n": n,
    }


def test_evidence_pools_similar_groups_and_counts_people_not_answers() -> None:
    needs_data = load_file(NEEDS_DIR / f"{EXAMPLE}.yaml").data
    needs = Needs.model_validate(needs_data)
    profession = needs.audience.professions[0]
    experience = needs.audience.experience
    records = [
        _record(
            "a",
            experience,
            [profession],
            [_result("g1", "role-play", 0.4, 10), _result("g2", "role-play", 0.2, 10)],
        ),
        _record("b", experience, [profession, "nurse"], [_result("g1", "role-play", 0.6, 30)]),
        _record(
            "other-experience",
            "advanced" if experience != "advanced" else "none",
            [profession],
            [_result("g1", "role-play", -1, 99)],
        ),
        _record("other-profession", experience, ["nobody"], [_result("g1", "role-play", -1, 99)]),
    ]
    index = evidence_index(records, needs)
    facts = index[("role-play", "skills")]
    assert facts.records == ("a", "b")
    assert facts.n == 40  # 10 people in a (who answered for two goals) and 30 in b
    assert facts.gain == pytest.approx((0.3 * 10 + 0.6 * 30) / 40, abs=0.001)
    assert facts.reaction == pytest.approx(0.8)
