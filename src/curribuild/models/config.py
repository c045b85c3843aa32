"""``kind: config``: a curriculum's settings and a repository's check settings."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from curribuild.models.common import Domain, Model, Severity, Slug, Text
from curribuild.models.goals import Evaluation

Code = Annotated[str, StringConstraints(pattern=r"^CB[0-9]{3}$")]
CodeSelector = Annotated[str, StringConstraints(pattern=r"^CB[0-9]{0,3}$")]


class StigmaTerm(Model):
    """Extra wording for the stigma lint (CB401) to flag."""

    term: Annotated[Text, Field(description="The wording to flag; variants of one term as `a|b`.")]
    suggestion: Annotated[Text, Field(description="What to write instead.")]


class LimitsConfig(Model):
    """Limits of `curribuild check`."""

    max_bytes: Annotated[
        int, Field(gt=0, le=1_000_000_000, description="Size limit per file, in bytes.")
    ] = 10_000_000
    max_depth: Annotated[
        int, Field(gt=1, le=1000, description="Deepest nesting of a YAML document.")
    ] = 64
    max_seconds: Annotated[
        Annotated[float, Field(gt=0, le=86_400)] | None,
        Field(description="Time budget of a check in seconds; past it, CB015."),
    ] = None


Weight = Annotated[int, Field(ge=0, le=1_000_000)]


class GapWeights(Model):
    """Value of one scheduled goal that meets a gap, by the gap's priority."""

    high: Annotated[Weight, Field(description="Per goal meeting a high gap.")] = 1000
    medium: Annotated[Weight, Field(description="Per goal meeting a medium gap.")] = 400
    low: Annotated[Weight, Field(description="Per goal meeting a low gap.")] = 150


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

    gap: Annotated[
        GapWeights, Field(description="Each scheduled goal meeting a gap, by its priority.")
    ] = GapWeights()
    gap_met: Annotated[Weight, Field(description="Once for each medium or low gap met at all.")] = (
        300
    )
    optional_percent: Annotated[
        int,
        Field(ge=0, le=100, description="An optional goal counts this share of its gap's weight."),
    ] = 60
    method_score: Annotated[
        Weight, Field(description="Times the rules' score of each goal's chosen method.")
    ] = 20
    shortened_minute: Annotated[
        Weight, Field(description="Cost of each minute a goal is taught below its default.")
    ] = 50
    pedagogy: Annotated[
        Weight,
        Field(description="Second stage: cost of each pair taught against Bloom order in a topic."),
    ] = 15
    learning_type: Annotated[Weight, Field(description="Each learning type used.")] = 10
    perspective: Annotated[Weight, Field(description="Each perspective covered.")] = 10
    unrequested_goal: Annotated[
        Weight, Field(description="Cost of a goal taken in only to avoid a rule's warning.")
    ] = 50
    position: Annotated[
        Weight,
        Field(description="Second stage: cost per block a foundation goal comes later."),
    ] = 1


class SolverSettings(Model):
    """Limits of the optimisation. ``deterministic_seconds`` is CP-SAT's deterministic
    time (work units, not the wall clock), so the same inputs give the same plan."""

    deterministic_seconds: Annotated[
        float,
        Field(
            gt=0,
            le=3600,
            description="CP-SAT's deterministic time limit (work units, not the wall clock).",
        ),
    ] = 10.0
    seed: Annotated[int, Field(ge=0, le=2**31 - 1, description="The solver's random seed.")] = 0


class Planning(Model):
    """Curriculum-level planning settings (data, not code)."""

    online_day_minutes: Annotated[
        int, Field(gt=0, le=1440, description="Most minutes of teaching in an online day.")
    ] = 300
    evaluation_defaults: Annotated[
        dict[Domain, Evaluation],
        Field(description="Evaluation of goals that set none, by domain."),
    ] = {}
    weights: Annotated[Weights, Field(description="The planner's objective weights.")] = Weights()
    solver: Annotated[SolverSettings, Field(description="Limits of the optimisation.")] = (
        SolverSettings()
    )
    case_material_methods: Annotated[
        list[Slug],
        Field(
            description="Methods that work with case material: when the needs say the cases "
            "are distressing (context.sensitive_case_material), their sessions are followed "
            "directly by a debrief, as sensitive goals are."
        ),
    ] = []
    before_sensitive_topics: Annotated[
        list[Slug],
        Field(
            description="Goals of these topics are taught before the programme's sensitive "
            "goals (e.g. self-care before distressing material)."
        ),
    ] = []
    arrangements: Annotated[
        dict[Slug, Text],
        Field(
            description="What each `requires` tag of the methods asks the coordinator to "
            "arrange, in words (the plan's list of arrangements); a tag without words is "
            "shown as its name."
        ),
    ] = {}


class Config(Model):
    """A curriculum's settings and a repository's check settings (`kind: config`)."""

    kind: Annotated[Literal["config"], Field(description="The document kind: config.")]
    version: Annotated[Literal[1], Field(description="Format version: 1.")] = 1
    name: Annotated[Slug | None, Field(description="The curriculum's name (lower-case slug).")] = (
        None
    )
    title: Annotated[Text | None, Field(description="The curriculum's title.")] = None
    extends: Annotated[
        Annotated[str, Field(min_length=1, max_length=500)] | None,
        Field(
            description="A curriculum this one builds on: a bundled name (ran-health-pcve) "
            "or a relative folder."
        ),
    ] = None
    disable_rules: Annotated[
        list[Slug],
        Field(description="Ids of inherited or built-in rules to switch off."),
    ] = []
    planning: Annotated[
        Planning, Field(description="Planning settings: weights, solver, evaluation defaults.")
    ] = Planning()
    severity: Annotated[
        dict[Code, Severity],
        Field(
            json_schema_extra={"additionalProperties": False},
            description="Severity per check code, e.g. {CB401: error}.",
        ),
    ] = {}
    select: Annotated[
        list[CodeSelector],
        Field(description="Only these check codes or prefixes (e.g. CB1, CB401)."),
    ] = []
    ignore: Annotated[
        list[CodeSelector], Field(description="Skip these check codes or prefixes.")
    ] = []
    stigma_terms: Annotated[
        list[StigmaTerm],
        Field(description="Extra wording to flag (CB401), each with a suggestion."),
    ] = []
    include: Annotated[
        list[Annotated[str, Field(min_length=1)]],
        Field(
            description="Only check files matching these gitignore-style patterns, "
            "relative to this file's folder."
        ),
    ] = []
    exclude: Annotated[
        list[Annotated[str, Field(min_length=1)]],
        Field(
            description="Skip files matching these gitignore-style patterns, relative to "
            "this file's folder."
        ),
    ] = []
    limits: Annotated[
        LimitsConfig, Field(description="Size, depth and time limits of `curribuild check`.")
    ] = LimitsConfig()
