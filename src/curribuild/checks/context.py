"""What a lint sees: one curriculum, which items are its own, and where they are."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

from curribuild.checks.index import GoalIndex
from curribuild.curriculum import Curriculum, Locator, Origin, Parsed
from curribuild.findings import Finding
from curribuild.models.config import StigmaTerm
from curribuild.models.goals import Goal

# A goal check, prepared once per curriculum: one goal and its origin -> findings.
GoalCheck = Callable[[Goal, Origin], Iterable[Finding]]


@dataclass(slots=True)
class LintContext:
    cur: Curriculum
    documents: list[Parsed]
    locator: Locator
    extra_stigma_terms: tuple[StigmaTerm, ...] = field(default=())
    index: GoalIndex | None = None  # the goals streamed past the models (check)
    _own_goals: list[tuple[str, Origin]] | None = None

    def own(self, origin: Origin | None) -> bool:
        """Whether ``origin`` is in the curriculum's own folder (not a base it extends)."""
        return self.cur.owns(origin)

    def goals(self) -> GoalIndex:
        """Every goal of the curriculum, streamed ones included."""
        if self.index is None:
            self.index = GoalIndex.of(self.cur)
        return self.index

    def own_goals(self) -> list[tuple[str, Origin]]:
        """The curriculum's own goals loaded as models, with their origins (computed once)."""
        if self._own_goals is None:
            out = []
            for gid in self.cur.goals:
                origin = self.cur.origin("goal", gid)
                if origin is not None and self.own(origin):
                    out.append((gid, origin))
            self._own_goals = out
        return self._own_goals

    def first_document(self, kind: str) -> Origin | None:
        found = [Origin(doc.path, doc.file, ()) for doc in self.documents if doc.kind == kind]
        if kind == "goals" and self.index is not None:
            found += [Origin(path, file, ()) for path, file, _ in self.index.documents]
        return min(found, key=lambda o: o.file.as_posix(), default=None)

    def uncovered(
        self, kind: str, wanted: Sequence[str], covered: Collection[str]
    ) -> tuple[Origin, list[str]] | None:
        """What of ``wanted`` is not in ``covered``, with the first ``kind`` document to
        report it at; None when all is covered or the curriculum has no such document."""
        missing = [w for w in wanted if w not in covered]
        where = self.first_document(kind) if missing else None
        return (where, missing) if where is not None else None
