"""JUnit XML for CI test reports (GitLab, Jenkins), written with ``junitparser``.

One test case per file and check code (``classname`` the file, ``name`` the code
and its name), plus one passing ``all checks`` case per file without findings:

- findings at the fail level (errors; warnings too under ``--strict``) make the
  case *failed*: a ``<failure>`` whose type is the code and whose text lists
  them, one ``path:line:col: [severity] message (CODE)`` line each;
- findings that do not fail the run (warnings, notes) make the case *skipped*,
  with the same lines as the ``<skipped>`` text. GitLab's test report shows the
  text of failed and skipped cases only (a passing case's ``system-out`` is
  never shown), so this is how warnings stay visible there; Jenkins lists them
  as skipped with their message.

Valid against the JUnit schema Jenkins' xUnit plugin uses (``junit-10.xsd``):
no ``file`` attribute on test cases (that schema forbids it; ``classname``
carries the path), no ``skipped`` count on ``<testsuites>``. Every string from
the data is made safe for XML 1.0 first: control characters, lone surrogates
(undecodable file names) and the non-characters U+FFFE/U+FFFF become visible
escapes (``\\x1b``, ``\\udcff``), so no file name or message can make the file
malformed, and a leading ``::`` cannot act as a GitHub workflow command when
the report is printed to a CI log.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING, TextIO

from curribuild.findings import Finding, Severity
from curribuild.output import neutral
from curribuild.reporters.parsable import line

if TYPE_CHECKING:
    from curribuild.checks.runner import CheckResult

SUITE = "curribuild check"
PASSING = "all checks"
# Characters XML 1.0 cannot hold at all; :func:`neutral` has escaped the controls.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str, *, multiline: bool = True) -> str:
    """``text`` with nothing an XML 1.0 document cannot carry, and inert in a CI log."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", neutral(text, multiline=multiline))


def _lines(findings: list[Finding]) -> str:
    return xml_safe(
        "\n".join(
            line(f.path, f.line, f.col, f.severity.value, f.message, f.code) for f in findings
        )
    )


def _summary(count: int, what: str, first: Finding) -> str:
    return xml_safe(f"{count} {what}: {first.message}", multiline=False)


def report(result: CheckResult, out: TextIO, color: bool) -> None:
    from junitparser import Failure, JUnitXml, Skipped, TestCase, TestSuite

    from curribuild.checks.registry import CODES

    fail = {Severity.ERROR, Severity.WARNING} if result.strict else {Severity.ERROR}
    by_case: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_case[(f.path or "<input>", f.code)].append(f)
    cases: list[TestCase] = []
    for (path, code), found in sorted(by_case.items()):
        name = CODES[code].name if code in CODES else code
        case = TestCase(
            xml_safe(f"{code} {name}", multiline=False), xml_safe(path, multiline=False)
        )
        failing = [f for f in found if f.severity in fail]
        passing = [f for f in found if f.severity not in fail]
        if failing:
            failure = Failure(_summary(len(failing), "finding(s)", failing[0]), xml_safe(code))
            failure.text = _lines(failing)
            case.result = [failure]
            if passing:  # shown with the failure in GitLab's report
                case.system_out = _lines(passing)
        else:
            skipped = Skipped(
                _summary(len(passing), "warning(s), not failing without --strict", passing[0]),
                found[0].severity.value,
            )
            skipped.text = _lines(passing)
            case.result = [skipped]
        cases.append(case)
    files_with_findings = {path for path, _ in by_case}
    for path in sorted(set(result.files) - files_with_findings):
        cases.append(TestCase(PASSING, xml_safe(path, multiline=False)))
    suite = TestSuite(SUITE)
    suite.add_testcases(cases)  # counts tests, failures, errors and skipped once
    report_xml = JUnitXml("curribuild")
    report_xml.add_testsuite(suite)
    buffer = io.BytesIO()
    report_xml.write(buffer)
    root = ET.fromstring(buffer.getvalue())
    # the totals on <testsuites> that junit-10.xsd allows (it has no `skipped` there)
    for key in ("tests", "failures", "errors", "time"):
        root.set(key, str(root[0].get(key, "0")))
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode") + "\n")
