"""Imports run one way (issue 14): commands do I/O and printing and never import each
other; checks never import a reporter; the planner and the engine never import a
check. Read from the source, so a new wrong-way arrow fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "curribuild"


def imports(path: Path) -> set[str]:
    """Every curribuild module ``path`` imports, at any depth of the file."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "curribuild" or node.module.startswith("curribuild."):
                out.add(node.module)
                out.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("curribuild"))
    return out


def modules(package: str) -> list[Path]:
    return sorted((SRC / package).glob("*.py"))


@pytest.mark.parametrize("path", modules("commands"), ids=lambda p: p.stem)
def test_a_command_imports_no_other_command(path: Path) -> None:
    wrong = {m for m in imports(path) if m.startswith("curribuild.commands")}
    assert wrong == set(), f"{path.name} imports {sorted(wrong)}"


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("checks", "curribuild.reporters"),
        ("planner", "curribuild.checks"),
        ("engine", "curribuild.checks"),
        ("planner", "curribuild.commands"),
        ("render", "curribuild.commands"),
        ("intake", "curribuild.commands"),
    ],
)
def test_lower_layers_import_no_higher_one(package: str, forbidden: str) -> None:
    wrong = {
        f"{path.name}: {m}"
        for path in modules(package)
        for m in imports(path)
        if m.startswith(forbidden)
    }
    assert wrong == set()


def test_the_scan_sees_an_import() -> None:
    """The scan works: the CLI does import the commands."""
    assert any(m.startswith("curribuild.commands") for m in imports(SRC / "cli.py"))
