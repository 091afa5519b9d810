"""Stage 1: read a YAML file into a node tree that remembers where every value came from.

Only composing is done here (no construction into Python objects), so that every later error
can point at the exact line and column, duplicate keys can be reported instead of silently
dropped, and no YAML tag can ever build an arbitrary object.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from lmndeck.problems import ContentError, Position, Problem

# libyaml's C parser is several times faster; fall back to the pure-Python one when absent.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

STRUCTURE_HINT = (
    "YAML reads a value that starts with '{' or '[' as a mapping or list; "
    'put the whole text in quotes, e.g. text: "{{Fasciculations}} are typical of LMN lesions"'
)


def position_of(node: yaml.Node, path: str) -> Position:
    mark = node.start_mark
    return Position(path, mark.line + 1, mark.column + 1)


def load_file(path: Path, display_path: str) -> yaml.Node | None:
    """The document's root node, or None for an empty document."""
    return load_bytes(path.read_bytes(), display_path)


def load_bytes(data: bytes, display_path: str) -> yaml.Node | None:
    return load_text(_decode(data, display_path), display_path)


def load_text(text: str, display_path: str) -> yaml.Node | None:
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise ContentError([_yaml_problem(error, text, display_path)]) from None
    except yaml.YAMLError as error:  # unmarked errors are rare (reader errors); still no traceback
        raise ContentError([Problem(Position(display_path, 1, 1), str(error))]) from None
    return node


def _decode(data: bytes, display_path: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        start = error.start
        line_start = data.rfind(b"\n", 0, start) + 1
        line = data.count(b"\n", 0, start) + 1
        column = len(data[line_start:start].decode("utf-8", "replace")) + 1
        raise ContentError(
            [
                Problem(
                    Position(display_path, line, column),
                    f"the file is not valid UTF-8 (byte 0x{data[start]:02x})",
                    "save the file as UTF-8 in your editor",
                )
            ]
        ) from None


def _yaml_problem(error: yaml.MarkedYAMLError, text: str, display_path: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    message = "invalid YAML: " + (error.problem or "syntax error")
    if error.context:
        message += f" ({error.context})"
    return Problem(Position(display_path, line + 1, column + 1), message, _yaml_hint(error, text))


def _yaml_hint(error: yaml.MarkedYAMLError, text: str) -> str | None:
    lines = text.splitlines()
    mark = error.problem_mark
    if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        return "indent with spaces; YAML does not allow tabs for indentation"
    for mark in (error.context_mark, error.problem_mark):
        if mark is None or mark.line >= len(lines):
            continue
        _, _, value = lines[mark.line].partition(": ")
        stripped = value.strip() or lines[mark.line].strip().lstrip("- ")
        if stripped.startswith(("{", "[")):
            return STRUCTURE_HINT
    if error.problem and "mapping values are not allowed" in error.problem:
        return "a text that contains ': ' must be quoted"
    return None
