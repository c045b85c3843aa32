"""The data the lints read (verb lists, stigma terms, safety vocabulary), from
``curribuild/data``: pedagogy and language live in YAML, not in code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

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


MAX_STIGMA_TERMS = 5_000
MAX_TERM_CHARS = 200
_SPACE = " "  # a trie edge standing for `\s+` between two words of a term


@dataclass(frozen=True, slots=True)
class StigmaPatterns:
    """All terms as one case-insensitive, word-bounded regex.

    The alternatives form a trie (one branch per distinct next character), so
    matching costs at each position at most the length of the longest term,
    however many terms there are: linear in the text. ``suggestions`` maps a
    hit, lower-cased with its whitespace collapsed (:func:`term_key`), to its
    suggested alternative.
    """

    regex: re.Pattern[str]
    suggestions: dict[str, str]
    # the same terms, case-sensitive, for lower-cased ASCII text (None when a term is
    # not ASCII): the same hits, found about twice as fast as with IGNORECASE
    ascii_lower: re.Pattern[str] | None = None

    def occurs_in(self, text: str) -> bool:
        """Whether any term occurs in ``text``."""
        if self.ascii_lower is not None and text.isascii():
            return self.ascii_lower.search(text.lower()) is not None
        return self.regex.search(text) is not None

    def suggestion(self, found: str) -> str:
        key = term_key(found)
        if key in self.suggestions:
            return self.suggestions[key]
        folded = key.casefold()  # IGNORECASE matched a case variant lower() does not map
        return next((v for k, v in self.suggestions.items() if k.casefold() == folded), "")


def term_key(text: str) -> str:
    return " ".join(text.lower().split())


def _trie_pattern(node: dict[str, Any]) -> str:
    """The regex of a trie node: children in a non-capturing group, greedy (longest first)."""
    terminal = "" in node
    children = sorted(k for k in node if k)
    if not children:
        return ""
    parts = []
    for key in children:
        head = r"\s+" if key == _SPACE else re.escape(key)
        parts.append(head + _trie_pattern(node[key]))
    body = parts[0] if len(parts) == 1 and not terminal else "(?:" + "|".join(parts) + ")"
    return body + ("?" if terminal else "")


def compile_terms(terms: tuple[StigmaTerm, ...]) -> StigmaPatterns:
    """Each term's variants (``a|b``) become paths of one trie, compiled once.

    The first suggestion for a variant wins (the bundled list comes first).
    """
    trie: dict[str, Any] = {}
    suggestions: dict[str, str] = {}
    for term in terms:
        for variant in term.term.split("|"):
            key = term_key(variant)
            if not key or len(key) > MAX_TERM_CHARS or key in suggestions:
                continue
            suggestions[key] = term.suggestion
            node = trie
            for char in key:
                node = node.setdefault(_SPACE if char == " " else char, {})
            node[""] = {}
    body = _trie_pattern(trie)
    pattern = rf"(?<!\w)(?:{body})(?!\w)" if body else r"(?!x)x"
    plain = re.compile(pattern) if all(key.isascii() for key in suggestions) else None
    return StigmaPatterns(re.compile(pattern, re.IGNORECASE), suggestions, plain)
