"""JSON Schemas of the document kinds (and the plan), and how editors find them: the
library behind ``curribuild schema`` and the schemas ``curribuild init`` writes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from curribuild.models.documents import MODELS
from curribuild.planner.model import plan_schema

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
KINDS = (*MODELS, "plan")
DEFAULT_FOLDER = "build/schemas"

# Where each document kind lives in a curriculum repository (the layout `curribuild
# init` scaffolds): a folder per kind, and the config file at the top.
KIND_FOLDERS: dict[str, str] = {
    "needs": "needs",
    "goals": "goals",
    "methods": "methods",
    "rules": "rules",
    "rule-tests": "rule-tests",
    "config": ".",
    "intake": "intake",
    "instruments": "instruments",
    "evidence": "evidence",
}
CONFIG_FILES = ("curribuild.yaml", "curriculum.yaml")


def schema_for(kind: str) -> dict[str, Any]:
    if kind == "plan":
        return plan_schema()
    schema = MODELS[kind].model_json_schema(by_alias=True)
    schema["$schema"] = SCHEMA_DRAFT
    schema["$id"] = f"https://curribuild.invalid/schemas/{kind}-v1.json"
    schema["title"] = f"curribuild {kind} document"
    return schema


def schema_file(kind: str) -> str:
    """The file name of ``kind``'s schema: ``goals.schema.json``."""
    return f"{kind}.schema.json"


def dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def file_globs(kind: str) -> list[str]:
    """Globs of ``kind``'s files in the repository layout, relative to its root."""
    folder = KIND_FOLDERS[kind]
    if folder == ".":
        return list(CONFIG_FILES)
    return [f"{folder}/**/*.yaml", f"{folder}/**/*.yml"]


def editor_settings(schema_folder: str) -> dict[str, Any]:
    """VS Code settings (``.vscode/settings.json``) for the YAML extension, which runs
    yaml-language-server: each kind's schema in ``schema_folder`` (relative to the
    repository root) mapped to the globs of that kind's files."""
    return {
        "yaml.schemas": {
            f"./{schema_folder}/{schema_file(kind)}": file_globs(kind) for kind in KIND_FOLDERS
        }
    }


def modeline(schema: Path, document_folder: Path) -> str:
    """The yaml-language-server modeline for a document in ``document_folder``.

    The server resolves a relative ``$schema`` path from the folder of the document
    it is in, so the path is made relative to ``document_folder`` (both relative to
    the same folder); an absolute ``schema`` stays absolute.
    """
    try:
        target = (
            schema.as_posix() if schema.is_absolute() else os.path.relpath(schema, document_folder)
        )
    except ValueError:  # Windows: another drive
        target = schema.resolve().as_posix()
    return f"# yaml-language-server: $schema={Path(target).as_posix()}"
