"""``kind: rule-tests``: cases that pin what the rules decide, like ``opa test``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from curribuild.models.common import Model, Slug, Text


class GivenEvidence(Model):
    """Pooled evidence facts for one method (``method.evidence.*``), for the goal given."""

    reaction: Annotated[
        float | None, Field(ge=0.0, le=1.0, description="method.evidence.reaction (0-1).")
    ] = None
    gain: Annotated[
        float | None, Field(ge=-1.0, le=1.0, description="method.evidence.gain (-1-1).")
    ] = None
    n: Annotated[int, Field(ge=0, le=100_000, description="method.evidence.n.")] = 0


class Given(Model):
    """Partial facts; everything left out takes a neutral default."""

    goal: Annotated[
        dict[str, Any], Field(description="Facts of the goal, e.g. {domain: skills}.")
    ] = {}
    needs: Annotated[
        dict[str, Any],
        Field(description="Facts of the needs, e.g. {audience: {experience: basic}}."),
    ] = {}
    methods: Annotated[
        list[Slug] | None,
        Field(description="Ids of the methods to choose from; default: the whole catalogue."),
    ] = None
    programme: Annotated[
        dict[str, Any], Field(description="Programme facts, for `scope: programme` cases.")
    ] = {}
    evidence: Annotated[
        dict[Slug, GivenEvidence],
        Field(description="Recorded evidence per method id, e.g. {role-play: {gain: 0.3, n: 12}}."),
    ] = {}


class Expect(Model):
    """What the rules must decide; only the expectations given are checked."""

    method: Annotated[Slug | None, Field(description="The method that wins.")] = None
    no_method: Annotated[bool, Field(description="No method is eligible.")] = False
    excluded: Annotated[list[Slug], Field(description="Methods that are excluded.")] = []
    eligible: Annotated[list[Slug], Field(description="Methods that stay eligible.")] = []
    fires: Annotated[list[Slug], Field(description="Ids of rules that fire.")] = []
    not_fires: Annotated[list[Slug], Field(description="Ids of rules that do not fire.")] = []
    sessions: Annotated[
        list[Slug],
        Field(description="Sessions added, for `scope: programme` cases (e.g. follow-up)."),
    ] = []


class Case(Model):
    """One rule test: given facts, the expected decision."""

    id: Annotated[Slug, Field(description="Unique id of the case (lower-case slug).")]
    description: Annotated[Text | None, Field(description="What the case pins.")] = None
    scope: Annotated[
        Literal["match", "programme"],
        Field(description="match: a goal and its methods; programme: a planned programme."),
    ] = "match"
    given: Annotated[
        Given, Field(description="Partial facts; everything left out takes a neutral default.")
    ] = Given()
    expect: Annotated[Expect, Field(description="What the rules must decide.")]


class RuleTestsDocument(Model):
    """A file of rule tests (`kind: rule-tests`), run by `curribuild check`."""

    kind: Annotated[Literal["rule-tests"], Field(description="The document kind: rule-tests.")]
    version: Annotated[Literal[1], Field(description="Format version: 1.")] = 1
    cases: Annotated[list[Case], Field(description="The test cases.")]
