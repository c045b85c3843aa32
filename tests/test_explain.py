"""``curribuild explain NEEDS [--goal ID] [--format json]``: candidates, scores, fired
rules with their sources, and why the winner won."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from curribuild.cli import app
from planner_helpers import cli_repo


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("CURRIBUILD_DEBUG", raising=False)
    monkeypatch.chdir(tmp_path)
    return cli_repo(tmp_path)


def explain(*args: str) -> Result:
    return CliRunner().invoke(app, ["explain", *args], catch_exceptions=False)


def rows(text: str) -> list[list[str]]:
    """The cells of the rich table rows (lines drawn with │)."""
    out = []
    for line in text.splitlines():
        if line.startswith("│"):
            out.append([cell.strip() for cell in line.strip("│").split("│")])
    return out


def test_explain_text_shows_every_goal_candidates_and_why(repo: Path) -> None:
    result = explain("needs.yaml")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.index("know: Knowing the field") < text.index("do: Doing the work")
    assert "spare" not in text  # not selected by the needs
    assert rows(text) == [
        ["debate", "1", "chosen", "discussion-for-knowledge (score +1)"],
        ["lecture", "0", "eligible", ""],
        ["role-play", "0", "eligible", ""],
        ["role-play", "3", "chosen", "skills-need-practice (score +3)"],
        ["debate", "0", "eligible", ""],
        ["lecture", "0", "excluded by no-lecture-for-skills", ""],
    ]
    assert "In the plan: meets the high-priority gap know." in text
    assert "Method: debate fits best under the rules (score 1), ahead of lecture (0)." in text
    assert "Method: role-play fits best under the rules (score 3), ahead of debate (0)." in text
    # the sources of the rules behind the winner, with their kind (plain text reads as design)
    assert (
        "  skills-need-practice: design decision of this curriculum: Constructive alignment"
        in text.splitlines()
    )
    assert result.stderr == ""


def test_explain_one_goal(repo: Path) -> None:
    result = explain("needs.yaml", "--goal", "do")
    assert result.exit_code == 0, result.output
    assert "do: Doing the work" in result.stdout
    assert "know:" not in result.stdout
    assert [r[0] for r in rows(result.stdout)] == ["role-play", "debate", "lecture"]


def test_explain_a_goal_the_needs_do_not_select(repo: Path) -> None:
    result = explain("needs.yaml", "-g", "spare")
    assert result.exit_code == 0, result.output
    assert "spare: Spare goal" in result.stdout
    # its candidates are shown, and that the plan does not take it, not a "chosen" method
    assert "Not in the plan: the request does not call for it." in result.stdout
    assert "chosen" not in result.stdout


def test_explain_json_has_candidates_with_scores_and_fired_rules(repo: Path) -> None:
    result = explain("needs.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["goal"] for d in data] == ["know", "do"]
    assert [(d["winner"], d["reason"], d["required"]) for d in data] == [
        ("debate", "debate has the highest score (1), ahead of lecture (0)", []),
        ("role-play", "role-play has the highest score (3), ahead of debate (0)", []),
    ]
    assert data[1]["candidates"] == [
        {
            "method": "lecture",
            "score": 0,
            "eligible": False,
            "excluded_by": ["no-lecture-for-skills"],
            "fired": [
                {
                    "rule": "no-lecture-for-skills",
                    "effect": "exclude",
                    "description": "exclude",
                    "source": "design decision of this curriculum: RAN HEALTH 2022, key point 5",
                }
            ],
        },
        {
            "method": "role-play",
            "score": 3,
            "eligible": True,
            "excluded_by": [],
            "fired": [
                {
                    "rule": "skills-need-practice",
                    "effect": "score",
                    "description": "score +3",
                    "source": "design decision of this curriculum: Constructive alignment",
                }
            ],
        },
        {"method": "debate", "score": 0, "eligible": True, "excluded_by": [], "fired": []},
    ]
    assert [(c["method"], c["score"]) for c in data[0]["candidates"]] == [
        ("lecture", 0),
        ("role-play", 0),
        ("debate", 1),
    ]
    # canonical JSON: sorted keys, 2-space indent, trailing newline
    assert result.stdout == json.dumps(data, indent=2, sort_keys=True) + "\n"


def test_explain_json_one_goal(repo: Path) -> None:
    result = explain("needs.yaml", "--goal", "know", "-f", "json")
    assert result.exit_code == 0, result.output
    assert [d["goal"] for d in json.loads(result.stdout)] == ["know"]


def test_explain_unknown_goal_exits_2_with_a_suggestion(repo: Path) -> None:
    result = explain("needs.yaml", "--goal", "knw")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["error: unknown goal 'knw'; did you mean 'know'?"]


def test_explain_unknown_goal_without_close_match(repo: Path) -> None:
    result = explain("needs.yaml", "--goal", "zzzzzz", "--format", "json")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: unknown goal 'zzzzzz'"]


def test_explain_missing_needs_exits_2(repo: Path) -> None:
    result = explain("missing.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: no such file: missing.yaml"]


def test_explain_unknown_format_exits_2(repo: Path) -> None:
    result = explain("needs.yaml", "--format", "yaml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_explain_invalid_needs_exits_1_with_located_errors(repo: Path) -> None:
    (repo / "bad.yaml").write_text(
        "kind: needs\nid: Bad_Id\ntitle: Bad\ncurriculum: cur\n", encoding="utf-8"
    )
    result = explain("bad.yaml")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "error: bad.yaml is not a valid needs file"
    assert lines[1].startswith("  bad.yaml:2:5: error CB102 id: ")


def test_explain_goal_with_no_eligible_method(repo: Path) -> None:
    (repo / "online.yaml").write_text(
        "kind: needs\nid: online\ntitle: Online\ncurriculum: cur\n"
        "audience: {participants: 500}\n"
        "gaps: [{topic: do, priority: high}]\n",
        encoding="utf-8",
    )
    result = explain("online.yaml", "--format", "json")
    # the high gap cannot be met, so there is no plan (exit 1, said on stderr), and the
    # candidates still show why
    assert result.exit_code == 1, result.output
    assert "the high-priority gap do cannot be met" in result.stderr
    [decision] = json.loads(result.stdout)
    assert decision["status"] == "no-plan"
    assert decision["winner"] is None
    assert decision["reason"] == (
        "no eligible method: closest: role-play excluded by fit-group-too-large; debate "
        "excluded by fit-group-too-large; lecture excluded by fit-group-too-large, "
        "no-lecture-for-skills"
    )
