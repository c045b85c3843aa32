"""``curribuild init``: scaffold a curriculum repository that extends the bundled curriculum.

The scaffold lives in ``curribuild/data/scaffold`` (data, not code); names
starting with ``dot-`` become dot-files. The JSON Schemas (``schemas/``) and the
editor settings that map them to the files (``.vscode/settings.json``) are
generated, so they always match this version's document models.

The CI files install curribuild with one setting, ``CURRIBUILD_INSTALL_SPEC``: what
``pip install`` is given (``--install-spec``; by default this very version, pinned).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from curribuild import __version__
from curribuild.atomic import write_atomic
from curribuild.errors import UsageError, UserError
from curribuild.resources import data_file

SCHEMA_FOLDER = "schemas"  # `curribuild schema -o schemas` writes the same files
DEFAULT_INSTALL_SPEC = f"curribuild=={__version__}"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "my-curriculum"


def scaffold_files() -> list[tuple[Path, Path]]:
    """(source, relative target) for every scaffold file, sorted."""
    root = data_file("scaffold")
    out = []
    for source in sorted(root.rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts:
            rel = source.relative_to(root)
            target = Path(
                *(
                    part.replace("dot-", ".", 1) if part.startswith("dot-") else part
                    for part in rel.parts
                )
            )
            out.append((source, target))
    return out


def generated_files() -> list[tuple[Path, str]]:
    """(relative target, text) of the files made from code: each kind's JSON Schema in
    ``schemas/``, and ``.vscode/settings.json`` mapping them to the files of each kind."""
    from curribuild import schemas as schema

    out = [
        (Path(SCHEMA_FOLDER) / schema.schema_file(kind), schema.dump(schema.schema_for(kind)))
        for kind in schema.KINDS
    ]
    settings = json.dumps(schema.editor_settings(SCHEMA_FOLDER), indent=2) + "\n"
    out.append((Path(".vscode") / "settings.json", settings))
    return sorted(out)


def install_spec_value(spec: str | None) -> str:
    """The ``--install-spec`` to write: one pip argument (a requirement, a wheel path or
    URL, a git URL); by default this version of curribuild, pinned."""
    if spec is None:
        return DEFAULT_INSTALL_SPEC
    value = spec.strip()
    if not value:
        raise UsageError(
            "--install-spec: empty; give what pip installs, e.g. "
            f"{DEFAULT_INSTALL_SPEC} or 'curribuild @ git+https://HOST/OWNER/curribuild.git@TAG'"
        )
    if _CONTROL.search(value):
        raise UsageError(
            "--install-spec: control characters (such as a line break) are not allowed"
        )
    return value


def run(directory: Path, force: bool, install_spec: str | None = None) -> int:
    spec = install_spec_value(install_spec)
    target_root = directory.resolve()
    if target_root.exists() and not target_root.is_dir():
        raise UserError(f"{directory} exists and is not a folder")
    files = scaffold_files()
    generated = generated_files()
    targets = sorted([rel for _, rel in files] + [rel for rel, _ in generated])
    existing = [rel.as_posix() for rel in targets if (target_root / rel).exists()]
    if existing and not force:
        raise UserError(
            f"{directory} already has {', '.join(existing)}; nothing was written "
            "(use --force to overwrite)"
        )
    slug = _slug(target_root.name)
    title = (
        target_root.name.replace("-", " ").replace("_", " ").strip().capitalize() or "My curriculum"
    )
    texts = dict(generated)
    for source, rel in files:
        text = source.read_text(encoding="utf-8")
        # JSON strings are valid YAML double-quoted scalars: any title is safe
        texts[rel] = (
            text.replace("{{slug}}", slug)
            .replace("{{title}}", json.dumps(title))
            .replace("{{install_spec}}", json.dumps(spec))
        )
    for rel in targets:
        write_atomic(target_root / rel, texts[rel].encode("utf-8"))
        sys.stdout.write(f"created {(Path(directory) / rel).as_posix()}\n")
    sys.stdout.write(
        f"\nNext: cd {directory} && curribuild check && "
        "curribuild plan needs/example.yaml && curribuild render --format md\n"
    )
    return 0
