"""The cross-document checks of a curriculum that make it unfit to plan from: unknown
goals, methods, facts and rules, impossible conditions and prerequisite cycles."""

from __future__ import annotations

from curribuild.checks.context import LintContext
from curribuild.checks.index import GoalIndex
from curribuild.checks.registry import REFERENCE_CHECKS
from curribuild.curriculum import Curriculum
from curribuild.findings import Finding


def check_curriculum(cur: Curriculum, index: GoalIndex | None = None) -> list[Finding]:
    """The reference checks (registry.REFERENCE_CHECKS) on the curriculum's own items;
    its goals are read from ``index`` when ``check`` streamed them."""
    ctx = LintContext(cur, [], cur.locator, index=index)
    return [finding for check in REFERENCE_CHECKS for finding in check.check(ctx)]
