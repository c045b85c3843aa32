"""Conditions of rules and instruments, as the CB204 and CB208 checks read them: every
leaf with its place, and why a leaf's fact or literal can never hold."""

from __future__ import annotations

from collections.abc import Iterator

from curribuild.checks.context import LintContext
from curribuild.curriculum import Loc, Origin
from curribuild.facts import SCOPE_ROOTS, catalogue, paths_for_scope
from curribuild.models.rules import All, AnyOf, Condition, FactRef, Leaf, Not
from curribuild.suggest import closest, did_you_mean

# (what, leaf, its place in the item, the scope its facts come from, the item's origin)
Placed = tuple[str, Leaf, Loc, str, Origin]


def conditions(ctx: LintContext) -> Iterator[Placed]:
    """Every leaf of the conditions of the curriculum's own rules and instruments."""
    cur = ctx.cur
    for rule in cur.rules.values():
        origin = cur.origin("rule", rule.id)
        if origin is not None and ctx.own(origin):
            for leaf, loc in condition_leaves(rule.when):
                yield f"rule {rule.id!r}", leaf, loc, rule.scope, origin
    for instrument in cur.instruments.values():
        origin = cur.origin("instrument", instrument.id)
        if origin is not None and ctx.own(origin):
            for leaf, loc in condition_leaves(instrument.when):
                yield f"instrument {instrument.id!r}", leaf, loc, "match", origin


def condition_leaves(
    condition: Condition | None, loc: Loc = ("when",)
) -> Iterator[tuple[Leaf, Loc]]:
    """Every leaf of a condition with its location inside the rule."""
    if condition is None:
        return
    if isinstance(condition, Leaf):
        yield condition, loc
    elif isinstance(condition, All):
        for i, sub in enumerate(condition.all):
            yield from condition_leaves(sub, (*loc, "all", i))
    elif isinstance(condition, AnyOf):
        for i, sub in enumerate(condition.any):
            yield from condition_leaves(sub, (*loc, "any", i))
    elif isinstance(condition, Not):
        yield from condition_leaves(condition.not_, (*loc, "not"))


def fact_path_problem(path: str, scope: str) -> str | None:
    """Why ``path`` is not a readable fact in ``scope`` (None when it is)."""
    root = path.split(".", 1)[0]
    if root not in SCOPE_ROOTS[scope]:
        allowed = ", ".join(f"{r}.*" for r in sorted(SCOPE_ROOTS[scope]))
        return f"{root}.* facts are not available in {scope}-scope rules (use {allowed})"
    if path in catalogue():
        return None
    match = closest(path, paths_for_scope(scope))
    hint = f"; did you mean {match!r}?" if match else ""
    return f"unknown fact {path!r}{hint}"


_MEMBERSHIP = {"eq", "ne", "in", "not_in", "contains", "contains_any", "contains_all"}
_ORDERING = {"lt", "lte", "gt", "gte"}
_PY_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "str": (str,),
    "bool": (bool,),
    "date": (str,),
    "time": (str,),
}


def literal_problem(leaf: Leaf) -> str | None:
    """Why a leaf's literal value can never match its fact (None if it can)."""
    info = catalogue().get(leaf.fact)
    operand = leaf.operand
    if info is None or isinstance(operand, FactRef) or leaf.op == "exists":
        return None
    values = operand if isinstance(operand, list) else [operand]
    values = [v for v in values if v is not None]
    if info.values is not None and (leaf.op in _MEMBERSHIP or leaf.op in _ORDERING):
        for value in values:
            if value not in info.values:
                hint = did_you_mean(str(value), info.values)
                return (
                    f"{value!r} is never a value of {leaf.fact} "
                    f"(one of {', '.join(info.values)})" + (f"; {hint}" if hint else "")
                )
        if leaf.op in _ORDERING and info.order is None:
            return f"{leaf.fact} has no order, so `{leaf.op}` cannot compare it"
        return None
    expected = _PY_TYPES.get(info.type)
    if expected is None:
        return None
    for value in values:
        wrong = not isinstance(value, expected) or (
            info.type in {"int", "float"} and isinstance(value, bool)
        )
        if wrong:
            return f"{value!r} is never a value of {leaf.fact} (a {info.type})"
    return None
