"""Cross-document checks of a curriculum: ids, prerequisites, rule facts and methods."""

from __future__ import annotations

from collections.abc import Iterator

from curribuild.checks.codes import cb201, cb202, cb204, cb205, cb206, cb208, cb209
from curribuild.checks.index import GoalIndex
from curribuild.curriculum import Curriculum, Loc, Origin
from curribuild.facts import SCOPE_ROOTS, catalogue, paths_for_scope
from curribuild.findings import Finding
from curribuild.graph import find_cycles
from curribuild.models.needs import Needs
from curribuild.models.rules import All, AnyOf, Condition, FactRef, Leaf, Not
from curribuild.suggest import closest, did_you_mean


def _own(cur: Curriculum, origin: Origin | None) -> bool:
    """Whether an item belongs to the curriculum's own folder (not a base it extends)."""
    return cur.owns(origin)


def check_curriculum(cur: Curriculum, index: GoalIndex | None = None) -> list[Finding]:
    """CB201, CB202, CB204, CB205, CB209 on the curriculum's own items; its goals are
    read from ``index`` when ``check`` streamed them (else from the curriculum)."""
    goals = index if index is not None else GoalIndex.of(cur)
    findings: list[Finding] = []
    findings.extend(_prerequisites(cur, goals))
    findings.extend(_cycles(cur, goals))
    findings.extend(_rules(cur))
    findings.extend(_instruments(cur))
    findings.extend(_disabled_rules(cur))
    return findings


def _disabled_rules(cur: Curriculum) -> Iterator[Finding]:
    config_origin = cur.config_origin
    if config_origin is None or not _own(cur, config_origin):
        return
    known = set(cur.known_rules)
    for index, rule_id in enumerate(cur.config.disable_rules):
        if rule_id not in known:
            hint = did_you_mean(rule_id, known)
            yield cur.locator.finding(
                cb209.CODE,
                f"disable_rules names unknown rule {rule_id!r}" + (f"; {hint}" if hint else ""),
                config_origin,
                ("disable_rules", index),
            )


def _prerequisites(cur: Curriculum, goals: GoalIndex) -> Iterator[Finding]:
    known = goals.graph()
    for gid, requires in known.items():
        if not goals.own(gid):
            continue
        origin = goals.origin(gid)
        assert origin is not None
        for index, req in enumerate(requires):
            if req in known:
                continue
            hint = did_you_mean(req, known)
            yield cur.locator.finding(
                cb201.CODE,
                f"goal {gid!r} requires unknown goal {req!r}" + (f"; {hint}" if hint else ""),
                origin,
                ("requires", index),
                fix=f"use an existing goal id{' (' + hint + ')' if hint else ''}",
            )


def _cycles(cur: Curriculum, goals: GoalIndex) -> Iterator[Finding]:
    full = goals.graph()
    for cycle in find_cycles(full):  # a prerequisite that is no goal ends no cycle
        # report at the first goal of the cycle that is the curriculum's own
        for index, gid in enumerate(cycle[:-1]):
            if goals.own(gid):
                origin = goals.origin(gid)
                assert origin is not None
                nxt = cycle[index + 1]
                req_index = full[gid].index(nxt)
                yield cur.locator.finding(
                    cb202.CODE,
                    cb202.message(cycle),
                    origin,
                    ("requires", req_index),
                    fix=cb202.fix(cycle, index),
                )
                break


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


def _conditions(
    cur: Curriculum, what: str, condition: Condition | None, scope: str, origin: Origin
) -> Iterator[Finding]:
    """CB204 and CB208 on the leaves of a rule's or an instrument's condition."""
    for leaf, loc in condition_leaves(condition):
        problem = fact_path_problem(leaf.fact, scope)
        if problem:
            yield cur.locator.finding(cb204.CODE, f"{what}: {problem}", origin, (*loc, "fact"))
        operand = leaf.operand
        impossible = literal_problem(leaf)
        op_key = "in" if leaf.op == "in" else leaf.op
        if impossible and not problem:
            yield cur.locator.finding(cb208.CODE, f"{what}: {impossible}", origin, (*loc, op_key))
        if isinstance(operand, FactRef):
            problem = fact_path_problem(operand.fact, scope)
            if problem:
                yield cur.locator.finding(
                    cb204.CODE, f"{what}: {problem}", origin, (*loc, op_key, "fact")
                )


def _instruments(cur: Curriculum) -> Iterator[Finding]:
    for instrument in cur.instruments.values():
        origin = cur.origin("instrument", instrument.id)
        if not _own(cur, origin):
            continue
        assert origin is not None
        what = f"instrument {instrument.id!r}"
        yield from _conditions(cur, what, instrument.when, "match", origin)


def _rules(cur: Curriculum) -> Iterator[Finding]:
    for rule in cur.rules.values():
        origin = cur.origin("rule", rule.id)
        if not _own(cur, origin):
            continue
        assert origin is not None
        yield from _conditions(cur, f"rule {rule.id!r}", rule.when, rule.scope, origin)
        for index, method_id in enumerate(rule.then.require or []):
            if method_id not in cur.methods:
                yield _unknown_method(cur, rule.id, method_id, origin, ("then", "require", index))
        session = rule.then.add_session
        if session is not None and session.method and session.method not in cur.methods:
            yield _unknown_method(
                cur, rule.id, session.method, origin, ("then", "add_session", "method")
            )


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


def _unknown_method(
    cur: Curriculum, rule_id: str, method_id: str, origin: Origin, sub: Loc
) -> Finding:
    hint = did_you_mean(method_id, cur.methods)
    return cur.locator.finding(
        cb205.CODE,
        f"rule {rule_id!r} names unknown method {method_id!r}" + (f"; {hint}" if hint else ""),
        origin,
        sub,
        fix="use a method id from the catalogue (`curribuild list methods`)",
    )


def check_needs(
    needs: Needs, cur: Curriculum, origin: Origin, goals: GoalIndex | None = None
) -> list[Finding]:
    """CB206: gap topics that no goal of the curriculum teaches."""
    taught = (goals if goals is not None else GoalIndex.of(cur)).topics
    findings = []
    for index, gap in enumerate(needs.gaps):
        if gap.topic in taught:
            continue
        hint = did_you_mean(gap.topic, taught)
        findings.append(
            cur.locator.finding(
                cb206.CODE,
                f"gap topic {gap.topic!r} is taught by no goal of curriculum {cur.name!r}"
                + (f"; {hint}" if hint else ""),
                origin,
                ("gaps", index, "topic"),
                fix="use a topic the curriculum teaches, or add a goal for it",
            )
        )
    return findings
