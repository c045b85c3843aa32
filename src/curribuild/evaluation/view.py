"""The report as the templates see it: plain values, and bar charts laid out as SVG
geometry (the template draws the rectangles, as the programme's HTML does)."""

from __future__ import annotations

from typing import Any

from curribuild.evaluation.report import Group, Report, Score

LABEL = 260  # width of the label column, in SVG units
BARS = 360  # width of the bar area
ROW = 22


def _pct(score: Score) -> str:
    return "" if score.share is None else f"{score.share:.0%}"


def _mean(score: Score) -> str:
    return "" if score.mean is None else f"{score.mean:g}"


def chart(rows: list[tuple[str, Score]]) -> dict[str, Any]:
    """Horizontal bars of shares, from a zero line (gains may be negative)."""
    known = [(label, s) for label, s in rows if s.share is not None]
    low = min([0.0, *(s.share or 0.0 for _, s in known)])
    high = max([1.0, *(s.share or 0.0 for _, s in known)])
    span = high - low

    def x(value: float) -> float:
        return round(LABEL + (value - low) / span * BARS, 1)

    zero = x(0.0)
    bars = []
    for index, (label, score) in enumerate(known):
        share = score.share or 0.0
        left, right = sorted((zero, x(share)))
        bars.append(
            {
                "label": label if len(label) <= 34 else label[:33] + "…",
                "y": index * ROW + 4,
                "x": left,
                "width": round(max(right - left, 1.0), 1),
                "negative": share < 0,
                "value": f"{share:.0%} (n={score.n})",
                "value_x": round(right + 4, 1),
            }
        )
    return {
        "bars": bars,
        "height": len(bars) * ROW + 8,
        "width": LABEL + BARS + 90,
        "zero": zero,
        "label_x": LABEL - 6,
    }


def _group(g: Group) -> dict[str, Any]:
    return {
        "name": g.name,
        "goals": len(g.goals),
        "reaction": _pct(g.reaction),
        "reaction_n": g.reaction.n,
        "gain": _pct(g.gain),
        "gain_n": g.gain.n,
        "behaviour": _pct(g.behaviour),
        "behaviour_n": g.behaviour.n,
    }


def report_view(report: Report) -> dict[str, Any]:
    return {
        "title": report.title,
        "programme": report.programme,
        "respondents": report.respondents,
        "log_entries": report.log_entries,
        "flags": report.flags,
        "goals": [
            {
                "id": g.id,
                "title": g.title,
                "domain": g.domain,
                "method": g.method_name,
                "learning_type": g.learning_type,
                "reaction": _mean(g.reaction),
                "reaction_n": g.reaction.n,
                "pre": _mean(g.pre),
                "post": _mean(g.post),
                "gain": _pct(g.gain),
                "gain_n": g.gain.n,
                "behaviour": _mean(g.behaviour),
                "behaviour_n": g.behaviour.n,
            }
            for g in report.goals
        ],
        "methods": [_group(g) for g in report.methods],
        "learning_types": [_group(g) for g in report.learning_types],
        "charts": {
            "gain": chart([(g.title, g.gain) for g in report.goals]),
            "reaction": chart([(m.name, m.reaction) for m in report.methods]),
            "behaviour": chart([(g.title, g.behaviour) for g in report.goals]),
        },
    }
