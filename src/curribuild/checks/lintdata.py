"""The data the lints read (verb lists, stigma terms, safety vocabulary), from
``curribuild/data``: pedagogy and language live in YAML, not in code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from curribuild.loader import load_file
from curribuild.models.common import Bloom, Model, Slug, Text
from curribuild.models.config import StigmaTerm
from curribuild.resources import data_file


class Verbs(Model):
    kind: Literal["verbs"]
    not_observable: list[Text]
    levels: dict[Bloom, list[Text]]


class StigmaList(Model):
    kind: Literal["stigma-terms"]
    terms: list[StigmaTerm]


class Safety(Model):
    kind: Literal["safety"]
    debrief_session: Slug
    risk_topics: list[Slug]
    awareness_max_bloom: Bloom
    certified_trainer_tag: Slug
    booster_session: Slug


@cache
def verbs() -> Verbs:
    return Verbs.model_validate(load_file(data_file("verbs.yaml")).data)


@cache
def safety() -> Safety:
    return Safety.model_validate(load_file(data_file("safety.yaml")).data)


@cache
def stigma_terms() -> tuple[StigmaTerm, ...]:
    return tuple(StigmaList.model_validate(load_file(data_file("stigma.yaml")).data).terms)


@dataclass(frozen=True, slots=True)
class StigmaPattern:
    regex: re.Pattern[str]
    suggestion: str


def compile_terms(terms: tuple[StigmaTerm, ...]) -> list[StigmaPattern]:
    """Each term's variants (``a|b``) as one case-insensitive, word-bounded pattern."""
    out = []
    for term in terms:
        variants = sorted(
            (v.strip() for v in term.term.split("|") if v.strip()), key=len, reverse=True
        )
        body = "|".join(r"\s+".join(re.escape(w) for w in v.split()) for v in variants)
        out.append(
            StigmaPattern(re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE), term.suggestion)
        )
    return out
