"""Evidence facts: what recorded evaluations (``kind: evidence``) showed for a method.

Rules read ``method.evidence.reaction``, ``method.evidence.gain`` and
``method.evidence.n`` for the method and the goal's learning domain, over the records
of groups similar to the one being planned for: the same prior experience and at
least one profession in common. Scores are means weighted by their respondents;
``n`` counts the respondents behind the gain (0 when nothing is recorded): per
record the most who answered for one goal, since the same people answer for all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from curribuild.models.evidence import EvidenceAudience, EvidenceDocument
from curribuild.models.needs import Needs

FIELDS = ("reaction", "gain", "n")


@dataclass(frozen=True, slots=True)
class EvidenceFacts:
    """The pooled evidence for one method in one learning domain."""

    reaction: float | None
    gain: float | None
    n: int
    reaction_n: int
    records: tuple[str, ...]  # the ids of the evidence documents pooled


def similar(audience: EvidenceAudience, needs: Needs) -> bool:
    """Whether a recorded group is like the one planned for."""
    wanted = needs.audience
    return audience.experience == wanted.experience and bool(
        set(audience.professions) & set(wanted.professions)
    )


def _mean(pairs: list[tuple[float, int]]) -> float | None:
    total = sum(n for _, n in pairs)
    if not total:
        return None
    return round(sum(v * n for v, n in pairs) / total, 3)


def _per_record(pairs: list[tuple[float, int]]) -> tuple[float, int]:
    """One record's score for a method: its goals' mean weighted by their n, over the
    people behind it (the most who answered for one goal: the same people answer
    for every goal of a programme, so their n are not added up)."""
    total = sum(n for _, n in pairs)
    return sum(v * n for v, n in pairs) / total, max(n for _, n in pairs)


def evidence_index(
    records: Iterable[EvidenceDocument], needs: Needs
) -> dict[tuple[str, str], EvidenceFacts]:
    """Per (method, goal domain), the evidence of similar groups, pooled: per record
    over its goals, then over the records, weighted by their respondents."""
    reactions: dict[tuple[str, str], list[tuple[float, int]]] = {}
    gains: dict[tuple[str, str], list[tuple[float, int]]] = {}
    ids: dict[tuple[str, str], list[str]] = {}
    for record in sorted(records, key=lambda r: r.id):
        if not similar(record.audience, needs):
            continue
        record_reactions: dict[tuple[str, str], list[tuple[float, int]]] = {}
        record_gains: dict[tuple[str, str], list[tuple[float, int]]] = {}
        for result in record.results:
            key: tuple[str, str] = (result.method, result.domain)
            if result.reaction is not None and result.reaction_n:
                record_reactions.setdefault(key, []).append((result.reaction, result.reaction_n))
            if result.gain is not None and result.gain_n:
                record_gains.setdefault(key, []).append((result.gain, result.gain_n))
            seen = ids.setdefault(key, [])
            if record.id not in seen:
                seen.append(record.id)
        for key, pairs in record_reactions.items():
            reactions.setdefault(key, []).append(_per_record(pairs))
        for key, pairs in record_gains.items():
            gains.setdefault(key, []).append(_per_record(pairs))
    return {
        key: EvidenceFacts(
            reaction=_mean(reactions.get(key, [])),
            gain=_mean(gains.get(key, [])),
            n=sum(n for _, n in gains.get(key, [])),
            reaction_n=sum(n for _, n in reactions.get(key, [])),
            records=tuple(record_ids),
        )
        for key, record_ids in sorted(ids.items())
    }
