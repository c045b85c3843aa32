"""Running ``rule-tests`` cases against a curriculum's rules (CB6xx findings)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from curribuild.checks.codes import cb601, cb602, cb603
from curribuild.curriculum import Curriculum, Origin
from curribuild.engine.evidence import EvidenceFacts
from curribuild.engine.match import Matcher
from curribuild.engine.programme import ProgrammeRules
from curribuild.findings import Finding
from curribuild.models.goals import Goal
from curribuild.models.needs import Needs
from curribuild.models.programme import ProgrammeFacts
from curribuild.models.ruletests import Case
from curribuild.validate import display_path

DEFAULT_GOAL: dict[str, Any] = {
    "id": "case-goal",
    "title": "Rule-test goal",
    "statement": "Explain the case.",
    "domain": "knowledge",
    "bloom": "understand",
    "topics": ["case-topic"],
    "minutes": 60,
}
DEFAULT_NEEDS: dict[str, Any] = {"kind": "needs", "id": "case-needs", "title": "Rule-test needs"}


def deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``extra`` over ``base``: mappings merge key by key, any other value replaces."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def run_cases(cur: Curriculum, only_own: bool = True) -> list[Finding]:
    """Run every rule-test case of the curriculum; failures are CB601-CB603."""
    findings: list[Finding] = []
    matcher = Matcher(cur.rules.values(), list(cur.methods.values()))
    programme = ProgrammeRules.compile(cur.rules.values())
    for case, origin in cur.cases:
        if only_own and not cur.owns(origin):
            continue
        findings.extend(_run_case(cur, matcher, programme, case, origin))
    return findings


def _invalid(cur: Curriculum, origin: Origin, part: str, exc: ValidationError) -> list[Finding]:
    out = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = ("given", part, *err["loc"])
        shown = display_path(tuple(err["loc"]))
        out.append(
            cur.locator.finding(
                cb602.CODE,
                f"case given.{part}: {shown + ': ' if shown else ''}"
                f"{str(err['msg']).removeprefix('Value error, ')}",
                origin,
                loc,
            )
        )
    return out


def _run_case(
    cur: Curriculum, matcher: Matcher, programme: ProgrammeRules, case: Case, origin: Origin
) -> list[Finding]:
    given = case.given
    try:
        needs = Needs.model_validate(deep_merge(DEFAULT_NEEDS, given.needs))
    except ValidationError as exc:
        return _invalid(cur, origin, "needs", exc)
    problems: list[Finding] = []
    known_rules = set(cur.rules)
    for field_name in ("fires", "not_fires"):
        for index, rule_id in enumerate(getattr(case.expect, field_name)):
            if rule_id not in known_rules:
                problems.append(
                    cur.locator.finding(
                        cb603.CODE,
                        f"case {case.id!r} names unknown rule {rule_id!r}",
                        origin,
                        ("expect", field_name, index),
                    )
                )
    method_ids = [
        *(given.methods or []),
        *given.evidence,
        *case.expect.excluded,
        *case.expect.eligible,
        *([case.expect.method] if case.expect.method else []),
    ]
    for method_id in dict.fromkeys(method_ids):
        if method_id not in cur.methods:
            problems.append(
                cur.locator.finding(
                    cb603.CODE, f"case {case.id!r} names unknown method {method_id!r}", origin
                )
            )
    if problems:
        return problems
    if case.scope == "programme":
        try:
            facts = ProgrammeFacts.model_validate(given.programme)
        except ValidationError as exc:
            return _invalid(cur, origin, "programme", exc)
        fired = programme.evaluate(needs, facts)
        fired_ids = {f.rule for f in fired}
        sessions = {f.value.session for f in fired if f.effect == "add_session"}
        failures = _expect_fires(case, fired_ids)
        missing = [s for s in case.expect.sessions if s not in sessions]
        if missing:
            failures.append(f"expected session(s) {', '.join(missing)} not added")
        return _failures(cur, case, origin, failures, sorted(fired_ids))
    try:
        goal = Goal.model_validate(deep_merge(DEFAULT_GOAL, given.goal))
    except ValidationError as exc:
        return _invalid(cur, origin, "goal", exc)
    methods = (
        [cur.methods[m] for m in given.methods] if given.methods else list(cur.methods.values())
    )
    evidence: dict[tuple[str, str], EvidenceFacts] = {
        (method_id, goal.domain): EvidenceFacts(
            reaction=facts.reaction,
            gain=facts.gain,
            n=facts.n,
            reaction_n=facts.n,
            records=("rule-test",),
        )
        for method_id, facts in given.evidence.items()
    }
    decision = matcher.with_methods(methods).prepare(needs, evidence or None).decide(goal)
    fired_ids = set(decision.fired_rules)
    failures = _expect_fires(case, fired_ids)
    expect = case.expect
    if expect.method and decision.winner != expect.method:
        failures.append(
            f"expected method {expect.method!r}, got {decision.winner!r} ({decision.reason})"
        )
    if expect.no_method and decision.winner is not None:
        failures.append(f"expected no eligible method, got {decision.winner!r}")
    for method_id in expect.excluded:
        cand = decision.candidate(method_id)
        if cand is not None and cand.eligible:
            failures.append(f"expected {method_id!r} to be excluded, but it is eligible")
    for method_id in expect.eligible:
        cand = decision.candidate(method_id)
        if cand is not None and not cand.eligible:
            failures.append(
                f"expected {method_id!r} to be eligible, but {', '.join(cand.excluded_by)} "
                "excluded it"
            )
    return _failures(cur, case, origin, failures, sorted(fired_ids))


def _expect_fires(case: Case, fired: set[str]) -> list[str]:
    failures = []
    for rule_id in case.expect.fires:
        if rule_id not in fired:
            failures.append(f"expected rule {rule_id!r} to fire")
    for rule_id in case.expect.not_fires:
        if rule_id in fired:
            failures.append(f"expected rule {rule_id!r} not to fire")
    return failures


def _failures(
    cur: Curriculum, case: Case, origin: Origin, failures: list[str], fired: list[str]
) -> list[Finding]:
    if not failures:
        return []
    return [
        cur.locator.finding(
            cb601.CODE,
            f"rule test {case.id!r} failed: {'; '.join(failures)} "
            f"(fired: {', '.join(fired) or 'none'})",
            origin,
            ("expect",),
            fix="fix the rules or the case's expectation",
        )
    ]
