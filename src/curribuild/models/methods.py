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
    id: Slug
    name: Text
    learning_type: LearningType
    domains: Annotated[list[Domain], Field(min_length=1)]
    bloom: BloomRange
    delivery: Annotated[list[Delivery], Field(min_length=1)]
    participants: IntRange
    minutes: IntRange
    requires: list[Slug] = []
    description: str = ""


class MethodsDocument(Model):
    kind: Literal["methods"]
    version: Literal[1] = 1
    methods: list[Method]
