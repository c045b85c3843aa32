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
    """Who is being trained."""

    professions: Annotated[
        list[Slug], Field(description="Professions of the participants (slugs).")
    ] = []
    settings: Annotated[
        list[Slug], Field(description="Work settings of the participants (slugs).")
    ] = []
    experience: Annotated[
        Experience, Field(description="Prior experience in P/CVE: none, basic or advanced.")
    ] = "none"
    participants: Annotated[int, Field(gt=0, le=10_000, description="Number of participants.")] = 12


class Gap(Model):
    """A topic the audience lacks."""

    topic: Annotated[Slug, Field(description="The topic; goals teaching it meet the gap.")]
    priority: Annotated[
        GapPriority,
        Field(description="high: the plan must meet it; medium or low: met when there is room."),
    ] = "medium"


# The latest first day: 366 teaching days (weekends skipped) and a follow-up two
# years on still end centuries before dt.date.max (9999-12-31).
LAST_START_DATE = dt.date(9899, 12, 31)


class IntervisionSeries(Model):
    """Intervision meetings of the group after the course, on top of the follow-up."""

    sessions: Annotated[
        int, Field(ge=1, le=24, description="How many intervision meetings after the course.")
    ]
    every_weeks: Annotated[
        int,
        Field(ge=1, le=26, description="Weeks between two meetings (the first: see the rules)."),
    ] = 6


class Constraints(Model):
    """The frame of the programme."""

    delivery: Annotated[
        Delivery, Field(description="Delivery mode: in-person, online or hybrid.")
    ] = "in-person"
    days: Annotated[int, Field(gt=0, le=366, description="Number of teaching days.")] = 1
    start_date: Annotated[
        IsoDate | None,
        Field(description="First day, YYYY-MM-DD; without it the plan is undated."),
    ] = None
    day_start: Annotated[
        ClockTime, Field(description='When each day starts, "HH:MM" (quoted).')
    ] = dt.time(9, 0)
    day_end: Annotated[ClockTime, Field(description='When each day ends, "HH:MM" (quoted).')] = (
        dt.time(17, 0)
    )
    lunch_minutes: Annotated[
        int, Field(ge=0, le=240, description="Length of the lunch break in minutes.")
    ] = 60
    max_block_minutes: Annotated[
        int,
        Field(gt=0, le=600, description="Most minutes of teaching before a break."),
    ] = 90
    break_minutes: Annotated[
        int, Field(ge=0, le=120, description="Length of a coffee break in minutes.")
    ] = 15
    weekends: Annotated[
        bool, Field(description="Whether the programme may teach on Saturdays and Sundays.")
    ] = False
    timezone: Annotated[
        str,
        Field(
            min_length=1,
            max_length=64,
            description="IANA time zone of the venue, e.g. Europe/Brussels (for calendars).",
        ),
    ] = "UTC"
    pre_work_minutes: Annotated[
        int,
        Field(
            ge=0,
            le=2400,
            description="Minutes of self-paced online pre-work (e-learning) participants do "
            "before the first day, counted apart from the contact time; 0: none.",
        ),
    ] = 0
    intervision_series: Annotated[
        IntervisionSeries | None,
        Field(
            description="A recurring intervision series after the course, {sessions: N, "
            "every_weeks: W}; the curriculum's rules say when it starts and how long a "
            "meeting is."
        ),
    ] = None

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

    @field_validator("start_date")
    @classmethod
    def _dates_fit_the_calendar(cls, value: dt.date | None) -> dt.date | None:
        # every day, weekend and follow-up (at most 104 weeks after the last day)
        # must be a date Python can hold: year 9999 would overflow while planning
        if value is not None and value > LAST_START_DATE:
            raise ValueError(
                f"start_date must be on or before {LAST_START_DATE.isoformat()}, "
                "so that every day and follow-up of the programme has a date"
            )
        return value

    @model_validator(mode="after")
    def _day_order(self) -> Self:
        if self.day_start >= self.day_end:
            raise ValueError(
                f"day_start ({self.day_start:%H:%M}) must be before day_end ({self.day_end:%H:%M})"
            )
        return self


class Context(Model):
    """Circumstances that call for care in the programme."""

    sensitive_case_material: Annotated[
        bool,
        Field(
            description="The cases are distressing: sessions with case material are "
            "followed directly by a debrief."
        ),
    ] = False
    media_exposure: Annotated[
        bool,
        Field(
            description="The participants face media or threat exposure: the programme "
            "should cover media and staff safety."
        ),
    ] = False
    certified_training: Annotated[
        Slug | None,
        Field(
            description="This programme is the certified user training of a risk-assessment "
            "tool (for example vera-2r), given in the tool's licensed format. Without it, "
            "risk tools are taught at awareness level only."
        ),
    ] = None
    licensed_trainer: Annotated[
        bool,
        Field(
            description="A trainer licensed by the tool's developers gives the programme; "
            "required with certified_training."
        ),
    ] = False

    @model_validator(mode="after")
    def _certified_needs_licensed_trainer(self) -> Self:
        if self.certified_training is not None and not self.licensed_trainer:
            raise ValueError(
                f"certified_training: {self.certified_training} needs `licensed_trainer: true`: "
                "certified tool training is given only by a trainer the tool's developers "
                "have licensed; without one, plan an awareness course (leave out "
                "certified_training)"
            )
        return self


class Needs(Model):
    """A training request: the main input of ``curribuild plan``."""

    kind: Annotated[Literal["needs"], Field(description="The document kind: needs.")]
    version: Annotated[Literal[1], Field(description="Format version: 1.")] = 1
    id: Annotated[Slug, Field(description="Unique id of the request (lower-case slug).")]
    title: Annotated[Text, Field(description="Title of the programme.")]
    curriculum: Annotated[
        Annotated[str, Field(min_length=1, max_length=500)] | None,
        Field(
            description="The curriculum to plan from: a bundled name (ran-health-pcve) or a "
            "folder relative to this file; default: the nearest curriculum folder above it, "
            "else the bundled one."
        ),
    ] = None
    audience: Annotated[Audience, Field(description="Who is being trained.")] = Audience()
    gaps: Annotated[
        list[Gap], Field(description="Topics the audience lacks, each with a priority.")
    ] = []
    constraints: Annotated[
        Constraints, Field(description="Days, hours, breaks and delivery mode.")
    ] = Constraints()
    context: Annotated[
        Context, Field(description="Circumstances that call for care in the programme.")
    ] = Context()
