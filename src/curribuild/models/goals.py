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
            "properties": {"min": _LENGTH, "default": _LENGTH},
            "required": ["default"],
            "additionalProperties": False,
        },
    ],
    "description": "Length in minutes, or a range {min, default}: the planner may shorten "
    "the goal down to min when a short format needs it.",
}


class Evaluation(Model):
    level: Kirkpatrick
    instrument: Text


class AudienceFilter(Model):
    """Restricts a goal to some audiences; an absent list means any."""

    experience: list[Experience] | None = None
    professions: list[Slug] | None = None
    settings: list[Slug] | None = None


class Goal(Model):
    id: Slug
    title: Text
    statement: Text
    domain: Domain
    bloom: Bloom
    perspectives: list[Perspective] = []
    topics: Annotated[list[Slug], Field(min_length=1)]
    priority: GoalPriority = "recommended"
    # `minutes: 60`, or a range `minutes: {min: 30, default: 60}`: the planner may
    # shorten the goal down to `min` when a short format needs it (stored as
    # `min_minutes`, so rules still read `goal.minutes` as a number)
    minutes: Annotated[int, Field(gt=0, le=1440), WithJsonSchema(_MINUTES_SCHEMA)]
    min_minutes: Annotated[int, Field(gt=0, le=1440)] | None = None
    requires: list[Slug] = []
    audience: AudienceFilter | None = None
    sensitive: bool = False
    evaluation: Evaluation | None = None

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
    kind: Literal["goals"]
    version: Literal[1] = 1
    goals: list[Goal]
