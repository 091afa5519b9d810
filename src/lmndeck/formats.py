"""Printing problems: one problem value, several formats.

- ``text``: ``path:line:col: error[code]: message`` and ``  hint: ...``, the form editors and
  terminals make clickable;
- ``json``: one JSON object per line, for tools;
- ``github``: GitHub Actions workflow commands, which annotate the lines of a pull request.
Paths are made relative to the working directory here, and only here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from lmndeck.problems import NOWHERE, RELATED, Position, Problem

FORMATS = ("text", "json", "github")


def display_path(path: Path) -> str:
    """A path for messages: relative to the working directory when it lies below it, else as
    given; bytes that are not UTF-8 are shown as \\xNN, so any name can be printed."""
    try:
        relative = os.path.relpath(path)
    except (OSError, ValueError):  # the working directory was deleted, or another drive
        relative = str(path)
    shown = relative if not relative.startswith("..") else str(path)
    return os.fsencode(shown).decode("utf-8", "backslashreplace")


def shown_path(position: Position, root: Path) -> str:
    return display_path(Path(position.path) if position.given else root / position.path)


def shown_position(position: Position, root: Path) -> str:
    return f"{shown_path(position, root)}:{position.line}:{position.column}"


def _where(position: Position, root: Path) -> str:
    """What a problem's line starts with: its place, or the program for a problem of no file."""
    return "lmndeck" if position == NOWHERE else shown_position(position, root)


def _texts(problem: Problem, root: Path) -> tuple[str, str | None]:
    """The message and hint, with the related position written out."""
    if problem.related is None:
        return problem.message, problem.hint
    where = shown_position(problem.related, root)
    hint = problem.hint.replace(RELATED, where) if problem.hint else problem.hint
    return problem.message.replace(RELATED, where), hint


def text(problem: Problem, root: Path, with_hint: bool = True) -> str:
    message, hint = _texts(problem, root)
    line = (
        f"{_where(problem.position, root)}: {problem.level.value}[{problem.code.value}]: {message}"
    )
    return line + (f"\n  hint: {hint}" if hint and with_hint else "")


def as_json(problem: Problem, root: Path) -> str:
    message, hint = _texts(problem, root)
    where = problem.position
    placed = where != NOWHERE
    data = {
        "path": shown_path(where, root) if placed else None,
        "line": where.line if placed else None,
        "column": where.column if placed else None,
        "level": problem.level.value,
        "code": problem.code.value,
        "message": message,
        "hint": hint,
    }
    return json.dumps(data, ensure_ascii=False)


def github(problem: Problem, root: Path) -> str:
    message, hint = _texts(problem, root)
    where = problem.position
    body = f"{message}\n{hint}" if hint else message
    properties = f"title={_escape_property(problem.code.value)}"
    if where != NOWHERE:
        file = _escape_property(shown_path(where, root))
        properties = f"file={file},line={where.line},col={where.column},{properties}"
    return f"::{problem.level.value} {properties}::{_escape_data(body)}"


def _escape_data(value: str) -> str:
    """GitHub's escaping of a workflow command's message."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


FORMATTERS: dict[str, Callable[[Problem, Path], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
}


def formatted(problems: Iterable[Problem], root: Path, output_format: str) -> Iterator[str]:
    """Each problem in ``output_format``. In text, a problem whose code and hint are those of
    the problem printed before it keeps its own line but not the hint: a comparison without a
    source gives a line per cell and its advice once, not a screen of the same two lines.
    Tools (json, github) get every hint."""
    formatter = FORMATTERS[output_format]
    before: tuple[object, str | None] | None = None
    for problem in problems:
        advice = (problem.code, _texts(problem, root)[1])
        repeated = output_format == "text" and advice == before and advice[1] is not None
        yield text(problem, root, with_hint=False) if repeated else formatter(problem, root)
        before = advice
