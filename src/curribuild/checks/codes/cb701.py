"""CB701 template-error: A template failed to render.

## What it finds

A syntax error, an undefined name, an operation the sandbox forbids, a template
that includes itself, or output over the size or time limit. The finding names
the template file and line.

## Why it matters

Templates, bundled or your own, run in Jinja2's immutable sandbox with
`StrictUndefined`: a mistake must stop the render with a clear message rather
than produce a silently incomplete programme or run unbounded code.

## Example

    {{ plan.needs.titel }}

## Instead

    {{ plan.needs.title }}
"""

from curribuild.findings import Severity

CODE = "CB701"
NAME = "template-error"
SUMMARY = "A template failed to render."
DEFAULT_SEVERITY = Severity.ERROR
