"""``kind: goals``: learning goals, the unit of a curriculum."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import Field, WithJsonSchema, model_validator

from curribuild.models.common import (
    Bloom,
    Domain,
    Experience,
    GoalPriority,
    Kirkpatrick,
    Model,
    Perspective,
    Slug,
    Text,
)

_LENGTH = {"type": "integer", "exclusiveMinimum": 0, "maximum": 1440}
_MINUTES_SCHEMA: dict[str, Any] = {
    "anyOf": [
        _LENGTH,
        {
            "type": "object",
            "properties": {
                "min": {**_LENGTH, "description": "The shortest length, in minutes."},
                "default": {**_LENGTH, "description": "The usual length, in minutes."},
            },
            "required": ["default"],
            "additionalProperties": False,
        },
    ],
    "description": "Length in minutes, or a range {min, default}: the planner may shorten "
    "the goal down to min when a short format needs it.",
}


class Evaluation(Model):
    """How the goal's learning is evaluated."""

    level: Annotated[
        Kirkpatrick,
        Field(description="Kirkpatrick level evaluated: reaction, learning, behaviour or results."),
    ]
    instrument: Annotated[
        Text, Field(description="The instrument, e.g. a short scenario quiz or a feedback form.")
    ]


class AudienceFilter(Model):
    """Restricts a goal to some audiences; an absent list means any."""

    experience: Annotated[
        list[Experience] | None,
        Field(description="Experience levels the goal is for (none, basic, advanced)."),
    ] = None
    professions: Annotated[
        list[Slug] | None,
        Field(description="Professions the goal is for, matched against the needs' audience."),
    ] = None
    settings: Annotated[
        list[Slug] | None,
        Field(description="Work settings the goal is for, matched against the needs' audience."),
    ] = None


class Goal(Model):
    """A learning goal: what participants can do afterwards, and how long it takes."""

    id: Annotated[Slug, Field(description="Unique id (lower-case slug), used by `requires:`.")]
    title: Annotated[Text, Field(description="Short title shown in the programme.")]
    statement: Annotated[
        Text,
        Field(
            description="What participants can do afterwards, starting with an observable verb "
            "that fits the Bloom level (e.g. 'Explain ...', 'Apply ...')."
        ),
    ]
    domain: Annotated[Domain, Field(description="Learning domain: knowledge, skills or attitudes.")]
    bloom: Annotated[
        Bloom,
        Field(description="Bloom level: remember, understand, apply, analyse, evaluate or create."),
    ]
    perspectives: Annotated[
        list[Perspective],
        Field(description="Perspectives covered: clinical, forensic, counter-terrorism."),
    ] = []
    topics: Annotated[
        list[Slug],
        Field(
            min_length=1,
            description="Topics taught (at least one); the needs' gaps name topics.",
        ),
    ]
    priority: Annotated[
        GoalPriority,
        Field(
            description="core: always taught for its audience; recommended or optional: "
            "taught when it meets a gap and there is room."
        ),
    ] = "recommended"
    # `minutes: 60`, or a range `minutes: {min: 30, default: 60}`: the planner may
    # shorten the goal down to `min` when a short format needs it (stored as
    # `min_minutes`, so rules still read `goal.minutes` as a number)
    minutes: Annotated[int, Field(gt=0, le=1440), WithJsonSchema(_MINUTES_SCHEMA)]
    min_minutes: Annotated[
        Annotated[int, Field(gt=0, le=1440)] | None,
        Field(
            description="The shortest length in minutes; usually written as "
            "`minutes: {min: N, default: M}`."
        ),
    ] = None
    requires: Annotated[
        list[Slug], Field(description="Ids of goals taught earlier in the programme.")
    ] = []
    audience: Annotated[
        AudienceFilter | None,
        Field(description="Restricts the goal to some audiences; absent means any."),
    ] = None
    sensitive: Annotated[
        bool,
        Field(description="Distressing material: the session is followed directly by a debrief."),
    ] = False
    evaluation: Annotated[
        Evaluation | None,
        Field(description="How learning is evaluated (Kirkpatrick level and instrument)."),
    ] = None

    @model_validator(mode="before")
    @classmethod
    def _minutes_range(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("minutes"), dict):
            return data
        spec = data["minutes"]
        unknown = sorted(str(k) for k in spec if k not in ("min", "default"))
        if unknown or "default" not in spec:
            raise ValueError(
                "minutes: give a number, or a range {min: N, default: M} "
                + (f"(unknown key {unknown[0]!r})" if unknown else "(default is missing)")
            )
        out = dict(data)
        out["minutes"] = spec["default"]
        if "min" in spec:
            out["min_minutes"] = spec["min"]
        return out

    @model_validator(mode="after")
    def _min_within_default(self) -> Self:
        if self.min_minutes is not None and self.min_minutes > self.minutes:
            raise ValueError(
                f"minutes: min ({self.min_minutes}) is longer than default ({self.minutes})"
            )
        return self

    @property
    def shortest(self) -> int:
        """The shortest length the goal may be taught in."""
        return self.min_minutes if self.min_minutes is not None else self.minutes


class GoalsDocument(Model):
    """A file of learning goals (`kind: goals`)."""

    kind: Annotated[Literal["goals"], Field(description="The document kind: goals.")]
    version: Annotated[Literal[1], Field(description="Format version: 1.")] = 1
    goals: Annotated[list[Goal], Field(description="The learning goals.")]
