"""The planning problem as plain data: candidate goals with their eligible methods
and lengths, the shape of a day, and the objective weights.

Built from the needs, the curriculum and the rules engine's decisions (which stay
the source of truth for eligibility and scores); the solver reads only this.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from curribuild.engine.match import Decision
from curribuild.models.config import Weights
from curribuild.models.methods import Method
from curribuild.planner.select import Selected
from curribuild.planner.units import GRID, lengths, split

LUNCH_WINDOW = 60  # lunch starts within this many minutes of the middle of the day
HALF_DAY = 300  # a day shorter than this (minutes) has no lunch
MAX_BLOCKS = 8  # teaching blocks (between breaks) a day at most


@dataclass(frozen=True, slots=True)
class MethodOption:
    """One eligible method of a goal: its rules score and the lengths it allows."""

    method: str
    index: int  # catalogue position: ties go to the earlier method
    score: int
    learning_type: str
    shortest: int
    default: int
    self_paced: bool = False


@dataclass(frozen=True, slots=True)
class Length:
    """A length a goal may be taught in, the parts it splits into, and the methods
    (indices into ``GoalSpec.methods``) that allow it."""

    minutes: int
    parts: tuple[int, ...]
    methods: tuple[int, ...]


@dataclass(slots=True)
class GoalSpec:
    selected: Selected
    decision: Decision
    methods: list[MethodOption]
    lengths: list[Length]
    prereqs: list[int] = field(default_factory=list)  # indices of candidate goals
    value: int = 0
    debrief: int = 0  # minutes of the debrief that follows its last part
    debriefed_by: tuple[int, ...] = ()  # the methods (indices) after which it is debriefed
    pre_by: tuple[int, ...] = ()  # the methods (indices) with which it is pre-work
    barred: tuple[int, ...] = ()  # eligible only as pre-work, which this goal cannot be

    def debriefed(self, method: int) -> bool:
        return bool(self.debrief) and method in self.debriefed_by

    def pre_work(self, method: int) -> bool:
        """Taught with ``method``, the goal is self-paced pre-work before the first day."""
        return method in self.pre_by

    def pre_work_by(self, method_id: str) -> bool:
        """Taught with the method of this id, the goal is pre-work."""
        return any(self.methods[j].method == method_id for j in self.pre_by)

    @property
    def id(self) -> str:
        return self.selected.goal.id

    @property
    def bloom(self) -> int:
        from curribuild.models.common import BLOOM_LEVELS

        return BLOOM_LEVELS.index(self.selected.goal.bloom)


@dataclass(frozen=True, slots=True)
class Frame:
    """The shape of every teaching day, in minutes from midnight."""

    days: int
    start: int
    end: int
    lunch: int
    max_block: int
    break_minutes: int
    teaching_cap: int
    reflection: int = 0
    reflection_title: str = ""
    reflection_rule: str = ""
    debrief_title: str = ""
    debrief_rule: str = ""

    @property
    def span(self) -> int:
        return self.end - self.start

    @property
    def has_lunch(self) -> bool:
        return self.lunch > 0 and self.span >= HALF_DAY

    @property
    def lunch_target(self) -> int:
        return self.start + (self.span - self.lunch) // 2

    def halves(self, shortest_part: int) -> tuple[int, int]:
        """Teaching blocks before and after lunch that a day can hold at most, when
        every block holds at least ``shortest_part`` minutes."""

        def fit(room: int) -> int:
            count = (room + self.break_minutes) // max(GRID, shortest_part + self.break_minutes)
            return max(1, min(MAX_BLOCKS, count))

        if not self.has_lunch:
            return fit(self.span - self.reflection), 0
        morning = self.lunch_target + LUNCH_WINDOW - self.start
        afternoon = self.end - (self.lunch_target - LUNCH_WINDOW + self.lunch) - self.reflection
        return fit(morning), fit(afternoon)

    def blocks(self, shortest_part: int) -> int:
        return sum(self.halves(shortest_part))


@dataclass(frozen=True, slots=True)
class Gap:
    topic: str
    priority: str
    goals: tuple[int, ...]  # candidate goals that meet it


@dataclass(slots=True)
class Problem:
    goals: list[GoalSpec]
    frame: Frame
    weights: Weights
    gaps: list[Gap]
    perspectives: dict[str, tuple[int, ...]]
    before_sensitive: tuple[int, ...] = ()  # goals to teach before sensitive goals
    pre_work: int = 0  # minutes of self-paced pre-work before the first day, at most
    dates: list[dt.date | None] = field(default_factory=list)


def goal_spec(
    selected: Selected,
    decision: Decision,
    catalogue: Mapping[str, tuple[int, Method]],
    max_block: int,
) -> GoalSpec | None:
    """The goal's eligible methods and lengths; None when no method is eligible."""
    options: list[MethodOption] = []
    for cand in decision.candidates:
        if not cand.eligible:
            continue
        index, method = catalogue[cand.method]
        low, high = lengths(selected.goal, method)
        options.append(
            MethodOption(
                cand.method, index, cand.score, method.learning_type, low, high, method.self_paced
            )
        )
    if not options:
        return None
    values = sorted({v for o in options for v in (o.shortest, o.default)}, reverse=True)
    spans = [
        Length(
            v,
            split(v, max_block),
            tuple(i for i, o in enumerate(options) if o.shortest <= v <= o.default),
        )
        for v in values
    ]
    # a length no method allows (between ranges) is not offered
    spans = [s for s in spans if s.methods]
    return GoalSpec(selected, decision, options, spans)


def prerequisite_order(problem: Problem, rank: Mapping[int, tuple[object, ...]]) -> Iterator[int]:
    """Candidate goals (indices) in prerequisite order, the lowest ``rank`` first among
    those whose prerequisites have all come."""
    waiting = {i: len(g.prereqs) for i, g in enumerate(problem.goals)}
    after: dict[int, list[int]] = {}
    for i, g in enumerate(problem.goals):
        for r in g.prereqs:
            after.setdefault(r, []).append(i)
    ready = [(rank[i], i) for i, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    while ready:
        _, i = heapq.heappop(ready)
        yield i
        for j in after.get(i, []):
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, (rank[j], j))
