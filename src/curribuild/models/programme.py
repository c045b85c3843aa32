"""Programme facts: aggregates of a planned programme that programme-scope rules read.

Not a document kind: the planner computes these, and the fact catalogue derives
the valid ``programme.*`` paths from this model.
"""

from __future__ import annotations

from curribuild.models.common import (
    Domain,
    Experience,
    LearningType,
    Model,
    Perspective,
    Slug,
)


class LearningTypeMinutes(Model):
    acquisition: int = 0
    inquiry: int = 0
    practice: int = 0
    production: int = 0
    discussion: int = 0
    collaboration: int = 0


class ProgrammeFacts(Model):
    goals: list[Slug] = []
    methods: list[Slug] = []
    topics: list[Slug] = []
    perspectives: list[Perspective] = []
    missing_perspectives: list[Perspective] = []
    learning_types: list[LearningType] = []
    missing_learning_types: list[LearningType] = []
    learning_type_minutes: LearningTypeMinutes = LearningTypeMinutes()
    largest_learning_type_share: int = 0
    domains: list[Domain] = []
    unmet_gaps: list[Slug] = []
    sensitive_goals: list[Slug] = []
    any_sensitive: bool = False
    # minutes (teaching, learning_type_minutes and the share) count the contact time;
    # the sets (goals, topics, learning types...) everything taught, pre-work included
    teaching_minutes: int = 0
    pre_work_minutes: int = 0  # self-paced pre-work before the first day
    days: int = 0
    experience: Experience = "none"
