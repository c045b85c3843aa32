"""``kind: goals``: learning goals, the unit of a curriculum."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

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
    minutes: Annotated[int, Field(gt=0, le=1440)]
    requires: list[Slug] = []
    audience: AudienceFilter | None = None
    sensitive: bool = False
    evaluation: Evaluation | None = None


class GoalsDocument(Model):
    kind: Literal["goals"]
    version: Literal[1] = 1
    goals: list[Goal]
