"""Turns loaded YAML documents into models, and Pydantic errors into located findings."""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from curribuild.checks.codes import cb011, cb101, cb102, cb103
from curribuild.findings import Finding
from curribuild.loader import Document
from curribuild.models.documents import MODELS
from curribuild.suggest import closest, hinted

Loc = tuple[str | int, ...]


def document_kind(doc: Document) -> Finding | str:
    """The document's kind, or a CB011 finding saying why it has none we know."""
    kind = doc.data.get("kind")
    if isinstance(kind, str) and kind in MODELS:
        return kind
    if kind is None:
        pos = doc.locate(())
        return Finding(
            cb011.CODE,
            "document has no `kind:`",
            doc.path,
            pos.line,
            pos.col,
            fix=f"add `kind:` with one of {', '.join(MODELS)}",
            field="kind",
        )
    pos = doc.locate(("kind",))
    return Finding(
        cb011.CODE,
        hinted(f"unknown document kind {kind!r}", str(kind), MODELS),
        doc.path,
        pos.line,
        pos.col,
        fix=f"use one of {', '.join(MODELS)}",
        field="kind",
    )


LIST_FIELDS: dict[str, str] = {
    "goals": "goals",
    "methods": "methods",
    "rules": "rules",
    "rule-tests": "cases",
    "instruments": "instruments",
}


@dataclass(slots=True)
class Validated:
    """A document model, possibly partial: only the list items that validated.

    ``indices[i]`` is the position in the file of the model's i-th item;
    ``invalid`` holds the raw items that failed, so references to and from them
    can still be checked.
    """

    model: BaseModel | None
    findings: list[Finding]
    indices: list[int] | None = None
    invalid: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def validate_document(doc: Document, kind: str) -> Validated:
    """Validate ``doc`` against the model of ``kind``, item by item for list kinds."""
    model = MODELS[kind]
    try:
        return Validated(model.model_validate(doc.data), [])
    except ValidationError as exc:
        findings = _findings(doc, model, exc)
    list_field = LIST_FIELDS.get(kind)
    items = doc.data.get(list_field) if list_field else None
    if list_field is None or not isinstance(items, list):
        return Validated(None, findings)
    valid: list[Any] = []
    indices: list[int] = []
    invalid: list[tuple[int, dict[str, Any]]] = []
    item_model = _item_model(model, list_field)
    for index, item in enumerate(items):
        try:
            valid.append(item_model.model_validate(item))
            indices.append(index)
        except ValidationError:
            if isinstance(item, dict):
                invalid.append((index, item))
    try:
        partial = model.model_validate({**doc.data, list_field: []})
    except ValidationError:
        return Validated(None, findings, invalid=invalid)
    partial = partial.model_copy(update={list_field: valid})
    return Validated(partial, findings, indices, invalid)


def _item_model(model: type[BaseModel], list_field: str) -> type[BaseModel]:
    annotation = model.model_fields[list_field].annotation
    (item,) = get_args(annotation)
    assert isinstance(item, type) and issubclass(item, BaseModel)
    return item


def _findings(doc: Document, model: type[BaseModel], exc: ValidationError) -> list[Finding]:
    findings = {
        _finding(doc, model, err) for err in exc.errors(include_url=False, include_input=False)
    }
    # A misspelt required field shows up twice: unknown `statment`, missing
    # `statement`. Keep the one that says what to do.
    suggested = {
        (f.field.rsplit(".", 1)[0], f.fix.removeprefix("rename it to ").strip("'"))
        for f in findings
        if f.code == cb101.CODE and f.fix.startswith("rename it to ")
    }
    kept = [
        f
        for f in findings
        if not (f.code == cb103.CODE and tuple(f.field.rsplit(".", 1)) in suggested)
    ]
    return sorted(kept, key=lambda f: f.sort_key)


def data_path(data: Any, loc: Sequence[str | int]) -> Loc:
    """The part of a Pydantic error location that exists in the data (union tags dropped)."""
    out: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            out.append(part)
            node = node[part]
    return tuple(out)


def display_path(loc: Sequence[str | int]) -> str:
    """``goals[3].minutes`` from ``("goals", 3, "minutes")``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _finding(doc: Document, model: type[BaseModel], err: Any) -> Finding:
    loc: Loc = tuple(err["loc"])
    kind = err["type"]
    msg = str(err["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        path = data_path(doc.data, loc)
        name = str(loc[-1])
        pos = doc.locate(path, key=True)
        allowed = _fields_at(model, loc[:-1])
        match = closest(name, allowed) if allowed else None
        hint = f"; did you mean {match!r}?" if match else ""
        fix = f"rename it to {match!r}" if match else "remove it"
        if allowed and not match:
            fix += f" (allowed: {', '.join(sorted(allowed))})"
        return Finding(
            cb101.CODE,
            f"unknown field {name!r}{hint}",
            doc.path,
            pos.line,
            pos.col,
            fix=fix,
            field=display_path(path),
        )
    if kind == "missing":
        path = data_path(doc.data, loc[:-1])
        pos = doc.locate(path)
        name = str(loc[-1])
        where = display_path(path) or "the document"
        return Finding(
            cb103.CODE,
            f"missing required field {name!r} in {where}",
            doc.path,
            pos.line,
            pos.col,
            fix=f"add `{name}:`",
            field=display_path((*path, name)),
        )
    path = data_path(doc.data, loc)
    pos = doc.locate(path)
    shown = display_path(path)
    return Finding(
        cb102.CODE,
        f"{shown}: {msg}" if shown else msg,
        doc.path,
        pos.line,
        pos.col,
        fix=_fix_for(kind, msg),
        field=shown,
    )


def _fix_for(kind: str, msg: str) -> str:
    if kind in {"int_type", "float_type", "bool_type"}:
        return "write the value without quotes, as a number or true/false"
    if kind == "string_type":
        return "quote the value to make it text"
    if kind == "literal_error":
        return msg.replace("Input should be", "use")
    if kind == "string_pattern_mismatch":
        return "use a lowercase slug: letters, digits and hyphens"
    return ""


def _fields_at(model: type[BaseModel], loc: Loc) -> set[str]:
    """Field names (by alias) of the model reached by walking ``loc`` (best effort)."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return set()
    models = _models_in(current)
    names: set[str] = set()
    for item in models:
        names.update(f.alias or name for name, f in item.model_fields.items())
    return names


def _unwrap(tp: Any) -> Any:
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    return tp


def _models_in(tp: Any) -> list[type[BaseModel]]:
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    if get_origin(tp) in (Union, types.UnionType):
        found: list[type[BaseModel]] = []
        for arg in get_args(tp):
            found.extend(_models_in(arg))
        return found
    return []


def _step(tp: Any, part: str | int) -> Any:
    tp = _unwrap(tp)
    if isinstance(part, str) and part.startswith("<") and part.endswith(">"):
        return tp  # a union tag: stay on the union
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        for arg in get_args(tp):
            step = _step(arg, part)
            if step is not None:
                return step
        return None
    if origin is list and isinstance(part, int):
        return get_args(tp)[0]
    if origin is dict and isinstance(part, str):
        return get_args(tp)[1]
    if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
        for name, info in tp.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
        return None
    return None
