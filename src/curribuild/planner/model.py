"""The plan: curribuild's public, versioned output format (plan.json).

Written with sorted keys, 2-space indent and a trailing newline; the JSON
Schema (``curribuild schema --kind plan``) is generated from these models.
Bump ``SCHEMA_VERSION`` on any incompatible change.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic_core import to_json

SCHEMA_VERSION = 1

SessionKind = Literal["teaching", "break", "lunch", "debrief", "reflection"]


class PlanModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rationale(PlanModel):
    rule: str
    effect: str
    description: str = ""
    source: str | None = None


class Session(PlanModel):
    start: str
    end: str
    kind: SessionKind
    title: str
    method: str | None = None
    method_name: str | None = None
    learning_type: str | None = None
    goals: list[str] = []
    minutes: int
    part: int | None = None
    parts: int | None = None
    sensitive: bool = False
    rationale: list[Rationale] = []
    rule: str | None = None


class Day(PlanModel):
    day: int
    date: str | None
    delivery: str
    sessions: list[Session]


class FollowUp(PlanModel):
    title: str
    method: str | None
    method_name: str | None = None
    weeks_after: int
    date: str | None
    minutes: int
    goals: list[str]
    evaluation: str
    instrument: str
    rule: str


class ScheduledGoal(PlanModel):
    id: str
    title: str
    statement: str
    domain: str
    bloom: str
    perspectives: list[str]
    topics: list[str]
    minutes: int
    method: str
    reason: str
    required: bool
    why: str
    sensitive: bool


class DroppedGoal(PlanModel):
    id: str
    title: str
    reason: str


class Goals(PlanModel):
    scheduled: list[ScheduledGoal]
    dropped: list[DroppedGoal]


class GapCoverage(PlanModel):
    topic: str
    priority: str
    goals: list[str]


class Coverage(PlanModel):
    perspectives: dict[str, int]
    learning_types: dict[str, int]
    domains: dict[str, int]
    gaps: list[GapCoverage]


class EvaluationItem(PlanModel):
    goal: str
    title: str
    level: str
    instrument: str
    when: str


class PlanFinding(PlanModel):
    code: str
    severity: str
    message: str
    rule: str | None = None


class NeedsSummary(PlanModel):
    id: str
    title: str
    delivery: str
    participants: int
    experience: str
    professions: list[str]
    settings: list[str]
    start_date: str | None
    timezone: str
    day_start: str
    day_end: str


class CurriculumSummary(PlanModel):
    name: str
    layers: list[str]
    digest: str


class Totals(PlanModel):
    days: int
    teaching_minutes: int
    sessions: int
    goals_scheduled: int
    goals_dropped: int
    available_minutes: int


class Plan(PlanModel):
    schema_version: Literal[1] = 1
    needs: NeedsSummary
    curriculum: CurriculumSummary
    days: list[Day]
    follow_up: list[FollowUp]
    goals: Goals
    coverage: Coverage
    evaluation: list[EvaluationItem]
    findings: list[PlanFinding]
    totals: Totals

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, 2-space indent, trailing newline.

        The same bytes as ``json.dumps(..., indent=2, sort_keys=True,
        ensure_ascii=False)``, written by pydantic-core's serializer: the standard
        library falls back to its pure-Python encoder when indenting, which is
        the slowest step of planning a large programme.
        """
        return to_json(_sorted(self.model_dump(mode="json")), indent=2).decode("utf-8") + "\n"


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def plan_schema() -> dict[str, object]:
    """JSON Schema of the plan format."""
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://curribuild.invalid/schemas/plan-v1.json"
    return schema
