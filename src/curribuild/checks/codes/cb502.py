"""CB502 risk-tool-without-safeguards: Risk-tool use is taught without a certified trainer or booster.

## What it finds

A goal on a risk-assessment topic (`risk_topics` in `curribuild/data/safety.yaml`)
above the awareness level (Bloom above `understand`) whose chosen method does
not require a certified trainer (the `certified-trainer` tag in the method's
`requires:`), or a curriculum with such goals and no follow-up (booster)
session rule.

## Why it matters

Structured professional judgement tools such as VERA-2R are used only after
certified training, with obligatory refresher days and peer consultation; they
are not screening instruments. Trained users who lack supervision, intervision
or booster training afterwards are a known weakness in practice.

## Example

    - id: vera-coding
      topics: [risk-assessment-tools]
      bloom: apply            # matched to a lecture

## Instead

    a rule `require: [risk-tool-coding]` for such goals, a method that
    `requires: [certified-trainer]`, and a follow-up (booster) session rule
"""

from __future__ import annotations

from collections.abc import Iterator

from curribuild.checks.codes.cb501 import has_session_rule
from curribuild.checks.context import LintContext
from curribuild.checks.lintdata import safety
from curribuild.findings import Finding, Severity
from curribuild.models.common import BLOOM_LEVELS

CODE = "CB502"
NAME = "risk-tool-without-safeguards"
SUMMARY = "Risk-tool use is taught without a certified trainer or booster."
DEFAULT_SEVERITY = Severity.WARNING


def check(ctx: LintContext) -> Iterator[Finding]:
    from curribuild.engine.match import Matcher
    from curribuild.models.needs import Needs

    data = safety()
    limit = BLOOM_LEVELS.index(data.awareness_max_bloom)
    risky = [
        (gid, origin)
        for gid, origin in ctx.own_goals()
        if set(ctx.cur.goals[gid].topics) & set(data.risk_topics)
        and BLOOM_LEVELS.index(ctx.cur.goals[gid].bloom) > limit
    ]
    if not risky:
        return
    prepared = Matcher(
        ctx.cur.rules.values(), list(ctx.cur.methods.values()), ctx.cur.evidence
    ).prepare(Needs.model_validate({"kind": "needs", "id": "lint", "title": "lint"}))
    booster = has_session_rule(ctx, data.booster_session)
    for gid, origin in risky:
        decision = prepared.decide(ctx.cur.goals[gid])
        method = ctx.cur.methods.get(decision.winner or "")
        if method is not None and data.certified_trainer_tag not in method.requires:
            yield ctx.locator.finding(
                CODE,
                f"goal {gid!r} uses risk tools beyond awareness but its method {method.id!r} "
                f"does not require a {data.certified_trainer_tag}",
                origin,
                ("bloom",),
                fix=f"require a method whose `requires:` lists {data.certified_trainer_tag}",
                severity=DEFAULT_SEVERITY,
            )
        if not booster:
            yield ctx.locator.finding(
                CODE,
                f"goal {gid!r} uses risk tools beyond awareness but no rule adds a "
                f"{data.booster_session} (booster) session",
                origin,
                ("topics",),
                fix="add a programme rule with add_session: {session: follow-up, ...}",
                severity=DEFAULT_SEVERITY,
            )
