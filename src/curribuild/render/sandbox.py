"""Rendering templates safely: Jinja2's immutable sandbox, StrictUndefined,
a cap on output size and on every value built on the way, a time limit and an
address-space limit.

Every template, bundled or user-supplied, runs here. A template error becomes
a :class:`~curribuild.errors.UserError` naming the template and line.
The caps on values are in :mod:`curribuild.render.limits`.
"""

from __future__ import annotations

import re
import signal
import threading
import time
import types
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from functools import update_wrapper
from pathlib import Path
from types import TracebackType
from typing import Any, cast

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from markupsafe import Markup

from curribuild.checks.codes import cb701
from curribuild.errors import UserError
from curribuild.findings import Finding
from curribuild.render.limits import (
    DEFAULT_SECONDS,
    MAX_CHARS,
    CappedBuffer,
    CappedFormatting,
    Limits,
    TemplateLimitError,
    capped_filters,
    capped_lipsum,
    capped_method_call,
)
from curribuild.resources import templates_dir

MAX_OUTPUT_CHARS = MAX_CHARS
MAX_SECONDS = DEFAULT_SECONDS
ALARM_GRACE = 2.0
# The address space a render may add to what the process holds when it starts: a
# backstop under the caps (a normal render adds a few MB; README: Templates and their limits).
MEMORY_HEADROOM = 1024**3

__all__ = [
    "ALARM_GRACE",
    "MAX_OUTPUT_CHARS",
    "MAX_SECONDS",
    "MEMORY_HEADROOM",
    "TemplateLimitError",
    "address_space_in_use",
    "address_space_limit",
    "ics_safe",
    "make_environment",
    "md_code",
    "md_text",
    "render",
]


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


class _CodeGenerator(CodeGenerator):
    """Jinja2's code generator, with the buffers of macros and blocks and the ``~``
    operator going through the environment's caps."""

    def buffer(self, frame: Frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.capped_buffer()")

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.capped_concat({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _Formatter(CappedFormatting, SandboxedFormatter):
    pass


class _EscapeFormatter(CappedFormatting, SandboxedEscapeFormatter):
    pass


class _Environment(ImmutableSandboxedEnvironment):
    """The immutable sandbox with every operator, filter, method call, ``~``, block
    buffer and printed value held to the limits."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    code_generator_class = _CodeGenerator

    def __init__(self, limits: Limits, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.limits = limits
        self.globals["range"] = self.timed_range
        self.globals["lipsum"] = capped_lipsum(
            limits, cast(Callable[..., str], self.globals["lipsum"])
        )

        output = limits.output
        quick = limits.max_chars // 6  # a string this short is within the cap, even escaped

        @jinja2.pass_eval_context
        def finalize(eval_ctx: jinja2.nodes.EvalContext, value: Any) -> Any:
            kind = type(value)
            if kind is int or (kind is str and len(value) <= quick):
                return value
            return output(value, eval_ctx.autoescape)

        self.finalize = finalize

    @property
    def deadline(self) -> float:
        return self.limits.deadline

    @property
    def seconds(self) -> float:
        return self.limits.seconds

    def call_binop(self, context: Context, operator_: str, left: Any, right: Any) -> Any:
        limits = self.limits
        limits.check_time()
        if operator_ == "*":
            return limits.multiply(left, right)
        if operator_ == "+":
            return limits.add(left, right)
        if operator_ == "**":
            return limits.power(left, right)
        if operator_ == "%" and isinstance(left, str):
            return limits.percent("%", left, right)
        return self.binop_table[operator_](left, right)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        limits = self.limits
        limits.check_time()
        args, kwargs = capped_method_call(limits, obj, args, kwargs)
        result = super().call(context, obj, *args, **kwargs)
        return limits.check_result(getattr(obj, "__name__", "call"), result)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` and ``format_map``, sandboxed as jinja2 does and capped."""
        if not isinstance(value, types.MethodType | types.BuiltinMethodType) or (
            value.__name__ not in ("format", "format_map")
        ):
            return None
        owner: Any = value.__self__
        if not isinstance(owner, str):
            return None
        kind: type[str] = type(owner)
        is_map = value.__name__ == "format_map"
        formatter: CappedFormatting
        if isinstance(owner, Markup):
            formatter = _EscapeFormatter(self, escape=owner.escape)
        else:
            formatter = _Formatter(self)
        formatter.limits = self.limits
        formatter.op = value.__name__

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs:
                    raise TypeError("format_map() takes no keyword arguments")
                if len(args) != 1:
                    raise TypeError(f"format_map() takes exactly one argument ({len(args)} given)")
                kwargs = args[0]
                args = ()
            return kind(formatter.vformat(owner, args, kwargs))

        return update_wrapper(wrapper, value)

    def capped_buffer(self) -> CappedBuffer:
        return CappedBuffer(self.limits)

    def capped_concat(self, join: Callable[[Any], str], parts: tuple[Any, ...]) -> str:
        self.limits.check_time()
        return self.limits.concat(join, parts)

    def check_time(self) -> None:
        self.limits.check_time()

    def timed_range(self, *args: int) -> Iterator[int]:
        """``range`` for templates: bounded like the sandbox's, and watching the clock."""
        return self._ticking(self.limits.capped_range(*args))

    def _ticking(self, numbers: range) -> Iterator[int]:
        for number, value in enumerate(numbers):
            if number % 256 == 0:
                self.limits.check_time()
            yield value


class TemplateRefused(jinja2.TemplateNotFound):
    """A template that exists but is not read: a link out of its folder, or not a file."""


class _ConfinedLoader(jinja2.FileSystemLoader):
    """Loads a template (the main one, or one named by ``include``, ``import`` or
    ``extends``) only from a regular file inside its search folder, links resolved
    first: a link in a template folder never reads a file elsewhere."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder in self.searchpath:
            candidate = Path(folder, *pieces)
            if not (candidate.exists() or candidate.is_symlink()):
                continue
            target = candidate.resolve()
            if not target.is_relative_to(Path(folder).resolve()):
                raise TemplateRefused(
                    template, f"template {template!r} links outside its folder; it is not read"
                )
            if not target.is_file():
                raise TemplateRefused(
                    template, f"template {template!r} is not a regular file; it is not read"
                )
            break
        return super().get_source(environment, template)


def make_environment(
    search: list[Path],
    *,
    autoescape: bool,
    deadline: float | None = None,
    seconds: float = MAX_SECONDS,
    max_chars: int = MAX_OUTPUT_CHARS,
) -> _Environment:
    env = _Environment(
        Limits(max_chars, seconds, deadline),
        loader=_ConfinedLoader([str(p) for p in search]),
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
    env.filters = capped_filters(env.limits, env.filters)
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
    memory_headroom: int | None = MEMORY_HEADROOM,
) -> str:
    """Render a bundled template name or a template file path in the sandbox.

    Every string and list the template builds is capped at ``max_chars`` (as the
    output is), rendering stops after ``max_seconds``, and while it runs the process
    may add at most ``memory_headroom`` bytes of address space (``None``: no limit).
    """
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
    env = make_environment(
        search, autoescape=autoescape, deadline=deadline, seconds=max_seconds, max_chars=max_chars
    )
    with _alarm(max_seconds), address_space_limit(memory_headroom) as limit:
        return _guarded(lambda: _generate(env, name, context, max_chars), shown, names, limit)


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
                else TemplateLimitError(
                    f"template ran longer than the time limit of {env.seconds:g} seconds"
                )
            )
            # raise it where the template stands, so the error names its line
            chunks.throw(problem)
    return "".join(parts)


def address_space_in_use() -> int | None:
    """The process's address space in bytes, where the platform tells it (Linux)."""
    try:
        with Path("/proc/self/statm").open("rb") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    import resource

    return pages * resource.getpagesize()


@contextmanager
def address_space_limit(headroom: int | None) -> Iterator[int | None]:
    """Lower the soft RLIMIT_AS to what the process holds plus ``headroom`` while the
    block runs, then restore it; yields the limit set (``None`` where there is none:
    no ``resource`` module or RLIMIT_AS, no way to measure the address space in use, a
    tighter limit already in place). An allocation past it raises MemoryError."""
    used = address_space_in_use() if headroom is not None else None
    try:
        import resource

        kind = resource.RLIMIT_AS
    except (ImportError, AttributeError):
        used = None
    if used is None or headroom is None:
        yield None
        return
    soft, hard = resource.getrlimit(kind)
    wanted = used + headroom
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft <= wanted:
        yield None  # already as tight: leave it
        return
    try:
        resource.setrlimit(kind, (wanted, hard))
    except (ValueError, OSError):
        yield None
        return
    try:
        yield wanted - used
    finally:
        resource.setrlimit(kind, (soft, hard))


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Interrupt a template that runs too long (main thread on POSIX; the clock checks
    inside the sandbox cover the rest)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise TemplateLimitError(f"template ran longer than the time limit of {seconds:g} seconds")

    previous = signal.signal(signal.SIGALRM, expired)
    # a backstop only: the clock checks inside the sandbox fire first and name the
    # template line; the alarm catches what they cannot see (a slow filter)
    signal.setitimer(signal.ITIMER_REAL, seconds + ALARM_GRACE)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _guarded(
    action: Callable[[], str], shown: str, names: set[str], memory: int | None = None
) -> str:
    try:
        return action()
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or shown
        raise _error(where, exc.lineno, f"template syntax error: {exc.message}") from None
    except TemplateRefused as exc:
        raise _error(shown, 0, str(exc.message)) from None
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
        if isinstance(exc, TemplateLimitError):
            message = str(exc)
        elif isinstance(exc, MemoryError):
            allowed = f" (a render may use {memory // 1024**2} MB more)" if memory else ""
            message = f"template ran out of memory{allowed}"
        elif isinstance(exc, RecursionError):
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
        [Finding(cb701.CODE, message, where, line, 1 if line else 0, fix="fix the template")],
    )
