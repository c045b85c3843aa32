"""Size and time limits for the values a template builds inside the sandbox.

The output of a template is capped, but a template can build a huge value
without printing it: ``"x" | center(2000000000)``, ``"%*d" % (10**9, 1)``, a
string doubled in a namespace, ``[[[[0] * 1000] * 1000] * 1000] * 1000``.
Every string and list a filter, operator, string method or block builds is
therefore held to the same cap as the output (:data:`MAX_CHARS`). It is
refused *before* it is built wherever its size can be predicted from the
arguments (widths, repeat counts, the sizes of the parts), and checked right
after otherwise (filters that grow their input by a small factor, such as
``upper`` or ``urlencode``).

Sizes: a string counts its characters; a list, tuple, dict or set counts its
items, plus, recursively, the size of each item (so a list of a thousand
references to a million-character string has a size of a billion, which is
what printing or joining it would build). Turning a value into text
(printing it, ``~``, ``join``, ``%``, ``format``, ``tojson``) is predicted
from its text size, a pessimistic estimate of ``len(str(value))``.

A refusal raises :class:`TemplateLimitError` with a message naming the
operation, such as ``'center' would build 2000000000 characters, over the
20000000 cap``; the sandbox turns it into a located CB701 error.
"""

from __future__ import annotations

import functools
import math
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from string import Formatter
from typing import Any

from jinja2.sandbox import MAX_RANGE
from jinja2.utils import Namespace
from markupsafe import Markup

MAX_CHARS = 20_000_000
DEFAULT_SECONDS = 5.0
MAX_SETTING_SECONDS = 3600.0
SECONDS_VARIABLE = "CURRIBUILD_TEMPLATE_SECONDS"
MAX_POWER_BITS = 100_000
MAX_DEPTH = 100
# clock checks while measuring a large value: once every this many items
_CLOCK_EVERY = 65_536
# an object that is neither text, number nor container: str() of it is short
_OTHER_TEXT = 128


class TemplateLimitError(Exception):
    """Raised from inside rendering when a limit is exceeded."""


def seconds_setting(option: float | None, environ: Mapping[str, str] | None = None) -> float:
    """The template time limit: ``--template-seconds``, else ``CURRIBUILD_TEMPLATE_SECONDS``,
    else :data:`DEFAULT_SECONDS`. Raises ``ValueError`` with a readable message on a bad value."""
    if option is not None:
        where, value = "--template-seconds", option
    else:
        raw = (os.environ if environ is None else environ).get(SECONDS_VARIABLE, "").strip()
        if not raw:
            return DEFAULT_SECONDS
        where = SECONDS_VARIABLE
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{where}={raw!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0 or value > MAX_SETTING_SECONDS:
        raise ValueError(
            f"{where} must be more than 0 and at most {MAX_SETTING_SECONDS:g} seconds, "
            f"not {value:g}"
        )
    return value


def _int_digits(number: int) -> int:
    if -(10**18) < number < 10**18:
        return 20
    return number.bit_length() * 30103 // 100_000 + 2


def _repr_size(text: str) -> int:
    """At least ``len(repr(text))``."""
    if text.isprintable():
        return len(text) + 2 + text.count("\\") + text.count("'")
    return 10 * len(text) + 2


class Limits:
    """The limits of one render: a size cap and a deadline."""

    def __init__(self, max_chars: int, seconds: float, deadline: float | None = None) -> None:
        self.max_chars = max_chars
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds if deadline is None else deadline

    # --- time ---------------------------------------------------------------------------

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimitError(
                f"template ran longer than the time limit of {self.seconds:g} seconds"
            )

    # --- refusals -----------------------------------------------------------------------

    def refuse(self, op: str, size: int, unit: str = "characters", *, built: bool = False) -> None:
        """Raise if ``size`` is over the cap: ``'op' would build N unit, over the M cap``."""
        if size > self.max_chars:
            verb = "built" if built else "would build"
            raise TemplateLimitError(f"{op!r} {verb} {size} {unit}, over the {self.max_chars} cap")

    def check_result(self, op: str, value: Any) -> Any:
        """The after-the-fact check, for results whose size could not be predicted."""
        if isinstance(value, str | bytes):
            self.refuse(op, len(value), built=True)
        elif isinstance(value, list | tuple | dict | set | frozenset):
            self.refuse(op, len(value), "items", built=True)
        return value

    def check_text(self, op: str, value: Any) -> int:
        """Refuse to turn ``value`` into text when its text would be over the cap."""
        size = self.text_size(value)
        self.refuse(op, size)
        return size

    # --- measuring ----------------------------------------------------------------------

    def size(self, value: Any) -> int:
        """Characters of a string, or items (recursively, with their sizes) of a container."""
        if type(value) is str or isinstance(value, str | bytes):
            return len(value)
        return self._measure(value, {}, 0, text=False)

    def text_size(self, value: Any) -> int:
        """At least ``len(str(value))``, computed without building it."""
        if isinstance(value, str):
            return len(value)
        if isinstance(value, bool) or value is None:
            return 5
        if isinstance(value, int):
            return _int_digits(value)
        if isinstance(value, float):
            return 24
        if isinstance(value, bytes):
            return 4 * len(value) + 3
        return self._measure(value, {}, 0, text=True)

    def _measure(self, value: Any, seen: dict[int, int], depth: int, *, text: bool) -> int:
        if isinstance(value, str):
            if not text:
                return len(value)
            return _repr_size(value) + (10 if isinstance(value, Markup) else 0)
        if isinstance(value, bool) or value is None:
            return 5 if text else 0
        if isinstance(value, int):
            return _int_digits(value) if text else 0
        if isinstance(value, float):
            return 24 if text else 0
        if isinstance(value, bytes):
            return 4 * len(value) + 3 if text else len(value)
        items: Iterable[Any]
        if isinstance(value, dict):
            items = [*value.keys(), *value.values()]
        elif isinstance(value, list | tuple | set | frozenset):
            items = value
        elif isinstance(value, Namespace):
            attrs: dict[str, Any] = object.__getattribute__(value, "_Namespace__attrs")
            items = [*attrs.keys(), *attrs.values()]
        else:
            return _OTHER_TEXT if text else 0
        key = id(value)
        known = seen.get(key)
        if known is not None:
            return known
        if depth >= MAX_DEPTH:
            raise TemplateLimitError(f"template builds a value nested more than {MAX_DEPTH} deep")
        seen[key] = 0  # a value inside itself counts once
        total = 2 if text else 0
        for count, item in enumerate(items, 1):
            if count % _CLOCK_EVERY == 0:
                self.check_time()
            if type(item) is str and not text:
                total += len(item) + 1
            else:
                total += self._measure(item, seen, depth + 1, text=text) + (2 if text else 1)
        seen[key] = total
        return total

    def depth(self, value: Any, level: int = 0) -> int:
        """How deeply ``value`` nests containers (0 for a scalar), at most MAX_DEPTH."""
        if level >= MAX_DEPTH:
            return MAX_DEPTH
        if isinstance(value, dict):
            children: Iterable[Any] = value.values()
        elif isinstance(value, list | tuple | set | frozenset):
            children = value
        else:
            return level
        deepest = level + 1
        for item in children:
            if isinstance(item, dict | list | tuple | set | frozenset):
                deepest = max(deepest, self.depth(item, level + 1))
        return deepest

    # --- operators ----------------------------------------------------------------------

    def multiply(self, left: Any, right: Any) -> Any:
        if isinstance(left, int) and isinstance(right, int):
            if not isinstance(left, bool) and not isinstance(right, bool):
                bits = left.bit_length() + right.bit_length()
                if bits > MAX_POWER_BITS:
                    raise TemplateLimitError(
                        f"'*' would build a number that is too large ({bits} bits, "
                        f"over the {MAX_POWER_BITS}-bit cap)"
                    )
            return left * right
        sequence, count = (left, right) if isinstance(right, int) else (right, left)
        if isinstance(sequence, str | bytes | list | tuple) and isinstance(count, int):
            unit = "characters" if isinstance(sequence, str | bytes) else "items"
            self.refuse("*", self.size(sequence) * max(0, count), unit)
        return left * right

    def power(self, left: Any, right: Any) -> Any:
        if isinstance(left, int) and isinstance(right, int):
            bits = max(1, abs(left).bit_length()) * abs(right)
            if bits > MAX_POWER_BITS and abs(left) > 1:
                raise TemplateLimitError(
                    f"'**' would build a number that is too large ({bits} bits, "
                    f"over the {MAX_POWER_BITS}-bit cap)"
                )
        elif isinstance(right, int | float) and abs(right) > 1000:
            raise TemplateLimitError("'**' exponent too large (over 1000) in template")
        return left**right

    def add(self, left: Any, right: Any) -> Any:
        if isinstance(left, str | bytes) and isinstance(right, str | bytes):
            self.refuse("+", len(left) + len(right))
        elif isinstance(left, list | tuple) and isinstance(right, list | tuple):
            self.refuse("+", self.size(left) + self.size(right), "items")
        return self.check_result("+", left + right)

    def percent(self, op: str, template: str, values: Any) -> str:
        """``template % values``, refused when the widths or values would make it too big."""
        self.refuse(op, percent_size(self, template, values))
        return self.check_result(op, template % values)  # type: ignore[no-any-return]

    def concat(self, join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        """``a ~ b ~ c``: the sum of the parts' text sizes."""
        total = 0
        for part in parts:
            total += len(part) if isinstance(part, str) else self.text_size(part)
        self.refuse("~", total)
        return self.check_result("~", join(parts))  # type: ignore[no-any-return]

    def output(self, value: Any, autoescape: bool) -> Any:
        """A value about to be printed by ``{{ ... }}`` (or returned by a macro)."""
        if isinstance(value, str):
            size = len(value)
            if autoescape and not isinstance(value, Markup) and size > self.max_chars // 6:
                size = escaped_size(value)
        elif isinstance(value, int | float) or value is None:
            return value
        else:
            size = self.text_size(value)
        self.refuse("output", size)
        return value

    def capped_range(self, *args: int) -> range:
        """``range`` for templates, refused over the sandbox's MAX_RANGE items."""
        numbers = range(*args)
        try:
            count = len(numbers)
        except OverflowError:
            count = (abs(numbers.stop - numbers.start) + abs(numbers.step) - 1) // abs(numbers.step)
        if count > MAX_RANGE:
            raise TemplateLimitError(f"'range' would build {count} items, over the {MAX_RANGE} cap")
        return numbers


def capped_lipsum(limits: Limits, generate: Callable[..., str]) -> Callable[..., str]:
    """The ``lipsum`` global, refused when ``n`` paragraphs of ``max`` words are too many."""

    @functools.wraps(generate)
    def capped(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
        limits.refuse("lipsum", max_int(n) * max_int(max, min) * 16)
        return generate(n, html, min, max)

    return capped


def max_int(*values: Any) -> int:
    """The largest int among ``values`` (0 if none), for size predictions."""
    ints = [v for v in values if isinstance(v, int)]
    return max([0, *ints])


def escaped_size(text: str) -> int:
    """``len(markupsafe.escape(text))`` without building it."""
    return (
        len(text)
        + 4 * (text.count("&") + text.count('"') + text.count("'"))
        + 3 * (text.count("<") + text.count(">"))
    )


_PERCENT_SPEC = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[#0\- +]*(?P<width>\*|\d+)?(?:\.(?P<prec>\*|\d*))?[hlL]?(?P<conv>.?)",
    re.DOTALL,
)


def percent_size(limits: Limits, template: str, values: Any) -> int:
    """An upper bound of ``len(template % values)``."""
    positional = list(values) if isinstance(values, tuple) else [values]
    mapping = values if isinstance(values, Mapping) else None
    total = len(template)
    index = 0

    def take() -> Any:
        nonlocal index
        value = positional[index] if index < len(positional) else None
        index += 1
        return value

    for spec in _PERCENT_SPEC.finditer(template):
        if spec["conv"] == "%":
            continue
        width, prec = spec["width"], spec["prec"]
        size = 32
        for part in (width, prec):
            if part == "*":
                size += max_int(take())
            elif part:
                size += int(part) if len(part) < 20 else 10**20
        if spec["key"] is not None and mapping is not None:
            value = mapping.get(spec["key"])
        else:
            value = take()
        size += limits.text_size(value)
        total += size
    return total


_FORMAT_SPEC = re.compile(
    r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<prec>\d+))?[a-zA-Z%]?", re.DOTALL
)


def format_field_size(limits: Limits, value: Any, spec: str) -> int:
    """An upper bound of ``len(format(value, spec))``."""
    # numbers may gain grouping separators: twice their digits
    size = limits.text_size(value) * (2 if isinstance(value, int | float) else 1) + 32
    match = _FORMAT_SPEC.fullmatch(spec)
    if match is None:  # a type's own mini-language (dates): grows with the spec
        return size + 16 * len(spec)
    for part in (match["width"], match["prec"]):
        if part:
            size += int(part) if len(part) < 20 else 10**20
    return size


# --- filters -----------------------------------------------------------------------------

# Filters that turn their input into text first: refused when that text is over the cap.
_TEXT_FILTERS = frozenset(
    {
        "capitalize",
        "e",
        "escape",
        "forceescape",
        "ics",
        "lower",
        "md",
        "mdcode",
        "safe",
        "string",
        "striptags",
        "title",
        "trim",
        "truncate",
        "upper",
        "urlencode",
        "urlize",
        "wordcount",
        "xmlattr",
    }
)

_Arguments = dict[str, Any]
_Predictor = Callable[[Limits, Any, _Arguments], None]


def _text(limits: Limits, op: str, value: Any) -> tuple[str, int]:
    """``value`` as text, refused first when its text would be over the cap."""
    limits.check_text(op, value)
    text = value if isinstance(value, str) else str(value)
    return text, len(text)


def _center(limits: Limits, pass_arg: Any, a: _Arguments) -> None:
    _, size = _text(limits, "center", a["value"])
    limits.refuse("center", max(size, max_int(a["width"])))


def _indent(limits: Limits, pass_arg: Any, a: _Arguments) -> None:
    text, size = _text(limits, "indent", a["s"])
    width = a["width"]
    step = len(width) if isinstance(width, str) else max_int(width)
    limits.refuse("indent", size + (text.count("\n") + 1) * step + 1)


def _format(limits: Limits, pass_arg: Any, a: _Arguments) -> None:
    text, _ = _text(limits, "format", a["value"])
    limits.refuse("format", percent_size(limits, text, a["kwargs"] or a["args"]))


def _replace(limits: Limits, eval_ctx: Any, a: _Arguments) -> None:
    text, size = _text(limits, "replace", a["s"])
    old = str(a["old"])
    new = str(a["new"])
    new_size = escaped_size(new) if getattr(eval_ctx, "autoescape", False) else len(new)
    found = size + 1 if not old else text.count(old)
    count = a["count"]
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    limits.refuse("replace", size + found * max(0, new_size - len(old)))


def _join(limits: Limits, eval_ctx: Any, a: _Arguments) -> None:
    items = _materialise(limits, "join", a["value"])
    if a["attribute"] is not None:
        from jinja2.filters import make_attrgetter

        getter = make_attrgetter(eval_ctx.environment, a["attribute"])
        items = [getter(item) for item in items]
        a["attribute"] = None
    a["value"] = items
    separator = len(str(a["d"]))
    total = separator * max(0, len(items) - 1)
    for item in items:
        total += limits.text_size(item)
    limits.refuse("join", total)


def _wordwrap(limits: Limits, environment: Any, a: _Arguments) -> None:
    text, size = _text(limits, "wordwrap", a["s"])
    wrap = a["wrapstring"]
    step = len(str(wrap)) if wrap is not None else len(environment.newline_sequence)
    width = max(1, max_int(a["width"]))
    lines = 2 * size // width + text.count("\n") + 2
    limits.refuse("wordwrap", size + lines * step)


def _batch(limits: Limits, pass_arg: Any, a: _Arguments) -> None:
    if a["fill_with"] is not None:
        limits.refuse("batch", max_int(a["linecount"]), "items")


def _slice(limits: Limits, pass_arg: Any, a: _Arguments) -> None:
    limits.refuse("slice", max_int(a["slices"]), "items")


def _tojson(limits: Limits, pass_arg: Any, a: _Arguments) -> None:
    value, indent = a["value"], a["indent"]
    size = limits.check_text("tojson", value)
    step = len(indent) if isinstance(indent, str) else max_int(indent)
    if step:
        lines = limits.size(value) + 2
        limits.refuse("tojson", size + lines * (limits.depth(value) + 1) * step)


def _pprint(limits: Limits, pass_arg: Any, a: _Arguments) -> None:
    value = a["value"]
    size = limits.check_text("pprint", value)
    limits.refuse("pprint", size + (limits.size(value) + 2) * (limits.depth(value) + 1))


def _list(limits: Limits, pass_arg: Any, a: _Arguments) -> None:
    value = a["value"]
    if isinstance(value, str | bytes | list | tuple):
        limits.refuse("list", len(value), "items")


_PREDICTORS: dict[str, _Predictor] = {
    "batch": _batch,
    "center": _center,
    "format": _format,
    "indent": _indent,
    "join": _join,
    "list": _list,
    "pprint": _pprint,
    "replace": _replace,
    "slice": _slice,
    "tojson": _tojson,
    "wordwrap": _wordwrap,
}


_PASS_NAMES = frozenset({"context", "eval_ctx", "environment", "env"})


def _materialise(limits: Limits, op: str, values: Any) -> list[Any]:
    items: list[Any] = []
    for count, item in enumerate(values, 1):
        if count % _CLOCK_EVERY == 0:
            limits.check_time()
            limits.refuse(op, count, "items")
        items.append(item)
    return items


def capped_filters(
    limits: Limits, filters: Mapping[str, Callable[..., Any]]
) -> dict[str, Callable[..., Any]]:
    """Every filter of ``filters``, held to the cap (see the module's docstring)."""
    return {name: _capped_filter(limits, name, func) for name, func in filters.items()}


def _capped_filter(limits: Limits, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    import inspect

    passes = getattr(func, "jinja_pass_arg", None) is not None
    if name == "sum":
        return _capped_sum(limits, func)
    predict = _PREDICTORS.get(name)
    signature = inspect.signature(func) if predict is not None else None
    # jinja2 adds the eval context to some filters (``slice``, ``list``) in a wrapper
    # whose signature (that of the wrapped function) does not have it
    binds_pass = signature is not None and next(iter(signature.parameters), "") in _PASS_NAMES
    checks_text = name in _TEXT_FILTERS

    @functools.wraps(func)
    def capped(*args: Any, **kwargs: Any) -> Any:
        limits.check_time()
        if signature is not None and predict is not None:
            head = () if binds_pass or not passes else args[:1]
            bound = signature.bind(*args[len(head) :], **kwargs)
            bound.apply_defaults()
            predict(limits, args[0] if passes else None, bound.arguments)
            args, kwargs = (*head, *bound.args), bound.kwargs
        elif checks_text and len(args) > int(passes):
            limits.check_text(name, args[int(passes)])
        return limits.check_result(name, func(*args, **kwargs))

    return capped


def _capped_sum(limits: Limits, func: Callable[..., Any]) -> Callable[..., Any]:
    """``sum`` in linear time and held to the cap when it adds up lists, tuples or strings
    (``sum`` of lists copies the growing list once per item)."""
    from itertools import chain

    from jinja2.filters import make_attrgetter

    @functools.wraps(func)
    def capped(
        environment: Any, iterable: Iterable[Any], attribute: Any = None, start: Any = 0
    ) -> Any:
        limits.check_time()
        items = _materialise(limits, "sum", iterable)
        if attribute is not None:
            getter = make_attrgetter(environment, attribute)
            items = [getter(item) for item in items]
        sequences = (list, tuple, str, bytes)
        if not isinstance(start, sequences) and not any(isinstance(i, sequences) for i in items):
            return sum(items, start)
        total = limits.size(start) + sum(limits.size(item) for item in items)
        limits.refuse("sum", total, "items")
        if isinstance(start, list) and all(isinstance(i, list) for i in items):
            return list(chain(start, *items))
        if isinstance(start, tuple) and all(isinstance(i, tuple) for i in items):
            return tuple(chain(start, *items))
        return limits.check_result("sum", sum(items, start))

    return capped


# --- string and number methods -------------------------------------------------------------

_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill"})


def capped_method_call(
    limits: Limits, obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Refuse a string or number method call that would build too much; the arguments to
    call it with (``join`` gets its items as a list, already counted)."""
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if isinstance(owner, str | bytes):
        size = len(owner)
        if name in _WIDTH_METHODS:
            width = args[0] if args else kwargs.get("width")
            limits.refuse(name, max(size, max_int(width)))
        elif name == "expandtabs":
            tab = args[0] if args else kwargs.get("tabsize", 8)
            tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
            limits.refuse(name, size + tabs * max_int(tab))
        elif name == "replace" and len(args) >= 2:
            old, new = args[0], args[1]
            count = args[2] if len(args) > 2 else kwargs.get("count", -1)
            if isinstance(old, str | bytes) and isinstance(new, str | bytes):
                found = size + 1 if not old else owner.count(old)  # type: ignore[arg-type]
                if isinstance(count, int) and count >= 0:
                    found = min(found, count)
                limits.refuse(name, size + found * max(0, len(new) - len(old)))
        elif name == "join" and len(args) == 1:
            items = _materialise(limits, name, args[0])
            total = size * max(0, len(items) - 1)
            for item in items:
                total += len(item) if isinstance(item, str | bytes) else 0
            limits.refuse(name, total)
            args = (items,)
        elif name == "translate" and args and isinstance(args[0], Mapping):
            longest = max_int(1, *(len(v) for v in args[0].values() if isinstance(v, str | bytes)))
            limits.refuse(name, size * longest)
    elif isinstance(owner, int) and name == "to_bytes":
        length = args[0] if args else kwargs.get("length", 1)
        limits.refuse(name, max_int(length))
    return args, kwargs


# --- str.format ----------------------------------------------------------------------------


class CappedFormatting(Formatter):
    """``str.format`` that refuses a field (or the whole) over the cap before formatting it.
    Combined with jinja2's sandboxed formatters by the sandbox."""

    limits: Limits
    op: str = "format"
    _total: int = 0

    def vformat(self, format_string: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
        self._total = len(format_string)
        return super().vformat(format_string, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> Any:
        self.limits.check_time()
        self._total += format_field_size(self.limits, value, format_spec)
        self.limits.refuse(self.op, self._total)
        return super().format_field(value, format_spec)


# --- blocks and macros ---------------------------------------------------------------------


class CappedBuffer(list[str]):
    """The buffer a macro, ``{% set %}`` block, ``{% filter %}`` or call block writes its
    output into: refused when it would pass the cap."""

    def __init__(self, limits: Limits) -> None:
        super().__init__()
        self._limits = limits
        self._size = 0

    def append(self, item: str) -> None:
        self._grow(len(item))
        super().append(item)

    def extend(self, items: Iterable[str]) -> None:
        if type(items) is tuple:
            self._grow(sum(map(len, items)))
            super().extend(items)
            return
        for item in items:
            self.append(item)

    def _grow(self, size: int) -> None:
        self._size += size
        if self._size > self._limits.max_chars:
            self._limits.refuse("output", self._size)
