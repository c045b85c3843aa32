"""Compiling rule conditions into plain Python callables over a fact environment.

A condition is compiled once. Each compiled condition knows which fact roots
it reads (``goal``, ``method``, ``needs``, ``programme``) and which goal paths,
so the matcher can evaluate goal-only, method-only and needs-only parts once
each and memoise mixed ones.

Operator semantics (documented for rule authors in docs/rules.md):

- ``eq``/``ne``: equality (lists compare as lists).
- ``in``/``not_in``: the fact is one of the listed values; for a list fact,
  any of its elements is.
- ``contains``: a list (or text) fact contains the value.
- ``contains_any``/``contains_all``: a list fact shares any/all listed values.
- ``lt``/``lte``/``gt``/``gte``: numbers, dates, clock times, and ordered
  enumerations (Bloom level, experience, priorities) by their order.
- ``exists``: the fact has a value (not null, not an empty list).

A comparison with a missing value (null) is false, except ``ne`` and
``not_in``, which hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from curribuild.facts import catalogue
from curribuild.models.common import ORDERS
from curribuild.models.rules import All, AnyOf, Condition, FactRef, Leaf, Not, Rule

Env = dict[str, Any]
Getter = Callable[[Env], Any]
Predicate = Callable[[Env], bool]

_RANKS: dict[str, dict[str, int]] = {
    name: {value: index for index, value in enumerate(order)} for name, order in ORDERS.items()
}
_GAP_RANK = _RANKS["gap_priority"]


@dataclass(frozen=True, slots=True)
class Compiled:
    """A compiled condition: the predicate and the facts it reads."""

    test: Predicate
    roots: frozenset[str]
    goal_paths: tuple[str, ...]


def _gap_priority(env: Env) -> str | None:
    """Derived fact ``goal.gap_priority``: the highest gap priority among the goal's topics."""
    gaps: dict[str, str] = env.get("_gaps", {})
    goal = env.get("goal")
    best: str | None = None
    for topic in getattr(goal, "topics", ()):
        priority = gaps.get(topic)
        if priority is not None and (best is None or _GAP_RANK[priority] > _GAP_RANK[best]):
            best = priority
    return best


def _evidence(name: str) -> Getter:
    """Derived fact ``method.evidence.NAME``: for the method and the goal's domain."""
    empty = 0 if name == "n" else None

    def get(env: Env) -> Any:
        method, goal = env.get("method"), env.get("goal")
        index = env.get("_evidence")
        if method is None or goal is None or not index:
            return empty
        facts = index.get((getattr(method, "id", None), getattr(goal, "domain", None)))
        return empty if facts is None else getattr(facts, name)

    return get


# derived facts that read more than their root: the matcher must evaluate them per
# goal and method, memoised on these goal paths
DERIVED_READS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    f"method.evidence.{name}": (frozenset({"goal", "method"}), ("goal.domain",))
    for name in ("reaction", "gain", "n")
}

_DERIVED: dict[str, Getter] = {
    "method.evidence.reaction": _evidence("reaction"),
    "method.evidence.gain": _evidence("gain"),
    "method.evidence.n": _evidence("n"),
    "goal.gap_priority": _gap_priority,
    "needs.gap_topics": lambda env: sorted(env.get("_gaps", {})),
    "needs.high_gap_topics": lambda env: sorted(
        t for t, p in env.get("_gaps", {}).items() if p == "high"
    ),
}


def getter(path: str) -> Getter:
    """A function reading fact ``path`` from an environment (None when absent)."""
    if path in _DERIVED:
        return _DERIVED[path]
    root, *attrs = path.split(".")

    def get(env: Env) -> Any:
        value = env.get(root)
        for attr in attrs:
            if value is None:
                return None
            value = value.get(attr) if isinstance(value, dict) else getattr(value, attr, None)
        return value

    return get


def _order_of(path: str) -> dict[str, int] | None:
    info = catalogue().get(path)
    if info is None or info.order is None:
        return None
    return _RANKS[info.order]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]


def _rank(value: Any, ranks: dict[str, int] | None) -> Any:
    if ranks is not None and isinstance(value, str):
        return ranks.get(value)
    return value


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None:
        return False
    if isinstance(left, bool) or isinstance(right, bool):
        return False
    try:
        if op == "lt":
            return bool(left < right)
        if op == "lte":
            return bool(left <= right)
        if op == "gt":
            return bool(left > right)
        return bool(left >= right)
    except TypeError:
        return False


def _literal(path: str, value: Any) -> Any:
    """A YAML literal in the fact's own type: dates and clock times are written as text."""
    info = catalogue().get(path)
    if info is None or info.type not in ("date", "time"):
        return value
    parse = dt.date.fromisoformat if info.type == "date" else dt.time.fromisoformat
    try:
        if isinstance(value, list):
            return [parse(v) if isinstance(v, str) else v for v in value]
        return parse(value) if isinstance(value, str) else value
    except ValueError:
        return value  # never equal; `check` reports it as CB208


def _leaf(leaf: Leaf) -> Compiled:
    op = leaf.op
    operand = leaf.operand
    left = getter(leaf.fact)
    roots = {leaf.fact.split(".", 1)[0]}
    goal_paths = [leaf.fact] if leaf.fact.startswith("goal.") else []
    if leaf.fact in DERIVED_READS:
        extra_roots, extra_paths = DERIVED_READS[leaf.fact]
        roots |= extra_roots
        goal_paths.extend(extra_paths)
    ranks = _order_of(leaf.fact)
    right: Getter
    if isinstance(operand, FactRef):
        right = getter(operand.fact)
        roots.add(operand.fact.split(".", 1)[0])
        if operand.fact.startswith("goal."):
            goal_paths.append(operand.fact)
        if operand.fact in DERIVED_READS:
            extra_roots, extra_paths = DERIVED_READS[operand.fact]
            roots |= extra_roots
            goal_paths.extend(extra_paths)
        ranks = ranks or _order_of(operand.fact)
    else:
        constant = _literal(leaf.fact, operand)

        def right(env: Env) -> Any:
            return constant

    test: Predicate
    if op == "exists":
        want = bool(operand)

        def test(env: Env) -> bool:
            value = left(env)
            present = value is not None and value != [] and value != ""
            return present == want

    elif op in ("eq", "ne"):
        negate = op == "ne"

        def test(env: Env) -> bool:
            value, other = left(env), right(env)
            if value is None or other is None:
                return negate  # a missing value equals nothing
            return bool(value == other) != negate

    elif op in ("in", "not_in"):
        negate = op == "not_in"

        def test(env: Env) -> bool:
            value = left(env)
            pool = _as_list(right(env))
            if isinstance(value, list):
                hit = any(v in pool for v in value)
            else:
                hit = value is not None and value in pool
            return hit != negate

    elif op == "contains":

        def test(env: Env) -> bool:
            value = left(env)
            needle = right(env)
            if isinstance(value, str) and isinstance(needle, str):
                return needle in value
            return isinstance(value, list) and needle in value

    elif op in ("contains_any", "contains_all"):
        want_all = op == "contains_all"

        def test(env: Env) -> bool:
            other = right(env)
            if other is None:
                return False
            value = _as_list(left(env))
            wanted = _as_list(other)
            if want_all:
                return all(w in value for w in wanted)
            return any(w in value for w in wanted)

    else:

        def test(env: Env) -> bool:
            return _compare(op, _rank(left(env), ranks), _rank(right(env), ranks))

    return Compiled(test, frozenset(roots), tuple(goal_paths))


def compile_condition(condition: Condition | None) -> Compiled:
    """Compile a condition; ``None`` (an empty ``when``) always holds."""
    if condition is None:
        return Compiled(lambda env: True, frozenset(), ())
    if isinstance(condition, Leaf):
        return _leaf(condition)
    if isinstance(condition, Not):
        inner = compile_condition(condition.not_)
        inner_test = inner.test
        return Compiled(lambda env: not inner_test(env), inner.roots, inner.goal_paths)
    parts = [compile_condition(c) for c in (condition.all if isinstance(condition, All) else [])]
    if isinstance(condition, AnyOf):
        parts = [compile_condition(c) for c in condition.any]
    tests = tuple(p.test for p in parts)
    roots = frozenset().union(*(p.roots for p in parts)) if parts else frozenset()
    goal_paths = tuple(dict.fromkeys(path for p in parts for path in p.goal_paths))
    if isinstance(condition, AnyOf):
        return Compiled(lambda env: any(t(env) for t in tests), roots, goal_paths)
    return Compiled(lambda env: all(t(env) for t in tests), roots, goal_paths)


def conjuncts(condition: Condition | None) -> list[Condition]:
    """The top-level ``all`` parts of a condition (the condition itself otherwise)."""
    if condition is None:
        return []
    if isinstance(condition, All):
        out: list[Condition] = []
        for part in condition.all:
            out.extend(conjuncts(part))
        return out
    return [condition]


def leaves(condition: Condition | None) -> Iterator[Leaf]:
    """Every leaf of a condition, depth first."""
    if isinstance(condition, Leaf):
        yield condition
    elif isinstance(condition, All):
        for part in condition.all:
            yield from leaves(part)
    elif isinstance(condition, AnyOf):
        for part in condition.any:
            yield from leaves(part)
    elif isinstance(condition, Not):
        yield from leaves(condition.not_)


def named_operands(rules: Iterable[Rule], fact: str) -> set[str]:
    """The strings that the rules' conditions compare ``fact`` with (a goal id, a
    topic, a tool): what a rule asks the programme to have or be."""
    out: set[str] = set()
    for rule in rules:
        for leaf in leaves(rule.when):
            if leaf.fact == fact:
                value = leaf.operand
                for v in value if isinstance(value, list) else [value]:
                    if isinstance(v, str):
                        out.add(v)
    return out
