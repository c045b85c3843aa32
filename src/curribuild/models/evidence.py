"""``kind: evidence``: what one delivered programme's evaluation showed, anonymised.

``curribuild evaluate --record`` writes one document per evaluated programme into the
curriculum's ``evidence/`` folder: the needs profile, and per goal and method only
aggregates (means and the number of respondents behind them), each over at least
``min_group`` respondents. No response, name or free text is kept.

Scores are shares of the instrument's scale, so that instruments with different
scales compare: ``reaction`` is where the mean rating lies between the scale's lowest
(0) and highest (1) point; ``gain`` is the mean post-minus-pre change as a share of
the scale (-1 to 1); ``behaviour`` is like ``reaction``, at the follow-up.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from curribuild.models.common import (
    Delivery,
    Domain,
    Experience,
    IsoDate,
    LearningType,
    Model,
    Slug,
    Text,
)

Share = Annotated[float, Field(ge=-1.0, le=1.0)]
Count = Annotated[int, Field(ge=1, le=100_000)]


class EvidenceAudience(Model):
    """The needs profile of the group: who they were, not who they are."""

    professions: Annotated[list[Slug], Field(description="Professions of the participants.")]
    settings: Annotated[list[Slug], Field(description="Work settings of the participants.")]
    experience: Annotated[Experience, Field(description="Prior P/CVE experience.")]
    delivery: Annotated[Delivery, Field(description="How the programme was delivered.")]
    participants: Annotated[Count, Field(description="Participants the plan was made for.")]


class EvidenceResult(Model):
    """The aggregated scores of one goal as taught by one method."""

    goal: Annotated[Slug, Field(description="The goal's id.")]
    domain: Annotated[Domain, Field(description="The goal's learning domain.")]
    method: Annotated[Slug, Field(description="The method that taught it.")]
    learning_type: Annotated[LearningType, Field(description="The method's learning type.")]
    reaction: Annotated[
        Share | None, Field(ge=0.0, description="Mean reaction, as a share of the scale (0-1).")
    ] = None
    reaction_n: Annotated[Count | None, Field(description="Respondents behind it.")] = None
    gain: Annotated[
        Share | None, Field(description="Mean pre-to-post gain, as a share of the scale (-1-1).")
    ] = None
    gain_n: Annotated[Count | None, Field(description="Respondents with both scores.")] = None
    behaviour: Annotated[
        Share | None,
        Field(ge=0.0, description="Mean behaviour at the follow-up, as a share of the scale."),
    ] = None
    behaviour_n: Annotated[Count | None, Field(description="Respondents behind it.")] = None


class EvidenceDocument(Model):
    kind: Annotated[Literal["evidence"], Field(description="The document kind: evidence.")]
    version: Annotated[Literal[1], Field(description="The format version: 1.")] = 1
    id: Annotated[Slug, Field(description="The record's id: the programme id and the date.")]
    programme: Annotated[Slug, Field(description="The needs id of the evaluated programme.")]
    title: Annotated[Text, Field(description="The programme's title.")]
    date: Annotated[IsoDate, Field(description="When it was evaluated (results recorded).")]
    min_group: Annotated[
        int, Field(ge=2, le=1000, description="The smallest group an aggregate was kept for.")
    ]
    respondents: Annotated[Count, Field(description="Rows of results read (anonymous).")]
    audience: EvidenceAudience
    results: Annotated[
        list[EvidenceResult], Field(description="Per goal and method, the aggregates.")
    ]
