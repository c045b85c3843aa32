"""``curribuild schema``: JSON Schemas of the document kinds (and the plan) for editors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from curribuild.atomic import write_atomic
from curribuild.errors import UsageError
from curribuild.models.documents import MODELS
from curribuild.planner.model import plan_schema
from curribuild.suggest import did_you_mean

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
KINDS = (*MODELS, "plan")


def schema_for(kind: str) -> dict[str, Any]:
    if kind == "plan":
        return plan_schema()
    schema = MODELS[kind].model_json_schema(by_alias=True)
    schema["$schema"] = SCHEMA_DRAFT
    schema["$id"] = f"https://curribuild.invalid/schemas/{kind}-v1.json"
    schema["title"] = f"curribuild {kind} document"
    return schema


def dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def run(kind: str | None, output: str | None) -> int:
    if kind is not None and kind not in KINDS:
        hint = did_you_mean(kind, KINDS)
        raise UsageError(f"unknown kind {kind!r}" + (f"; {hint}" if hint else ""))
    kinds = [kind] if kind else list(KINDS)
    if output == "-":
        if len(kinds) != 1:
            raise UsageError("`-o -` needs --kind: stdout holds one schema")
        sys.stdout.write(dump(schema_for(kinds[0])))
        return 0
    folder = Path(output or "build/schemas")
    for name in kinds:
        path = folder / f"{name}.schema.json"
        write_atomic(path, dump(schema_for(name)).encode("utf-8"))
        sys.stdout.write(f"wrote {path.as_posix()}\n")
    sys.stdout.write(
        "Point yaml-language-server at them, e.g. first line of a goals file:\n"
        f"# yaml-language-server: $schema={(folder / 'goals.schema.json').as_posix()}\n"
    )
    return 0
