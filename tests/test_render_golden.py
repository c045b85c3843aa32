"""Golden files: every bundled needs example, planned and rendered as Markdown and HTML.

A change to the templates, the view model or the planner shows up here as a diff.
Regenerate deliberately, and read the diff before committing it:

    CURRIBUILD_UPDATE_GOLDEN=1 python -m pytest -q tests/test_render_golden.py
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from render_helpers import EXAMPLES, GOLDEN, UPDATE_GOLDEN, Example, plan_examples


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Example]:
    return plan_examples(tmp_path_factory.mktemp("golden"), formats=("md", "html"))


def _diff(expected: str, actual: str, name: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True),
        actual.splitlines(keepends=True),
        f"golden/{name}",
        "rendered",
        n=2,
    )
    return "".join(list(lines)[:80])


def test_every_bundled_example_has_golden_files() -> None:
    assert len(EXAMPLES) == 8, EXAMPLES
    if UPDATE_GOLDEN:
        pytest.skip("golden files are being rewritten")
    on_disk = sorted(p.name for p in GOLDEN.iterdir())
    expected = sorted(f"{name}.{ext}" for name in EXAMPLES for ext in ("md", "html"))
    assert on_disk == expected, "stale or missing golden files"


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_render_matches_golden(examples: dict[str, Example], name: str, fmt: str) -> None:
    rendered: Path = examples[name].outputs[fmt]
    actual = rendered.read_bytes()
    golden = GOLDEN / f"{name}.{fmt}"
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(actual)
    assert golden.is_file(), (
        f"{golden} is missing; create it with CURRIBUILD_UPDATE_GOLDEN=1 and review it"
    )
    expected = golden.read_bytes()
    assert actual == expected, (
        f"{name}.{fmt} differs from its golden file (if the change is intended, rerun with "
        "CURRIBUILD_UPDATE_GOLDEN=1 and review the diff):\n"
        + _diff(expected.decode("utf-8"), actual.decode("utf-8"), golden.name)
    )
    # sanity of the golden itself: a complete document, one trailing newline
    text = expected.decode("utf-8")
    assert text.endswith("\n") and not text.endswith("\n\n\n")
    title = examples[name].plan["needs"]["title"]
    assert title in text
