"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, GitLab, IDEs).

What GitHub's ingestion asks of every result (its SARIF multitool rules GH1015,
GH1017, GH2012 and the "SARIF support for code scanning" reference), and how
this reporter meets it:

- every result has one location with a ``physicalLocation``: the file and
  position of the finding; a finding without a file (CB015, the time budget)
  is placed at line 1 of the repository's ``curribuild.yaml``, or at the
  repository root when there is no config;
- URIs are relative to the folder ``check`` ran in (``uriBaseId: %SRCROOT%``),
  percent-encoded, POSIX; ``region.startLine`` and ``startColumn`` are >= 1;
- every result has ``partialFingerprints``: ``curribuild/v1`` is a hash of the
  code, the file, the field path and the message (plus a counter for identical
  findings), so it survives lines added above the finding and is the same on
  every run. ``primaryLocationLineHash`` is left to GitHub's upload action,
  which computes it from the source line (a value of ours would only make it
  warn that the two disagree);
- every rule has ``shortDescription``, ``fullDescription`` (at most 1,024
  characters) and ``help`` (``text`` and ``markdown``) from the code's
  documentation, the same text ``curribuild codes CODE`` prints.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from curribuild import __version__
from curribuild.findings import Finding, Severity

if TYPE_CHECKING:
    from curribuild.checks.runner import CheckResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "curribuild/v1"
SRCROOT = "%SRCROOT%"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_DESCRIPTION_LIMIT = 1024  # GitHub's limit for shortDescription and fullDescription
_HEADING = re.compile(r"^#+\s*", re.MULTILINE)
_SURROGATE = re.compile("[\ud800-\udfff]")  # from undecodable file names


def _shown(text: str) -> str:
    """``text`` with lone surrogates as visible escapes: JSON in UTF-8 cannot carry them."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _what(doc: str) -> str:
    """The "What it finds" paragraph of a code's documentation."""
    parts = doc.split("## What it finds", 1)
    if len(parts) < 2:
        return ""
    return parts[1].split("##", 1)[0].strip()


def _limited(text: str) -> str:
    if len(text) <= _DESCRIPTION_LIMIT:
        return text
    return text[: _DESCRIPTION_LIMIT - 1].rstrip() + "…"


def help_markdown(doc: str) -> str:
    """A code's documentation as Markdown: its first line as a heading, the rest as written."""
    head, _, rest = doc.partition("\n")
    code, _, summary = head.partition(": ")
    title = f"# {code}" + (f"\n\n{summary}" if summary else "")
    return f"{title}\n{rest}".rstrip() + "\n"


def help_text(doc: str) -> str:
    """A code's documentation as plain text: no heading marks, no code backticks."""
    return _HEADING.sub("", doc).replace("`", "").rstrip() + "\n"


def _rules() -> tuple[list[dict[str, Any]], dict[str, int]]:
    from curribuild.checks.registry import CODES

    rules = []
    index = {}
    for position, info in enumerate(CODES.values()):
        index[info.code] = position
        rules.append(
            {
                "id": info.code,
                "name": info.name,
                "shortDescription": {"text": _limited(info.summary)},
                "fullDescription": {"text": _limited(_what(info.doc) or info.summary)},
                "help": {"text": help_text(info.doc), "markdown": help_markdown(info.doc)},
                "defaultConfiguration": {"level": _LEVELS[info.default_severity]},
            }
        )
    return rules, index


def _artifact(path: str, folder: bool = False) -> dict[str, str]:
    """An artifactLocation: relative to %SRCROOT% when ``path`` is, else a file URI."""
    uri = quote(path, errors="surrogateescape")  # an undecodable name keeps its bytes: %FF
    if folder:
        uri = "./" if path in ("", ".") else uri.rstrip("/") + "/"
    if path.startswith("/"):
        return {"uri": "file://" + uri}
    return {"uri": uri, "uriBaseId": SRCROOT}


def _location(finding: Finding, result: CheckResult) -> dict[str, Any]:
    if finding.path:
        artifact = _artifact(finding.path)
        region = {"startLine": max(finding.line, 1), "startColumn": max(finding.col, 1)}
    elif result.config:
        artifact = _artifact(result.config)
        region = {"startLine": 1, "startColumn": 1}
    else:  # nothing better than the repository itself
        artifact = _artifact(result.root, folder=True)
        region = {"startLine": 1, "startColumn": 1}
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _fingerprint(code: str, uri: str, finding: Finding, occurrence: int) -> str:
    key = "\x1f".join((code, uri, finding.field, finding.message, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", errors="surrogatepass")).hexdigest()[:32]


def sarif(result: CheckResult) -> dict[str, Any]:
    rules, index = _rules()
    results = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for f in result.findings:
        location = _location(f, result)
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        identity = (f.code, uri, f.field, f.message)
        occurrence = seen.get(identity, 0)
        seen[identity] = occurrence + 1
        item: dict[str, Any] = {
            "ruleId": f.code,
            "level": _LEVELS[f.severity],
            "message": {"text": _shown(f.message + (f" (fix: {f.fix})" if f.fix else ""))},
            "locations": [location],
            "partialFingerprints": {FINGERPRINT: _fingerprint(f.code, uri, f, occurrence)},
        }
        if f.code in index:
            item["ruleIndex"] = index[f.code]
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
                "originalUriBaseIds": {
                    SRCROOT: {"description": {"text": "The folder `curribuild check` ran in."}}
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def report(result: CheckResult, out: TextIO, color: bool) -> None:
    out.write(json.dumps(sarif(result), indent=2, sort_keys=True, ensure_ascii=False) + "\n")
