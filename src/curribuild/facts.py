"""The catalogue of fact paths rules may read, derived from the models.

``goal.*``, ``method.*`` and ``needs.*`` name model fields (nested with dots);
``programme.*`` names :class:`ProgrammeFacts`. A few derived facts that the
engine computes are listed in ``DERIVED``. Rules naming any other path are
CB204 errors, with the closest valid path as a suggestion.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from curribuild.models.common import ORDERS
from curribuild.models.goals import Goal
from curribuild.models.methods import Method
from curribuild.models.needs import Needs
from curribuild.models.programme import ProgrammeFacts

ROOTS: dict[str, type[BaseModel]] = {
    "goal": Goal,
    "method": Method,
    "needs": Needs,
    "programme": ProgrammeFacts,
}
SCOPE_ROOTS: dict[str, frozenset[str]] = {
    "match": frozenset({"goal", "method", "needs"}),
    "programme": frozenset({"needs", "programme"}),
}


@dataclass(frozen=True, slots=True)
class FactInfo:
    """What a fact path holds: a scalar or a list, of which type and values."""

    path: str
    is_list: bool
    type: str  # str, int, float, bool, date, time, object
    values: tuple[str, ...] | None = None  # the enumeration, when the field is one
    order: str | None = None  # name of the ordering, for ordered enumerations
    nullable: bool = False


DERIVED: tuple[FactInfo, ...] = (
    FactInfo(
        "goal.gap_priority",
        False,
        "str",
        ORDERS["gap_priority"],
        "gap_priority",
        nullable=True,
    ),
    # pooled evaluation evidence for the method and the goal's domain (engine/evidence.py)
    FactInfo("method.evidence.reaction", False, "float", nullable=True),
    FactInfo("method.evidence.gain", False, "float", nullable=True),
    FactInfo("method.evidence.n", False, "int"),
    FactInfo("needs.gap_topics", True, "str"),
    FactInfo("needs.high_gap_topics", True, "str"),
)


def _order_of(values: tuple[str, ...]) -> str | None:
    for name, order in ORDERS.items():
        if set(values) == set(order):
            return name
    return None


def _describe(path: str, annotation: Any, out: dict[str, FactInfo]) -> None:
    tp = annotation
    nullable = False
    is_list = False
    while True:
        origin = get_origin(tp)
        if origin is typing.Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            nullable = nullable or len(args) < len(get_args(tp))
            tp = args[0] if len(args) == 1 else object
        elif origin is list and not is_list:
            is_list = True
            tp = get_args(tp)[0]
        else:
            break
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        out[path] = FactInfo(path, is_list, "object", nullable=nullable)
        if not is_list:
            for name, info in tp.model_fields.items():
                _describe(f"{path}.{info.alias or name}", info.annotation, out)
        return
    if get_origin(tp) is Literal:
        values = tuple(str(v) for v in get_args(tp))
        out[path] = FactInfo(path, is_list, "str", values, _order_of(values), nullable)
        return
    names = {str: "str", int: "int", float: "float", bool: "bool", dt.date: "date", dt.time: "time"}
    kind = names.get(tp, "object") if isinstance(tp, type) else "object"
    out[path] = FactInfo(path, is_list, kind, nullable=nullable)


@cache
def catalogue() -> dict[str, FactInfo]:
    """Every valid fact path and what it holds."""
    out: dict[str, FactInfo] = {}
    for root, model in ROOTS.items():
        for name, info in model.model_fields.items():
            if name in {"kind", "version"}:
                continue
            _describe(f"{root}.{info.alias or name}", info.annotation, out)
    for derived in DERIVED:
        out[derived.path] = derived
    return out


def paths_for_scope(scope: str) -> list[str]:
    roots = SCOPE_ROOTS[scope]
    return sorted(p for p in catalogue() if p.split(".", 1)[0] in roots)
