"""Programme-scope rules: evaluated once per plan over needs and programme facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from curribuild.engine.conditions import Compiled, compile_condition
from curribuild.engine.match import Fired, base_env
from curribuild.models.needs import Needs
from curribuild.models.programme import ProgrammeFacts
from curribuild.models.rules import Rule


@dataclass(frozen=True, slots=True)
class ProgrammeRules:
    """Compiled programme-scope rules, in curriculum order."""

    rules: tuple[tuple[Rule, Compiled], ...]

    @classmethod
    def compile(cls, rules: Iterable[Rule]) -> ProgrammeRules:
        return cls(tuple((r, compile_condition(r.when)) for r in rules if r.scope == "programme"))

    def evaluate(self, needs: Needs, facts: ProgrammeFacts) -> list[Fired]:
        """Every effect of every programme rule whose condition holds."""
        env = base_env(needs)
        env["programme"] = facts
        fired: list[Fired] = []
        for rule, compiled in self.rules:
            if not compiled.test(env):
                continue
            then = rule.then
            if then.add_session is not None:
                fired.append(
                    Fired(rule.id, "add_session", then.add_session, rule.source, rule.description)
                )
            if then.warn:
                fired.append(Fired(rule.id, "warn", then.warn, rule.source, rule.description))
            if then.error:
                fired.append(Fired(rule.id, "error", then.error, rule.source, rule.description))
        return fired
