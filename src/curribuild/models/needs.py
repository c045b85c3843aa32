"""``kind: needs``: who is being trained, what they lack, and the constraints."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Self

from pydantic import Field, field_validator, model_validator

from curribuild.models.common import (
    ClockTime,
    Delivery,
    Experience,
    GapPriority,
    IsoDate,
    Model,
    Slug,
    Text,
)


class Audience(Model):
    professions: list[Slug] = []
    settings: list[Slug] = []
    experience: Experience = "none"
    participants: Annotated[int, Field(gt=0, le=10_000)] = 12


class Gap(Model):
    topic: Slug
    priority: GapPriority = "medium"


class Constraints(Model):
    delivery: Delivery = "in-person"
    days: Annotated[int, Field(gt=0, le=366)] = 1
    start_date: IsoDate | None = None
    day_start: ClockTime = dt.time(9, 0)
    day_end: ClockTime = dt.time(17, 0)
    lunch_minutes: Annotated[int, Field(ge=0, le=240)] = 60
    max_block_minutes: Annotated[int, Field(gt=0, le=600)] = 90
    break_minutes: Annotated[int, Field(ge=0, le=120)] = 15
    weekends: bool = False
    timezone: Annotated[str, Field(min_length=1, max_length=64)] = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Europe/Brussels)"
            ) from None
        return value

    @model_validator(mode="after")
    def _day_order(self) -> Self:
        if self.day_start >= self.day_end:
            raise ValueError(
                f"day_start ({self.day_start:%H:%M}) must be before day_end ({self.day_end:%H:%M})"
            )
        return self


class Context(Model):
    sensitive_case_material: bool = False
    media_exposure: bool = False


class Needs(Model):
    """A training request: the main input of ``curribuild plan``."""

    kind: Literal["needs"]
    version: Literal[1] = 1
    id: Slug
    title: Text
    curriculum: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    audience: Audience = Audience()
    gaps: list[Gap] = []
    constraints: Constraints = Constraints()
    context: Context = Context()
