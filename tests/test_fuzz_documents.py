"""Structure-aware fuzzing: valid curricula, then one mutation, through check and plan.

Hypothesis builds a valid small curriculum (config, goals, methods, rules) and
a needs document as Python data, dumps them with ``yaml.safe_dump`` and then
applies a mutation a user could make: drop a field, duplicate a key by editing
the text, give a value another type, or rename a field. Whatever comes out,
``run_check`` and ``plan`` either succeed or report located findings (every
finding that names a file has line >= 1 and col >= 1); neither ever raises
anything but a :class:`~curribuild.errors.UserError`.

Set ``CURRIBUILD_FUZZ_EXAMPLES`` to run more examples than the default 30.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curribuild.checks.runner import CheckOptions, run_check
from curribuild.errors import UserError
from curribuild.findings import Finding, Severity

EXAMPLES = int(os.environ.get("CURRIBUILD_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

DOMAINS = ["knowledge", "skills", "attitudes"]
BLOOM = ["remember", "understand", "apply", "analyse", "evaluate", "create"]
LEARNING_TYPES = ["acquisition", "inquiry", "practice", "production", "discussion", "collaboration"]
DELIVERY = ["in-person", "online", "hybrid"]
EXPERIENCE = ["none", "basic", "advanced"]
PERSPECTIVES = ["clinical", "forensic", "counter-terrorism"]
KIRKPATRICK = ["reaction", "learning", "behaviour", "results"]
TOPICS = ["trust", "risk", "media", "stigma", "cooperation", "self-care"]
VERBS = ["Explain", "Describe", "Apply", "Demonstrate", "Analyse", "Evaluate", "Design"]


# --- valid documents ---------------------------------------------------------------------

slugs = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)
texts = st.text(
    alphabet=st.characters(
        min_codepoint=32, max_codepoint=0x2FF, blacklist_categories=("Cs", "Cc")
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")


def subset(values: list[str], min_size: int = 0) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), min_size=min_size, max_size=len(values), unique=True)


@st.composite
def bloom_ranges(draw: st.DrawFn) -> dict[str, str]:
    low = draw(st.integers(0, len(BLOOM) - 1))
    high = draw(st.integers(low, len(BLOOM) - 1))
    return {"min": BLOOM[low], "max": BLOOM[high]}


@st.composite
def int_ranges(draw: st.DrawFn, low: int, high: int) -> dict[str, int]:
    a = draw(st.integers(low, high))
    b = draw(st.integers(a, high))
    return {"min": a, "max": b}


@st.composite
def methods(draw: st.DrawFn, method_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": method_id,
        "name": draw(texts),
        "learning_type": draw(st.sampled_from(LEARNING_TYPES)),
        "domains": draw(subset(DOMAINS, 1)),
        "bloom": draw(bloom_ranges()),
        "delivery": draw(subset(DELIVERY, 1)),
        "participants": draw(int_ranges(1, 40)),
        "minutes": draw(int_ranges(15, 180)),
    }
    if draw(st.booleans()):
        out["requires"] = draw(st.lists(slugs, max_size=2, unique=True))
    if draw(st.booleans()):
        out["description"] = draw(texts)
    return out


@st.composite
def goals(draw: st.DrawFn, goal_id: str, earlier: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": goal_id,
        "title": draw(texts),
        "statement": f"{draw(st.sampled_from(VERBS))} {draw(texts)}.",
        "domain": draw(st.sampled_from(DOMAINS)),
        "bloom": draw(st.sampled_from(BLOOM)),
        "topics": draw(subset(TOPICS, 1)),
        "minutes": draw(st.integers(15, 240)),
    }
    if draw(st.booleans()):
        out["perspectives"] = draw(subset(PERSPECTIVES))
    if draw(st.booleans()):
        out["priority"] = draw(st.sampled_from(["core", "recommended", "optional"]))
    if draw(st.booleans()) and earlier:  # prerequisites only on earlier goals: no cycles
        out["requires"] = draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True))
    if draw(st.booleans()):
        out["audience"] = {"experience": draw(subset(EXPERIENCE, 1))}
    if draw(st.booleans()):
        out["sensitive"] = draw(st.booleans())
    if draw(st.booleans()):
        out["evaluation"] = {"level": draw(st.sampled_from(KIRKPATRICK)), "instrument": "quiz"}
    return out


LEAVES = [
    ("goal.domain", "eq", st.sampled_from(DOMAINS)),
    ("goal.bloom", "gte", st.sampled_from(BLOOM)),
    ("goal.minutes", "gt", st.integers(0, 200)),
    ("method.learning_type", "in", subset(LEARNING_TYPES, 1)),
    ("needs.audience.participants", "lte", st.integers(1, 50)),
    ("needs.constraints.delivery", "eq", st.sampled_from(DELIVERY)),
]


@st.composite
def rules(draw: st.DrawFn, rule_id: str) -> dict[str, Any]:
    fact, op, values = draw(st.sampled_from(LEAVES))
    then = draw(
        st.one_of(
            st.builds(lambda n: {"score": n}, st.integers(-5, 5)),
            st.just({"exclude": True}),
            st.builds(lambda t: {"warn": t}, texts),
        )
    )
    return {
        "id": rule_id,
        "description": draw(texts),
        "when": {"all": [{"fact": fact, op: draw(values)}]},
        "then": then,
    }


@st.composite
def clock_days(draw: st.DrawFn) -> tuple[str, str]:
    start = draw(st.integers(6 * 60, 11 * 60))
    end = draw(st.integers(start + 60, 21 * 60))
    return f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}"


@st.composite
def needs(draw: st.DrawFn) -> dict[str, Any]:
    day_start, day_end = draw(clock_days())
    constraints: dict[str, Any] = {
        "delivery": draw(st.sampled_from(DELIVERY)),
        "days": draw(st.integers(1, 4)),
        "day_start": day_start,
        "day_end": day_end,
        "lunch_minutes": draw(st.integers(0, 90)),
        "max_block_minutes": draw(st.integers(30, 180)),
        "break_minutes": draw(st.integers(0, 30)),
    }
    if draw(st.booleans()):
        date = draw(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2099, 12, 31)))
        constraints["start_date"] = date.isoformat()
    return {
        "kind": "needs",
        "id": draw(slugs),
        "title": draw(texts),
        "audience": {
            "professions": draw(st.lists(slugs, max_size=3, unique=True)),
            "experience": draw(st.sampled_from(EXPERIENCE)),
            "participants": draw(st.integers(1, 60)),
        },
        "gaps": [
            {"topic": topic, "priority": draw(st.sampled_from(["high", "medium", "low"]))}
            for topic in draw(subset(TOPICS))
        ],
        "constraints": constraints,
        "context": {
            "sensitive_case_material": draw(st.booleans()),
            "media_exposure": draw(st.booleans()),
        },
    }


@st.composite
def curricula(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """File name -> document data of a valid curriculum and its needs."""
    goal_ids = draw(st.lists(slugs, min_size=1, max_size=6, unique=True))
    method_ids = draw(st.lists(slugs, min_size=1, max_size=4, unique=True))
    rule_ids = draw(st.lists(slugs.map("r-{}".format), max_size=3, unique=True))
    goal_docs = [draw(goals(gid, goal_ids[:i])) for i, gid in enumerate(goal_ids)]
    docs: dict[str, dict[str, Any]] = {
        "curriculum.yaml": {"kind": "config", "version": 1, "name": "fuzz"},
        "goals.yaml": {"kind": "goals", "goals": goal_docs},
        "methods.yaml": {"kind": "methods", "methods": [draw(methods(m)) for m in method_ids]},
        "needs.yaml": draw(needs()),
    }
    if rule_ids:
        docs["rules.yaml"] = {"kind": "rules", "rules": [draw(rules(r)) for r in rule_ids]}
    return docs


# --- mutations ---------------------------------------------------------------------------


# PyYAML writes YAML 1.1: it leaves `0E0` or `1e5` unquoted, which YAML 1.2
# core (and curribuild) reads as numbers. Quote every string 1.2 would resolve.
CORE_NON_STRING = re.compile(
    r"[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)"
    r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|true|True|TRUE|false|False|FALSE|null|Null|NULL|~|"
)


class CoreDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # curribuild rejects anchors and aliases


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "'" if CORE_NON_STRING.fullmatch(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


CoreDumper.add_representer(str, _represent_str)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=CoreDumper, sort_keys=False, allow_unicode=True, width=1000)


def mappings(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], dict]]:
    """Every mapping in ``node`` with its path."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from mappings(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from mappings(value, (*path, index))


OTHER_TYPES = st.one_of(
    st.integers(-10, 10**6),
    st.just("yes"),
    st.just("17:00"),
    st.just("017"),
    st.just(True),
    st.just(None),
    st.just([]),
    st.just({}),
    st.just([1, "two"]),
    st.just({"nested": {"deeper": [1]}}),
    st.floats(allow_nan=False, allow_infinity=True),
    texts,
)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[dict[str, str], str]:
    """Texts of the files after one mutation, and a description of it."""
    docs = draw(curricula())
    name = draw(st.sampled_from(sorted(docs)))
    kind = draw(st.sampled_from(["none", "drop", "duplicate", "retype", "rename"]))
    texts_out = {n: dump(d) for n, d in docs.items()}
    spots = [(p, m) for p, m in mappings(docs[name]) if m]
    if kind in {"drop", "retype", "rename"}:
        path, mapping = draw(st.sampled_from(spots))
        key = draw(st.sampled_from(sorted(mapping, key=str)))
        if kind == "drop":
            del mapping[key]
        elif kind == "retype":
            mapping[key] = draw(OTHER_TYPES)
        else:
            new = draw(st.sampled_from([key + "s", key[:-1], key.upper(), "x" + key, "kind"]))
            mapping[new] = mapping.pop(key)
        texts_out[name] = dump(docs[name])
        return texts_out, f"{kind} {key!r} at {path} in {name}"
    if kind == "duplicate":
        lines = texts_out[name].splitlines(keepends=True)
        keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*(- )?[A-Za-z_]+:", line)]
        index = draw(st.sampled_from(keyed))
        line = lines[index]
        copy = re.sub(r"^(\s*)- ", lambda m: m.group(1) + "  ", line)
        lines.insert(index + 1, copy)
        texts_out[name] = "".join(lines)
        return texts_out, f"duplicate line {index + 1} of {name}: {line.strip()!r}"
    return texts_out, "no mutation"


# --- the properties ----------------------------------------------------------------------


def write_all(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")


def assert_located(findings: list[Finding], context: str) -> None:
    for f in findings:
        if f.path:
            assert f.line >= 1 and f.col >= 1, f"unlocated finding {f}\n{context}"
        assert re.fullmatch(r"CB\d{3}", f.code), f"bad code {f.code}\n{context}"


def context_of(files: dict[str, str], description: str) -> str:
    shown = "\n".join(f"--- {n}\n{t}" for n, t in sorted(files.items()))
    return f"mutation: {description}\n{shown}"


def plan_in_process(root: Path) -> list[Finding]:
    """``curribuild plan needs.yaml -o plan.json`` in-process; the findings of a UserError."""
    from curribuild.commands import plan as command

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            status = command.run(root / "needs.yaml", str(root / "plan.json"), None, False)
        except UserError as exc:
            return exc.findings
    assert status in (0, 1)
    assert (root / "plan.json").is_file()
    return []


@FUZZ
@given(case=mutated())
def test_check_and_plan_never_raise_and_locate_every_finding(
    case: tuple[dict[str, str], str],
) -> None:
    files, description = case
    context = context_of(files, description)
    with tempfile.TemporaryDirectory(prefix="curribuild-fuzz-") as tmp:
        root = Path(tmp)
        write_all(root, files)
        result = run_check(CheckOptions(paths=[root]))
        assert_located(result.findings, context)
        assert result.exit_code in (0, 1)
        assert_located(plan_in_process(root), context)


@FUZZ
@given(docs=curricula())
def test_valid_curricula_load_without_load_or_schema_errors(
    docs: dict[str, dict[str, Any]],
) -> None:
    files = {name: dump(data) for name, data in docs.items()}
    with tempfile.TemporaryDirectory(prefix="curribuild-fuzz-") as tmp:
        root = Path(tmp)
        write_all(root, files)
        result = run_check(CheckOptions(paths=[root]))
    errors = [
        f for f in result.findings if f.severity is Severity.ERROR and f.code[:3] in {"CB0", "CB1"}
    ]
    assert not errors, context_of(files, "none") + "\n" + "\n".join(map(str, errors))


@FUZZ
@given(case=mutated())
def test_a_duplicated_key_is_reported_at_the_copy(case: tuple[dict[str, str], str]) -> None:
    files, description = case
    if not description.startswith("duplicate line"):
        return
    name = description.split(" of ", 1)[1].split(":", 1)[0]
    line = int(description.split()[2])
    with tempfile.TemporaryDirectory(prefix="curribuild-fuzz-") as tmp:
        root = Path(tmp)
        write_all(root, files)
        result = run_check(CheckOptions(paths=[root]))
    dupes = [f for f in result.findings if f.code == "CB002"]
    assert any(f.path.endswith(name) and f.line == line + 1 for f in dupes), (
        context_of(files, description) + "\n" + "\n".join(map(str, result.findings))
    )


@pytest.mark.parametrize("name", ["goals.yaml", "methods.yaml", "needs.yaml", "rules.yaml"])
def test_example_mutation_is_located(name: str, tmp_path: Path) -> None:
    """A fixed example of each document kind with a renamed field: a CB101 at that key."""
    data = {
        "goals.yaml": "kind: goals\ngoals:\n  - id: g\n    titel: T\n",
        "methods.yaml": "kind: methods\nmethods:\n  - id: m\n    nmae: M\n",
        "needs.yaml": "kind: needs\nid: n\ntitle: N\naudiense: {}\n",
        "rules.yaml": "kind: rules\nrules:\n  - id: r\n    descripton: D\n    then: {score: 1}\n",
    }[name]
    (tmp_path / "curriculum.yaml").write_text("kind: config\nname: fuzz\n")
    (tmp_path / name).write_text(data)
    result = run_check(CheckOptions(paths=[tmp_path]))
    unknown = [f for f in result.findings if f.code == "CB101" and f.path.endswith(name)]
    assert unknown, result.findings
    assert all(f.line >= 3 and f.col >= 1 for f in unknown)
