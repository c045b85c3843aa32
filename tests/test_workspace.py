"""The per-run workspace: each folder is loaded once per run, a new run sees changed
files, and no loaded curriculum is kept at module level between runs."""

from __future__ import annotations

import ast
from pathlib import Path

from curribuild.inputs import load_for_needs
from curribuild.workspace import Workspace
from planner_helpers import goal, method, needs_data, write_curriculum, write_doc

SRC = Path(__file__).resolve().parents[1] / "src" / "curribuild"


def test_one_run_loads_a_folder_once_and_extends_share_the_base(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    base = write_curriculum(tmp_path / "base", goals=[goal("a")], methods=[method("m")])
    child = write_curriculum(tmp_path / "child", goals=[goal("b")], config={"extends": "../base"})
    workspace = Workspace()
    cur, findings = workspace.load_curriculum(child)
    assert findings == []
    assert set(cur.goals) == {"a", "b"}
    assert workspace.load_curriculum(child)[0] is cur
    assert workspace.load_curriculum(base)[0].goals.keys() == {"a"}
    assert set(workspace.curricula) == {base.resolve(), child.resolve()}


def test_a_new_run_sees_files_changed_since_the_last(tmp_path: Path) -> None:
    root = write_curriculum(tmp_path / "cur", goals=[goal("a")], methods=[method("m")])
    first, _ = Workspace().load_curriculum(root)
    write_curriculum(root, goals=[goal("a"), goal("b")], methods=[method("m")])
    second, _ = Workspace().load_curriculum(root)
    assert set(first.goals) == {"a"}
    assert set(second.goals) == {"a", "b"}


def test_plan_inputs_of_two_runs_are_loaded_afresh(tmp_path: Path) -> None:
    root = write_curriculum(tmp_path / "cur", goals=[goal("a")], methods=[method("m")])
    needs = tmp_path / "cur" / "needs.yaml"
    write_doc(needs, needs_data())
    _, first = load_for_needs(needs, None)
    write_curriculum(root, goals=[goal("a"), goal("c")], methods=[method("m")])
    _, second = load_for_needs(needs, None)
    assert "c" not in first.goals
    assert "c" in second.goals


def test_no_module_keeps_a_mutable_cache_of_loads() -> None:
    """Module-level dicts in the package are constant tables, never filled at run time:
    no function assigns into or clears one (the per-run Workspace owns what is loaded)."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            target.id
            for node in tree.body
            if isinstance(node, ast.AnnAssign | ast.Assign)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            for inner in ast.walk(node):
                stored = (
                    isinstance(inner, ast.Subscript)
                    and isinstance(inner.ctx, ast.Store | ast.Del)
                    and isinstance(inner.value, ast.Name)
                    and inner.value.id in names
                )
                cleared = (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Attribute)
                    and inner.func.attr in {"clear", "setdefault", "update", "pop"}
                    and isinstance(inner.func.value, ast.Name)
                    and inner.func.value.id in names
                )
                if stored or cleared:
                    offenders.append(f"{path.relative_to(SRC)}:{getattr(inner, 'lineno', 0)}")
    assert offenders == []
