"""``kind: rule-tests``: cases that pin what the rules decide, like ``opa test``."""

from __future__ import annotations

from typing import Any, Literal

from curribuild.models.common import Model, Slug, Text


class Given(Model):
    """Partial facts; everything left out takes a neutral default."""

    goal: dict[str, Any] = {}
    needs: dict[str, Any] = {}
    methods: list[Slug] | None = None
    programme: dict[str, Any] = {}


class Expect(Model):
    method: Slug | None = None
    no_method: bool = False
    excluded: list[Slug] = []
    eligible: list[Slug] = []
    fires: list[Slug] = []
    not_fires: list[Slug] = []
    sessions: list[Slug] = []


class Case(Model):
    id: Slug
    description: Text | None = None
    scope: Literal["match", "programme"] = "match"
    given: Given = Given()
    expect: Expect


class RuleTestsDocument(Model):
    kind: Literal["rule-tests"]
    version: Literal[1] = 1
    cases: list[Case]
