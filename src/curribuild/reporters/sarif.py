"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, GitLab, IDEs)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from curribuild import __version__
from curribuild.findings import Severity

if TYPE_CHECKING:
    from curribuild.checks.runner import CheckResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _what(doc: str) -> str:
    """The "What it finds" paragraph of a code's documentation."""
    parts = doc.split("## What it finds", 1)
    if len(parts) < 2:
        return ""
    return parts[1].split("##", 1)[0].strip()


def _rules() -> tuple[list[dict[str, Any]], dict[str, int]]:
    from curribuild.checks.codes import CODES

    rules = []
    index = {}
    for position, info in enumerate(CODES.values()):
        index[info.code] = position
        rules.append(
            {
                "id": info.code,
                "name": info.name,
                "shortDescription": {"text": info.summary},
                "fullDescription": {"text": _what(info.doc) or info.summary},
                "help": {"text": info.doc, "markdown": info.doc},
                "defaultConfiguration": {"level": _LEVELS[info.default_severity]},
            }
        )
    return rules, index


def sarif(result: CheckResult) -> dict[str, Any]:
    rules, index = _rules()
    results = []
    for f in result.findings:
        item: dict[str, Any] = {
            "ruleId": f.code,
            "level": _LEVELS[f.severity],
            "message": {"text": f.message + (f" (fix: {f.fix})" if f.fix else "")},
        }
        if f.code in index:
            item["ruleIndex"] = index[f.code]
        if f.path:
            artifact = (
                {"uri": "file://" + quote(f.path)}
                if f.path.startswith("/")
                else {"uri": quote(f.path), "uriBaseId": "%SRCROOT%"}
            )
            location: dict[str, Any] = {"artifactLocation": artifact}
            location["region"] = {"startLine": max(f.line, 1), "startColumn": max(f.col, 1)}
            item["locations"] = [{"physicalLocation": location}]
        results.append(item)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "curribuild",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def report(result: CheckResult, out: TextIO, color: bool) -> None:
    out.write(json.dumps(sarif(result), indent=2, sort_keys=True, ensure_ascii=False) + "\n")
