"""Evidence facts: what recorded evaluations (``kind: evidence``) showed for a method.

Rules read ``method.evidence.reaction``, ``method.evidence.gain`` and
``method.evidence.n`` for the method and the goal's learning domain, over the records
of groups similar to the one being planned for: the same prior experience and at
least one profession in common. Scores are means weighted by their respondents;
``n`` counts the respondents behind the gain (0 when nothing is recorded).
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


def evidence_index(
    records: Iterable[EvidenceDocument], needs: Needs
) -> dict[tuple[str, str], EvidenceFacts]:
    """Per (method, goal domain), the evidence of similar groups, pooled."""
    reactions: dict[tuple[str, str], list[tuple[float, int]]] = {}
    gains: dict[tuple[str, str], list[tuple[float, int]]] = {}
    ids: dict[tuple[str, str], list[str]] = {}
    for record in sorted(records, key=lambda r: r.id):
        if not similar(record.audience, needs):
            continue
        for result in record.results:
            key = (result.method, result.domain)
            if result.reaction is not None and result.reaction_n:
                reactions.setdefault(key, []).append((result.reaction, result.reaction_n))
            if result.gain is not None and result.gain_n:
                gains.setdefault(key, []).append((result.gain, result.gain_n))
            seen = ids.setdefault(key, [])
            if record.id not in seen:
                seen.append(record.id)
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
