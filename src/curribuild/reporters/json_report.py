"""Machine-readable findings: a JSON object with ``findings`` and ``summary``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from curribuild.findings import Severity

if TYPE_CHECKING:
    from curribuild.checks.runner import CheckResult


def report(result: CheckResult, out: TextIO, color: bool) -> None:
    data = {
        "findings": [f.as_dict() for f in result.findings],
        "summary": {
            "files": len(result.files),
            "documents": result.documents,
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO),
            "exit_code": result.exit_code,
        },
    }
    out.write(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
