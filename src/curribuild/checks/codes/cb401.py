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
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
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
SCOPE = "document"
MAX_FINDINGS = 500

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


class _Occurrences:
    """Where each hit's text occurs in the document, found in one pass per distinct text."""

    def __init__(self, doc: Document) -> None:
        self.text = doc.text
        self.found: dict[tuple[str, int], tuple[Iterator[re.Match[str]], list[int]]] = {}

    def position(self, start: Position, offset: int, match_text: str, skip: int) -> Position:
        """Where the ``skip``-th occurrence of ``match_text`` at/after ``offset`` starts."""
        key = (match_text.lower(), offset)
        if key not in self.found:
            # words may be wrapped over lines in folded or quoted scalars
            needle = re.compile(
                r"\s+".join(re.escape(w) for w in match_text.split()), re.IGNORECASE
            )
            self.found[key] = (needle.finditer(self.text, offset), [])
        hits, seen = self.found[key]
        while len(seen) <= skip:
            hit = next(hits, None)
            if hit is None:
                return start
            seen.append(hit.start())
        return position_at(self.text, seen[skip])


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
    """Stigmatising terms in ``text`` outside quotation marks, with their suggestions.

    Linear in ``text``: one regex pass for the terms, one for the quotations.
    """
    quoted: list[tuple[int, int]] | None = None
    starts: list[int] = []
    for hit in patterns.regex.finditer(text):
        if quoted is None:
            quoted = [m.span() for m in _QUOTED.finditer(text)]
            starts = [a for a, _ in quoted]
        index = bisect_right(starts, hit.start()) - 1  # quotations do not overlap
        if index >= 0 and hit.end() <= quoted[index][1]:
            continue
        yield hit, patterns.suggestion(hit.group())


@cache
def patterns_for(extra: tuple[StigmaTerm, ...] = ()) -> StigmaPatterns:
    """The bundled terms plus a repository's extra ones, compiled once."""
    return compile_terms(stigma_terms() + extra)


def check_document(doc: Document, patterns: StigmaPatterns) -> Iterator[Finding]:
    """Stigmatising wording in one loaded document (run as files stream by).

    At most :data:`MAX_FINDINGS` per document, then one finding that says how
    many more there are: the work stays linear in the document's size.
    """
    if not patterns.occurs_in(doc.text):
        return  # most files have no hit at all: one scan of the raw text first
    occurrences = _Occurrences(doc)
    shown = 0
    more = 0
    for path, text in _strings(doc.data):
        lowered: str | None = None
        earlier: dict[str, list[int]] = {}
        start: Position | None = None
        offset = 0
        for hit, suggestion in scan_text(text, patterns):
            if shown >= MAX_FINDINGS:
                more += 1
                continue
            found = hit.group()
            needle = found.lower()
            if needle not in earlier:  # every occurrence of the literal text, once
                lowered = text.lower() if lowered is None else lowered
                earlier[needle] = [m.start() for m in re.finditer(re.escape(needle), lowered)]
            skip = bisect_left(earlier[needle], hit.start())
            if start is None:
                start = doc.locate(path)
                offset = _offset(doc.text, start)
            pos = occurrences.position(start, offset, found, skip)
            shown += 1
            yield Finding(
                CODE,
                f"stigmatising wording {found!r}; write {suggestion!r} instead",
                doc.path,
                pos.line,
                pos.col,
                fix=suggestion,
            )
    if more:
        yield Finding(
            CODE,
            f"{more:,} more stigmatising words in this document are not shown "
            f"(at most {MAX_FINDINGS} per document)",
            doc.path,
            1,
            1,
            fix="rewrite the wording shown first, then check again",
        )


def prepare(extra: tuple[StigmaTerm, ...] = ()) -> Callable[[Document], Iterator[Finding]]:
    """The check of each loaded document, with the repository's extra terms."""
    patterns = patterns_for(extra)
    return lambda doc: check_document(doc, patterns)
