"""``curribuild init``: scaffold a curriculum repository that extends the bundled curriculum.

The scaffold lives in ``curribuild/data/scaffold`` (data, not code); names
starting with ``dot-`` become dot-files.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from curribuild.atomic import write_atomic
from curribuild.errors import UserError
from curribuild.resources import data_file


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


def run(directory: Path, force: bool) -> int:
    target_root = directory.resolve()
    if target_root.exists() and not target_root.is_dir():
        raise UserError(f"{directory} exists and is not a folder")
    files = scaffold_files()
    existing = [rel.as_posix() for _, rel in files if (target_root / rel).exists()]
    if existing and not force:
        raise UserError(
            f"{directory} already has {', '.join(existing)}; nothing was written "
            "(use --force to overwrite)"
        )
    slug = _slug(target_root.name)
    title = (
        target_root.name.replace("-", " ").replace("_", " ").strip().capitalize() or "My curriculum"
    )
    for source, rel in files:
        text = source.read_text(encoding="utf-8")
        # JSON strings are valid YAML double-quoted scalars: any title is safe
        text = text.replace("{{slug}}", slug).replace("{{title}}", json.dumps(title))
        write_atomic(target_root / rel, text.encode("utf-8"))
        sys.stdout.write(f"created {(Path(directory) / rel).as_posix()}\n")
    sys.stdout.write(
        f"\nNext: cd {directory} && curribuild check && "
        "curribuild plan needs/example.yaml && curribuild render --format md\n"
    )
    return 0
