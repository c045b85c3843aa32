"""``kind: methods``: the catalogue of training methods goals can be taught with."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from curribuild.models.common import (
    BloomRange,
    Delivery,
    Domain,
    IntRange,
    LearningType,
    Model,
    Slug,
    Text,
)


class Method(Model):
    """A training method, and the goals and groups it suits."""

    id: Annotated[Slug, Field(description="Unique id (lower-case slug), named by rules.")]
    name: Annotated[Text, Field(description="Name shown in the programme.")]
    learning_type: Annotated[
        LearningType,
        Field(
            description="Learning type: acquisition, inquiry, practice, "
            "production, discussion or collaboration."
        ),
    ]
    domains: Annotated[
        list[Domain],
        Field(
            min_length=1,
            description="Learning domains it teaches (knowledge, skills, attitudes).",
        ),
    ]
    bloom: Annotated[
        BloomRange, Field(description="The Bloom levels it suits, {min: LEVEL, max: LEVEL}.")
    ]
    delivery: Annotated[
        list[Delivery],
        Field(min_length=1, description="Delivery modes: in-person, online, hybrid."),
    ]
    participants: Annotated[
        IntRange, Field(description="Group sizes it works with, {min: N, max: M}.")
    ]
    minutes: Annotated[
        IntRange, Field(description="Session lengths in minutes it works with, {min: N, max: M}.")
    ]
    requires: Annotated[
        list[Slug],
        Field(
            description="What it needs to run, as slugs (e.g. subject-expert, learning-platform)."
        ),
    ] = []
    self_paced: Annotated[
        bool,
        Field(
            description="Participants work through it alone, at their own pace (an e-learning "
            "module): where the needs set pre_work_minutes, it is done as pre-work before the "
            "first day, outside the contact time and in any delivery mode."
        ),
    ] = False
    prepare: Annotated[
        Text | None,
        Field(
            description="What a participant prepares or brings for a session with this "
            "method, in words for the participants' handout (What to prepare)."
        ),
    ] = None
    description: Annotated[str, Field(description="What happens in a session.")] = ""


class MethodsDocument(Model):
    """A file of training methods (`kind: methods`)."""

    kind: Annotated[Literal["methods"], Field(description="The document kind: methods.")]
    version: Annotated[Literal[1], Field(description="Format version: 1.")] = 1
    methods: Annotated[list[Method], Field(description="The training methods.")]
