"""Fuzzing the loader and ``check``: no input, however broken, escapes as a crash.

The loader may only raise :class:`LoadError`; ``run_check`` never raises and
turns every problem into located findings. Set ``CURRIBUILD_FUZZ_EXAMPLES`` to
run more examples (the default keeps the suite fast).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curribuild import loader, reporters
from curribuild.checks.runner import CheckOptions, run_check
from curribuild.findings import Severity
from curribuild.loader import LoadError

EXAMPLES = int(os.environ.get("CURRIBUILD_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CODE = re.compile(r"CB[0-9]{3}\Z")

# Pieces of YAML syntax, chosen to reach every branch of the parser and the loader.
TOKENS = [
    "kind: goals\n",
    "kind: methods\n",
    "kind: rules\n",
    "kind: needs\n",
    "goals:\n",
    "methods:\n",
    "rules:\n",
    "- ",
    "  ",
    "    ",
    "\t",
    "\n",
    "\r\n",
    ": ",
    ":",
    " ",
    "-",
    "? ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "|\n",
    ">-\n",
    "'",
    '"',
    "\\",
    "# comment\n",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "%TAG !e! tag:example.com,2000:\n",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "!!python/object/apply:os.system ",
    "!!binary ",
    "!!set ",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!null ",
    "!!map ",
    "!!seq ",
    "!e!x ",
    "!foo ",
    "! ",
    "<<: ",
    "id: ",
    "title: ",
    "statement: ",
    "minutes: ",
    "requires: ",
    "topics: ",
    "domain: ",
    "when: ",
    "then: ",
    "fact: ",
    "eq: ",
    "all: ",
    "not: ",
    "score: ",
    "goal.domain",
    "x",
    "mh-ve-link",
    "skills",
    "60",
    '"60"',
    "0",
    "-1",
    "1.5",
    ".nan",
    "yes",
    "NO",
    "true",
    "null",
    "~",
    "17:00",
    "2027-02-30",
    "9" * 150,
    "\x00",
    "\x07",
    "\ufeff",
    "\x85",
    "\u2028",
    "é",
    "\U0001f600",
    "\udcff",
]

yamlish = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)), max_size=60).map(
    "".join
)

SLUGS = st.sampled_from(["a", "b", "mh-ve-link", "trust-building", "Bad_Slug", "", "x" * 90])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False),
    SLUGS,
    st.sampled_from(["yes", "60", "09:00", "2027-03-15", "2027-02-30", "goal.domian", "skills"]),
    st.text(max_size=8),
)
FIELDS = st.sampled_from(
    [
        "id", "title", "statement", "domain", "bloom", "topics", "minutes", "requires",
        "priority", "sensitive", "audience", "evaluation", "perspectives", "name",
        "learning_type", "domains", "delivery", "participants", "min", "max", "when", "then",
        "all", "any", "not", "fact", "eq", "in", "contains", "score", "exclude", "require",
        "add_session", "scope", "gaps", "topic", "constraints", "day_start", "day_end",
        "start_date", "curriculum", "extends", "statment", "sensitve",
    ]
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(FIELDS, inner, max_size=6)
    ),
    max_leaves=10,
)


class _NoAliasDumper(yaml.SafeDumper):
    """Writes shared objects out in full: curribuild rejects anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True)


KINDS = st.sampled_from(["goals", "methods", "rules", "rule-tests", "needs", "config", "goal"])
LIST_FIELD = {"goals": "goals", "methods": "methods", "rules": "rules", "rule-tests": "cases"}


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A well-formed YAML document of a curriculum kind with random, often wrong, content."""
    kind = draw(KINDS)
    doc: dict[str, Any] = {"kind": kind}
    if kind in LIST_FIELD:
        doc[LIST_FIELD[kind]] = draw(
            st.lists(st.dictionaries(FIELDS, VALUES, max_size=6), max_size=3)
        )
    else:
        doc.update(draw(st.dictionaries(FIELDS, VALUES, max_size=8)))
    return dump(doc)


def load_only_load_errors(text: str) -> None:
    """Parse ``text``; a LoadError is fine, anything else fails the test."""
    try:
        data, problems = loader.parse(text)
    except LoadError as exc:
        assert CODE.match(exc.code), exc.code
        assert exc.position.line >= 1
        assert exc.position.col >= 1
        assert exc.message
        return
    assert isinstance(data, dict)
    assert all(isinstance(key, str) for key in data)
    for problem in problems:
        assert isinstance(problem, LoadError)
        assert problem.code == "CB002"


def check_file(content: bytes) -> None:
    """Run ``check`` on one file holding ``content``: it must report, never raise."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.yaml"
        path.write_bytes(content)
        result = run_check(CheckOptions(paths=[path]))
        for finding in result.findings:
            assert CODE.match(finding.code), finding
            assert finding.message, finding
            assert isinstance(finding.severity, Severity)
            if finding.path.endswith("doc.yaml"):
                assert finding.line >= 1, finding
                assert finding.col >= 1, finding
        assert result.exit_code in {0, 1}
        if any(f.severity is Severity.ERROR for f in result.findings):
            assert result.exit_code == 1
        for name in ("parsable", "json", "text"):
            reporters.get(name)(result, _Sink(), False)


class _Sink(io.StringIO):
    """A text stream that keeps nothing (reporters only need ``write``)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_decode_and_parse_raise_only_load_error(raw: bytes) -> None:
    try:
        text = loader.decode(raw)
    except LoadError as exc:
        assert exc.code == "CB005"
        return
    load_only_load_errors(text)


@FUZZ
@given(yamlish)
def test_yamlish_text_raises_only_load_error(text: str) -> None:
    load_only_load_errors(text)


@FUZZ
@given(yamlish)
def test_yamlish_bytes_through_decode_raise_only_load_error(text: str) -> None:
    raw = text.encode("utf-8", errors="surrogatepass")
    try:
        decoded = loader.decode(raw)
    except LoadError as exc:
        assert exc.code == "CB005"
        return
    load_only_load_errors(decoded)


@FUZZ
@given(st.text(max_size=300))
def test_random_text_raises_only_load_error(text: str) -> None:
    load_only_load_errors(text)


@FUZZ
@given(documents())
def test_generated_documents_load_and_locate(text: str) -> None:
    """Well-formed YAML always loads, and every path in it can be located."""
    data = loader.load_text(text)
    doc = loader.Document("doc.yaml", data, text)

    def walk(node: Any, loc: tuple[str | int, ...]) -> None:
        pos = doc.locate(loc)
        assert pos.line >= 1
        assert pos.col >= 1
        if isinstance(node, dict):
            for key, value in node.items():
                assert doc.locate((*loc, key), key=True).line >= 1
                walk(value, (*loc, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*loc, index))

    walk(data, ())


@FUZZ
@given(yamlish)
def test_run_check_never_raises_on_yamlish_files(text: str) -> None:
    check_file(text.encode("utf-8", errors="surrogatepass"))


@FUZZ
@given(KINDS, yamlish)
def test_run_check_never_raises_on_kinded_yamlish_files(kind: str, body: str) -> None:
    check_file(f"kind: {kind}\n{body}".encode("utf-8", errors="surrogatepass"))


@FUZZ
@given(st.binary(max_size=300))
def test_run_check_never_raises_on_random_bytes(raw: bytes) -> None:
    check_file(b"kind: goals\n" + raw)


@FUZZ
@given(documents())
def test_run_check_never_raises_on_generated_documents(text: str) -> None:
    check_file(text.encode("utf-8"))


# --- whole curricula: valid-shaped rules over random facts, checked with every lint ---------

MATCH_FACTS = [
    "goal.bloom", "goal.domain", "goal.id", "goal.minutes", "goal.perspectives",
    "goal.priority", "goal.requires", "goal.sensitive", "goal.topics", "goal.gap_priority",
    "goal.audience", "goal.audience.experience", "goal.evaluation.level",
    "method.bloom.min", "method.bloom.max", "method.delivery", "method.domains", "method.id",
    "method.learning_type", "method.minutes.max", "method.participants.min", "method.requires",
    "needs.audience.experience", "needs.audience.participants", "needs.audience.professions",
    "needs.constraints.delivery", "needs.constraints.start_date", "needs.constraints.day_start",
    "needs.gap_topics", "needs.high_gap_topics", "needs.gaps", "needs.context",
]  # fmt: skip
PROGRAMME_FACTS = [
    "programme.any_sensitive", "programme.days", "programme.missing_perspectives",
    "programme.learning_type_minutes.practice", "programme.topics", "programme.goals",
    "needs.audience.experience", "needs.gap_topics", "needs.constraints.days",
]  # fmt: skip
OPERATORS = ["eq", "ne", "in", "not_in", "contains", "contains_any", "contains_all"]
OPERATORS += ["lt", "lte", "gt", "gte", "exists"]
LITERALS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=500),
    st.sampled_from(["skills", "apply", "core", "high", "online", "basic", "a", "09:00"]),
    st.sampled_from(["2027-03-15", "lecture", "role-play"]),
    st.lists(st.sampled_from(["skills", "apply", "a", "b", "lecture", "clinical"]), max_size=3),
)


def conditions(facts: list[str]) -> st.SearchStrategy[Any]:
    @st.composite
    def leaf(draw: st.DrawFn) -> dict[str, Any]:
        op = draw(st.sampled_from(OPERATORS))
        if op == "exists":
            return {"fact": draw(st.sampled_from(facts)), "exists": draw(st.booleans())}
        operand = draw(st.one_of(LITERALS, st.sampled_from(facts).map(lambda f: {"fact": f})))
        return {"fact": draw(st.sampled_from(facts)), op: operand}

    return st.recursive(
        leaf(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3).map(lambda items: {"all": items}),
            st.lists(inner, max_size=3).map(lambda items: {"any": items}),
            inner.map(lambda item: {"not": item}),
        ),
        max_leaves=6,
    )


MATCH_EFFECTS = st.one_of(
    st.integers(min_value=-5, max_value=5).map(lambda n: {"score": n}),
    st.just({"exclude": True}),
    st.sampled_from([["lecture"], ["role-play"], ["lecture", "role-play"]]).map(
        lambda ids: {"require": ids}
    ),
    st.just({"warn": "careful"}),
)
PROGRAMME_EFFECTS = st.one_of(
    st.just({"add_session": {"session": "debrief", "title": "Debrief", "minutes": 30}}),
    st.just(
        {
            "add_session": {
                "session": "follow-up",
                "title": "Follow-up",
                "method": "lecture",
                "minutes": 60,
                "weeks_after": 6,
            }
        }
    ),
    st.just({"warn": "careful"}),
)


@st.composite
def rules_document(draw: st.DrawFn) -> dict[str, Any]:
    rules = []
    for index in range(draw(st.integers(min_value=1, max_value=4))):
        programme = draw(st.booleans())
        rule: dict[str, Any] = {"id": f"rule-{index}", "description": "A generated rule."}
        if programme:
            rule["scope"] = "programme"
        if draw(st.booleans()):
            rule["when"] = draw(conditions(PROGRAMME_FACTS if programme else MATCH_FACTS))
        rule["then"] = draw(PROGRAMME_EFFECTS if programme else MATCH_EFFECTS)
        rules.append(rule)
    return {"kind": "rules", "rules": rules}


@st.composite
def goals_document(draw: st.DrawFn) -> dict[str, Any]:
    goals = []
    count = draw(st.integers(min_value=1, max_value=3))
    for index in range(count):
        goal: dict[str, Any] = {
            "id": f"goal-{index}",
            "title": f"Goal {index}",
            "statement": draw(st.sampled_from(["Explain a.", "Practise b.", "Know c."])),
            "domain": draw(st.sampled_from(["knowledge", "skills", "attitudes"])),
            "bloom": draw(st.sampled_from(["remember", "understand", "apply", "evaluate"])),
            "topics": draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=2)),
            "minutes": draw(st.sampled_from([30, 60, 90, 600])),
            "sensitive": draw(st.booleans()),
        }
        if index and draw(st.booleans()):
            goal["requires"] = [f"goal-{draw(st.integers(min_value=0, max_value=count - 1))}"]
        if draw(st.booleans()):
            goal["perspectives"] = ["clinical"]
        goals.append(goal)
    return {"kind": "goals", "goals": goals}


METHODS_DOCUMENT = {
    "kind": "methods",
    "methods": [
        {
            "id": "lecture",
            "name": "Lecture",
            "learning_type": "acquisition",
            "domains": ["knowledge"],
            "bloom": {"min": "remember", "max": "understand"},
            "delivery": ["in-person", "online"],
            "participants": {"min": 1, "max": 200},
            "minutes": {"min": 20, "max": 90},
        },
        {
            "id": "role-play",
            "name": "Role play",
            "learning_type": "practice",
            "domains": ["skills", "attitudes"],
            "bloom": {"min": "apply", "max": "evaluate"},
            "delivery": ["in-person"],
            "participants": {"min": 4, "max": 20},
            "minutes": {"min": 45, "max": 120},
        },
    ],
}


@FUZZ
@given(goals_document(), rules_document())
def test_run_check_never_raises_on_generated_curricula(
    goals: dict[str, Any], rules: dict[str, Any]
) -> None:
    """A curriculum with a config runs every curriculum-level check; none may crash."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = {
            "curriculum.yaml": {"kind": "config", "name": "fuzz"},
            "goals.yaml": goals,
            "methods.yaml": METHODS_DOCUMENT,
            "rules.yaml": rules,
            "needs.yaml": {
                "kind": "needs",
                "id": "course",
                "title": "A course",
                "gaps": [{"topic": "a", "priority": "high"}, {"topic": "z", "priority": "low"}],
            },
        }
        for name, data in files.items():
            (root / name).write_text(dump(data), encoding="utf-8")
        result = run_check(CheckOptions(paths=[root]))
        for finding in result.findings:
            assert CODE.match(finding.code), finding
            # the generated documents are schema-valid: no loading or schema errors
            assert finding.code[:3] not in {"CB0", "CB1"}, finding
