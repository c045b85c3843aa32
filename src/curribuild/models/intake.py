"""``kind: intake``: how a needs-assessment survey export maps onto a needs file.

A map says which column holds which answer (by question code or question text, so
that one map reads a LimeSurvey CSV exported with codes or with full texts, and a
Microsoft Forms workbook), how answer texts map to the curriculum's ids, and how
ratings become gap priorities. Only aggregates ever reach the needs file.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import Field, model_validator

from curribuild.models.common import Experience, Model, Slug, Text

Header = Annotated[str, Field(min_length=1, max_length=500)]
Answer = Annotated[str, Field(min_length=1, max_length=500)]


class Column(Model):
    """Where one question's answers are: the first header that matches wins."""

    column: Annotated[
        list[Header],
        Field(
            min_length=1,
            description="Headers that hold the answers: question codes (Q1, Q5[SQ001]) or "
            "question texts; matched without regard to case, spaces or a trailing colon.",
        ),
    ]
    separator: Annotated[
        str | None,
        Field(
            min_length=1,
            max_length=5,
            description="For questions with several answers in one cell (Forms: ';').",
        ),
    ] = None


class IdColumn(Column):
    """A question whose answers name curriculum ids (professions, settings)."""

    values: Annotated[
        dict[Answer, Slug],
        Field(description="Answer text -> id; an answer not listed is reported as unmapped."),
    ] = {}


class ExperienceColumn(Column):
    """The respondents' P/CVE experience; the needs file gets the median."""

    values: Annotated[
        dict[Answer, Experience],
        Field(description="Answer text -> none, basic or advanced."),
    ]


class GapQuestion(Column):
    """A rating of how much the respondent needs one topic."""

    topic: Annotated[Slug, Field(description="The curriculum topic the question rates.")]


class Thresholds(Model):
    """Mean ratings at or above which a topic is a gap of that priority."""

    high: Annotated[float, Field(gt=0, description="Mean at or above: a high gap.")] = 4.0
    medium: Annotated[float, Field(gt=0, description="Mean at or above: a medium gap.")] = 3.0
    low: Annotated[
        float, Field(gt=0, description="Mean at or above: a low gap; below it, no gap.")
    ] = 2.0

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.low <= self.medium <= self.high:
            raise ValueError("thresholds must rise: low <= medium <= high")
        return self


class Ratings(Model):
    """How a rating answer reads as a number."""

    scale: Annotated[int, Field(ge=2, le=10, description="The highest rating (1..scale).")] = 5
    values: Annotated[
        dict[Answer, int],
        Field(description="Answer text -> number, for scales exported as words."),
    ] = {}
    thresholds: Annotated[
        Thresholds, Field(description="Mean ratings that make a gap high, medium or low.")
    ] = Thresholds()

    @model_validator(mode="after")
    def _values_on_scale(self) -> Self:
        for text, value in self.values.items():
            if not 1 <= value <= self.scale:
                raise ValueError(f"rating {text!r} is {value}, outside 1..{self.scale}")
        return self


class IntakeMap(Model):
    """A survey export's map onto a needs file (`kind: intake`)."""

    kind: Annotated[Literal["intake"], Field(description="The document kind: intake.")]
    version: Annotated[Literal[1], Field(description="Format version: 1.")] = 1
    title: Annotated[Text | None, Field(description="What survey this map reads.")] = None
    curriculum: Annotated[
        Annotated[str, Field(min_length=1, max_length=500)] | None,
        Field(description="The `curriculum:` the drafted needs file names."),
    ] = None
    professions: Annotated[IdColumn | None, Field(description="The respondents' professions.")] = (
        None
    )
    settings: Annotated[IdColumn | None, Field(description="Where the respondents work.")] = None
    experience: Annotated[
        ExperienceColumn | None, Field(description="The respondents' P/CVE experience.")
    ] = None
    gaps: Annotated[
        list[GapQuestion], Field(description="One rating question per curriculum topic.")
    ] = []
    ratings: Annotated[Ratings, Field(description="How ratings read as numbers.")] = Ratings()
    min_responses: Annotated[
        int,
        Field(
            ge=2,
            le=1000,
            description="Fewer responses than this are not aggregated (anonymity).",
        ),
    ] = 5
    free_text: Annotated[
        list[Column],
        Field(
            description="Free-text questions: only how many answered reaches the needs file, "
            "never the answers."
        ),
    ] = []
    constraints: Annotated[
        dict[str, Any],
        Field(description="The needs file's `constraints:` (days, delivery...), as given."),
    ] = {}
    context: Annotated[
        dict[str, Any], Field(description="The needs file's `context:`, as given.")
    ] = {}
