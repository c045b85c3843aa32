"""What a lint sees: one curriculum, which items are its own, and where they are."""

from __future__ import annotations

from dataclasses import dataclass, field

from curribuild.curriculum import Curriculum, Locator, Origin, Parsed
from curribuild.models.config import StigmaTerm


@dataclass(slots=True)
class LintContext:
    cur: Curriculum
    documents: list[Parsed]
    locator: Locator
    extra_stigma_terms: tuple[StigmaTerm, ...] = field(default=())
    _own_goals: list[tuple[str, Origin]] | None = None

    def own(self, origin: Origin | None) -> bool:
        """Whether ``origin`` is in the curriculum's own folder (not a base it extends)."""
        return self.cur.owns(origin)

    def own_goals(self) -> list[tuple[str, Origin]]:
        """The curriculum's own goals with their origins (computed once)."""
        if self._own_goals is None:
            out = []
            for gid in self.cur.goals:
                origin = self.cur.origin("goal", gid)
                if origin is not None and self.own(origin):
                    out.append((gid, origin))
            self._own_goals = out
        return self._own_goals

    def first_document(self, kind: str) -> Origin | None:
        for doc in self.documents:
            if doc.kind == kind:
                return Origin(doc.path, doc.file, ())
        return None
