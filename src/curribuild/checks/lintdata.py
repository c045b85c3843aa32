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
class StigmaPatterns:
    """All terms as one case-insensitive, word-bounded regex; group ``tN`` is term N."""

    regex: re.Pattern[str]
    suggestions: dict[str, str]
    first_words: tuple[str, ...] = ()

    def may_occur_in(self, text: str) -> bool:
        """A cheap pre-check: does any term's first word occur in ``text`` at all?"""
        lower = text.lower()
        return any(word in lower for word in self.first_words)


def compile_terms(terms: tuple[StigmaTerm, ...]) -> StigmaPatterns:
    """Each term's variants (``a|b``) become one alternative of a single pattern."""
    groups = []
    suggestions = {}
    first_words: set[str] = set()
    for number, term in enumerate(terms):
        variants = sorted(
            (v.strip() for v in term.term.split("|") if v.strip()), key=len, reverse=True
        )
        body = "|".join(r"\s+".join(re.escape(w) for w in v.split()) for v in variants)
        # every word of a variant must occur: its longest word is the best cheap test
        first_words.update(max(v.split(), key=len).lower() for v in variants)
        groups.append(f"(?P<t{number}>{body})")
        suggestions[f"t{number}"] = term.suggestion
    pattern = rf"(?<!\w)(?:{'|'.join(groups)})(?!\w)" if groups else r"(?!x)x"
    return StigmaPatterns(
        re.compile(pattern, re.IGNORECASE), suggestions, tuple(sorted(first_words))
    )
