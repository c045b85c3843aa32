"""``kind: config``: a curriculum's settings and a repository's check settings."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from curribuild.models.common import Domain, Model, Severity, Slug, Text
from curribuild.models.goals import Evaluation

Code = Annotated[str, StringConstraints(pattern=r"^CB[0-9]{3}$")]
CodeSelector = Annotated[str, StringConstraints(pattern=r"^CB[0-9]{0,3}$")]


class StigmaTerm(Model):
    term: Text
    suggestion: Text


class LimitsConfig(Model):
    max_bytes: Annotated[int, Field(gt=0, le=1_000_000_000)] = 10_000_000
    max_depth: Annotated[int, Field(gt=1, le=1000)] = 64
    max_seconds: Annotated[float, Field(gt=0, le=86_400)] | None = None


Weight = Annotated[int, Field(ge=0, le=1_000_000)]


class GapWeights(Model):
    """Value of one scheduled goal that meets a gap, by the gap's priority."""

    high: Weight = 1000
    medium: Weight = 400
    low: Weight = 150


class Weights(Model):
    """The planner's objective, as data. Terms in falling order of weight:

    - ``gap``: each scheduled goal meeting a gap (optional goals count
      ``optional_percent`` of it), and ``gap_met`` once for every medium or low
      gap with at least one goal (high gaps must be met: a hard constraint);
    - ``method_score``: times the rules' score of each goal's chosen method;
    - ``shortened_minute``: cost of each minute a goal is shortened below its default
      (high: a goal is shortened only when the request cannot be met otherwise);
    - ``pedagogy``: cost of each pair taught against Bloom order within a topic,
      and of a sensitive goal scheduled before a self-care goal of the programme;
    - ``learning_type`` and ``perspective``: each learning type and perspective covered;
    - ``unrequested_goal``: cost of a goal taken in only to avoid a rule's warning;
    - ``position``: cost per block that a foundation goal is taught later.

    Above all of them, each avoidable rule warning (``avoid: true``) costs more than
    every other term together; below all of them, a tie between equally scored
    methods goes to the one earlier in the catalogue.
    """

    gap: GapWeights = GapWeights()
    gap_met: Weight = 300
    optional_percent: Annotated[int, Field(ge=0, le=100)] = 60
    method_score: Weight = 20
    shortened_minute: Weight = 50
    pedagogy: Weight = 15
    learning_type: Weight = 10
    perspective: Weight = 10
    unrequested_goal: Weight = 50
    position: Weight = 1


class SolverSettings(Model):
    """Limits of the optimisation. ``deterministic_seconds`` is CP-SAT's deterministic
    time (work units, not the wall clock), so the same inputs give the same plan."""

    deterministic_seconds: Annotated[float, Field(gt=0, le=3600)] = 10.0
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0


class Planning(Model):
    """Curriculum-level planning settings (data, not code)."""

    online_day_minutes: Annotated[int, Field(gt=0, le=1440)] = 300
    evaluation_defaults: dict[Domain, Evaluation] = {}
    weights: Weights = Weights()
    solver: SolverSettings = SolverSettings()
    # methods that work with case material: when the needs say the cases are
    # distressing (`context.sensitive_case_material`), a session taught with one of
    # them is followed directly by the debrief, as a sensitive goal is
    case_material_methods: list[Slug] = []
    # goals of these topics are taught before the sensitive goals of the programme
    # (self-care before distressing material)
    before_sensitive_topics: list[Slug] = []


class Config(Model):
    kind: Literal["config"]
    version: Literal[1] = 1
    name: Slug | None = None
    title: Text | None = None
    extends: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    disable_rules: list[Slug] = []
    planning: Planning = Planning()
    severity: Annotated[
        dict[Code, Severity], Field(json_schema_extra={"additionalProperties": False})
    ] = {}
    select: list[CodeSelector] = []
    ignore: list[CodeSelector] = []
    stigma_terms: list[StigmaTerm] = []
    include: list[Annotated[str, Field(min_length=1)]] = []
    exclude: list[Annotated[str, Field(min_length=1)]] = []
    limits: LimitsConfig = LimitsConfig()
