"""``curribuild list methods|goals|rules|codes``: browse a curriculum's catalogue."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.table import Table

from curribuild import api
from curribuild.output import console_for

WHAT = ("methods", "goals", "rules", "codes")


def run(what: str, curriculum: Path | None, color: bool) -> int:
    console = console_for(sys.stdout, color)
    cur = api.curriculum(curriculum)
    if what == "methods":
        table = Table(
            "id", "name", "learning type", "domains", "bloom", "delivery", "group", "minutes"
        )
        for m in cur.methods.values():
            table.add_row(
                m.id,
                m.name,
                m.learning_type,
                ", ".join(m.domains),
                f"{m.bloom.min}-{m.bloom.max}",
                ", ".join(m.delivery),
                f"{m.participants.min}-{m.participants.max}",
                f"{m.minutes.min}-{m.minutes.max}",
            )
    elif what == "goals":
        table = Table("id", "title", "domain", "bloom", "priority", "minutes", "topics")
        for g in cur.goals.values():
            table.add_row(
                g.id, g.title, g.domain, g.bloom, g.priority, str(g.minutes), ", ".join(g.topics)
            )
    else:
        table = Table("id", "scope", "effect", "description", "source")
        for r in cur.rules.values():
            table.add_row(r.id, r.scope, ", ".join(r.then.names()), r.description, r.source or "")
    console.print(table)
    return 0
