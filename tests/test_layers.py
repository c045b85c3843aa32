"""Imports run one way (issue 14): commands do I/O and printing and never import each
other; checks never import a reporter; the planner and the engine never import a
check. Read from the source, so a new wrong-way arrow fails here."""

from __future__ import annotations

import ast
import re
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


# What the library layer (api.py) does for the commands: a command that imports one of
# these does work that belongs there.
WORK = (
    "curribuild.planner",
    "curribuild.checks.runner.run_check",
    "curribuild.explanation.entries",
    "curribuild.render.sandbox",
    "curribuild.render.formats.render_text",
    "curribuild.evaluation.report",
    "curribuild.evaluation.results",
    "curribuild.intake.aggregate",
    "curribuild.intake.draft",
    "curribuild.inputs.load_for_needs",
    "curribuild.workspace",
)


@pytest.mark.parametrize("path", modules("commands"), ids=lambda p: p.stem)
def test_a_command_leaves_the_work_to_the_library_layer(path: Path) -> None:
    """Commands parse options, call ``curribuild.api`` and print or write what it gives
    back (the plan model is data a command may print)."""
    wrong = {
        m
        for m in imports(path)
        if m.startswith(WORK) and not m.startswith("curribuild.planner.model")
    }
    assert wrong == set(), f"{path.name} imports {sorted(wrong)}"


def test_the_library_layer_has_a_function_for_each_command() -> None:
    tree = ast.parse((SRC / "api.py").read_text(encoding="utf-8"))
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert {"check", "plan", "explain", "render", "evaluate", "intake", "curriculum"} <= functions
    assert not {m for m in imports(SRC / "api.py") if m.startswith("curribuild.commands")}


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("checks", "curribuild.reporters"),
        ("planner", "curribuild.checks"),
        ("engine", "curribuild.checks"),
        ("planner", "curribuild.commands"),
        ("render", "curribuild.commands"),
        ("intake", "curribuild.commands"),
        # the engine matches rules against facts: loading curricula is not its job
        ("engine", "curribuild.curriculum"),
        ("engine", "curribuild.workspace"),
        ("planner", "curribuild.workspace"),
    ],
)
def test_lower_layers_import_no_higher_one(package: str, forbidden: str) -> None:
    """A code's constant (``checks.codes.cbNNN.CODE``) is data every layer may name."""
    wrong = {
        f"{path.name}: {m}"
        for path in modules(package)
        for m in imports(path)
        if m.startswith(forbidden) and not m.startswith(CODES)
    }
    assert wrong == set()


CODES = "curribuild.checks.codes"
CODE_LITERAL = re.compile(r"CB\d{3}")


def _code_literals(path: Path) -> list[str]:
    """Each string constant in ``path`` that is a bare check code, as ``line: CODE``."""
    return [
        f"{path.relative_to(SRC).as_posix()}:{node.lineno}: {node.value}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CODE_LITERAL.fullmatch(node.value)
    ]


def test_every_emitter_names_a_code_by_its_module_constant() -> None:
    """No bare "CBnnn" outside ``checks/codes/``: a code is raised as ``cbNNN.CODE``, so
    that a renamed or removed code fails at import, and every use is found by name."""
    outside = [path for path in sorted(SRC.rglob("*.py")) if "checks/codes/" not in path.as_posix()]
    assert len(outside) > 50
    found = [hit for path in outside for hit in _code_literals(path)]
    assert found == []


def test_the_literal_scan_sees_a_literal() -> None:
    """The scan works: a code module holds its own literal."""
    hits = _code_literals(SRC / "checks" / "codes" / "cb001.py")
    assert [hit.rsplit(": ", 1)[1] for hit in hits] == ["CB001"]


def test_the_code_package_imports_nothing() -> None:
    """The loader and the planner import code modules: the package itself must stay empty,
    or importing a constant would load every check (and the loader in a circle)."""
    assert imports(SRC / "checks" / "codes" / "__init__.py") == set()


def test_the_scan_sees_an_import() -> None:
    """The scan works: the CLI does import the commands."""
    assert any(m.startswith("curribuild.commands") for m in imports(SRC / "cli.py"))
