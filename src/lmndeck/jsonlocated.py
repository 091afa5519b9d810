"""JSON read with the place of every key and value, as ``json.loads`` does not keep them.

Objects are parsed here (strings, numbers and the rest still go through the standard decoder),
keeping duplicate keys and the offset of each key and value, so that a validator can report
each wrong value where it is. ``parse_fast`` keeps no offsets, for input known to be good.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from lmndeck.problems import Code, ContentError, Position, Problem

_MAX_DEPTH = 4  # lock > notes > record > deletions
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class LockSyntaxError(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message, self.offset = message, offset


class Value(NamedTuple):
    """A located string, number, boolean or null (the fast reader leaves values bare)."""

    offset: int
    value: Any


class Object(list[tuple[str, Any]]):
    """A JSON object as its (key, value) pairs in order, duplicates kept; the located reader
    also sets where it starts and where each key is."""

    offset = -1
    key_offsets: tuple[int, ...] = ()

    def key_offset(self, index: int) -> int:
        return self.key_offsets[index] if self.key_offsets else -1


Node = Any  # an Object, a Value, or (from the fast reader) a bare value


class Entry(NamedTuple):
    key: str
    key_offset: int
    node: Node


def entries(node: Object) -> list[Entry]:
    return [Entry(key, node.key_offset(index), value) for index, (key, value) in enumerate(node)]


def offset_of(node: Node) -> int:
    return node.offset if isinstance(node, (Object, Value)) else -1


def value_of(node: Node) -> Any:
    return node.value if isinstance(node, Value) else node


def parse_fast(text: str) -> Node:
    """The document without offsets, parsed by the C decoder: a valid lock is read this way,
    and only a lock with problems is parsed again to find where they are."""
    return json.loads(text, object_pairs_hook=Object)


def parse_located(text: str) -> Node:
    """The JSON document in ``text`` with the offset of every key and value."""
    node, end = _value(text, 0, 0)
    end = _skip(text, end)
    if end != len(text):
        raise LockSyntaxError("extra text after the end of the lock", end)
    return node


def _skip(text: str, offset: int) -> int:
    match = _WHITESPACE.match(text, offset)
    return match.end() if match else offset


def _value(text: str, offset: int, depth: int) -> tuple[Node, int]:
    offset = _skip(text, offset)
    if text.startswith("{", offset):
        if depth >= _MAX_DEPTH:
            raise LockSyntaxError("values are nested deeper than a lock's", offset)
        return _object(text, offset, depth + 1)
    if text.startswith("[", offset):
        raise LockSyntaxError("a lock file has no lists", offset)
    try:
        value, end = _DECODER.raw_decode(text, offset)
    except json.JSONDecodeError as error:
        raise LockSyntaxError(f"invalid JSON: {error.msg}", error.pos) from None
    except ValueError as error:  # an integer with thousands of digits
        raise LockSyntaxError(f"invalid number: {error}", offset) from None
    return Value(offset, value), end


def _object(text: str, start: int, depth: int) -> tuple[Object, int]:
    entries = Object()
    entries.offset = start
    key_offsets: list[int] = []
    offset = _skip(text, start + 1)
    if text.startswith("}", offset):
        return entries, offset + 1
    while True:
        offset = _skip(text, offset)
        if not text.startswith('"', offset):
            raise LockSyntaxError("invalid JSON: expecting a name in double quotes", offset)
        key_offset = offset
        try:
            key, after = _DECODER.raw_decode(text, offset)
        except json.JSONDecodeError as error:
            raise LockSyntaxError(f"invalid JSON: {error.msg}", error.pos) from None
        after = _skip(text, after)
        if not text.startswith(":", after):
            raise LockSyntaxError("invalid JSON: expecting ':' after the name", after)
        node, offset = _value(text, after + 1, depth)
        entries.append((key, node))
        key_offsets.append(key_offset)
        offset = _skip(text, offset)
        if text.startswith(",", offset):
            offset += 1
        elif text.startswith("}", offset):
            entries.key_offsets = tuple(key_offsets)
            return entries, offset + 1
        else:
            raise LockSyntaxError("invalid JSON: expecting ',' or '}'", offset)


class Locator:
    """Offsets in the text to line and column positions in the user's file."""

    def __init__(self, text: str, path: str, lines: list[int] | None = None) -> None:
        self._starts = [0] + [match.end() for match in re.finditer("\n", text)]
        self._path = path
        self._lines = lines  # the file's line number of each line of ``text``, when they differ

    def position(self, offset: int) -> Position:
        index = _bisect(self._starts, offset)
        line = index + 1
        if self._lines:  # the end of the text is just after its last line
            line = self._lines[index] if index < len(self._lines) else self._lines[-1] + 1
        return Position(self._path, line, offset - self._starts[index] + 1)

    def line_of(self, offset: int) -> int:
        return self.position(offset).line


def _bisect(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def decoded(data: bytes, shown: str, what: str, hint: str) -> str:
    """``data`` as UTF-8 text; a ``ContentError`` at the first byte that is not, ``what``
    naming the file ('the lock file') and ``hint`` how to mend it."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8", "replace")) + 1
        position = Position(shown, data.count(b"\n", 0, error.start) + 1, column)
        problem = Problem(position, f"{what} is not valid UTF-8", hint, code=Code.NOT_UTF8)
        raise ContentError([problem]) from None
