"""The pedagogy, language and safety lints (CB3xx, CB401, CB5xx): a failing and a
passing fixture each, with exact locations.

Fixtures live in ``tests/fixtures/lints/``. ``cbNNN-fail`` and ``cbNNN-pass`` differ
only in what the lint is about; every passing fixture is clean even under ``--strict``.
Folders with a ``curriculum.yaml`` are self-contained (built-in rules only); folders
without a config build on the bundled curriculum ``ran-health-pcve``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from curribuild.checks.codes.cb401 import patterns_for, scan_text
from curribuild.models.config import StigmaTerm
from lint_helpers import (
    RunCli,
    check_json,
    copy_fixture,
    edit,
    lint_fixture,
    located,
    severities,
    write,
)

# code -> (fixture, exact locations, a piece of each message, in report order)
FAILING: dict[str, tuple[str, list[str], list[str]]] = {
    "CB301": (
        "cb301-fail",
        ["goals.yaml:5:16 CB301", "goals.yaml:12:16 CB301"],
        [
            "goal 'vague-understand': 'understand' is not observable",
            "goal 'vague-aware': 'be aware of' is not observable",
        ],
    ),
    "CB302": (
        "cb302-fail",
        ["goals.yaml:7:12 CB302", "goals.yaml:14:12 CB302"],
        [
            "goal 'trap-18-signs': 'list' fits Bloom level remember, not evaluate",
            "goal 'safety-plan': 'design' fits Bloom level create, not apply",
        ],
    ),
    "CB303": (
        "cb303-fail",
        ["goals.yaml:11:9 CB303"],
        ["goal 'design-own-training' has no eligible method under any delivery mode"],
    ),
    "CB304": (
        "cb304-fail",
        ["methods.yaml:3:3 CB304"],
        [
            "the methods of curriculum 'lint-fixture' cover no inquiry, production, "
            "discussion, collaboration method"
        ],
    ),
    "CB305": (
        "cb305-fail",
        ["goals.yaml:3:3 CB305"],
        ["no goal of curriculum 'lint-fixture' takes the forensic, counter-terrorism perspective"],
    ),
    "CB306": (
        "cb306-fail",
        ["curriculum.yaml:1:1 CB306"],
        ["curriculum 'lint-fixture' has no programme rule that adds a follow-up session"],
    ),
    "CB307": (
        "cb307-fail",
        ["goals.yaml:11:9 CB307"],
        [
            "goal 'trust-building' has no evaluation and the curriculum sets no default for "
            "the skills domain"
        ],
    ),
    "CB501": (
        "cb501-fail",
        ["goals.yaml:19:16 CB501"],
        [
            "goal 'trust-building' uses sensitive material but no programme rule adds a "
            "debrief session"
        ],
    ),
    "CB502": (
        "cb502-fail",
        ["goals.yaml:24:12 CB502", "goals.yaml:26:13 CB502"],
        [
            "goal 'vera-coding' uses risk tools beyond awareness but its method 'role-play' "
            "does not require a certified-trainer",
            "goal 'vera-coding' uses risk tools beyond awareness but no rule adds a "
            "follow-up (booster) session",
        ],
    ),
}

# What else a failing fixture reports besides its own code (all warnings).
ALSO_REPORTED = {"CB502": ["curriculum.yaml:1:1 CB306"]}


@pytest.mark.parametrize("code", sorted(FAILING))
def test_failing_fixture_reports_exact_locations(run_cli: RunCli, code: str) -> None:
    fixture, where, messages = FAILING[code]
    status, findings = check_json(run_cli, cwd=lint_fixture(fixture))
    assert located(findings, code) == where
    ours = [f for f in findings if f["code"] == code]
    for finding, message in zip(ours, messages, strict=True):
        assert message in finding["message"]
        assert finding["severity"] == "warning"
        assert finding["fix"]
    # nothing else is wrong with the fixture: it is the passing one, broken in one way
    assert located([f for f in findings if f["code"] != code]) == ALSO_REPORTED.get(code, [])
    assert status == 0  # lints are warnings by default


@pytest.mark.parametrize("code", sorted(FAILING))
def test_failing_fixture_fails_under_strict(run_cli: RunCli, code: str) -> None:
    status, findings = check_json(run_cli, "--strict", cwd=lint_fixture(FAILING[code][0]))
    assert status == 1
    assert code in {f["code"] for f in findings}


@pytest.mark.parametrize("code", [*sorted(FAILING), "CB401"])
def test_passing_fixture_is_clean_under_strict(run_cli: RunCli, code: str) -> None:
    fixture = lint_fixture(f"{code.lower()}-pass")
    status, findings = check_json(run_cli, "--strict", cwd=fixture)
    assert findings == []
    assert status == 0


def test_clean_base_fixture_is_clean(run_cli: RunCli) -> None:
    status, findings = check_json(run_cli, "--strict", cwd=lint_fixture("clean"))
    assert (status, findings) == (0, [])


# --- details of single lints ------------------------------------------------------------


def test_cb301_skips_participants_will_and_ignores_words_that_only_start_alike(
    run_cli: RunCli,
) -> None:
    # 'Participants will be able to be aware of ...' is flagged (prefix skipped);
    # 'Knowledgeably describe ...' (line 19) is not 'know'.
    _, findings = check_json(run_cli, cwd=lint_fixture("cb301-fail"))
    assert "goals.yaml:19:16 CB301" not in located(findings)
    assert [f["line"] for f in findings if f["code"] == "CB301"] == [5, 12]


def test_cb302_judges_only_listed_verbs(run_cli: RunCli) -> None:
    # 'Identify' fits analyse among others; 'Recount' is on no list, so bloom: create is not judged
    _, findings = check_json(run_cli, cwd=lint_fixture("cb302-fail"))
    assert {f["message"].split("'")[1] for f in findings} == {"trap-18-signs", "safety-plan"}


def test_cb303_names_the_rules_that_excluded_each_candidate(run_cli: RunCli) -> None:
    _, findings = check_json(run_cli, cwd=lint_fixture("cb303-fail"))
    (finding,) = findings
    # the three methods that came closest (one exclusion each), then a count: one
    # readable line, not every method with every rule (issue 14)
    message = finding["message"]
    for part in (
        "closest: case-analysis excluded by fit-bloom-range",
        "plan-drafting excluded by fit-domain",
        "; and 3 more (see `curribuild explain`)",
    ):
        assert part in message
    assert "lecture excluded by" not in message  # two rules exclude it: not among the closest
    assert len(message) < 300


def test_cb502_certified_trainer_without_booster(run_cli: RunCli, tmp_path: Path) -> None:
    """The method is fine (it requires a certified trainer) but no rule adds a booster."""
    root = copy_fixture("cb502-pass", tmp_path / "cur")
    write(
        root,
        "rules.yaml",
        (lint_fixture("cb502-fail") / "rules.yaml").read_text(encoding="utf-8"),
    )
    _, findings = check_json(run_cli, cwd=root)
    assert located(findings) == ["curriculum.yaml:1:1 CB306", "goals.yaml:26:13 CB502"]
    assert "no rule adds a follow-up (booster) session" in findings[1]["message"]


def test_cb502_ignores_risk_goals_at_awareness_level(run_cli: RunCli, tmp_path: Path) -> None:
    root = copy_fixture("cb502-fail", tmp_path / "cur")
    edit(
        root / "goals.yaml",
        "    domain: skills\n    bloom: apply\n    perspectives: [forensic]",
        "    domain: knowledge\n    bloom: understand\n    perspectives: [forensic]",
    )
    edit(root / "goals.yaml", "statement: Apply the VERA-2R", "statement: Explain the VERA-2R")
    _, findings = check_json(run_cli, cwd=root)
    assert located(findings) == ["curriculum.yaml:1:1 CB306"]


def test_lints_skip_goals_of_the_extended_curriculum(run_cli: RunCli, tmp_path: Path) -> None:
    """A loose goals file builds on the bundled curriculum; only its own goals are linted."""
    write(tmp_path, "goals.yaml", (lint_fixture("cb301-pass") / "goals.yaml").read_text())
    status, findings = check_json(run_cli, "--strict", cwd=tmp_path)
    assert (status, findings) == (0, [])


def test_cb301_flags_a_non_observable_verb_followed_by_a_comma(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """CB302 strips punctuation from the verb ("List, ..."); CB301 must too."""
    write(
        tmp_path,
        "goals.yaml",
        "kind: goals\n"
        "goals:\n"
        "  - id: comma\n"
        "    title: Early signs\n"
        "    statement: Understand, recognise and respond to early signs of radicalisation.\n"
        "    domain: knowledge\n"
        "    bloom: understand\n"
        "    topics: [mental-health-and-extremism]\n"
        "    minutes: 30\n",
    )
    _, findings = check_json(run_cli, cwd=tmp_path)
    assert located(findings) == ["goals.yaml:5:16 CB301"]


def test_lints_see_rules_switched_off_with_disable_rules(run_cli: RunCli, tmp_path: Path) -> None:
    """A repository that extends the bundled curriculum inherits its follow-up (also the
    risk-tool booster) and debrief rules; switching them off with ``disable_rules:`` brings
    CB306 and CB501 back."""
    result = run_cli("init", "repo", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    root = tmp_path / "repo"
    goals = root / "goals" / "local.yaml"
    goals.write_text(goals.read_text(encoding="utf-8") + "    sensitive: true\n", encoding="utf-8")
    status, findings = check_json(run_cli, "--strict", cwd=root)
    assert (status, findings) == (0, [])
    config = root / "curribuild.yaml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "disable_rules:\n"
        + "  - debrief-after-sensitive-material\n"
        + "  - follow-up-after-every-training\n"
        + "  - risk-tool-booster\n"
        + "  - certified-vera2r-peer-consultation\n",
        encoding="utf-8",
    )
    status, findings = check_json(run_cli, cwd=root)
    assert located(findings) == ["curribuild.yaml:2:1 CB306", "goals/local.yaml:13:16 CB501"]
    assert status == 0


# --- CB401 stigmatising language ------------------------------------------------------------

CB401_FAIL = [
    ("goals.yaml:4:16", "CRAZY", "describe the behaviour or the condition precisely"),
    ("goals.yaml:5:45", "crazy", "describe the behaviour or the condition precisely"),
    ("goals.yaml:5:54", "insane", "describe the behaviour or the condition precisely"),
    ("goals.yaml:12:71", "crazy", "describe the behaviour or the condition precisely"),
    ("goals.yaml:19:43", "Nut Job", "a person in crisis"),
    ("rules.yaml:5:23", "mentally ill people", "people with mental health conditions"),
    ("rules.yaml:6:18", "committed suicide", "died by suicide / took their own life"),
]


def test_cb401_fail_fixture(run_cli: RunCli) -> None:
    """Case-insensitive, on word boundaries (``crazy-making`` yes, ``Crazyhorse`` and
    ``insanely`` no), not inside quotes, extra terms from ``curribuild.yaml``, a line with
    ``# curribuild: disable=CB401`` suppressed, prose only (ids are not checked), any
    document kind (rules too), multi-word terms in folded scalars."""
    status, findings = check_json(run_cli, cwd=lint_fixture("cb401-fail"))
    ours = [f for f in findings if f["path"] != "curribuild.yaml"]
    assert [(f"{f['path']}:{f['line']}:{f['col']}", f["code"], f["severity"]) for f in ours] == [
        (where, "CB401", "warning") for where, _, _ in CB401_FAIL
    ]
    for finding, (_, term, suggestion) in zip(ours, CB401_FAIL, strict=True):
        assert finding["message"] == f"stigmatising wording {term!r}; write {suggestion!r} instead"
        assert finding["fix"] == suggestion
    assert status == 0


def test_cb401_extra_terms_come_from_the_repository_config(run_cli: RunCli, tmp_path: Path) -> None:
    root = copy_fixture("cb401-fail", tmp_path / "repo")
    text = (root / "curribuild.yaml").read_text(encoding="utf-8")
    (root / "curribuild.yaml").write_text(text.split("stigma_terms:")[0], encoding="utf-8")
    _, findings = check_json(run_cli, cwd=root)
    assert "goals.yaml:19:43 CB401" not in located(findings)
    assert len(located(findings, "CB401")) == len(CB401_FAIL) - 1


def test_cb401_does_not_flag_the_definition_of_extra_terms(run_cli: RunCli) -> None:
    """``stigma_terms: [{term: "nut job|nutjob"}]`` in ``curribuild.yaml`` lists the words to
    avoid; the definition itself is not stigmatising wording (the docs: "a text that
    explains the term itself is not flagged")."""
    _, findings = check_json(run_cli, cwd=lint_fixture("cb401-fail"))
    assert located([f for f in findings if f["path"] == "curribuild.yaml"]) == []


def test_cb401_term_wrapped_over_two_lines_is_located_at_its_first_word(
    run_cli: RunCli, tmp_path: Path
) -> None:
    write(
        tmp_path,
        "rules.yaml",
        "kind: rules\n"
        "rules:\n"
        "  - id: wrapped\n"
        "    description: >-\n"
        "      Goals about how mentally\n"
        "      ill people are portrayed are discussed.\n"
        "    then: {score: 1}\n",
    )
    _, findings = check_json(run_cli, cwd=tmp_path)
    assert located(findings) == ["rules.yaml:5:23 CB401"]


def test_cb401_quoted_yaml_scalars_with_escaped_quotes(run_cli: RunCli, tmp_path: Path) -> None:
    write(
        tmp_path,
        "rules.yaml",
        "kind: rules\n"
        "rules:\n"
        "  - id: quoted\n"
        '    description: "Crazy. Not \\"crazy\\" but crazy"\n'
        "    then: {score: 1}\n",
    )
    _, findings = check_json(run_cli, cwd=tmp_path)
    assert located(findings) == ["rules.yaml:4:19 CB401", "rules.yaml:4:44 CB401"]


def test_cb401_does_not_check_identifiers(run_cli: RunCli, tmp_path: Path) -> None:
    """A goal's ``id`` and ``topics`` are not prose, so ``insanity-defence`` (the legal
    concept) is fine there; the same identifier used as a needs gap ``topic`` or as the
    operand of a rule condition is not prose either."""
    write(
        tmp_path,
        "goals.yaml",
        "kind: goals\n"
        "goals:\n"
        "  - id: insanity-defence-basics\n"
        "    title: The legal test of criminal responsibility\n"
        "    statement: Explain the legal test of criminal responsibility.\n"
        "    domain: knowledge\n"
        "    bloom: understand\n"
        "    topics: [insanity-defence]\n"
        "    minutes: 30\n",
    )
    write(
        tmp_path,
        "rules.yaml",
        "kind: rules\n"
        "rules:\n"
        "  - id: legal-by-case\n"
        "    description: Legal topics are taught with cases.\n"
        "    when: {fact: goal.topics, contains: insanity-defence}\n"
        "    then: {require: [case-study]}\n",
    )
    write(
        tmp_path,
        "needs.yaml",
        "kind: needs\nid: court-team\ntitle: Court liaison team\n"
        "gaps:\n  - topic: insanity-defence\n    priority: high\n",
    )
    _, findings = check_json(run_cli, "--select", "CB401", cwd=tmp_path)
    assert located(findings) == []


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("crazy", ["crazy"]),
        ("CRAZY and Crazy", ["CRAZY", "Crazy"]),
        ("crazyhorse", []),
        ("Crazyhorse study", []),
        ("insanely long", []),
        ("the insanity defence", ["insanity"]),
        ("crazy-making", ["crazy"]),
        ("(crazy)", ["crazy"]),
        ("uncrazy", []),
        ('the word "crazy"', []),
        ("the word 'crazy'", []),
        ("the word “crazy” and ‘insane’", []),
        ("she suffers  from", ["suffers  from"]),
        ("suffers\nfrom", ["suffers\nfrom"]),
        ("a schizophrenic", ["a schizophrenic"]),
        ("schizophrenia", []),
    ],
)
def test_cb401_matching(text: str, hits: list[str]) -> None:
    assert [hit.group() for hit, _ in scan_text(text, patterns_for())] == hits


def test_cb401_extra_terms_with_variants() -> None:
    patterns = patterns_for((StigmaTerm(term="nut job|nutjob", suggestion="a person in crisis"),))
    found = [(hit.group(), fix) for hit, fix in scan_text("A NUTJOB, a nut  job", patterns)]
    assert found == [("NUTJOB", "a person in crisis"), ("nut  job", "a person in crisis")]


# --- inline suppression -----------------------------------------------------------------

SUPPRESS_GOALS = """\
kind: goals
goals:
  - id: one
    title: A crazy title{title_comment}
    statement: Understand the crazy world.{statement_comment}
    domain: knowledge
    bloom: understand
    topics: [stigma-and-language]
    minutes: 30
"""


@pytest.mark.parametrize(
    ("title_comment", "statement_comment", "expected"),
    [
        ("", "", ["goals.yaml:4:14 CB401", "goals.yaml:5:16 CB301", "goals.yaml:5:31 CB401"]),
        (
            "  # curribuild: disable=CB401",
            "",
            ["goals.yaml:5:16 CB301", "goals.yaml:5:31 CB401"],
        ),
        (
            "",
            "  # curribuild: disable=CB401",
            ["goals.yaml:4:14 CB401", "goals.yaml:5:16 CB301"],
        ),
        ("", "  # curribuild: disable=CB301,CB401", ["goals.yaml:4:14 CB401"]),
        ("", "  # curribuild: disable=cb301, cb401", ["goals.yaml:4:14 CB401"]),
        ("", "  # curribuild: disable=all", ["goals.yaml:4:14 CB401"]),
        (
            "",
            "  # curribuild: disable=CB302",
            ["goals.yaml:4:14 CB401", "goals.yaml:5:16 CB301", "goals.yaml:5:31 CB401"],
        ),
        (
            "  # curribuild: disable=CB401",
            "  #curribuild:disable=CB301",
            ["goals.yaml:5:31 CB401"],
        ),
    ],
)
def test_inline_suppression(
    run_cli: RunCli,
    tmp_path: Path,
    title_comment: str,
    statement_comment: str,
    expected: list[str],
) -> None:
    write(
        tmp_path,
        "goals.yaml",
        SUPPRESS_GOALS.format(title_comment=title_comment, statement_comment=statement_comment),
    )
    _, findings = check_json(run_cli, cwd=tmp_path)
    assert located(findings) == expected
    assert severities(findings) <= {"warning"}
