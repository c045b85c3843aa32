"""CB603 rule-test-unknown-reference: A rule-test case names an unknown rule or method.

## What it finds

A rule id in `fires:`/`not_fires:` or a method id in `methods:`, `method:`,
`excluded:` or `eligible:` that the curriculum does not define.

## Why it matters

An expectation about a rule that does not exist always passes or always fails,
for the wrong reason.

## Example

    expect: {fires: [skills-need-practise]}

## Instead

    expect: {fires: [skills-need-practice]}
"""

from curribuild.findings import Severity

CODE = "CB603"
NAME = "rule-test-unknown-reference"
SUMMARY = "A rule-test case names an unknown rule or method."
DEFAULT_SEVERITY = Severity.ERROR
