"""Did-you-mean suggestions for misspelt names.

A candidate is suggested only when it is a likely typo of the word: at most
``max(1, len(word) // 3)`` edits away (insertions, deletions, substitutions and
swaps of two neighbours, compared case-insensitively), and similar by
``difflib``'s ratio (>= 0.6). So ``statment`` suggests ``statement`` and
``frist-goal`` suggests ``first-goal``, but ``oops`` suggests nothing rather
than ``topics``. The closest wins: fewest edits, then highest ratio, then the
longest common start (typos are rarer in the first letters), then sort order.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from itertools import takewhile

MIN_RATIO = 0.6


def max_edits(word: str) -> int:
    """How many edits a typo of ``word`` may have: one per three characters, at least one."""
    return max(1, len(word) // 3)


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Edits between ``a`` and ``b`` (optimal string alignment: a swap of neighbours is one).

    With ``limit``, any result above it is reported as ``limit + 1``.
    """
    from rapidfuzz.distance import OSA

    return int(OSA.distance(a, b, score_cutoff=limit))


def _common_start(a: str, b: str) -> int:
    return sum(1 for _ in takewhile(lambda pair: pair[0] == pair[1], zip(a, b, strict=False)))


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word``, if any is close enough to be a likely typo."""
    cap = max_edits(word)
    folded = word.casefold()
    best: tuple[int, float, int, str] | None = None
    for candidate in sorted(set(candidates)):
        other = candidate.casefold()
        edits = edit_distance(folded, other, cap)
        if edits > cap:
            continue
        ratio = difflib.SequenceMatcher(None, folded, other).ratio()
        if ratio < MIN_RATIO:
            continue
        prefix = _common_start(folded, other)
        key = (edits, -ratio, -prefix, candidate)
        if best is None or key < best:
            best = key
    return best[3] if best else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"did you mean 'x'?"`` or an empty string."""
    match = closest(word, candidates)
    return f"did you mean {match!r}?" if match else ""


def hinted(message: str, word: str, candidates: Iterable[str]) -> str:
    """``message``, with ``"; did you mean 'x'?"`` when ``word`` is a likely typo of one
    of ``candidates``."""
    hint = did_you_mean(word, candidates)
    return f"{message}; {hint}" if hint else message
