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

from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curribuild.curriculum import Curriculum, Locator, Origin, Parsed, duplicate_id
from curribuild.findings import Finding
from curribuild.models.goals import Goal, GoalsDocument

_SHIFT = 32  # a streamed goal's place: document number << 32 | item index
_LOADED = -1  # the place of a goal loaded as a model: its origin is the curriculum's
_SEP = "\n"  # prerequisites are kept joined: one string, not a tuple of strings


class Requires(Mapping[str, tuple[str, ...]]):
    """Goal id -> prerequisite ids, over the index's compact columns: the goals that
    validated first, then those that failed validation (their ``requires`` as written)."""

    def __init__(self, index: GoalIndex) -> None:
        self._index = index

    def __getitem__(self, gid: str) -> tuple[str, ...]:
        for ids, joined in self._index.columns():
            number = ids.get(gid)
            if number is not None:
                text = joined[number]
                return tuple(text.split(_SEP)) if text else ()
        raise KeyError(gid)

    def __contains__(self, gid: object) -> bool:
        return any(gid in ids for ids, _ in self._index.columns())

    def __iter__(self) -> Iterator[str]:
        for ids, _ in self._index.columns():
            yield from ids

    def __len__(self) -> int:
        return sum(len(ids) for ids, _ in self._index.columns())


@dataclass(slots=True)
class GoalIndex:
    """Every goal of one curriculum (its bases', its loaded ones' and its streamed ones'),
    in columns: a few hundred bytes a goal."""

    cur: Curriculum
    topics: set[str] = field(default_factory=set)
    perspectives: set[str] = field(default_factory=set)
    documents: list[tuple[str, Path, bool]] = field(default_factory=list)  # path, file, own
    # valid goals: id -> number; by number, the joined prerequisites and the place
    _valid: dict[str, int] = field(default_factory=dict)
    _valid_requires: list[str] = field(default_factory=list)
    _valid_places: array[int] = field(default_factory=lambda: array("q"))
    # goals that failed validation, the same way
    _invalid: dict[str, int] = field(default_factory=dict)
    _invalid_requires: list[str] = field(default_factory=list)
    _invalid_places: array[int] = field(default_factory=lambda: array("q"))
    _own_loaded: set[str] = field(default_factory=set)  # own-layer goals loaded as models

    @classmethod
    def of(cls, cur: Curriculum, layer: Iterable[Path] = ()) -> GoalIndex:
        """The index of a curriculum whose goals are loaded as models; ``layer`` is the
        files of its own layer (the goals a streamed goal may not define again)."""
        index = cls(cur)
        files = set(layer)
        for gid, goal in cur.goals.items():
            index._add(gid, goal.requires, _LOADED, valid=True)
            index.topics.update(goal.topics)
            index.perspectives.update(goal.perspectives)
        for (kind, item_id), raw in cur.invalid.items():
            if kind == "goal":
                index._add(item_id, _raw_requires(raw), _LOADED, valid=False)
        for (kind, item_id), origin in cur.origins.items():
            if kind == "goal" and origin.file in files:
                index._own_loaded.add(item_id)
        return index

    def _add(self, gid: str, requires: Iterable[str], place: int, *, valid: bool) -> None:
        ids, joined, places = (
            (self._valid, self._valid_requires, self._valid_places)
            if valid
            else (self._invalid, self._invalid_requires, self._invalid_places)
        )
        ids[gid] = len(joined)
        joined.append(_SEP.join(requires))
        places.append(place)

    def columns(self) -> Iterator[tuple[dict[str, int], list[str]]]:
        yield self._valid, self._valid_requires
        yield self._invalid, self._invalid_requires

    def graph(self) -> Requires:
        """Goal id -> prerequisite ids: valid goals first, then those that failed validation."""
        return Requires(self)

    def _place(self, gid: str) -> int | None:
        number = self._valid.get(gid)
        if number is not None:
            return self._valid_places[number]
        number = self._invalid.get(gid)
        return None if number is None else self._invalid_places[number]

    def origin(self, gid: str) -> Origin | None:
        place = self._place(gid)
        if place is None or place == _LOADED:
            return self.cur.origin("goal", gid)
        path, file, _ = self.documents[place >> _SHIFT]
        return Origin(path, file, ("goals", place & ((1 << _SHIFT) - 1)))

    def own(self, gid: str) -> bool:
        place = self._place(gid)
        if place is None or place == _LOADED:
            return self.cur.owns(self.cur.origin("goal", gid))
        return self.documents[place >> _SHIFT][2]

    def _in_own_layer(self, gid: str) -> bool:
        place = self._place(gid)
        return gid in self._own_loaded if place is None or place == _LOADED else True

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
            if self._in_own_layer(gid):
                first = self.origin(gid)
                assert first is not None
                findings.append(duplicate_id(locator, "goal", gid, first, origin))
                continue
            self._override(gid)
            place = number << _SHIFT | i
            if isinstance(item, dict):
                self._add(gid, _raw_requires(item), place, valid=False)
                continue
            self._add(gid, item.requires, place, valid=True)
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
        for ids in (self._valid, self._invalid):
            ids.pop(gid, None)  # its column entries stay, unreachable


def _raw_requires(raw: dict[str, Any]) -> tuple[str, ...]:
    reqs = raw.get("requires")
    return tuple(r for r in reqs if isinstance(r, str)) if isinstance(reqs, list) else ()
