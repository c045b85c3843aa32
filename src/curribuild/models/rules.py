"""``kind: rules``: declarative rules that match goals and needs to methods.

Conditions are a typed union (``all``/``any``/``not``/leaf) told apart by
their key; effects are a typed mapping where each key is one effect.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import Discriminator, Field, StringConstraints, Tag, model_validator

from curribuild.models.common import Kirkpatrick, Model, Slug, Text

FACT_PATTERN = r"^(goal|method|needs|programme)(\.[a-z_][a-z0-9_]*)+$"
FactPath = Annotated[str, StringConstraints(pattern=FACT_PATTERN, max_length=200)]
Scalar = str | int | float | bool | None

OPERATORS: tuple[str, ...] = (
    "eq",
    "ne",
    "in",
    "not_in",
    "contains",
    "contains_any",
    "contains_all",
    "lt",
    "lte",
    "gt",
    "gte",
    "exists",
)


class FactRef(Model):
    """A reference to another fact, used as an operand: ``{fact: needs.audience.participants}``."""

    fact: FactPath


Operand = FactRef | list[Scalar] | Scalar


class Leaf(Model):
    """``{fact: PATH, OP: VALUE}`` with exactly one operator."""

    fact: FactPath
    eq: Operand = None
    ne: Operand = None
    in_: Operand = Field(None, alias="in")
    not_in: Operand = None
    contains: Operand = None
    contains_any: Operand = None
    contains_all: Operand = None
    lt: Operand = None
    lte: Operand = None
    gt: Operand = None
    gte: Operand = None
    exists: bool | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> Self:
        ops = self.operators()
        if len(ops) != 1:
            listed = ", ".join(OPERATORS)
            found = ", ".join(ops) or "none"
            raise ValueError(f"a condition needs exactly one operator of {listed} (found {found})")
        return self

    def operators(self) -> list[str]:
        names = {"in_": "in"}
        return sorted(names.get(f, f) for f in self.model_fields_set if f != "fact")

    @property
    def op(self) -> str:
        return self.operators()[0]

    @property
    def operand(self) -> Any:
        return getattr(self, "in_" if self.op == "in" else self.op)


class All(Model):
    all: list[Condition]


class AnyOf(Model):
    any: list[Condition]


class Not(Model):
    not_: Condition = Field(alias="not")


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("fact", "all", "any", "not"):
            if key in value:
                return "<leaf>" if key == "fact" else f"<{key}>"
        return None
    if isinstance(value, Leaf | All | AnyOf | Not):
        return {Leaf: "<leaf>", All: "<all>", AnyOf: "<any>", Not: "<not>"}[type(value)]
    return None


Condition = Annotated[
    Annotated[Leaf, Tag("<leaf>")]
    | Annotated[All, Tag("<all>")]
    | Annotated[AnyOf, Tag("<any>")]
    | Annotated[Not, Tag("<not>")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition",
        custom_error_message=(
            "a condition is a mapping with `fact` and an operator, or `all`, `any` or `not`"
        ),
    ),
]

All.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()


class AddSession(Model):
    """A session a programme rule adds: follow-up, debrief or daily reflection."""

    session: Literal["follow-up", "debrief", "reflection"]
    title: Text
    method: Slug | None = None
    minutes: Annotated[int, Field(gt=0, le=480)]
    weeks_after: Annotated[int, Field(ge=0, le=104)] | None = None
    evaluation: Kirkpatrick | None = None
    instrument: Text | None = None

    @model_validator(mode="after")
    def _follow_up_has_weeks(self) -> Self:
        if self.session == "follow-up" and self.weeks_after is None:
            raise ValueError("a follow-up session needs `weeks_after`")
        return self


EFFECTS: tuple[str, ...] = ("score", "exclude", "require", "add_session", "warn", "error")
MATCH_EFFECTS = frozenset({"score", "exclude", "require", "warn", "error"})
PROGRAMME_EFFECTS = frozenset({"add_session", "warn", "error"})


class Effect(Model):
    """What a rule does when its condition holds; each key is one effect."""

    score: Annotated[int, Field(ge=-1000, le=1000)] | None = None
    exclude: Literal[True] | None = None
    require: Annotated[list[Slug], Field(min_length=1)] | None = None
    add_session: AddSession | None = None
    warn: Text | None = None
    error: Text | None = None
    # with `warn` in a programme rule: the planner chooses goals and methods so that
    # the condition does not hold, whenever the hard constraints allow it
    avoid: Literal[True] | None = None

    @model_validator(mode="after")
    def _some_effect(self) -> Self:
        if not self.names():
            raise ValueError(f"`then` needs at least one effect: {', '.join(EFFECTS)}")
        if self.avoid and self.warn is None:
            raise ValueError("`avoid: true` goes with a `warn` effect")
        return self

    def names(self) -> list[str]:
        return [name for name in EFFECTS if getattr(self, name) is not None]


class Rule(Model):
    id: Slug
    description: Text
    source: Text | None = None
    scope: Literal["match", "programme"] = "match"
    when: Condition | None = None
    then: Effect

    @model_validator(mode="after")
    def _effects_fit_scope(self) -> Self:
        allowed = MATCH_EFFECTS if self.scope == "match" else PROGRAMME_EFFECTS
        wrong = [name for name in self.then.names() if name not in allowed]
        if self.then.avoid and self.scope != "programme":
            wrong.append("avoid")
        if wrong:
            raise ValueError(
                f"effect {', '.join(wrong)} is not allowed in a {self.scope}-scope rule "
                f"(allowed: {', '.join(sorted(allowed))})"
            )
        return self


class RulesDocument(Model):
    kind: Literal["rules"]
    version: Literal[1] = 1
    rules: list[Rule]
