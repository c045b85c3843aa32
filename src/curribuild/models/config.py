"""``kind: config``: a curriculum's settings and a repository's check settings."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from curribuild.models.common import Domain, Model, Severity, Slug, Text
from curribuild.models.goals import Evaluation

Code = Annotated[str, StringConstraints(pattern=r"^CB[0-9]{3}$")]
CodeSelector = Annotated[str, StringConstraints(pattern=r"^CB[0-9]{0,3}$")]


class StigmaTerm(Model):
    term: Text
    suggestion: Text


class LimitsConfig(Model):
    max_bytes: Annotated[int, Field(gt=0, le=1_000_000_000)] = 10_000_000
    max_depth: Annotated[int, Field(gt=1, le=1000)] = 64
    max_seconds: Annotated[float, Field(gt=0, le=86_400)] | None = None


class Planning(Model):
    """Curriculum-level planning settings (data, not code)."""

    online_day_minutes: Annotated[int, Field(gt=0, le=1440)] = 300
    evaluation_defaults: dict[Domain, Evaluation] = {}


class Config(Model):
    kind: Literal["config"]
    version: Literal[1] = 1
    name: Slug | None = None
    title: Text | None = None
    extends: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    disable_rules: list[Slug] = []
    planning: Planning = Planning()
    severity: Annotated[
        dict[Code, Severity], Field(json_schema_extra={"additionalProperties": False})
    ] = {}
    select: list[CodeSelector] = []
    ignore: list[CodeSelector] = []
    stigma_terms: list[StigmaTerm] = []
    include: list[Annotated[str, Field(min_length=1)]] = []
    exclude: list[Annotated[str, Field(min_length=1)]] = []
    limits: LimitsConfig = LimitsConfig()
