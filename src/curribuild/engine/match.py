"""Matching goals to methods with match-scope rules, recording why.

Rules are compiled once. A rule's condition is split into its top-level
conjuncts and each conjunct is classed by the facts it reads: needs-only
parts are evaluated once per run, method-only parts once per method,
goal-only parts once per goal, and only the parts that read both goal and
method are evaluated per pair, memoised on the goal facts they read. Matching
therefore grows linearly with the number of goals for a fixed catalogue.

Semantics: exclusions first (``exclude``, and ``require`` which keeps only the
required methods), then scores summed; the winner has the highest score, ties
broken by catalogue order then id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from curribuild.engine.conditions import Compiled, Env, compile_condition, conjuncts, getter
from curribuild.models.goals import Goal
from curribuild.models.methods import Method
from curribuild.models.needs import Needs
from curribuild.models.rules import Rule


@dataclass(frozen=True, slots=True)
class Fired:
    """One rule firing for one candidate, and what it did."""

    rule: str
    effect: str  # score | exclude | require | warn | error
    value: Any = None
    source: str | None = None

    def describe(self) -> str:
        if self.effect == "score":
            return f"score {int(self.value):+d}"
        if self.effect == "exclude":
            return "exclude"
        if self.effect == "require":
            return "require " + ", ".join(self.value)
        return f"{self.effect}: {self.value}"


@dataclass(slots=True)
class Candidate:
    method: str
    score: int = 0
    excluded_by: list[str] = field(default_factory=list)
    fired: list[Fired] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.excluded_by


@dataclass(slots=True)
class Decision:
    """The outcome of matching one goal, with everything needed to explain it."""

    goal: str
    candidates: list[Candidate]
    winner: str | None
    reason: str
    required: list[str] = field(default_factory=list)

    def candidate(self, method_id: str) -> Candidate | None:
        return next((c for c in self.candidates if c.method == method_id), None)

    @property
    def fired_rules(self) -> list[str]:
        return sorted({f.rule for c in self.candidates for f in c.fired})

    def winner_firings(self) -> list[Fired]:
        chosen = self.candidate(self.winner) if self.winner else None
        return list(chosen.fired) if chosen else []


@dataclass(slots=True)
class _CompiledRule:
    rule: Rule
    const: list[Compiled]
    goal: list[Compiled]
    method: list[Compiled]
    pair: list[Compiled]
    firings: tuple[Fired, ...]
    excludes: bool
    requires: tuple[str, ...]


def _firings(rule: Rule) -> tuple[Fired, ...]:
    then = rule.then
    out: list[Fired] = []
    if then.score is not None:
        out.append(Fired(rule.id, "score", then.score, rule.source))
    if then.exclude:
        out.append(Fired(rule.id, "exclude", True, rule.source))
    if then.require:
        out.append(Fired(rule.id, "require", tuple(then.require), rule.source))
    if then.warn:
        out.append(Fired(rule.id, "warn", then.warn, rule.source))
    if then.error:
        out.append(Fired(rule.id, "error", then.error, rule.source))
    return tuple(out)


def compile_rule(rule: Rule) -> _CompiledRule:
    parts: dict[str, list[Compiled]] = {"const": [], "goal": [], "method": [], "pair": []}
    for conjunct in conjuncts(rule.when):
        compiled = compile_condition(conjunct)
        roots = compiled.roots - {"needs"}
        if not roots:
            parts["const"].append(compiled)
        elif roots == {"goal"}:
            parts["goal"].append(compiled)
        elif roots == {"method"}:
            parts["method"].append(compiled)
        else:
            parts["pair"].append(compiled)
    return _CompiledRule(
        rule,
        parts["const"],
        parts["goal"],
        parts["method"],
        parts["pair"],
        _firings(rule),
        bool(rule.then.exclude),
        tuple(rule.then.require or ()),
    )


def base_env(needs: Needs) -> Env:
    return {"needs": needs, "_gaps": {gap.topic: gap.priority for gap in needs.gaps}}


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


class Matcher:
    """Compiled match-scope rules over a method catalogue."""

    def __init__(self, rules: Iterable[Rule], methods: Sequence[Method]) -> None:
        self.rules = [compile_rule(r) for r in rules if r.scope == "match"]
        self.methods = list(methods)

    def with_methods(self, methods: Sequence[Method]) -> Matcher:
        """The same compiled rules over another catalogue."""
        other = Matcher([], methods)
        other.rules = self.rules
        return other

    def prepare(self, needs: Needs) -> Prepared:
        return Prepared(self, needs)


class Prepared:
    """A matcher with the needs-only and method-only parts evaluated."""

    def __init__(self, matcher: Matcher, needs: Needs) -> None:
        self.methods = matcher.methods
        self.env = base_env(needs)
        env = dict(self.env)
        self.active: list[tuple[_CompiledRule, frozenset[int]]] = []
        for rule in matcher.rules:
            if not all(part.test(env) for part in rule.const):
                continue
            ok: set[int] = set()
            for index, method in enumerate(self.methods):
                env["method"] = method
                if all(part.test(env) for part in rule.method):
                    ok.add(index)
            env.pop("method", None)
            if ok:
                self.active.append((rule, frozenset(ok)))
        self._memo: dict[tuple[int, int, Any, int], bool] = {}
        self._goal_getters = {
            id(part): tuple(getter(p) for p in part.goal_paths)
            for rule, _ in self.active
            for part in rule.pair
        }

    def decide(self, goal: Goal) -> Decision:
        env = dict(self.env)
        env["goal"] = goal
        candidates = [Candidate(m.id) for m in self.methods]
        required: list[tuple[str, set[str]]] = []
        for rule_index, (rule, method_ok) in enumerate(self.active):
            if not all(part.test(env) for part in rule.goal):
                continue
            keys = [
                _freeze(tuple(get(env) for get in self._goal_getters[id(part)]))
                for part in rule.pair
            ]
            for index in method_ok:
                if rule.pair and not self._pair_holds(rule_index, rule, keys, index, env):
                    continue
                candidate = candidates[index]
                candidate.fired.extend(rule.firings)
                for fired in rule.firings:
                    if fired.effect == "score":
                        candidate.score += int(fired.value)
                if rule.excludes:
                    candidate.excluded_by.append(rule.rule.id)
                if rule.requires and not any(r[0] == rule.rule.id for r in required):
                    required.append((rule.rule.id, set(rule.requires)))
        allowed: set[str] | None = None
        for _, methods in required:
            allowed = methods if allowed is None else allowed & methods
        if allowed is not None:
            by = ", ".join(rule_id for rule_id, _ in required)
            for candidate in candidates:
                if candidate.method not in allowed:
                    candidate.excluded_by.append(f"{by} (requires another method)")
        return _decide(goal.id, candidates, sorted(allowed) if allowed is not None else [])

    def _pair_holds(
        self, rule_index: int, rule: _CompiledRule, keys: list[Any], index: int, env: Env
    ) -> bool:
        env["method"] = self.methods[index]
        for part_index, part in enumerate(rule.pair):
            memo_key = (rule_index, part_index, keys[part_index], index)
            hit = self._memo.get(memo_key)
            if hit is None:
                hit = part.test(env)
                self._memo[memo_key] = hit
            if not hit:
                return False
        return True


def _decide(goal_id: str, candidates: list[Candidate], required: list[str]) -> Decision:
    order = {c.method: i for i, c in enumerate(candidates)}
    eligible = sorted(
        (c for c in candidates if c.eligible), key=lambda c: (-c.score, order[c.method], c.method)
    )
    if not eligible:
        parts = [f"{c.method} excluded by {', '.join(c.excluded_by)}" for c in candidates]
        reason = "no eligible method: " + ("; ".join(parts) if parts else "the catalogue is empty")
        return Decision(goal_id, candidates, None, reason, required)
    best = eligible[0]
    if len(eligible) == 1:
        reason = f"{best.method} is the only eligible method (score {best.score})"
    else:
        runner = eligible[1]
        if runner.score < best.score:
            reason = (
                f"{best.method} has the highest score ({best.score}), ahead of "
                f"{runner.method} ({runner.score})"
            )
        else:
            reason = (
                f"{best.method} ties with {runner.method} on score {best.score} and comes "
                "first in the catalogue"
            )
    return Decision(goal_id, candidates, best.method, reason, required)
