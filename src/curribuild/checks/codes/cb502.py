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
from curribuild.checks.context import GoalCheck, LintContext
from curribuild.checks.lintdata import safety
from curribuild.curriculum import Origin
from curribuild.findings import Finding, Severity
from curribuild.models.common import BLOOM_LEVELS
from curribuild.models.goals import Goal

CODE = "CB502"
NAME = "risk-tool-without-safeguards"
SUMMARY = "Risk-tool use is taught without a certified trainer or booster."
DEFAULT_SEVERITY = Severity.WARNING
SCOPE = "goal"


def prepare(ctx: LintContext) -> GoalCheck:
    from curribuild.engine.match import Matcher, Prepared
    from curribuild.models.needs import Needs

    data = safety()
    limit = BLOOM_LEVELS.index(data.awareness_max_bloom)
    risk_topics = set(data.risk_topics)
    prepared: list[Prepared] = []  # made at the first risky goal: most curricula have none
    booster = has_session_rule(ctx, data.booster_session)

    def check(goal: Goal, origin: Origin) -> Iterator[Finding]:
        if not (risk_topics & set(goal.topics) and BLOOM_LEVELS.index(goal.bloom) > limit):
            return
        if not prepared:
            matcher = Matcher(
                ctx.cur.rules.values(), list(ctx.cur.methods.values()), ctx.cur.evidence
            )
            prepared.append(
                matcher.prepare(
                    Needs.model_validate({"kind": "needs", "id": "lint", "title": "lint"})
                )
            )
        decision = prepared[0].decide(goal)
        method = ctx.cur.methods.get(decision.winner or "")
        if method is not None and data.certified_trainer_tag not in method.requires:
            yield ctx.locator.finding(
                CODE,
                f"goal {goal.id!r} uses risk tools beyond awareness but its method "
                f"{method.id!r} does not require a {data.certified_trainer_tag}",
                origin,
                ("bloom",),
                fix=f"require a method whose `requires:` lists {data.certified_trainer_tag}",
            )
        if not booster:
            yield ctx.locator.finding(
                CODE,
                f"goal {goal.id!r} uses risk tools beyond awareness but no rule adds a "
                f"{data.booster_session} (booster) session",
                origin,
                ("topics",),
                fix="add a programme rule with add_session: {session: follow-up, ...}",
            )

    return check
