"""Honest rule sources: ``source: {kind: paper|literature|practice|design, ...}``, CB104
for a source without a kind, CB316 for the older plain-text form (read as design), the
kind in every rationale, and a bundled curriculum whose paper sources say only what the
RAN HEALTH 2022 summary says."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from curribuild.checks.registry import CODES
from curribuild.models.rules import SOURCE_LABELS, Rule, Source
from curribuild.workspace import Workspace
from lint_helpers import BUNDLED_CURRICULUM, RunCli, check_json, copy_fixture, located, write

# The RAN HEALTH 2022 summary ("Training for Mental Health Practitioners in P/CVE",
# published 15 February 2022): its six key points and its introduction, word for word.
PAPER: dict[int | str, str] = {
    1: "The link between mental health and violent extremism is a sensitive topic. "
    "Practitioners sometimes have to deal with the discomfort in society surrounding the "
    "topic. In some cases, this has resulted in media outrage or even threats to "
    "practitioners and researchers.",
    2: "The quality of the information shared can be lacking due to the absence of training "
    "in diagnosing certain disorders like high-functioning autism and/or lack in specifying "
    "the general diagnosis.",
    3: "A holistic approach needs to be stressed in trainings. Practitioners need to "
    "understand mental health clinically, forensically and in the counterterrorism field.",
    4: "Training in trust-building should focus on transparency and patience.",
    5: "The learning goals of the training and the practitioners' needs shape the training "
    "methods.",
    6: "A follow-up session after each training is important to evaluate and to have "
    "intervision on the used methods.",
    "introduction": "The risk of exacerbating pre-existing stigma around mental health (and "
    "P/CVE) might have negative consequences. Therefore, professionalisation or "
    "specialisation in the field provides the possibility to overcome this gap in knowledge "
    "and skills.",
}


def words(text: str) -> str:
    """Lower case, punctuation gone, whitespace collapsed: passages compare as words."""
    return " ".join(re.sub(r"[^\w/()-]+", " ", text.replace("’", "'").lower()).split())


def rule(source: Any) -> Rule:
    return Rule.model_validate(
        {"id": "r", "description": "A rule.", "source": source, "then": {"score": 1}}
    )


@functools.cache
def bundled_rules() -> dict[str, Rule]:
    cur, findings = Workspace().load_curriculum(BUNDLED_CURRICULUM)
    assert [f for f in findings if f.severity.value == "error"] == []
    return {rid: r for rid, r in cur.rules.items() if cur.owns(cur.origin("rule", rid))}


# --- the model ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "text"),
    [
        (
            {"kind": "paper", "key_point": 6, "says": "a follow-up after each training"},
            "RAN HEALTH paper, key point 6: a follow-up after each training",
        ),
        (
            {"kind": "paper", "section": "introduction", "says": "stigma"},
            "RAN HEALTH paper, introduction: stigma",
        ),
        (
            {"kind": "literature", "ref": "Biggs and Tang (2011)", "says": "alignment"},
            "literature: Biggs and Tang (2011); alignment",
        ),
        ({"kind": "practice", "ref": "vera-2r.nl"}, "professional practice: vera-2r.nl"),
        (
            {"kind": "design", "reason": "16 is our limit"},
            "design decision of this curriculum: 16 is our limit",
        ),
        (
            {"kind": "design", "reason": "ours", "ref": "Laurillard (2012)"},
            "design decision of this curriculum: ours; informed by Laurillard (2012)",
        ),
        ("Constructive alignment", "design decision of this curriculum: Constructive alignment"),
    ],
)
def test_a_source_is_rendered_with_its_kind(source: Any, text: str) -> None:
    assert rule(source).source == text


def test_plain_text_reads_as_a_design_source() -> None:
    cited = rule("our own policy").cited
    assert cited == Source(kind="design", reason="our own policy")


def test_a_rule_without_source_has_none() -> None:
    bare = Rule.model_validate({"id": "r", "description": "A rule.", "then": {"score": 1}})
    assert (bare.cited, bare.source, bare.note) == (None, None, None)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({"kind": "paper", "says": "x"}, "names its `key_point` (1-6) or `section`"),
        ({"kind": "paper", "key_point": 5}, "says in `says` what the paper states"),
        ({"kind": "paper", "key_point": 7, "says": "x"}, "less than or equal to 6"),
        ({"kind": "paper", "key_point": 5, "says": "x", "reason": "y"}, "goes with a `design`"),
        ({"kind": "literature", "says": "x"}, "needs `ref`: a public reference"),
        ({"kind": "practice"}, "needs `ref`: a public reference"),
        ({"kind": "design"}, "needs `reason`: one line on why"),
        ({"kind": "design", "reason": "x", "key_point": 5}, "go with a `paper` source"),
        ({"kind": "literature", "ref": "x", "reason": "y"}, "goes with a `design` source"),
        ({"kind": "anecdote", "ref": "x"}, "'paper', 'literature', 'practice' or 'design'"),
        ({"kind": "design", "reason": "x", "url": "y"}, "Extra inputs are not permitted"),
        (5, "a source is a mapping with `kind`"),
    ],
)
def test_a_source_must_fit_its_kind(source: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        rule(source)


def test_the_rules_schema_describes_both_forms_of_source() -> None:
    from curribuild.schemas import schema_for

    schema = schema_for("rules")
    text = json.dumps(schema)
    assert '"note"' in text
    source = schema["$defs"]["Source"]
    assert source["properties"]["kind"]["anyOf"][0]["enum"] == list(SOURCE_LABELS)
    assert {"key_point", "section", "says", "ref", "reason"} <= set(source["properties"])
    forms = schema["$defs"]["Rule"]["properties"]["source"]["anyOf"][0]["oneOf"]
    assert {f.get("type") or f.get("$ref") for f in forms} == {"string", "#/$defs/Source"}


# --- check: CB104 and CB316 ----------------------------------------------------------------


def with_rule_source(root: Path, source_yaml: str) -> None:
    write(
        root,
        "rules.yaml",
        "kind: rules\n"
        "rules:\n"
        "  - id: follow-up\n"
        "    description: Every programme gets a follow-up session.\n"
        f"    source: {source_yaml}\n"
        "    scope: programme\n"
        "    then:\n"
        "      add_session: {session: follow-up, title: Follow-up, method: guided-discussion,"
        " minutes: 90, weeks_after: 6}\n"
        "  - id: debrief-after-sensitive\n"
        "    description: Distressing case material is followed by a debrief.\n"
        "    source: {kind: design, reason: reactions are noticed before participants leave}\n"
        "    scope: programme\n"
        "    when: {fact: programme.any_sensitive, eq: true}\n"
        "    then:\n"
        "      add_session: {session: debrief, title: Debrief, method: guided-discussion,"
        " minutes: 30}\n",
    )


def test_cb104_rejects_a_source_without_kind(run_cli: RunCli, tmp_path: Path) -> None:
    root = copy_fixture("clean", tmp_path / "repo")
    with_rule_source(root, '{ref: "RAN HEALTH 2022, key point 6"}')
    status, findings = check_json(run_cli, cwd=root)
    assert status == 1
    assert located(findings) == ["rules.yaml:5:13 CB104"]
    (finding,) = findings
    assert finding["severity"] == "error"
    assert finding["rule"] == "follow-up"
    assert "has no `kind`" in finding["message"]
    assert "paper|literature|practice|design" in finding["fix"]


def test_cb316_warns_about_plain_text_and_still_loads(run_cli: RunCli, tmp_path: Path) -> None:
    root = copy_fixture("clean", tmp_path / "repo")
    with_rule_source(root, '"RAN HEALTH 2022, key point 6"')
    status, findings = check_json(run_cli, cwd=root)
    assert status == 0
    assert located(findings) == ["rules.yaml:5:13 CB316"]
    assert findings[0]["severity"] == "warning"
    assert "read as `kind: design`" in findings[0]["message"]
    strict, _ = check_json(run_cli, "--strict", cwd=root)
    assert strict == 1


def test_a_structured_source_checks_clean(run_cli: RunCli, tmp_path: Path) -> None:
    root = copy_fixture("clean", tmp_path / "repo")
    with_rule_source(
        root,
        "{kind: paper, key_point: 6, says: a follow-up session after each training is important}",
    )
    assert check_json(run_cli, "--strict", cwd=root) == (0, [])


def test_an_invalid_source_is_a_located_schema_error(run_cli: RunCli, tmp_path: Path) -> None:
    root = copy_fixture("clean", tmp_path / "repo")
    with_rule_source(root, "{kind: literature, says: constructive alignment}")
    status, findings = check_json(run_cli, cwd=root)
    assert status == 1
    assert located(findings, "CB102") == ["rules.yaml:5:13 CB102"]
    (invalid,) = [f for f in findings if f["code"] == "CB102"]
    assert "needs `ref`" in invalid["message"]


def test_sources_of_a_base_curriculum_are_not_reported(run_cli: RunCli, tmp_path: Path) -> None:
    """A repository extending one with plain-text sources is not blamed for them."""
    result = run_cli("init", "repo", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    root = tmp_path / "repo"
    with_rule_source(root / "rules", "{kind: design, reason: our own follow-up}")
    (root / "rules" / "local.yaml").unlink()
    (root / "rule-tests" / "local.yaml").unlink()
    _, findings = check_json(run_cli, cwd=root)
    assert [f for f in findings if f["code"] in {"CB104", "CB316"}] == []


@pytest.mark.parametrize(("code", "severity"), [("CB104", "error"), ("CB316", "warning")])
def test_the_new_codes_are_documented(run_cli: RunCli, code: str, severity: str) -> None:
    assert CODES[code].default_severity.value == severity
    result = run_cli("codes", code)
    assert result.exit_code == 0, result.output
    assert "## Instead" in result.stdout
    assert "kind:" in result.stdout


# --- rationales ----------------------------------------------------------------------------


def test_plan_rationales_name_the_kind_and_use_the_description(
    run_cli: RunCli, tmp_path: Path
) -> None:
    needs = BUNDLED_CURRICULUM / "needs" / "forensic-psychiatry-in-person.yaml"
    result = run_cli("plan", str(needs), "-o", str(tmp_path / "plan.json"), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    rules = bundled_rules()
    labels = tuple(SOURCE_LABELS.values())
    seen = set()
    for day in plan["days"]:
        for session in day["sessions"]:
            for reason in session["rationale"]:
                assert reason["source"] is None or reason["source"].startswith(labels), reason
                if reason["rule"] in rules:
                    rule_ = rules[reason["rule"]]
                    assert reason["description"] == rule_.description
                    assert reason["source"] == rule_.source
                    seen.add(reason["source"].split(":")[0])
    assert "literature" in seen  # skills-need-practice, for the skills goals
    md = run_cli(
        "render", "--plan", str(tmp_path / "plan.json"), "--format", "md", "-o", "-", cwd=tmp_path
    )
    assert md.exit_code == 0, md.output
    assert "; literature: Biggs and Tang" in md.stdout


def test_explain_names_the_kind_of_each_source(run_cli: RunCli, tmp_path: Path) -> None:
    needs = BUNDLED_CURRICULUM / "needs" / "forensic-psychiatry-in-person.yaml"
    result = run_cli("explain", str(needs), "--format", "json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    sources = {
        f["rule"]: f["source"]
        for entry in json.loads(result.stdout)
        for cand in entry["candidates"]
        for f in cand["fired"]
    }
    rules = bundled_rules()
    for rule_id, text in sources.items():
        if rule_id in rules:
            assert text == rules[rule_id].source
    assert sources["skills-need-practice"].startswith("literature: ")


# --- the bundled curriculum ----------------------------------------------------------------


def test_bundled_curriculum_checks_clean_under_strict(run_cli: RunCli) -> None:
    status, findings = check_json(run_cli, "--strict", str(BUNDLED_CURRICULUM), cwd=Path.cwd())
    assert (status, findings) == (0, [])


def test_every_bundled_rule_has_a_structured_source() -> None:
    rules = bundled_rules()
    assert len(rules) >= 40
    for rule_id, rule_ in rules.items():
        assert isinstance(rule_.source_field, Source), rule_id
        assert rule_.source_field.kind is not None, rule_id


def test_no_bundled_source_cites_an_internal_brief() -> None:
    for rule_id, rule_ in bundled_rules().items():
        assert "brief" not in (rule_.source or "").lower(), rule_id


def test_paper_sources_say_only_what_the_paper_says() -> None:
    """Each passage of a paper source's ``says`` is in its key point or section."""
    papers = 0
    for rule_id, rule_ in bundled_rules().items():
        cited = rule_.cited
        assert cited is not None
        if cited.kind != "paper":
            continue
        papers += 1
        where = cited.key_point if cited.key_point is not None else cited.section
        assert where in PAPER, rule_id
        assert cited.says is not None
        for passage in cited.says.split(";"):
            assert words(passage) in words(PAPER[where]), (rule_id, passage)
    assert papers >= 4


def test_thresholds_are_never_attributed_to_the_paper() -> None:
    """The paper states no number: a rule comparing with one is not a paper source."""
    for rule_id, rule_ in bundled_rules().items():
        cited = rule_.cited
        assert cited is not None
        conditions = json.dumps(rule_.model_dump(mode="json", by_alias=True)["when"])
        numbers = re.findall(r'"(?:gt|gte|lt|lte)": (\d+)', conditions)
        if any(int(n) > 2 for n in numbers):
            assert cited.kind != "paper", rule_id
            assert cited.kind != "design" or cited.reason, rule_id


def test_literature_and_practice_sources_name_a_public_reference() -> None:
    for rule_id, rule_ in bundled_rules().items():
        cited = rule_.cited
        assert cited is not None
        if cited.kind in {"literature", "practice"}:
            assert cited.ref is not None, rule_id
            assert re.search(r"\b(19|20)\d\d\b|https://|doi:", cited.ref), rule_id


def test_bundled_descriptions_are_written_for_coordinators() -> None:
    """Plain words: no rule ids, fact paths or effect names; author notes go to ``note``."""
    cur, _ = Workspace().load_curriculum(BUNDLED_CURRICULUM)
    ids = set(cur.rules)
    jargon = re.compile(r"\b(goal|method|needs|programme)\.[a-z_]+|\bscore\b|\bfires?\b")
    for rule_id, rule_ in bundled_rules().items():
        text = rule_.description
        assert not any(re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text) for i in ids), rule_id
        assert not jargon.search(text), rule_id
        assert len(text) <= 400, rule_id
