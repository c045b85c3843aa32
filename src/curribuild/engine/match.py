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

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from curribuild.engine.conditions import (
    Compiled,
    Env,
    Predicate,
    compile_condition,
    conjuncts,
    getter,
)
from curribuild.engine.evidence import EvidenceFacts, evidence_index
from curribuild.models.evidence import EvidenceDocument
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
    description: str = ""

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


class Decision:
    """The outcome of matching one goal, with everything needed to explain it.

    Scores and exclusions are computed eagerly; the per-candidate lists of fired
    rules are built only when asked for (explanations), so planning stays fast.
    """

    __slots__ = (
        "_candidates",
        "_excluded",
        "_fired",
        "_methods",
        "_scores",
        "goal",
        "reason",
        "required",
        "winner",
    )

    def __init__(
        self,
        goal: str,
        methods: Sequence[str],
        scores: list[int],
        excluded: dict[int, list[str]],
        fired: list[tuple[tuple[Fired, ...], frozenset[int]]],
        winner: str | None,
        reason: str,
        required: list[str],
    ) -> None:
        self.goal = goal
        self._methods = methods
        self._scores = scores
        self._excluded = excluded
        self._fired = fired
        self._candidates: list[Candidate] | None = None
        self.winner = winner
        self.reason = reason
        self.required = required

    @property
    def candidates(self) -> list[Candidate]:
        """Every method of the catalogue with its score, exclusions and fired rules."""
        if self._candidates is None:
            cands = [
                Candidate(method_id, self._scores[i], list(self._excluded.get(i, ())))
                for i, method_id in enumerate(self._methods)
            ]
            for firings, indices in self._fired:
                for index in sorted(indices):
                    cands[index].fired.extend(firings)
            self._candidates = cands
        return self._candidates

    def candidate(self, method_id: str) -> Candidate | None:
        return next((c for c in self.candidates if c.method == method_id), None)

    @property
    def fired_rules(self) -> list[str]:
        return sorted({fired.rule for firings, _ in self._fired for fired in firings})

    def winner_firings(self) -> list[Fired]:
        if self.winner is None:
            return []
        index = list(self._methods).index(self.winner)
        return [f for firings, indices in self._fired if index in indices for f in firings]


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
        out.append(Fired(rule.id, "score", then.score, rule.source, rule.description))
    if then.exclude:
        out.append(Fired(rule.id, "exclude", True, rule.source, rule.description))
    if then.require:
        out.append(Fired(rule.id, "require", tuple(then.require), rule.source, rule.description))
    if then.warn:
        out.append(Fired(rule.id, "warn", then.warn, rule.source, rule.description))
    if then.error:
        out.append(Fired(rule.id, "error", then.error, rule.source, rule.description))
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
    """A hashable equivalent of a fact value (lists and models become tuples)."""
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, BaseModel):
        return (type(value).__name__, tuple((k, _freeze(v)) for k, v in value))
    return value


class Matcher:
    """Compiled match-scope rules over a method catalogue."""

    def __init__(
        self,
        rules: Iterable[Rule],
        methods: Sequence[Method],
        evidence: Iterable[EvidenceDocument] = (),
    ) -> None:
        self.rules = [compile_rule(r) for r in rules if r.scope == "match"]
        self.methods = list(methods)
        self.evidence = list(evidence)
        self._fitting: dict[int, frozenset[int]] = {}

    def fitting(self, number: int) -> frozenset[int]:
        """The methods that pass rule ``number``'s method-only parts that read no needs:
        the same for every needs, so worked out once."""
        found = self._fitting.get(number)
        if found is None:
            parts = [p for p in self.rules[number].method if "needs" not in p.roots]
            env: Env = {}
            ok = set()
            for index, method in enumerate(self.methods):
                env["method"] = method
                if all(part.test(env) for part in parts):
                    ok.add(index)
            found = self._fitting[number] = frozenset(ok)
        return found

    def with_methods(self, methods: Sequence[Method]) -> Matcher:
        """The same compiled rules over another catalogue."""
        other = Matcher([], methods, self.evidence)
        other.rules = self.rules
        return other

    def prepare(
        self, needs: Needs, evidence: dict[tuple[str, str], EvidenceFacts] | None = None
    ) -> Prepared:
        """The rules ready for ``needs``; ``evidence`` replaces the pooled records
        (rule tests give the facts directly)."""
        return Prepared(self, needs, evidence)


_FIELD_BITS = 40
_FIELD_MASK = (1 << _FIELD_BITS) - 1
_OFFSET = 1 << (_FIELD_BITS - 1)


class Prepared:
    """A matcher with the needs-only and method-only parts evaluated.

    Per goal, only goal-only parts are evaluated; parts that read both goal and
    method are evaluated once per method for each distinct combination of the
    goal facts they read, and the set of methods they hold for is memoised.
    Scores of all candidates are summed at once: each method's score is a
    fixed-width field of one integer, so a rule adds its score to every method
    it holds for in a single addition.
    """

    def __init__(
        self,
        matcher: Matcher,
        needs: Needs,
        evidence: dict[tuple[str, str], EvidenceFacts] | None = None,
    ) -> None:
        self.methods = matcher.methods
        self.method_ids = [m.id for m in self.methods]
        self.env = base_env(needs)
        if evidence is None and matcher.evidence:
            evidence = evidence_index(matcher.evidence, needs)
        if evidence:
            self.env["_evidence"] = evidence
        env = dict(self.env)
        self.active: list[tuple[_CompiledRule, frozenset[int]]] = []
        for number, rule in enumerate(matcher.rules):
            if not all(part.test(env) for part in rule.const):
                continue
            fitting = matcher.fitting(number)
            reading = [part for part in rule.method if "needs" in part.roots]
            ok = fitting
            if reading and fitting:
                kept = set()
                for index in sorted(fitting):
                    env["method"] = self.methods[index]
                    if all(part.test(env) for part in reading):
                        kept.add(index)
                env.pop("method", None)
                ok = frozenset(kept)
            if ok:
                self.active.append((rule, ok))
        self._memo: dict[tuple[int, int, Any], frozenset[int]] = {}
        self._goal_getters = [
            [tuple(getter(p) for p in part.goal_paths) for part in rule.pair]
            for rule, _ in self.active
        ]
        self._scores = [
            sum(int(f.value) for f in rule.firings if f.effect == "score")
            for rule, _ in self.active
        ]
        self._spreads: dict[frozenset[int], int] = {}
        self._base = sum(_OFFSET << (i * _FIELD_BITS) for i in range(len(self.methods)))
        self._goal_tests: list[Predicate | None] = [_all_of(rule.goal) for rule, _ in self.active]
        self._key = _key_function(
            part for rule, _ in self.active for part in (*rule.goal, *rule.pair)
        )
        self._decisions: dict[Any, tuple[Any, ...]] = {}
        gating = [
            index for index, (rule, _) in enumerate(self.active) if rule.excludes or rule.requires
        ]
        self._gating = gating
        self._eligible_key = _key_function(
            part
            for index in gating
            for part in (*self.active[index][0].goal, *self.active[index][0].pair)
        )
        self._eligible: dict[Any, bool] = {}

    def _spread(self, indices: frozenset[int]) -> int:
        spread = self._spreads.get(indices)
        if spread is None:
            spread = sum(1 << (i * _FIELD_BITS) for i in indices)
            self._spreads[indices] = spread
        return spread

    def _holds(self, rule_index: int, env: Env) -> frozenset[int]:
        """The methods a rule fires for, for the goal in ``env``."""
        goal_test = self._goal_tests[rule_index]
        if goal_test is not None and not goal_test(env):
            return _EMPTY
        return self._pair_holds(rule_index, env)

    def _pair_holds(self, rule_index: int, env: Env) -> frozenset[int]:
        """The methods a rule's goal-and-method parts hold for (goal parts already hold)."""
        rule, method_ok = self.active[rule_index]
        holds = method_ok
        for part_index, part in enumerate(rule.pair):
            holds = holds & self._pair_methods(rule_index, part_index, part, method_ok, env)
            if not holds:
                return _EMPTY
        return holds

    def eligible(self, goal: Goal) -> bool:
        """Whether any method is eligible for ``goal`` (only excluding rules are evaluated)."""
        env = dict(self.env)
        env["goal"] = goal
        key = self._eligible_key(env)
        hit = self._eligible.get(key)
        if hit is None:
            out: set[int] = set(range(len(self.methods)))
            for rule_index in self._gating:
                rule = self.active[rule_index][0]
                holds = self._holds(rule_index, env)
                if rule.excludes:
                    out -= holds
                if rule.requires and holds:
                    out &= {i for i, m in enumerate(self.method_ids) if m in rule.requires}
            hit = bool(out)
            self._eligible[key] = hit
        return hit

    def decide(self, goal: Goal) -> Decision:
        env = dict(self.env)
        env["goal"] = goal
        key = self._key(env)
        cached = self._decisions.get(key)
        if cached is None:
            cached = self._evaluate(env)
            self._decisions[key] = cached
        scores, excluded, fired, allowed, winner, reason = cached
        return Decision(goal.id, self.method_ids, scores, excluded, fired, winner, reason, allowed)

    def _evaluate(self, env: Env) -> tuple[Any, ...]:
        total = self._base
        excluded: dict[int, list[str]] = {}
        fired: list[tuple[tuple[Fired, ...], frozenset[int]]] = []
        required: list[tuple[str, set[str]]] = []
        goal_tests = self._goal_tests
        for rule_index, (rule, method_ok) in enumerate(self.active):
            goal_test = goal_tests[rule_index]
            if goal_test is not None and not goal_test(env):
                continue
            holds = method_ok
            if rule.pair:
                holds = self._pair_holds(rule_index, env)
                if not holds:
                    continue
            fired.append((rule.firings, holds))
            score = self._scores[rule_index]
            if score:
                total += score * self._spread(holds)
            if rule.excludes:
                for index in holds:
                    excluded.setdefault(index, []).append(rule.rule.id)
            if rule.requires and not any(r[0] == rule.rule.id for r in required):
                required.append((rule.rule.id, set(rule.requires)))
        allowed: set[str] | None = None
        for _, wanted in required:
            allowed = wanted if allowed is None else allowed & wanted
        if allowed is not None:
            by = ", ".join(rule_id for rule_id, _ in required)
            for index, method_id in enumerate(self.method_ids):
                if method_id not in allowed:
                    excluded.setdefault(index, []).append(f"{by} (requires another method)")
        scores = [
            ((total >> (i * _FIELD_BITS)) & _FIELD_MASK) - _OFFSET for i in range(len(self.methods))
        ]
        winner, reason = _winner(self.method_ids, scores, excluded)
        return (
            scores,
            excluded,
            fired,
            sorted(allowed) if allowed is not None else [],
            winner,
            reason,
        )

    def _pair_methods(
        self, rule_index: int, part_index: int, part: Compiled, method_ok: frozenset[int], env: Env
    ) -> frozenset[int]:
        key = _freeze(tuple(get(env) for get in self._goal_getters[rule_index][part_index]))
        memo_key = (rule_index, part_index, key)
        hit = self._memo.get(memo_key)
        if hit is None:
            passing = []
            for index in method_ok:
                env["method"] = self.methods[index]
                if part.test(env):
                    passing.append(index)
            env.pop("method", None)
            hit = frozenset(passing)
            self._memo[memo_key] = hit
        return hit


_EMPTY: frozenset[int] = frozenset()


def _all_of(parts: Sequence[Compiled]) -> Predicate | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0].test
    tests = tuple(p.test for p in parts)
    return lambda env: all(t(env) for t in tests)


def _key_function(parts: Iterable[Compiled]) -> Callable[[Env], Any]:
    """A function giving the values of every goal fact ``parts`` read: goals with equal
    keys get equal decisions."""
    paths = sorted({path for part in parts for path in part.goal_paths})
    getters = tuple(getter(p) for p in paths)
    return lambda env: _freeze(tuple(get(env) for get in getters))


CLOSEST = 3  # excluded methods a "no eligible method" reason names


def closest_refused(
    methods: Sequence[str], scores: list[int], excluded: dict[int, list[str]]
) -> str:
    """The methods that came closest to teaching a goal none may teach, with the rules
    that excluded each: the fewest exclusions first, then the highest score, then
    catalogue order; at most ``CLOSEST``, then how many more there are."""
    if not methods:
        return "the catalogue is empty"
    order = sorted(range(len(methods)), key=lambda i: (len(excluded.get(i, [])), -scores[i], i))
    shown = [f"{methods[i]} excluded by {', '.join(excluded.get(i, []))}" for i in order[:CLOSEST]]
    rest = len(methods) - len(shown)
    text = "closest: " + "; ".join(shown)
    if rest:
        text += f"; and {rest} more (see `curribuild explain`)"
    return text


def _winner(
    methods: Sequence[str], scores: list[int], excluded: dict[int, list[str]]
) -> tuple[str | None, str]:
    best = runner = -1
    eligible = 0
    for index in range(len(methods)):  # catalogue order: the first of equal scores wins
        if index in excluded:
            continue
        eligible += 1
        if best < 0 or scores[index] > scores[best]:
            best, runner = index, best
        elif runner < 0 or scores[index] > scores[runner]:
            runner = index
    if best < 0:
        return None, "no eligible method: " + closest_refused(methods, scores, excluded)
    name, top = methods[best], scores[best]
    if eligible == 1 or runner < 0:
        return name, f"{name} is the only eligible method (score {top})"
    if scores[runner] < top:
        return (
            name,
            f"{name} has the highest score ({top}), ahead of {methods[runner]} ({scores[runner]})",
        )
    return (
        name,
        f"{name} ties with {methods[runner]} on score {top} and comes first in the catalogue",
    )
