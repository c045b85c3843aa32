"""Choosing the evaluation instruments of a plan from the curriculum's catalogue.

For a goal and a Kirkpatrick level, the instrument is the first of that level, in
curriculum order, whose ``when`` holds for the goal, the method chosen for it and the
needs. A follow-up uses every follow-up and log form of its level whose ``when`` holds
for the needs and the follow-up's method.
"""

from __future__ import annotations

from collections.abc import Iterable

from curribuild.engine.conditions import Compiled, Env, compile_condition
from curribuild.engine.match import base_env
from curribuild.models.goals import Goal
from curribuild.models.instruments import Instrument
from curribuild.models.methods import Method
from curribuild.models.needs import Needs


class InstrumentChooser:
    """The catalogue's instruments with their conditions compiled once."""

    def __init__(self, instruments: Iterable[Instrument], needs: Needs) -> None:
        self.instruments: list[tuple[Instrument, Compiled]] = [
            (i, compile_condition(i.when)) for i in instruments
        ]
        self.env: Env = base_env(needs)

    def for_goal(self, goal: Goal, method: Method | None, level: str) -> Instrument | None:
        env = {**self.env, "goal": goal, "method": method}
        for instrument, condition in self.instruments:
            if instrument.level == level and condition.test(env):
                return instrument
        return None

    def for_follow_up(self, method: Method | None, level: str) -> list[Instrument]:
        env = {**self.env, "method": method}
        return [
            instrument
            for instrument, condition in self.instruments
            if instrument.level == level
            and instrument.form in ("follow-up", "log")
            and condition.test(env)
        ]
