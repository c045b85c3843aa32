"""``curribuild schema``: JSON Schemas of the document kinds (and the plan) for editors."""

from __future__ import annotations

import sys
from pathlib import Path

from curribuild.atomic import write_atomic
from curribuild.errors import UsageError
from curribuild.schemas import (
    DEFAULT_FOLDER,
    KIND_FOLDERS,
    KINDS,
    dump,
    modeline,
    schema_file,
    schema_for,
)
from curribuild.suggest import hinted


def _hint(folder: Path, kinds: list[str]) -> str:
    """How to point an editor at the schemas just written ('' for the plan alone)."""
    documents = [kind for kind in kinds if kind in KIND_FOLDERS]
    if not documents:
        return ""
    kind = "goals" if "goals" in documents else documents[0]
    where = KIND_FOLDERS[kind]
    files = "curribuild.yaml" if where == "." else f"a file in {where}/"
    line = modeline(folder / schema_file(kind), Path(where))
    return (
        "Editors (yaml-language-server): `yaml.schemas` in .vscode/settings.json maps the\n"
        "schemas to the files (`curribuild init` writes one); or start a file with a\n"
        f"modeline, whose path is relative to the file. First line of {files}:\n{line}\n"
    )


def run(kind: str | None, output: str | None) -> int:
    if kind is not None and kind not in KINDS:
        raise UsageError(hinted(f"unknown kind {kind!r}", kind, KINDS))
    kinds = [kind] if kind else list(KINDS)
    if output == "-":
        if len(kinds) != 1:
            raise UsageError("`-o -` needs --kind: stdout holds one schema")
        sys.stdout.write(dump(schema_for(kinds[0])))
        return 0
    folder = Path(output or DEFAULT_FOLDER)
    for name in kinds:
        path = folder / schema_file(name)
        write_atomic(path, dump(schema_for(name)).encode("utf-8"))
        sys.stdout.write(f"wrote {path.as_posix()}\n")
    sys.stdout.write(_hint(folder, kinds))
    return 0
