"""CB701 template-error: A template failed to render.

## What it finds

A syntax error, an undefined name, an operation the sandbox forbids, a template
that includes itself, output over the size or time limit, or a string or list
that a filter, method or operator would build over the size cap (20,000,000
characters or items, the output cap: `center`, `indent`, `format`, `%`, `+`,
`~`, `*` and the rest, refused before they are built and named in the message).
The time limit is 5 seconds unless `--template-seconds` or
`CURRIBUILD_TEMPLATE_SECONDS` says otherwise. The finding names the template file
and line.

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
