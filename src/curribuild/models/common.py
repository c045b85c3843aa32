"""Shared vocabulary of the document models: slugs, enums and their orders.

Enumerations are ``Literal`` strings (strict Pydantic accepts YAML strings for
them); ordered ones (Bloom level, experience, priority) carry their order in a
tuple so rules can compare them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=5000)]

Domain = Literal["knowledge", "skills", "attitudes"]
Bloom = Literal["remember", "understand", "apply", "analyse", "evaluate", "create"]
LearningType = Literal[
    "acquisition", "inquiry", "practice", "production", "discussion", "collaboration"
]
Delivery = Literal["in-person", "online", "hybrid"]
Experience = Literal["none", "basic", "advanced"]
GapPriority = Literal["high", "medium", "low"]
GoalPriority = Literal["core", "recommended", "optional"]
Perspective = Literal["clinical", "forensic", "counter-terrorism"]
Kirkpatrick = Literal["reaction", "learning", "behaviour", "results"]
Severity = Literal["error", "warning", "info"]

DOMAINS: tuple[str, ...] = ("knowledge", "skills", "attitudes")
BLOOM_LEVELS: tuple[str, ...] = ("remember", "understand", "apply", "analyse", "evaluate", "create")
LEARNING_TYPES: tuple[str, ...] = (
    "acquisition",
    "inquiry",
    "practice",
    "production",
    "discussion",
    "collaboration",
)
DELIVERY_MODES: tuple[str, ...] = ("in-person", "online", "hybrid")
EXPERIENCE_LEVELS: tuple[str, ...] = ("none", "basic", "advanced")
GAP_PRIORITIES: tuple[str, ...] = ("low", "medium", "high")
GOAL_PRIORITIES: tuple[str, ...] = ("optional", "recommended", "core")
PERSPECTIVES: tuple[str, ...] = ("clinical", "forensic", "counter-terrorism")
KIRKPATRICK_LEVELS: tuple[str, ...] = ("reaction", "learning", "behaviour", "results")

# Ordered enumerations, low to high: rules compare their values by position.
ORDERS: dict[str, tuple[str, ...]] = {
    "bloom": BLOOM_LEVELS,
    "experience": EXPERIENCE_LEVELS,
    "gap_priority": GAP_PRIORITIES,
    "goal_priority": GOAL_PRIORITIES,
    "kirkpatrick": KIRKPATRICK_LEVELS,
}


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a valid date (use YYYY-MM-DD)") from None
    if isinstance(value, dt.date):
        return value
    raise ValueError("expected a date written YYYY-MM-DD")


def _clock_time(value: Any) -> Any:
    if isinstance(value, str):
        try:
            parsed = dt.time.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a valid clock time (use HH:MM)") from None
        if parsed.second or parsed.microsecond or parsed.tzinfo:
            raise ValueError(f"{value!r}: give the time as HH:MM")
        return parsed
    if isinstance(value, dt.time):
        return value
    raise ValueError('expected a clock time written "HH:MM" (quote it)')


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
ClockTime = Annotated[
    dt.time,
    BeforeValidator(_clock_time),
    WithJsonSchema({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}),
]


class Model(BaseModel):
    """Base of every document model: strict types, no unknown fields, immutable."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class IntRange(Model):
    """An inclusive range of positive integers."""

    min: Annotated[int, Field(gt=0, le=100_000, description="The smallest value, included.")]
    max: Annotated[int, Field(gt=0, le=100_000, description="The largest value, included.")]

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class BloomRange(Model):
    """An inclusive range of Bloom levels."""

    min: Annotated[Bloom, Field(description="The lowest Bloom level, included.")]
    max: Annotated[Bloom, Field(description="The highest Bloom level, included.")]

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if BLOOM_LEVELS.index(self.min) > BLOOM_LEVELS.index(self.max):
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        return self


def order(enum: str, value: str) -> int:
    """Position of ``value`` in the ordered enumeration ``enum``."""
    return ORDERS[enum].index(value)
