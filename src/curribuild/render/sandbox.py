"""Rendering templates safely: Jinja2's immutable sandbox, StrictUndefined,
a cap on output size and a time limit.

Every template, bundled or user-supplied, runs here. A template error becomes
a :class:`~curribuild.errors.UserError` naming the template and line.
"""

from __future__ import annotations

import operator
import re
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from curribuild.errors import UserError
from curribuild.findings import Finding
from curribuild.resources import templates_dir

MAX_OUTPUT_CHARS = 20_000_000
MAX_SECONDS = 30.0
MAX_SEQUENCE = 1_000_000


class TemplateLimitError(Exception):
    """Raised from inside rendering when a limit is exceeded."""


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def md_text(value: Any) -> str:
    """Text for a Markdown table cell or line: no pipes, newlines, raw HTML or emphasis."""
    text = str(value).replace("\r", " ").replace("\n", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def ics_safe(value: Any) -> str:
    return str(value).replace("\r", " ").replace("\n", " ")


class _Environment(ImmutableSandboxedEnvironment):
    """The immutable sandbox with size guards on ``*`` and ``**``."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, deadline: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.deadline = deadline

    def call_binop(
        self, context: jinja2.runtime.Context, operator_: str, left: Any, right: Any
    ) -> Any:
        self.check_time()
        if operator_ == "**":
            if isinstance(right, int) and abs(right) > 100:
                raise TemplateLimitError("exponent too large in template")
            return operator.pow(left, right)
        if isinstance(left, str | list | tuple) and isinstance(right, int):
            size = len(left) * right
        elif isinstance(right, str | list | tuple) and isinstance(left, int):
            size = len(right) * left
        else:
            size = 0
        if size > MAX_SEQUENCE:
            raise TemplateLimitError(
                f"template builds a value of {size:,} items (limit {MAX_SEQUENCE:,})"
            )
        return operator.mul(left, right)

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimitError(f"template ran longer than {MAX_SECONDS:.0f} seconds")


def make_environment(search: list[Path], *, autoescape: bool, deadline: float) -> _Environment:
    env = _Environment(
        deadline,
        loader=jinja2.FileSystemLoader([str(p) for p in search]),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["md"] = md_text
    env.filters["ics"] = ics_safe
    return env


def _template_location(tb: TracebackType | None, names: set[str]) -> tuple[str, int] | None:
    """The innermost traceback frame that belongs to a template."""
    found: tuple[str, int] | None = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in names or filename.endswith((".j2", ".jinja", ".jinja2", ".html", ".md")):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def render(
    template: Path | str,
    context: dict[str, Any],
    *,
    autoescape: bool,
    max_chars: int = MAX_OUTPUT_CHARS,
    max_seconds: float = MAX_SECONDS,
) -> str:
    """Render a bundled template name or a template file path in the sandbox."""
    deadline = time.monotonic() + max_seconds
    if isinstance(template, Path):
        search = [template.resolve().parent, templates_dir()]
        name = template.name
        shown = template.as_posix()
    else:
        search = [templates_dir()]
        name = template
        shown = f"templates/{template}"
    env = make_environment(search, autoescape=autoescape, deadline=deadline)
    return _guarded(lambda: _generate(env, name, context, max_chars), shown)


def _generate(env: _Environment, name: str, context: dict[str, Any], max_chars: int) -> str:
    tmpl = env.get_template(name)
    parts: list[str] = []
    size = 0
    for chunk in tmpl.generate(context):
        size += len(chunk)
        if size > max_chars:
            raise TemplateLimitError(f"output is larger than the limit of {max_chars:,} characters")
        env.check_time()
        parts.append(chunk)
    return "".join(parts)


def _guarded(action: Callable[[], str], shown: str) -> str:
    try:
        return action()
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or shown
        raise _error(where, exc.lineno, f"template syntax error: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise _error(shown, 0, f"template not found: {exc.name}") from None
    except (
        jinja2.UndefinedError,
        SecurityError,
        TemplateLimitError,
        RecursionError,
        jinja2.TemplateError,
        TypeError,
        ValueError,
        AttributeError,
        KeyError,
        IndexError,
        ZeroDivisionError,
        OverflowError,
        MemoryError,
    ) as exc:
        loc = _template_location(exc.__traceback__, {shown})
        where, line = loc if loc else (shown, 0)
        if isinstance(exc, RecursionError):
            message = "template recursion is too deep (does a template include itself?)"
        elif isinstance(exc, SecurityError):
            message = f"template tried something the sandbox forbids: {exc}"
        elif isinstance(exc, jinja2.UndefinedError):
            message = f"undefined name in template: {exc.message}"
        else:
            message = f"template error: {exc}"
        raise _error(where, line, message) from None


def _error(where: str, line: int, message: str) -> UserError:
    located = f"{where}:{line}" if line else where
    return UserError(
        f"{located}: {message}",
        [Finding("CB701", message, where, line, 1 if line else 0, fix="fix the template")],
    )
