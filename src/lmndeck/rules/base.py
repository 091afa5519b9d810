"""What every lint rule gets and gives: the project's items as lint reads them (each kind says
what its cards show and ask), and findings that the registry turns into problems.

A rule only says what is wrong and where; the registry (``lmndeck.rules``) gives the finding its
code and configured level, and drops it when the item opts out (``lint: {ignore: [rule]}``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from lmndeck.kinds.base import CardText, LintText
from lmndeck.problems import Code, Level, Position
from lmndeck.project import Project

# A rule's options by name: numbers only (limits and thresholds), typed by their defaults.
Options = Mapping[str, int | float]


@dataclass(frozen=True)
class Finding:
    """One defect a rule found: where, what, how to fix it, and the rules the item (with its
    row and comparison, for a cell) switches off. ``related``: the other place it is about."""

    position: Position
    message: str
    hint: str
    ignored: frozenset[str]
    related: Position | None = None


class Rule(Protocol):
    """A rule module (see ``lmndeck.rules``)."""

    ID: Code
    LEVEL: Level
    OPTIONS: Options

    def check(self, project: Project, options: Options) -> Iterator[Finding]: ...


_Item = TypeVar("_Item")


def items(project: Project, of_type: type[_Item]) -> Iterator[_Item]:
    """The items of one type (for the rules of one kind: a cloze fact, a comparison)."""
    for deck_file in project.files:
        for _, found in deck_file.sections:
            yield from (item for item in found if isinstance(item, of_type))


def linted(project: Project) -> Iterator[LintText]:
    """Every item of every kind as lint reads it (see ``kinds.base.LintText``), file by file in
    the order written; drafts too (lint checks what is written, in the deck or not yet)."""
    for deck_file in project.files:
        found = [item for _, section in deck_file.sections for item in section]
        for item in sorted(found, key=lambda item: item.position):
            yield item.lint_text()


def cards(project: Project) -> Iterator[CardText]:
    """Every card of every item as lint reads it."""
    for item in linted(project):
        yield from item.cards
