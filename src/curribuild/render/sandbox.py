"""Rendering templates safely: Jinja2's immutable sandbox, StrictUndefined,
a cap on output size and a time limit.

Every template, bundled or user-supplied, runs here. A template error becomes
a :class:`~curribuild.errors.UserError` naming the template and line.
"""

from __future__ import annotations

import operator
import re
import signal
import threading
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, cast

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range

from curribuild.errors import UserError
from curribuild.findings import Finding
from curribuild.resources import templates_dir

MAX_OUTPUT_CHARS = 20_000_000
MAX_SECONDS = 30.0
MAX_SEQUENCE = 1_000_000
MAX_POWER_BITS = 100_000
ALARM_GRACE = 2.0


class TemplateLimitError(Exception):
    """Raised from inside rendering when a limit is exceeded."""


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def md_text(value: Any) -> str:
    """Text for a GitHub-flavoured Markdown table cell or line: inert.

    Newlines and control characters become spaces (a cell stays in its row),
    ``&``, ``<`` and ``>`` become entities (no raw HTML, no ``<javascript:...>``
    autolink), and ``\\ ` * _ [ ] |`` are backslash-escaped (no emphasis, no
    ``[text](javascript:...)`` link, no extra cell).
    """
    text = _CONTROLS.sub(" ", str(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_code(value: Any) -> str:
    """Text for inside a Markdown code span: no backtick to close it, no newline,
    no pipe (GFM splits table cells even inside code)."""
    text = _CONTROLS.sub(" ", str(value)).replace("`", "'").replace("|", "/")
    return text.strip() or "-"


def ics_safe(value: Any) -> str:
    return str(value).replace("\r", " ").replace("\n", " ")


class _Environment(ImmutableSandboxedEnvironment):
    """The immutable sandbox with size guards on ``*`` and ``**``."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, deadline: float, seconds: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.deadline = deadline
        self.seconds = seconds
        self.globals["range"] = self.timed_range

    def call_binop(
        self, context: jinja2.runtime.Context, operator_: str, left: Any, right: Any
    ) -> Any:
        self.check_time()
        if operator_ == "**":
            if isinstance(left, int) and isinstance(right, int):
                bits = max(1, abs(left).bit_length()) * abs(right)
                if bits > MAX_POWER_BITS:
                    raise TemplateLimitError("template computes a number that is too large")
            elif isinstance(right, int | float) and abs(right) > 1000:
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
            raise TemplateLimitError(f"template ran longer than {self.seconds:g} seconds")

    def timed_range(self, *args: int) -> Iterator[int]:
        """``range`` for templates: bounded like the sandbox's, and watching the clock."""
        for number, value in enumerate(safe_range(*args)):
            if number % 256 == 0:
                self.check_time()
            yield value


def make_environment(
    search: list[Path], *, autoescape: bool, deadline: float, seconds: float = MAX_SECONDS
) -> _Environment:
    env = _Environment(
        deadline,
        seconds,
        loader=jinja2.FileSystemLoader([str(p) for p in search]),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["md"] = md_text
    env.filters["mdcode"] = md_code
    env.filters["ics"] = ics_safe
    return env


def _template_location(tb: TracebackType | None, names: set[str]) -> tuple[str, int] | None:
    """The innermost traceback frame that belongs to a template."""
    found: tuple[str, int] | None = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in names or filename.endswith((".j2", ".jinja", ".jinja2")):
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
        names = {shown, str(template.resolve())}
    else:
        search = [templates_dir()]
        name = template
        shown = f"templates/{template}"
        names = {shown, str(templates_dir() / template)}
    env = make_environment(search, autoescape=autoescape, deadline=deadline, seconds=max_seconds)
    with _alarm(max_seconds):
        return _guarded(lambda: _generate(env, name, context, max_chars), shown, names)


def _generate(env: _Environment, name: str, context: dict[str, Any], max_chars: int) -> str:
    tmpl = env.get_template(name)
    parts: list[str] = []
    size = 0
    chunks = cast(Generator[str, None, None], tmpl.generate(context))
    append = parts.append
    deadline = env.deadline
    for count, chunk in enumerate(chunks):
        size += len(chunk)
        append(chunk)
        if size > max_chars or (count & 255 == 0 and time.monotonic() > deadline):
            problem = (
                TemplateLimitError(f"output is larger than the limit of {max_chars:,} characters")
                if size > max_chars
                else TemplateLimitError(f"template ran longer than {env.seconds:g} seconds")
            )
            # raise it where the template stands, so the error names its line
            chunks.throw(problem)
    return "".join(parts)


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Interrupt a template that runs too long (main thread on POSIX; the clock checks
    inside the sandbox cover the rest)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise TemplateLimitError(f"template ran longer than {seconds:g} seconds")

    previous = signal.signal(signal.SIGALRM, expired)
    # a backstop only: the clock checks inside the sandbox fire first and name the
    # template line; the alarm catches what they cannot see (a slow filter)
    signal.setitimer(signal.ITIMER_REAL, seconds + ALARM_GRACE)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _guarded(action: Callable[[], str], shown: str, names: set[str]) -> str:
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
        loc = _template_location(exc.__traceback__, names)
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
