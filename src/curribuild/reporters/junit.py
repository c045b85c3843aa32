"""JUnit XML for CI test reports (GitLab, Jenkins): one testcase per file and code.

Errors (and warnings under ``--strict``) are failures; a file without findings
is one passing testcase; other warnings are listed in the testcase's output.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING, TextIO

from curribuild.findings import Finding, Severity
from curribuild.reporters.parsable import line

if TYPE_CHECKING:
    from curribuild.checks.runner import CheckResult


def _text(findings: list[Finding]) -> str:
    return "\n".join(
        line(f.path, f.line, f.col, f.severity.value, f.message, f.code) for f in findings
    )


def report(result: CheckResult, out: TextIO, color: bool) -> None:
    from curribuild.checks.codes import CODES

    fail = {Severity.ERROR, Severity.WARNING} if result.strict else {Severity.ERROR}
    by_case: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_case[(f.path or "<input>", f.code)].append(f)
    suite = ET.Element("testsuite", {"name": "curribuild check"})
    tests = failures = 0
    files_with_findings = {path for path, _ in by_case}
    for (path, code), found in sorted(by_case.items()):
        name = CODES[code].name if code in CODES else code
        case = ET.SubElement(
            suite, "testcase", {"classname": path, "name": f"{code} {name}", "file": path}
        )
        tests += 1
        failing = [f for f in found if f.severity in fail]
        if failing:
            failures += 1
            failure = ET.SubElement(
                case,
                "failure",
                {"type": code, "message": f"{len(failing)} finding(s): {failing[0].message}"},
            )
            failure.text = _text(failing)
        else:
            ET.SubElement(case, "system-out").text = _text(found)
    for path in sorted(set(result.files) - files_with_findings):
        ET.SubElement(suite, "testcase", {"classname": path, "name": "all checks", "file": path})
        tests += 1
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    root = ET.Element(
        "testsuites",
        {"name": "curribuild", "tests": str(tests), "failures": str(failures), "errors": "0"},
    )
    root.append(suite)
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode") + "\n")
