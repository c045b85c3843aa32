"""CB401 stigmatising-language: Wording that stigmatises mental illness.

## What it finds

Words and phrases in any text of a curriculum document (titles, statements,
descriptions, rule messages) that stigmatise mental illness or conflate it with
terrorism, each with a suggested alternative. The list lives in
`curribuild/data/stigma.yaml` and is extended by `stigma_terms:` in
`curribuild.yaml`. Matching is case-insensitive on word boundaries; a term
inside quotation marks (a text that explains the term itself) is not flagged,
nor is a line with `# curribuild: disable=CB401`.

## Why it matters

Curricula in this field are read by practitioners, clients and the press. Poor
handling of the link between mental health and violent extremism risks
deepening the stigma around mental health and P/CVE (RAN HEALTH 2022).

## Example

    statement: Describe how people who suffer from psychosis can be supported.

## Instead

    statement: Describe how people who experience psychosis can be supported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from curribuild.checks.lintdata import StigmaPatterns, compile_terms, stigma_terms
from curribuild.findings import Finding, Position, Severity
from curribuild.loader import Document, position_at
from curribuild.models.config import StigmaTerm

CODE = "CB401"
NAME = "stigmatising-language"
SUMMARY = "Wording that stigmatises mental illness."
DEFAULT_SEVERITY = Severity.WARNING

_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|‘[^’]*’|'[^'\s][^']*'(?!\w)")
# Fields that hold identifiers or references, not prose.
_NOT_PROSE = frozenset(
    {
        "id",
        "kind",
        "fact",
        "requires",
        "topics",
        "topic",
        "require",
        "method",
        "when",  # rule conditions compare identifiers
        "curriculum",
        "extends",
        "professions",
        "settings",
        "stigma_terms",  # the definition of extra terms is not a use of them
        "disable_rules",
        "select",
        "ignore",
        "include",
        "exclude",
    }
)


def _strings(
    data: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in _NOT_PROSE:
                yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*path, index))
    elif isinstance(data, str):
        yield path, data


def _position(doc: Document, path: tuple[str | int, ...], match_text: str, skip: int) -> Position:
    """Where the ``skip``-th occurrence of ``match_text`` at/after the value starts."""
    start = doc.locate(path)
    text = doc.text
    offset = _offset(text, start)
    # words may be wrapped over lines in folded or quoted scalars
    needle = re.compile(r"\s+".join(re.escape(w) for w in match_text.split()), re.IGNORECASE)
    for seen, hit in enumerate(needle.finditer(text, offset)):
        if seen == skip:
            return position_at(text, hit.start())
    return start


def _offset(text: str, pos: Position) -> int:
    """Character offset of a 1-based line and column."""
    index = 0
    for _ in range(pos.line - 1):
        found = text.find("\n", index)
        if found < 0:
            return len(text)
        index = found + 1
    return index + pos.col - 1


def scan_text(text: str, patterns: StigmaPatterns) -> Iterator[tuple[re.Match[str], str]]:
    """Stigmatising terms in ``text`` outside quotation marks, with their suggestions."""
    quoted: list[tuple[int, int]] | None = None
    for hit in patterns.regex.finditer(text):
        if quoted is None:
            quoted = [m.span() for m in _QUOTED.finditer(text)]
        if any(a <= hit.start() and hit.end() <= b for a, b in quoted):
            continue
        yield hit, patterns.suggestions[hit.lastgroup or ""]


@cache
def patterns_for(extra: tuple[StigmaTerm, ...] = ()) -> StigmaPatterns:
    """The bundled terms plus a repository's extra ones, compiled once."""
    return compile_terms(stigma_terms() + extra)


def check_document(doc: Document, patterns: StigmaPatterns) -> Iterator[Finding]:
    """Stigmatising wording in one loaded document (run as files stream by)."""
    if not patterns.may_occur_in(doc.text) or patterns.regex.search(doc.text) is None:
        return  # most files have no hit at all: a cheap scan of the raw text first
    for path, text in _strings(doc.data):
        for hit, suggestion in scan_text(text, patterns):
            found = hit.group()
            earlier = len(re.findall(re.escape(found.lower()), text[: hit.start()].lower()))
            pos = _position(doc, path, found, earlier)
            yield Finding(
                CODE,
                f"stigmatising wording {found!r}; write {suggestion!r} instead",
                doc.path,
                pos.line,
                pos.col,
                severity=DEFAULT_SEVERITY,
                fix=suggestion,
            )
