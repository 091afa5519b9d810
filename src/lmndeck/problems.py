"""A problem found in the user's input: a small value that points at an exact place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Position:
    """A place in a source file; line and column count from 1, as editors show them."""

    path: str
    line: int
    column: int

    def shifted(self, columns: int) -> Position:
        return Position(self.path, self.line, self.column + columns)


@dataclass(frozen=True, order=True)
class Problem:
    position: Position
    message: str
    hint: str | None = None


class ContentError(Exception):
    """Raised when input cannot be turned into a deck; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the input")


def format_problem(problem: Problem) -> str:
    where = problem.position
    text = f"{where.path}:{where.line}:{where.column}: error: {problem.message}"
    if problem.hint:
        text += f"\n  hint: {problem.hint}"
    return text
