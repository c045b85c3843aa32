"""The YAML layer: safe, limited, YAML 1.2-core loading with source locations.

Documents are built straight from libyaml's event stream (``CParser``), never
through PyYAML's recursive composer or constructor. That makes the limits hard:
nesting depth is checked as each collection opens, so no input can reach a
recursion in C or Python, and there is nothing to construct arbitrary objects.

Scalars follow the YAML 1.2 core schema, narrowed as curribuild needs it:
``true``/``false`` are the only booleans; ``null``/``~``/empty are null;
decimal integers without leading zeros and decimal floats are numbers; every
other plain scalar (``NO``, ``yes``, ``17:00``, ``017``, ``2027-03-15``) stays a
string for the models to parse.

The happy path records no positions. When a caller needs one (a schema error,
a reference error), :meth:`Document.locate` re-parses the text once with
position tracking: errors are rare, files are many.
"""

from __future__ import annotations

import re
import stat
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern
from typing import Any

import yaml
from yaml import events as ev

from curribuild.checks.codes import (
    cb001,
    cb002,
    cb003,
    cb004,
    cb005,
    cb006,
    cb007,
    cb008,
    cb009,
    cb010,
    cb012,
    cb013,
)
from curribuild.findings import Finding, Position

try:  # the C parser is the happy path; the pure-Python one keeps us working without libyaml
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - exercised only where PyYAML lacks libyaml
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader as _Reader
    from yaml.scanner import Scanner as _Scanner

    class _Parser(_Reader, _Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            _Reader.__init__(self, stream)
            _Scanner.__init__(self)
            _PyParser.__init__(self)


PathKey = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+)(?:[eE][-+]?[0-9]+)?\Z"
)
_SPECIAL_FLOATS = {
    ".inf": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    ".nan": float("nan"),
}
_NULLS = frozenset({"", "~", "null"})
# Characters YAML forbids in a stream (NUL, C0 controls other than tab/LF/CR,
# DEL, C1 controls other than NEL, surrogates, non-characters).
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset({"!", _CORE + "str", _CORE + "map", _CORE + "seq"})
_MAX_NUMBER_DIGITS = 100


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits checked before the parser can crash or blow up."""

    max_bytes: int = 10_000_000
    max_depth: int = 64


DEFAULT_LIMITS = Limits()


class LoadError(Exception):
    """A file that is not a loadable curribuild YAML document."""

    def __init__(
        self, code: str, message: str, position: Position | None = None, fix: str = ""
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.position = position or Position(1, 1)
        self.fix = fix

    def finding(self, path: str) -> Finding:
        """This problem as the finding every report shows, placed in the file ``path``."""
        pos = self.position
        return Finding(self.code, self.message, path, pos.line, pos.col, fix=self.fix)


def _unpack(mark: int) -> Position:
    return Position(mark >> 32, mark & 0xFFFFFFFF)


# A map of more nodes than this is searched through an index of (parent, name), built
# at its first lookup: a scan stays cheap in a small document, and a huge one (a
# hostile file with 200,000 findings) is not searched from the start per finding.
SCAN_LIMIT = 2_000


@dataclass(slots=True)
class SourceMap:
    """Where each node of a document starts, recorded by its one parse.

    Per node, in document order (the root is node 0): the node it belongs to, its
    name there (a key, or an index in a list), and the packed line and column of its
    value and of its key (0: no key). Arrays of machine integers, a few bytes per
    node, so a run can keep the map of every file it read and place any finding
    without reading or parsing a file again.
    """

    parents: array[int]
    names: list[str | int]
    marks: array[int]
    key_marks: array[int]
    _index: dict[tuple[int, str | int], int] | None = field(default=None, repr=False)

    def _child(self, node: int, part: str | int) -> int:
        """The child of ``node`` named ``part``, or -1."""
        parents, names = self.parents, self.names
        count = len(parents)
        if count > SCAN_LIMIT:
            if self._index is None:
                self._index = {(parents[i], names[i]): i for i in range(1, count)}
            return self._index.get((node, part), -1)
        child = node + 1
        while child < count:
            parent = parents[child]
            if parent == node and names[child] == part:
                return child
            if parent < node:  # past the end of the node's subtree
                return -1
            child += 1
        return -1

    def locate(self, loc: Sequence[str | int], *, key: bool = False) -> Position:
        """As :meth:`Document.locate`."""
        node = 0
        for part in loc:
            child = self._child(node, part)
            if child < 0:
                return _unpack(self.marks[node])
            node = child
        if key and self.key_marks[node]:
            return _unpack(self.key_marks[node])
        return _unpack(self.marks[node])


@dataclass(slots=True)
class Document:
    """A loaded YAML document: its data and the text to locate values in."""

    path: str
    data: dict[str, Any]
    text: str
    problems: list[LoadError] = field(default_factory=list)
    limits: Limits = DEFAULT_LIMITS
    source_map: SourceMap | None = field(default=None, repr=False)
    _positions: tuple[dict[PathKey, Position], dict[PathKey, Position]] | None = field(
        default=None, repr=False
    )

    def locate(self, loc: Sequence[str | int], *, key: bool = False) -> Position:
        """Position of the value (or, with ``key``, the key) at ``loc``.

        Falls back to the nearest enclosing value that exists, so a missing
        field points at the mapping that should hold it.
        """
        if self.source_map is not None:
            return self.source_map.locate(loc, key=key)
        if self._positions is None:
            self._positions = _track_positions(self.text, self.limits)
        values, keys = self._positions
        path: PathKey = tuple(loc)
        if key and path in keys:
            return keys[path]
        while path:
            if path in values:
                return values[path]
            path = path[:-1]
        return values.get((), Position(1, 1))


def position_at(text: str, index: int) -> Position:
    """1-based line and column of character ``index`` in ``text``."""
    line = text.count("\n", 0, index) + 1
    start = text.rfind("\n", 0, index) + 1
    return Position(line, index - start + 1)


def decode(raw: bytes) -> str:
    """Bytes to text, or a located CB005 error: UTF-8 only, BOM allowed."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(
            cb005.CODE,
            "file is UTF-16 or UTF-32 encoded; curribuild reads UTF-8 only",
            Position(1, 1),
            "re-save the file as UTF-8",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = raw[: exc.start].decode("utf-8", errors="replace")
        pos = position_at(head, len(head))
        raise LoadError(
            cb005.CODE,
            f"invalid UTF-8 byte 0x{raw[exc.start]:02x}",
            pos,
            "re-save the file as UTF-8",
        ) from None
    check_characters(text)
    return text


# Printable ASCII plus tab, LF and CR: deleting these from pure-ASCII text leaves
# exactly the characters YAML forbids (a fast C loop instead of a regex scan).
_ASCII_ALLOWED = bytes([9, 10, 13, *range(32, 127)])


def check_characters(text: str) -> None:
    """Raise a located CB005 error for characters YAML forbids (NUL, controls)."""
    if text.isascii() and not text.encode("ascii").translate(None, _ASCII_ALLOWED):
        return
    bad = _FORBIDDEN.search(text)
    if bad is not None:
        char = bad.group()
        what = "NUL byte" if char == "\x00" else f"control character U+{ord(char):04X}"
        hint = " (the file may be UTF-16 without a BOM)" if char == "\x00" else ""
        raise LoadError(
            cb005.CODE,
            f"{what} is not allowed in YAML{hint}",
            position_at(text, bad.start()),
            "remove the character or re-save the file as UTF-8 text",
        )


def read_text(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """Read a file as UTF-8 text within the size limit (regular files only)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise LoadError(
                cb013.CODE,
                "not a regular file (a pipe, socket or device cannot be checked)",
                fix="remove it or exclude it",
            )
        with path.open("rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise LoadError(cb013.CODE, f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > limits.max_bytes:
        raise LoadError(
            cb006.CODE,
            f"file is larger than the limit of {limits.max_bytes:,} bytes",
            Position(1, 1),
            "split the document into several files",
        )
    return decode(raw)


def load_file(path: Path, display: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Load one YAML file as a mapping document, or raise :class:`LoadError`."""
    text = read_text(path, limits)  # decoding already checked the characters
    data, problems, source_map = _parse(text, limits, characters_checked=True)
    return Document(display or path.as_posix(), data, text, problems, limits, source_map)


def load_text(text: str, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """Parse ``text`` into plain data; any problem, even a recoverable one, raises."""
    data, problems = parse(text, limits)
    if problems:
        raise problems[0]
    return data


def parse(
    text: str, limits: Limits = DEFAULT_LIMITS, *, characters_checked: bool = False
) -> tuple[dict[str, Any], list[LoadError]]:
    """Parse ``text`` into plain data (dicts, lists, scalars) with a mapping root.

    Fatal problems raise :class:`LoadError`. Recoverable ones (duplicate keys,
    where the later value is kept) are returned so the document can still be
    validated and every problem reported in one run.
    """
    data, problems, _ = _parse(text, limits, characters_checked=characters_checked)
    return data, problems


def _parse(
    text: str, limits: Limits, *, characters_checked: bool
) -> tuple[dict[str, Any], list[LoadError], SourceMap | None]:
    """:func:`parse`, with the source map of the fast path (None when the document had
    a recoverable problem and was parsed again with every position tracked)."""
    if len(text) > limits.max_bytes:
        raise LoadError(
            cb006.CODE, f"document is larger than the limit of {limits.max_bytes:,} bytes"
        )
    if not characters_checked:
        check_characters(text)
    try:
        fast = _Builder(text, limits, track=False)
        data = fast.build()
        return data, [], SourceMap(fast.parents, fast.names, fast.marks, fast.key_marks)
    except _NeedsPositions:
        builder = _Builder(text, limits, track=True)
        data = builder.build()
        return data, builder.problems, None


class _NeedsPositions(Exception):
    """Raised by the fast path when an error needs positions it did not record."""


def _track_positions(
    text: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[dict[PathKey, Position], dict[PathKey, Position]]:
    builder = _Builder(text, limits, track=True)
    builder.build()
    return builder.values, builder.keys


def _flow_depth_position(text: str, limit: int) -> Position | None:
    """Where flow brackets first nest deeper than ``limit`` (quotes and comments skipped)."""
    depth = 0
    quote = ""
    previous = "\n"
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#" and previous in " \t\n":
            newline = text.find("\n", index)
            index = length if newline < 0 else newline
            previous = "\n"
            continue
        elif char in "[{":
            depth += 1
            if depth > limit:
                return position_at(text, index)
        elif char in "]}":
            depth = max(0, depth - 1)
        previous = char
        index += 1
    return None


def _char_at(text: str, pos: Position) -> str:
    lines = text.split("\n", pos.line)
    if len(lines) < pos.line:
        return ""
    line = lines[pos.line - 1]
    return line[pos.col - 1] if 0 < pos.col <= len(line) else ""


def _mark(event: Any) -> Position:
    mark = event.start_mark
    return Position(mark.line + 1, mark.column + 1)


def _bounded(number: str, unit: str, event: Any) -> str:
    """``number`` (a plain scalar that reads as one), refused (CB012) when too long to be
    converted in bounded time."""
    if len(number) > _MAX_NUMBER_DIGITS:
        raise LoadError(
            cb012.CODE,
            f"number with {len(number)} {unit} is too large",
            _mark(event),
            "use a smaller number, or quote it if it is text",
        )
    return number


class _Builder:
    """Builds plain data from the event stream, enforcing every loading rule."""

    def __init__(self, text: str, limits: Limits, *, track: bool) -> None:
        self.text = text
        self.limits = limits
        self.track = track
        self.values: dict[PathKey, Position] = {}
        self.keys: dict[PathKey, Position] = {}
        self.problems: list[LoadError] = []
        # the source map, recorded on the fast path (see SourceMap)
        self.parents: array[int] = array("i")
        self.names: list[str | int] = []
        self.marks: array[int] = array("Q")
        self.key_marks: array[int] = array("Q")

    def build(self) -> dict[str, Any]:
        parser: Any = None
        try:
            parser = _Parser(self.text)
            return self._run(parser)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            pos = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
            problem = exc.problem or exc.context or "invalid YAML"
            if "nesting depth" in problem:
                # libyaml >= 0.2.6 stops deep flow nesting while scanning ahead, before
                # the builder sees the level that crosses curribuild's own limit
                max_depth = self.limits.max_depth
                raise LoadError(
                    cb007.CODE,
                    f"nesting is deeper than the limit of {max_depth} levels",
                    _flow_depth_position(self.text, max_depth - 1) or pos,  # the root is a level
                    "flatten the document",
                ) from None
            if _char_at(self.text, pos) == "\t" or "tab" in problem:
                problem = "tab character where YAML expects spaces"
                fix = "indent with spaces, not tabs"
            else:
                fix = "fix the YAML syntax at this position"
            raise LoadError(cb001.CODE, f"YAML syntax error: {problem}", pos, fix) from None
        except yaml.YAMLError as exc:  # reader errors carry a character index
            index = getattr(exc, "position", 0)
            reason = getattr(exc, "reason", str(exc))
            raise LoadError(
                cb005.CODE,
                f"unreadable character: {reason}",
                position_at(self.text, index),
            ) from None
        finally:
            dispose = getattr(parser, "dispose", None) if parser is not None else None
            if dispose is not None:
                dispose()

    def _run(self, parser: Any) -> dict[str, Any]:
        get = parser.get_event
        event = get()  # StreamStart
        event = get()
        if isinstance(event, ev.StreamEndEvent):
            raise LoadError(
                cb009.CODE,
                "file holds no YAML document",
                Position(1, 1),
                "add a document with a top-level `kind:`",
            )
        # DocumentStart
        root_event = get()
        if not isinstance(root_event, ev.MappingStartEvent):
            if (
                isinstance(root_event, ev.ScalarEvent)
                and root_event.value == ""
                and (root_event.implicit[0])
            ):
                raise LoadError(
                    cb009.CODE,
                    "document is empty",
                    _mark(root_event),
                    "add a mapping with a top-level `kind:`",
                )
            what = "a list" if isinstance(root_event, ev.SequenceStartEvent) else "a scalar"
            raise LoadError(
                cb010.CODE,
                f"top level of the document is {what}, not a mapping",
                _mark(root_event),
                "start the document with `kind: ...` and its fields",
            )
        root = self._collection(parser, root_event, ())
        get()  # DocumentEnd
        event = get()
        if isinstance(event, ev.DocumentStartEvent):
            raise LoadError(
                cb008.CODE,
                "file holds more than one YAML document",
                _mark(event),
                "put each document in its own file",
            )
        assert isinstance(root, dict)
        return root

    def _check_node(self, event: Any) -> None:
        if event.anchor is not None:
            raise LoadError(
                cb003.CODE,
                f"anchor &{event.anchor} is not supported",
                _mark(event),
                "write the value out in full; anchors and aliases are not allowed",
            )
        tag = event.tag
        core_scalar = (
            isinstance(event, ev.ScalarEvent) and tag is not None and tag.startswith(_CORE)
        )
        if tag is not None and tag not in _ALLOWED_TAGS and not core_scalar:
            raise self._tag_error(event)

    def _tag_error(self, event: Any) -> LoadError:
        tag = str(event.tag)
        shown = "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
        return LoadError(
            cb004.CODE,
            f"tag {shown} is not supported",
            _mark(event),
            "remove the tag; curribuild documents use plain YAML values only",
        )

    def _scalar(self, event: Any) -> Any:
        value: str = event.value
        tag = event.tag
        if tag is not None and tag != "!":
            if tag == _CORE + "str":
                return value
            resolved = self._plain(value, event)
            kind = tag[len(_CORE) :]
            expected = {"int": int, "float": float, "bool": bool, "null": type(None)}.get(kind)
            if expected is None:
                raise self._tag_error(event)
            if expected is float and type(resolved) is int:
                return float(resolved)
            if type(resolved) is not expected:
                raise LoadError(
                    cb004.CODE,
                    f"value {value!r} does not fit its tag !!{kind}",
                    _mark(event),
                    "remove the tag",
                )
            return resolved
        if not event.implicit[0]:  # quoted or block scalar: always a string
            return value
        return self._plain(value, event)

    def _plain(self, value: str, event: Any) -> Any:
        if value in _NULLS:
            return None
        if value == "true":
            return True
        if value == "false":
            return False
        first = value[0]
        if first.isdigit() or first in "+-.":
            if _INT.match(value):
                return int(_bounded(value, "digits", event))
            if value in _SPECIAL_FLOATS:
                return _SPECIAL_FLOATS[value]
            if _FLOAT.match(value):
                return float(_bounded(value, "characters", event))
        return value

    def _collection(self, parser: Any, start: Any, path: PathKey) -> Any:
        """Build the collection opened by ``start``; iterative, bounded depth.

        This loop is the hot path of every command: it handles the common
        events inline and leaves the rare cases (tags, anchors, errors) to
        helpers.
        """
        max_depth = self.limits.max_depth
        track = self.track
        get = parser.get_event
        scalar_event, map_start, seq_start = (
            ev.ScalarEvent,
            ev.MappingStartEvent,
            ev.SequenceStartEvent,
        )
        map_end, seq_end = ev.MappingEndEvent, ev.SequenceEndEvent
        plain = self._plain
        parents, names = self.parents.append, self.names.append
        marks, key_marks = self.marks.append, self.key_marks.append
        self._check_node(start)
        if track:
            self.values[path] = _mark(start)
        else:
            mark = start.start_mark
            parents(-1)
            names("")
            marks((mark.line + 1) << 32 | (mark.column + 1))
            key_marks(0)
        root: Any = {} if isinstance(start, map_start) else []
        # one frame per open collection: [container, is mapping, pending key, then
        # tracked: its path and its key marks; fast: its node and the pending key's mark]
        frame: list[Any] = (
            [root, type(root) is dict, None, path, {}]
            if track
            else [
                root,
                type(root) is dict,
                None,
                0,
                0,
            ]
        )
        stack: list[list[Any]] = [frame]
        while True:
            event = get()
            cls = type(event)
            container = frame[0]
            if cls is map_end or cls is seq_end:
                stack.pop()
                if not stack:
                    return root
                frame = stack[-1]
                if frame[1]:
                    frame[0][frame[2]] = container
                    frame[2] = None
                else:
                    frame[0].append(container)
                continue
            if cls is scalar_event:
                if event.anchor is not None or event.tag is not None:
                    self._check_node(event)
                if frame[1]:
                    key = frame[2]
                    if key is None:  # this scalar is a key
                        # interned: a run holds the same few key names thousands of
                        # times (in the source maps it keeps), as one string each
                        key = intern(event.value)
                        if key == "<<" and event.implicit[0]:
                            raise LoadError(
                                cb003.CODE,
                                "merge keys (<<) are not supported",
                                _mark(event),
                                "write the merged fields out in full",
                            )
                        if key in container:
                            self._duplicate(frame, key, event)
                        else:
                            container[key] = None  # reserve the slot so duplicates are caught
                            if track:
                                frame[4][key] = _mark(event)
                                self.keys[(*frame[3], key)] = _mark(event)
                            else:
                                mark = event.start_mark
                                frame[4] = (mark.line + 1) << 32 | (mark.column + 1)
                        frame[2] = key
                        continue
                if event.tag is not None:
                    value = self._scalar(event)
                elif event.implicit[0]:
                    value = plain(event.value, event)
                else:
                    value = event.value
                if frame[1]:
                    if track:
                        self.values[(*frame[3], frame[2])] = _mark(event)
                    else:
                        mark = event.start_mark
                        parents(frame[3])
                        names(frame[2])
                        marks((mark.line + 1) << 32 | (mark.column + 1))
                        key_marks(frame[4])
                    container[frame[2]] = value
                    frame[2] = None
                else:
                    if track:
                        self.values[(*frame[3], len(container))] = _mark(event)
                    else:
                        mark = event.start_mark
                        parents(frame[3])
                        names(len(container))
                        marks((mark.line + 1) << 32 | (mark.column + 1))
                        key_marks(0)
                    container.append(value)
                continue
            if cls is map_start or cls is seq_start:
                if frame[1] and frame[2] is None:
                    raise LoadError(
                        cb001.CODE,
                        "mapping keys must be plain text, not collections",
                        _mark(event),
                        "use a simple `name: value` key",
                    )
                if len(stack) >= max_depth:
                    raise LoadError(
                        cb007.CODE,
                        f"nesting is deeper than the limit of {max_depth} levels",
                        _mark(event),
                        "flatten the document",
                    )
                if event.anchor is not None or event.tag is not None:
                    self._check_node(event)
                child: Any = {} if cls is map_start else []
                if track:
                    child_path: PathKey = (*frame[3], frame[2] if frame[1] else len(container))
                    self.values[child_path] = _mark(event)
                    frame = [child, cls is map_start, None, child_path, {}]
                else:
                    mark = event.start_mark
                    node = len(self.parents)
                    parents(frame[3])
                    names(frame[2] if frame[1] else len(container))
                    marks((mark.line + 1) << 32 | (mark.column + 1))
                    key_marks(frame[4] if frame[1] else 0)
                    frame = [child, cls is map_start, None, node, 0]
                stack.append(frame)
                continue
            if cls is ev.AliasEvent:
                raise LoadError(
                    cb003.CODE,
                    f"alias *{event.anchor} is not supported",
                    _mark(event),
                    "write the value out in full; anchors and aliases are not allowed",
                )
            raise LoadError(
                cb001.CODE, "unexpected YAML structure", _mark(event)
            )  # pragma: no cover

    def _duplicate(self, frame: list[Any], key: str, event: Any) -> None:
        """A key seen twice in one mapping: recorded (the later value wins)."""
        if not self.track:
            raise _NeedsPositions
        first: Position = frame[4][key]
        self.problems.append(
            LoadError(
                cb002.CODE,
                f"duplicate key {key!r} (first defined at line {first.line})",
                _mark(event),
                f"remove one of the two {key!r} keys (lines {first.line} and {_mark(event).line})",
            )
        )
