"""The plan: curribuild's public, versioned output format (plan.json).

Written with sorted keys, 2-space indent and a trailing newline; the JSON
Schema (``curribuild schema --kind plan``) is generated from these models.
Bump ``SCHEMA_VERSION`` on any incompatible change.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from curribuild.findings import Finding

SCHEMA_VERSION = 2

SessionKind = Literal["teaching", "break", "lunch", "debrief", "reflection"]


class PlanModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rationale(PlanModel):
    description: str = ""
    effect: str
    rule: str
    source: str | None = None


class Session(PlanModel):
    end: str
    goals: list[str] = []
    kind: SessionKind
    learning_type: str | None = None
    method: str | None = None
    method_name: str | None = None
    minutes: int
    part: int | None = None
    parts: int | None = None
    prepare: str | None = None  # what participants prepare for it (the method's words)
    rationale: list[Rationale] = []
    # what the method needs to run (its catalogue ``requires``); None: not a method
    # session, or a plan written before plans carried it
    requires: list[str] | None = None
    rule: str | None = None
    sensitive: bool = False
    start: str
    title: str


class Day(PlanModel):
    date: str | None
    day: int
    delivery: str
    sessions: list[Session]


class FollowUp(PlanModel):
    date: str | None
    evaluation: str
    goals: list[str]
    instrument: str
    # the catalogue instruments (kind: instruments) whose forms it uses, by id
    instruments: list[str] = []
    method: str | None
    method_name: str | None = None
    minutes: int
    prepare: str | None = None  # what participants prepare (the rule's words)
    requires: list[str] | None = None  # the method's catalogue ``requires``
    rule: str
    title: str
    weeks_after: int


class PreWork(PlanModel):
    """A self-paced module participants complete on their own before the first day,
    outside the contact time (in prerequisite order)."""

    goals: list[str]
    learning_type: str
    method: str
    method_name: str
    minutes: int
    prepare: str | None = None  # what participants prepare (the method's words)
    rationale: list[Rationale] = []
    requires: list[str] = []  # the method's catalogue ``requires``
    title: str


class Alternative(PlanModel):
    """An eligible method the goal did not get, with its rules score."""

    method: str
    score: int


class ScheduledGoal(PlanModel):
    alternatives: list[Alternative] = []
    bloom: str
    default_minutes: int
    domain: str
    id: str
    method: str
    minutes: int
    perspectives: list[str]
    reason: str  # why this method, and what it beat
    required: bool
    sensitive: bool
    statement: str
    tie: bool = False  # the method was decided by catalogue order alone
    title: str
    topics: list[str]
    why: str  # why the goal is in the plan


class DroppedGoal(PlanModel):
    id: str
    lost_to: list[str] = []
    minutes: int = 0  # the least it would have cost
    reason: str
    title: str


class Goals(PlanModel):
    dropped: list[DroppedGoal]
    scheduled: list[ScheduledGoal]


class GapCoverage(PlanModel):
    goals: list[str]
    priority: str
    topic: str


class Coverage(PlanModel):
    """Minutes of the contact time (the days' teaching sessions; pre-work is counted
    apart, in ``pre_work``), and the goals meeting each gap (pre-work included)."""

    domains: dict[str, int]
    gaps: list[GapCoverage]
    learning_types: dict[str, int]
    perspectives: dict[str, int]


class EvaluationItem(PlanModel):
    """How one goal (or one follow-up, ``goal: follow-up:<rule>``) is evaluated.

    ``instrument`` names the form: the catalogue instrument's name when the curriculum
    has one for the level (``instrument_id``), else the goal's own words. ``task`` is
    the goal's own words on what is assessed, when a catalogue form records it.
    """

    goal: str
    instrument: str
    instrument_id: str | None = None
    level: str
    method: str | None = None  # the method that teaches the goal
    reaction_id: str | None = None  # the catalogue's reaction form for its session
    task: str | None = None
    title: str
    when: str


class InstrumentScale(PlanModel):
    high: str
    low: str
    max: int
    min: int


class PlanInstrument(PlanModel):
    """A catalogue instrument the plan uses, as ``render --format evaluation`` writes it
    and ``evaluate`` reads it back (items keep their {statement} and {title} holes)."""

    description: str | None = None
    form: Literal["reaction", "pre-post", "follow-up", "log"]
    items: list[str]
    level: str
    name: str
    rated_by: str
    scale: InstrumentScale | None = None


class PlanFinding(PlanModel):
    """A :class:`~curribuild.findings.Finding` as plan.json holds it: made only by
    :meth:`from_finding`, so a plan's findings have the one type the rest of curribuild
    uses, and this is its serialisation."""

    code: str
    message: str
    rule: str | None = None
    severity: str

    @classmethod
    def from_finding(cls, finding: Finding) -> PlanFinding:
        """``finding`` in plan.json: a placed finding's message starts with its place
        (``needs.yaml:3:5: ...``); its fix and field are not part of the format."""
        where = finding.located()
        return cls(
            code=finding.code,
            message=f"{where}: {finding.message}" if where else finding.message,
            rule=finding.rule or None,
            severity=finding.severity.value,
        )


class NeedsSummary(PlanModel):
    certified_training: str | None = None  # the tool whose certified user training this is
    day_end: str
    day_start: str
    delivery: str
    experience: str
    id: str
    participants: int
    pre_work_minutes: int = 0  # the pre-work time the request sets aside
    professions: list[str]
    settings: list[str]
    start_date: str | None
    timezone: str
    title: str


class CurriculumSummary(PlanModel):
    digest: str
    layers: list[str]
    name: str


class Totals(PlanModel):
    available_minutes: int
    days: int
    goals_dropped: int
    goals_scheduled: int
    pre_work_minutes: int = 0  # self-paced, before the first day: not in teaching_minutes
    sessions: int
    teaching_minutes: int  # the contact time: teaching sessions of the days


class SolverInfo(PlanModel):
    """The optimisation that made the plan, in two stages: first goals, methods and
    lengths (``objective``, with ``bound`` the best any plan could reach), then the
    order of sessions among plans of that value (``order_objective``/``order_bound``).
    ``status`` is ``optimal`` when both stages were proven optimal, ``feasible`` when
    the deterministic limit stopped either first."""

    bound: int
    deterministic_limit: float
    name: str
    objective: int
    order_bound: int
    order_objective: int
    status: Literal["optimal", "feasible"]
    ties: list[str] = []
    version: str


class Plan(PlanModel):
    # what each ``requires`` tag of the plan's sessions asks the coordinator to arrange,
    # in the curriculum's words (tags it gives no words for are not listed)
    arrangements: dict[str, str] = {}
    coverage: Coverage
    curriculum: CurriculumSummary
    days: list[Day]
    evaluation: list[EvaluationItem]
    findings: list[PlanFinding]
    follow_up: list[FollowUp]
    goals: Goals
    # the catalogue instruments the evaluation uses, by id
    instruments: dict[str, PlanInstrument] = {}
    needs: NeedsSummary
    pre_work: list[PreWork] = []
    schema_version: Literal[2] = 2
    solver: SolverInfo
    totals: Totals

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, 2-space indent, trailing newline.

        The same bytes as ``json.dumps(..., indent=2, sort_keys=True,
        ensure_ascii=False)`` (a test holds it to that), written by pydantic-core's
        serializer: the standard library falls back to its pure-Python encoder
        when indenting, which was the slowest step of planning a large programme.
        """
        # fields are declared in alphabetical order and the planner inserts dict keys
        # sorted, so pydantic-core's own output is already canonical
        return self.model_dump_json(indent=2) + "\n"


def plan_schema() -> dict[str, object]:
    """JSON Schema of the plan format."""
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://curribuild.invalid/schemas/plan-v2.json"
    return schema
