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

    fact: Annotated[
        FactPath,
        Field(
            description="The fact whose value to compare with, e.g. needs.audience.participants."
        ),
    ]


Operand = FactRef | list[Scalar] | Scalar


class Leaf(Model):
    """``{fact: PATH, OP: VALUE}`` with exactly one operator."""

    fact: Annotated[
        FactPath,
        Field(description="The fact to test, e.g. goal.domain or needs.constraints.delivery."),
    ]
    eq: Annotated[
        Operand,
        Field(
            description="Holds when the fact equals this value (or the fact named by {fact: ...})."
        ),
    ] = None
    ne: Annotated[Operand, Field(description="Holds when the fact differs from this value.")] = None
    in_: Operand = Field(
        None, alias="in", description="Holds when the fact is one of these values."
    )
    not_in: Annotated[
        Operand, Field(description="Holds when the fact is none of these values.")
    ] = None
    contains: Annotated[
        Operand, Field(description="Holds when the fact (a list) contains this value.")
    ] = None
    contains_any: Annotated[
        Operand,
        Field(description="Holds when the fact (a list) contains at least one of these values."),
    ] = None
    contains_all: Annotated[
        Operand,
        Field(description="Holds when the fact (a list) contains every one of these values."),
    ] = None
    lt: Annotated[
        Operand,
        Field(description="Holds when the fact is less than this value (Bloom levels in order)."),
    ] = None
    lte: Annotated[Operand, Field(description="Holds when the fact is at most this value.")] = None
    gt: Annotated[Operand, Field(description="Holds when the fact is greater than this value.")] = (
        None
    )
    gte: Annotated[Operand, Field(description="Holds when the fact is at least this value.")] = None
    exists: Annotated[
        bool | None,
        Field(description="true: holds when the fact has a value; false: when it has none."),
    ] = None

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
    all: Annotated[list[Condition], Field(description="Holds when every condition listed holds.")]


class AnyOf(Model):
    any: Annotated[
        list[Condition], Field(description="Holds when at least one condition listed holds.")
    ]


class Not(Model):
    not_: Condition = Field(alias="not", description="Holds when this condition does not hold.")


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

    session: Annotated[
        Literal["follow-up", "debrief", "reflection"],
        Field(description="The kind of session to add to the programme."),
    ]
    title: Annotated[Text, Field(description="The session's title in the agenda.")]
    method: Annotated[
        Slug | None, Field(description="The catalogue method the session uses, if any.")
    ] = None
    minutes: Annotated[int, Field(gt=0, le=480, description="How long the session takes.")]
    weeks_after: Annotated[
        int | None,
        Field(ge=0, le=104, description="follow-up: weeks after the last day of the course."),
    ] = None
    evaluation: Annotated[
        Kirkpatrick | None, Field(description="The Kirkpatrick level the session evaluates.")
    ] = None
    instrument: Annotated[
        Text | None, Field(description="The evaluation instrument the session uses.")
    ] = None
    prepare: Annotated[
        Text | None,
        Field(
            description="follow-up: what participants prepare for it, in words for the "
            "participants' handout (for a series: for each meeting)."
        ),
    ] = None
    series: Annotated[
        bool,
        Field(
            description="follow-up: one session per meeting of the needs' "
            "constraints.intervision_series, the first at weeks_after, then every "
            "every_weeks weeks."
        ),
    ] = False

    @model_validator(mode="after")
    def _follow_up_has_weeks(self) -> Self:
        if self.session == "follow-up" and self.weeks_after is None:
            raise ValueError("a follow-up session needs `weeks_after`")
        if self.series and self.session != "follow-up":
            raise ValueError("only a follow-up session can be a `series`")
        return self


EFFECTS: tuple[str, ...] = ("score", "exclude", "require", "add_session", "warn", "error")
MATCH_EFFECTS = frozenset({"score", "exclude", "require", "warn", "error"})
PROGRAMME_EFFECTS = frozenset({"add_session", "warn", "error"})


class Effect(Model):
    """What a rule does when its condition holds; each key is one effect."""

    score: Annotated[
        int | None,
        Field(
            ge=-1000, le=1000, description="Added to the method's score for the goal (match rules)."
        ),
    ] = None
    exclude: Annotated[
        Literal[True] | None, Field(description="true: the method may not carry the goal.")
    ] = None
    require: Annotated[
        list[Slug] | None,
        Field(min_length=1, description="The goal may only be taught by one of these methods."),
    ] = None
    add_session: Annotated[
        AddSession | None, Field(description="A session the programme gains (programme rules).")
    ] = None
    warn: Annotated[Text | None, Field(description="A warning for the plan, in words.")] = None
    error: Annotated[
        Text | None, Field(description="An error: the request cannot be planned as it is.")
    ] = None
    # with `warn` in a programme rule: the planner chooses goals and methods so that
    # the condition does not hold, whenever the hard constraints allow it
    avoid: Annotated[
        Literal[True] | None,
        Field(description="true: the planner avoids this warning whenever any choice can."),
    ] = None

    @model_validator(mode="after")
    def _some_effect(self) -> Self:
        if not self.names():
            raise ValueError(f"`then` needs at least one effect: {', '.join(EFFECTS)}")
        if self.avoid and self.warn is None:
            raise ValueError("`avoid: true` goes with a `warn` effect")
        return self

    def names(self) -> list[str]:
        return [name for name in EFFECTS if getattr(self, name) is not None]


SourceKind = Literal["paper", "literature", "practice", "design"]
SOURCE_KINDS: tuple[str, ...] = ("paper", "literature", "practice", "design")
PAPER_KEY_POINTS = 6  # the RAN HEALTH 2022 summary states six key points

# What a rationale says before a source's details, by kind.
SOURCE_LABELS: dict[str, str] = {
    "paper": "RAN HEALTH paper",
    "literature": "literature",
    "practice": "professional practice",
    "design": "design decision of this curriculum",
}


class Source(Model):
    """Where a rule comes from, honestly: the RAN HEALTH 2022 paper, a public reference
    (literature or practice), or this curriculum's own design decision.

    - ``paper``: only what the RAN HEALTH summary says, with its ``key_point`` (1-6)
      or ``section`` and, in ``says``, what the paper actually says there;
    - ``literature`` / ``practice``: a public ``ref`` a reader can look up, and
      optionally in ``says`` what it supports;
    - ``design``: a one-line ``reason`` (a threshold the paper does not state is a
      design decision), optionally with the ``ref`` that informed it.

    ``kind`` is required; a source without one is reported by ``check`` (CB104).
    """

    kind: Annotated[
        SourceKind | None,
        Field(
            description="paper (RAN HEALTH 2022), literature, practice or design "
            "(this curriculum's own decision); required (CB104)."
        ),
    ] = None
    key_point: Annotated[
        int | None,
        Field(ge=1, le=PAPER_KEY_POINTS, description="paper: the key point (1-6) cited."),
    ] = None
    section: Annotated[
        Text | None,
        Field(description="paper: the part cited when it is not a key point (introduction)."),
    ] = None
    says: Annotated[
        Text | None,
        Field(description="paper: what it states there; literature, practice: what it supports."),
    ] = None
    ref: Annotated[
        Text | None,
        Field(description="literature, practice: a public reference; design: what informed it."),
    ] = None
    reason: Annotated[Text | None, Field(description="design: one line on why.")] = None

    @model_validator(mode="after")
    def _fits_kind(self) -> Self:
        kind = self.kind
        if kind is None:
            return self  # reported by CB104, with the fix
        where = self.key_point is not None or self.section is not None
        if kind == "paper":
            if not where:
                raise ValueError("a `paper` source names its `key_point` (1-6) or `section`")
            if self.says is None:
                raise ValueError("a `paper` source says in `says` what the paper states there")
            if self.reason is not None:
                raise ValueError("`reason` goes with a `design` source, not a `paper` one")
            return self
        if where:
            raise ValueError(f"`key_point` and `section` go with a `paper` source, not {kind}")
        if kind in ("literature", "practice") and self.ref is None:
            raise ValueError(f"a `{kind}` source needs `ref`: a public reference")
        if kind == "design" and self.reason is None:
            raise ValueError("a `design` source needs `reason`: one line on why")
        if kind != "design" and self.reason is not None:
            raise ValueError(f"`reason` goes with a `design` source, not {kind}")
        return self

    @property
    def label(self) -> str:
        """``RAN HEALTH paper, key point 5``, ``design decision of this curriculum``..."""
        if self.kind is None:
            return "source (kind not stated)"
        label = SOURCE_LABELS[self.kind]
        if self.kind == "paper":
            if self.key_point is not None:
                label += f", key point {self.key_point}"
            if self.section is not None:
                label += f", {self.section}"
        return label

    def text(self) -> str:
        """The source in words for a rationale: its kind, then what it says or why."""
        if self.kind == "paper" or self.kind is None:
            details = [d for d in (self.says, self.ref, self.reason) if d]
        elif self.kind == "design":
            details = [d for d in (self.reason,) if d]
            if self.ref:
                details.append(f"informed by {self.ref}")
        else:
            details = [d for d in (self.ref, self.says) if d]
        return f"{self.label}: {'; '.join(details)}" if details else self.label


def _source_form(value: Any) -> str | None:
    if isinstance(value, str):
        return "<text>"
    if isinstance(value, dict | Source):
        return "<source>"
    return None


SourceField = Annotated[
    Annotated[Source, Tag("<source>")] | Annotated[Text, Tag("<text>")],
    Discriminator(
        _source_form,
        custom_error_type="source",
        custom_error_message=(
            "a source is a mapping with `kind` (paper, literature, practice or design) "
            "and its details"
        ),
    ),
]


class Rule(Model):
    """One rule. ``description`` is for coordinators and the handout (plain words: what
    the rule means for the training); ``note`` is for rule authors (how it works with
    other rules, why the numbers); ``source`` says where it comes from."""

    id: Annotated[Slug, Field(description="The rule's id, unique in the curriculum.")]
    description: Annotated[
        Text,
        Field(
            description="What the rule means for the training, in plain words for the "
            "coordinator and the handout; shown as the why of every choice it makes."
        ),
    ]
    note: Annotated[
        Text | None,
        Field(description="For rule authors: how the rule works with others; never rendered."),
    ] = None
    source_field: SourceField | None = Field(
        None,
        alias="source",
        description="Where the rule comes from: {kind: paper|literature|practice|design, ...}; "
        "plain text still loads, read as design (CB316).",
    )
    scope: Annotated[
        Literal["match", "programme"],
        Field(description="match: about a goal and a method; programme: about the whole plan."),
    ] = "match"
    when: Annotated[
        Condition | None, Field(description="When the rule applies; always, if left out.")
    ] = None
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

    @property
    def cited(self) -> Source | None:
        """The rule's source as a structure; plain text (the older form) reads as a
        ``design`` source whose reason is the text (``check`` warns: CB316)."""
        value = self.source_field
        if isinstance(value, str):
            return Source(kind="design", reason=value)
        return value

    @property
    def source(self) -> str | None:
        """The source in words, with its kind: what rationales, ``explain`` and
        ``list rules`` show."""
        cited = self.cited
        return cited.text() if cited is not None else None


class RulesDocument(Model):
    kind: Annotated[Literal["rules"], Field(description="The document kind: rules.")]
    version: Annotated[Literal[1], Field(description="The format version: 1.")] = 1
    rules: Annotated[list[Rule], Field(description="The rules of this document.")]
