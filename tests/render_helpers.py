"""Helpers of the ``curribuild render`` tests: planning the bundled examples, running the
command in-process, and small parsers for the Markdown, HTML and SVG it produces.

Only the standard library, markdown-it-py (a test extra) and the project's own
dependencies are used.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from typer.testing import CliRunner, Result

from curribuild.cli import app

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
NEEDS_DIR = REPO / "curricula" / "ran-health-pcve" / "needs"
EXAMPLES = sorted(p.stem for p in NEEDS_DIR.glob("*.yaml"))
GOLDEN = TESTS / "golden"
TEMPLATES = TESTS / "fixtures" / "templates"
FORENSIC = "forensic-psychiatry-in-person"
UPDATE_GOLDEN = os.environ.get("CURRIBUILD_UPDATE_GOLDEN") == "1"

_CLEAN_ENV = {"NO_COLOR": "1", "COLUMNS": "200"}
_DROP_ENV = ("FORCE_COLOR", "GITHUB_ACTIONS", "CURRIBUILD_DEBUG", "SOURCE_DATE_EPOCH")


def invoke(*args: str | Path, cwd: Path | None = None) -> Result:
    """Run ``curribuild ARGS`` in-process (in ``cwd`` if given) with a clean environment."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in _CLEAN_ENV.items():
            mp.setenv(name, value)
        for name in _DROP_ENV:
            mp.delenv(name, raising=False)
        if cwd is not None:
            mp.chdir(cwd)
        return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def assert_clean_failure(result: Result, code: int = 1) -> None:
    """A failure the user can act on: the exit status, an ``error:`` line, no traceback."""
    assert result.exit_code == code, (result.exit_code, result.output)
    assert "error:" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert "internal error" not in result.stderr, result.stderr


@dataclass
class Example:
    """A bundled needs example, planned and rendered once."""

    name: str
    folder: Path
    plan_path: Path
    plan: dict[str, Any]
    outputs: dict[str, Path] = field(default_factory=dict)

    def text(self, fmt: str) -> str:
        """The rendered file, exactly (no newline translation)."""
        return self.outputs[fmt].read_bytes().decode("utf-8")


def plan_needs(needs: Path, folder: Path) -> Path:
    """``curribuild plan NEEDS -o folder/plan.json``; returns the plan path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "plan.json"
    result = invoke("plan", needs, "-o", target, cwd=folder)
    assert result.exit_code == 0, result.output
    json.loads(target.read_text(encoding="utf-8"))
    return target


def render(plan: Path, fmt: str, out: Path | str, *extra: str, cwd: Path | None = None) -> Result:
    return invoke("render", "--plan", plan, "--format", fmt, "-o", out, *extra, cwd=cwd)


def plan_examples(base: Path, formats: tuple[str, ...] = ("md", "html", "ics", "json")) -> dict:
    """Plan every bundled needs example under ``base`` and render it in ``formats``."""
    examples: dict[str, Example] = {}
    for name in EXAMPLES:
        folder = base / name
        plan_path = plan_needs(NEEDS_DIR / f"{name}.yaml", folder)
        example = Example(
            name, folder, plan_path, json.loads(plan_path.read_text(encoding="utf-8"))
        )
        for fmt in formats:
            out = folder / f"programme.{fmt}"
            result = render(plan_path, fmt, out, cwd=folder)
            assert result.exit_code == 0, result.output
            assert result.stderr == f"Wrote {out.as_posix()}\n"
            example.outputs[fmt] = out
        examples[name] = example
    return examples


def sessions(plan: dict[str, Any], *kinds: str) -> Iterator[tuple[dict, dict]]:
    """``(day, session)`` pairs of the plan, optionally only of some kinds."""
    for day in plan["days"]:
        for session in day["sessions"]:
            if not kinds or session["kind"] in kinds:
                yield day, session


# --- a curriculum whose text looks like markup and template code -------------------------

EVIL_TITLE = "Evil <script>alert(1)</script> {{ 7*7 }} a|b"
EVIL_STATEMENT = (
    "Explain <script>alert(1)</script>, {{ 7*7 }} and {% if true %}x{% endif %} with a | pipe."
)
EVIL_METHOD = "Lecture <b>bold</b> {{ 6*7 }}"
EVIL_NEEDS_TITLE = "Needs <script>alert(1)</script> {{ 7*7 }}"
# Mermaid's gantt lexer is case-insensitive and reads `section ...`, `call ...`, `title ...`
# at the start of a line as keywords, and `;` and `#` as separators and comments.
KEYWORD_TITLE = "Section 3 duties; call #1: the basics"
SEMICOLON_NEEDS_TITLE = "Risk assessment; module #2: hybrid"


def _dump(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _goal(goal_id: str, title: str, statement: str) -> dict[str, Any]:
    return {
        "id": goal_id,
        "title": title,
        "statement": statement,
        "domain": "knowledge",
        "bloom": "understand",
        "topics": [goal_id],
        "minutes": 60,
        "evaluation": {"level": "learning", "instrument": "quiz <i>x</i> | {{ 1+1 }}"},
    }


def write_hostile_repo(base: Path, needs_title: str = EVIL_NEEDS_TITLE) -> Path:
    """``base/cur`` (a curriculum with hostile-looking text) and ``base/needs.yaml``."""
    cur = base / "cur"
    _dump(cur / "curriculum.yaml", {"kind": "config", "name": "hostile"})
    _dump(
        cur / "goals.yaml",
        {
            "kind": "goals",
            "goals": [
                _goal("evil", EVIL_TITLE, EVIL_STATEMENT),
                _goal("keyword", KEYWORD_TITLE, "Explain section 3 duties."),
                _goal("plain", "Plain goal", "Explain plain things."),
            ],
        },
    )
    _dump(
        cur / "methods.yaml",
        {
            "kind": "methods",
            "methods": [
                {
                    "id": "lecture",
                    "name": EVIL_METHOD,
                    "learning_type": "acquisition",
                    "domains": ["knowledge", "skills", "attitudes"],
                    "bloom": {"min": "remember", "max": "create"},
                    "delivery": ["in-person", "online", "hybrid"],
                    "participants": {"min": 1, "max": 100},
                    "minutes": {"min": 10, "max": 480},
                }
            ],
        },
    )
    needs = base / "needs.yaml"
    _dump(
        needs,
        {
            "kind": "needs",
            "id": "hostile-needs",
            "title": needs_title,
            "curriculum": "cur",
            "gaps": [
                {"topic": "evil", "priority": "high"},
                {"topic": "keyword", "priority": "high"},
                {"topic": "plain", "priority": "high"},
            ],
            "constraints": {"start_date": "2027-06-07", "timezone": "Europe/Amsterdam"},
        },
    )
    return needs


# --- Markdown ---------------------------------------------------------------------------


def md_tokens(text: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(text)


def inline_text(token: Token) -> str:
    """What an inline token shows a reader (escapes and entities resolved)."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "text_special", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


@dataclass
class MdTable:
    h2: str
    h3: str
    header: list[str]
    rows: list[list[str]]


def md_tables(tokens: list[Token]) -> list[MdTable]:
    """Every table with the level-2 and level-3 headings it stands under."""
    tables: list[MdTable] = []
    h2 = h3 = ""
    current: MdTable | None = None
    row: list[str] | None = None
    in_head = False
    for index, tok in enumerate(tokens):
        if tok.type == "heading_open":
            title = inline_text(tokens[index + 1])
            if tok.tag == "h2":
                h2, h3 = title, ""
            elif tok.tag == "h3":
                h3 = title
        elif tok.type == "table_open":
            current = MdTable(h2, h3, [], [])
        elif tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row = []
        elif tok.type in ("th_open", "td_open") and row is not None:
            row.append(inline_text(tokens[index + 1]))
        elif tok.type == "tr_close" and current is not None and row is not None:
            if in_head:
                current.header = row
            else:
                current.rows.append(row)
            row = None
        elif tok.type == "table_close" and current is not None:
            tables.append(current)
            current = None
    return tables


def mermaid_blocks(tokens: list[Token]) -> list[str]:
    return [t.content for t in tokens if t.type == "fence" and t.info.strip() == "mermaid"]


# A Mermaid gantt task line as the bundled template writes it.
GANTT_TASK = re.compile(
    r"^ {4}(?P<name>[^:;#\n]+?) :(?P<crit>crit, )?(?P<id>[A-Za-z0-9_-]+), "
    r"(?P<date>\d{4}-\d{2}-\d{2}) (?P<time>\d{2}:\d{2}), (?P<minutes>\d+)m$"
)


@dataclass
class Gantt:
    header: list[str]
    sections: dict[str, list[re.Match[str]]]
    stray: list[str]


def parse_gantt(block: str) -> Gantt:
    """Header lines, task lines per ``section``, and lines that are neither."""
    lines = block.splitlines()
    header: list[str] = []
    sections: dict[str, list[re.Match[str]]] = {}
    stray: list[str] = []
    current: str | None = None
    for line in lines:
        if not line.strip():
            continue
        stripped = line.strip()
        if stripped.startswith("section "):
            current = stripped[len("section ") :]
            sections[current] = []
        elif current is None:
            header.append(stripped)
        else:
            match = GANTT_TASK.match(line)
            if match:
                sections[current].append(match)
            else:
                stray.append(line)
    return Gantt(header, sections, stray)


# --- HTML ---------------------------------------------------------------------------------

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    items: list[Node | str] = field(default_factory=list)
    line: int = 0

    @property
    def children(self) -> list[Node]:
        return [item for item in self.items if isinstance(item, Node)]

    def text(self) -> str:
        """All text below this node, in document order."""
        return "".join(item if isinstance(item, str) else item.text() for item in self.items)

    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str, cls: str | None = None, **attrs: str) -> list[Node]:
        """Descendants (and self) named ``tag``; ``data_start="x"`` matches ``data-start``."""
        found = []
        for node in self.iter():
            if node.tag != tag:
                continue
            if cls is not None and cls not in node.classes():
                continue
            if any(node.attrs.get(k.replace("_", "-")) != v for k, v in attrs.items()):
                continue
            found.append(node)
        return found

    def find(self, tag: str, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert len(found) == 1, f"expected one <{tag}> ({cls}, {attrs}), found {len(found)}"
        return found[0]


class TreeBuilder(HTMLParser):
    """A forgiving tree of the document, recording tags that do not nest properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), line=self.getpos()[0])
        self.stack[-1].items.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].items.append(Node(tag, dict(attrs), line=self.getpos()[0]))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.stack[-1].tag == tag:
            self.stack.pop()
            return
        self.problems.append(f"line {self.getpos()[0]}: </{tag}> closes <{self.stack[-1].tag}>")
        open_tags = [n.tag for n in self.stack]
        if tag in open_tags:
            while self.stack[-1].tag != tag:
                self.stack.pop()
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].items.append(data)

    def close(self) -> None:
        super().close()
        if len(self.stack) > 1:
            self.problems.append(f"unclosed: {[n.tag for n in self.stack[1:]]}")


def parse_html(text: str) -> TreeBuilder:
    builder = TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder


def css_block(css: str, opener: str) -> str:
    """The body of the ``opener { ... }`` block (braces balanced), or ``""``."""
    start = css.find(opener)
    if start < 0:
        return ""
    brace = css.index("{", start)
    depth = 0
    for pos in range(brace, len(css)):
        if css[pos] == "{":
            depth += 1
        elif css[pos] == "}":
            depth -= 1
            if depth == 0:
                return css[brace + 1 : pos]
    return ""


def css_rules(css: str) -> dict[str, str]:
    """Flat ``selector -> declarations`` of a block without nested blocks."""
    rules: dict[str, str] = {}
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        for one in selector.split(","):
            rules[one.strip()] = rules.get(one.strip(), "") + body
    return rules


# Width of SVG text at 12 px: 6 px a character (0.5 em) is less than any common sans-serif
# font needs for digits and lower-case letters, so text estimated this way that already
# overflows certainly overflows in a browser.
SVG_CHAR_WIDTH = 6.0


def svg_text_extent(node: Node) -> tuple[float, float]:
    """Lower bound of the horizontal extent ``(left, right)`` of an SVG ``<text>``."""
    x = float(node.attrs.get("x") or 0)
    width = SVG_CHAR_WIDTH * len(node.text())
    anchor = node.attrs.get("text-anchor") or "start"
    if anchor == "middle":
        return x - width / 2, x + width / 2
    if anchor == "end":
        return x - width, x
    return x, x + width


def viewbox(svg: Node) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in (svg.attrs.get("viewbox") or "").split())
    return x, y, w, h
