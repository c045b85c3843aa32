"""The compact goal index the cross-file checks read, so ``check`` keeps no goal models.

``check`` parses the goals files of a curriculum last, one at a time: each is
validated, its goals go through the goal checks while its model and source map
are alive, and what the cross-file checks still need of it stays here: each
goal's id, prerequisites and place (document number and item index), and the
topics and perspectives the curriculum covers. The document's model and source
map are then dropped, so memory grows by a few hundred bytes per goal, not by
the goal. A finding placed later (an unknown prerequisite, a cycle) reads its
file again through the :class:`~curribuild.curriculum.Locator`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curribuild.curriculum import Curriculum, Locator, Origin, Parsed, duplicate_id
from curribuild.findings import Finding
from curribuild.models.goals import Goal, GoalsDocument

_SHIFT = 32  # a goal's place: document number << 32 | item index


@dataclass(slots=True)
class GoalIndex:
    """Every goal of one curriculum (its bases', its loaded ones' and its streamed ones')."""

    cur: Curriculum
    valid: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id -> requires
    invalid: dict[str, tuple[str, ...]] = field(default_factory=dict)  # failed validation
    topics: set[str] = field(default_factory=set)
    perspectives: set[str] = field(default_factory=set)
    documents: list[tuple[str, Path, bool]] = field(default_factory=list)  # path, file, own
    _places: dict[str, int] = field(default_factory=dict)  # streamed goal id -> place
    _own_ids: set[str] = field(default_factory=set)  # ids defined in the own layer

    @classmethod
    def of(cls, cur: Curriculum, layer: Iterable[Path] = ()) -> GoalIndex:
        """The index of a curriculum whose goals are loaded as models; ``layer`` is the
        files of its own layer (the goals a streamed goal may not define again)."""
        index = cls(cur)
        files = set(layer)
        for gid, goal in cur.goals.items():
            index.valid[gid] = tuple(goal.requires)
            index.topics.update(goal.topics)
            index.perspectives.update(goal.perspectives)
        for (kind, item_id), raw in cur.invalid.items():
            if kind == "goal":
                index.invalid[item_id] = _raw_requires(raw)
        for (kind, item_id), origin in cur.origins.items():
            if kind == "goal" and origin.file in files:
                index._own_ids.add(item_id)
        return index

    def graph(self) -> dict[str, tuple[str, ...]]:
        """Goal id -> prerequisite ids: valid goals first, then those that failed validation."""
        return {**self.valid, **self.invalid}

    def known(self) -> set[str]:
        return {*self.valid, *self.invalid}

    def origin(self, gid: str) -> Origin | None:
        place = self._places.get(gid)
        if place is None:
            return self.cur.origin("goal", gid)
        path, file, _ = self.documents[place >> _SHIFT]
        return Origin(path, file, ("goals", place & ((1 << _SHIFT) - 1)))

    def own(self, gid: str) -> bool:
        place = self._places.get(gid)
        if place is None:
            return self.cur.owns(self.cur.origin("goal", gid))
        return self.documents[place >> _SHIFT][2]

    def first_document(self) -> Origin | None:
        if not self.documents:
            return None
        path, file, _ = self.documents[0]
        return Origin(path, file, ())

    def absorb(
        self, parsed: Parsed, locator: Locator
    ) -> tuple[list[tuple[Goal, Origin]], list[Finding]]:
        """Take in one goals document: the goals the goal checks should see (new, own,
        valid ones, with their origins) and the duplicate-id findings (CB203)."""
        doc = parsed.model
        assert isinstance(doc, GoalsDocument)
        number = len(self.documents)
        own = self.cur.owns(Origin(parsed.path, parsed.file, ()))
        self.documents.append((parsed.path, parsed.file, own))
        indices = parsed.indices if parsed.indices is not None else list(range(len(doc.goals)))
        entries: list[tuple[int, Goal | dict[str, Any], str]] = [
            (i, goal, goal.id) for i, goal in zip(indices, doc.goals, strict=True)
        ]
        for i, raw in parsed.invalid:
            raw_id = raw.get("id")
            if isinstance(raw_id, str) and raw_id:
                entries.append((i, raw, raw_id))
        checked: list[tuple[Goal, Origin]] = []
        findings: list[Finding] = []
        for i, item, gid in sorted(entries, key=lambda e: e[0]):
            origin = Origin(parsed.path, parsed.file, ("goals", i))
            if gid in self._own_ids:
                first = self.origin(gid)
                assert first is not None
                findings.append(duplicate_id(locator, "goal", gid, first, origin))
                continue
            self._own_ids.add(gid)
            self._override(gid)
            self._places[gid] = number << _SHIFT | i
            if isinstance(item, dict):
                self.invalid[gid] = _raw_requires(item)
                continue
            self.valid[gid] = tuple(item.requires)
            self.topics.update(item.topics)
            self.perspectives.update(item.perspectives)
            if own:
                checked.append((item, origin))
        return checked, findings

    def _override(self, gid: str) -> None:
        """A streamed goal redefines a goal of a base layer: the base's goes."""
        key = ("goal", gid)
        if key in self.cur.origins:
            del self.cur.origins[key]
            self.cur.goals.pop(gid, None)
            self.cur.invalid.pop(key, None)
            self.valid.pop(gid, None)
            self.invalid.pop(gid, None)


def _raw_requires(raw: dict[str, Any]) -> tuple[str, ...]:
    reqs = raw.get("requires")
    return tuple(r for r in reqs if isinstance(r, str)) if isinstance(reqs, list) else ()
