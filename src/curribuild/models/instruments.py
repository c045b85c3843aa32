"""``kind: instruments``: the evaluation instruments a curriculum offers, and when each
is chosen.

An instrument is a form: who fills it in, on which scale, with which items. The plan
chooses one per goal and Kirkpatrick level: the first instrument of that level, in
curriculum order, whose ``when`` holds for the goal, the method chosen for it and the
needs (the condition language of the rules). ``render --format evaluation`` writes
the forms; ``evaluate`` reads them back by their stable column ids.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from curribuild.models.common import Kirkpatrick, Model, Slug, Text
from curribuild.models.rules import Condition, Source

# What a form records, and so its columns in the results sheet:
# reaction  -> goal:<id>:reaction        (after each session)
# pre-post  -> goal:<id>:pre, goal:<id>:post (before and after the teaching)
# follow-up -> goal:<id>:behaviour       (at the follow-up)
# log       -> log:case, log:question, log:takeaway (one row per case; counted only)
Form = Literal["reaction", "pre-post", "follow-up", "log"]
FORMS: tuple[str, ...] = ("reaction", "pre-post", "follow-up", "log")
FORM_LEVELS: dict[str, tuple[str, ...]] = {
    "reaction": ("reaction",),
    "pre-post": ("learning",),
    "follow-up": ("behaviour", "results"),
    "log": ("behaviour", "results"),
}
Item = Annotated[str, Field(min_length=1, max_length=1000)]


class Scale(Model):
    """The rating scale of the form's items (whole numbers from min to max)."""

    min: Annotated[int, Field(ge=0, le=10, description="The lowest rating.")]
    max: Annotated[int, Field(ge=1, le=100, description="The highest rating.")]
    low: Annotated[Text, Field(description="What the lowest rating means.")]
    high: Annotated[Text, Field(description="What the highest rating means.")]

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        return self


class Instrument(Model):
    """One evaluation instrument: a form, its scale and its items."""

    id: Annotated[Slug, Field(description="Unique id (lower-case slug), named by plans.")]
    name: Annotated[Text, Field(description="Name shown in the plan and on the form.")]
    level: Annotated[
        Kirkpatrick,
        Field(description="The Kirkpatrick level it evaluates: reaction, learning, behaviour."),
    ]
    form: Annotated[
        Form,
        Field(
            description="What it records: reaction (after a session), pre-post (before and "
            "after the teaching), follow-up (at the follow-up) or log (one row per case)."
        ),
    ]
    rated_by: Annotated[
        Literal["participant", "trainer"],
        Field(description="Who fills it in: the participant or the trainer (as observer)."),
    ] = "participant"
    items: Annotated[
        list[Item],
        Field(
            min_length=1,
            max_length=20,
            description="The questions, in the form's words; {statement} and {title} stand "
            "for the goal's statement and title.",
        ),
    ]
    scale: Annotated[
        Scale | None, Field(description="The rating scale; a log has none, every other form one.")
    ] = None
    when: Annotated[
        Condition | None,
        Field(
            description="When it is chosen: a condition over goal.*, method.* and needs.* "
            "facts, as in rules; none: always."
        ),
    ] = None
    description: Annotated[Text | None, Field(description="What it is for, in words.")] = None
    source: Annotated[Source | None, Field(description="What the instrument rests on.")] = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.level not in FORM_LEVELS[self.form]:
            levels = " or ".join(FORM_LEVELS[self.form])
            raise ValueError(f"a {self.form} form evaluates {levels}, not {self.level}")
        if self.form == "log" and self.scale is not None:
            raise ValueError("a log form records cases, not ratings: remove `scale`")
        if self.form != "log" and self.scale is None:
            raise ValueError(f"a {self.form} form needs a `scale`")
        return self


class InstrumentsDocument(Model):
    kind: Annotated[Literal["instruments"], Field(description="The document kind: instruments.")]
    version: Annotated[Literal[1], Field(description="The format version: 1.")] = 1
    instruments: Annotated[
        list[Instrument], Field(description="The instruments, in the order they are tried.")
    ]
