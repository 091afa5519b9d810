"""What every lint rule gets and gives: the project's items with the rules they switch off,
their texts as words, and findings that the registry turns into problems.

A rule only says what is wrong and where; the registry (``lmndeck.rules``) gives the finding its
code and configured level, and drops it when the item opts out (``lint: {ignore: [rule]}``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from lmndeck.kinds import basic, cloze, listing, table
from lmndeck.kinds.basic import BasicFact
from lmndeck.kinds.cloze import ClozeFact, Deletion
from lmndeck.kinds.comparison import Cell, Column, Comparison, Row
from lmndeck.kinds.listing import ListFact
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


Fact = ClozeFact | ListFact | BasicFact
_Item = TypeVar("_Item")


def _items(project: Project, kind: str, of_type: type[_Item]) -> Iterator[_Item]:
    for deck_file in project.files:
        for item in deck_file.items(kind):
            if isinstance(item, of_type):
                yield item


def cloze_facts(project: Project) -> Iterator[ClozeFact]:
    return _items(project, cloze.KIND.name, ClozeFact)


def list_facts(project: Project) -> Iterator[ListFact]:
    return _items(project, listing.KIND.name, ListFact)


def basic_facts(project: Project) -> Iterator[BasicFact]:
    return _items(project, basic.KIND.name, BasicFact)


def facts(project: Project) -> Iterator[Fact]:
    """Every fact of every kind, file by file in the order written."""
    kinds = (cloze.KIND.name, basic.KIND.name, listing.KIND.name)
    for deck_file in project.files:
        found = [item for kind in kinds for item in deck_file.items(kind)]
        for item in sorted(found, key=lambda item: item.position):
            if isinstance(item, ClozeFact | ListFact | BasicFact):
                yield item


def comparisons(project: Project) -> Iterator[Comparison]:
    return _items(project, table.KIND.name, Comparison)


@dataclass(frozen=True)
class PlacedCell:
    """A filled cell with its comparison, row and column, where it is, and the rules it, its
    row or its comparison switch off."""

    comparison: Comparison
    row: Row
    column: Column
    cell: Cell

    @property
    def position(self) -> Position:
        return self.cell.position or self.row.position or self.comparison.position

    @property
    def ignored(self) -> frozenset[str]:
        return self.cell.lint_ignore | self.row.lint_ignore | self.comparison.lint_ignore


def cells(project: Project) -> Iterator[PlacedCell]:
    for comparison in comparisons(project):
        for row in comparison.rows:
            for column, cell in zip(comparison.columns, row.cells, strict=True):
                if cell is not None:
                    yield PlacedCell(comparison, row, column, cell)


def deletion_places(fact: ClozeFact) -> Iterator[tuple[Deletion, Position]]:
    """Each deletion of the fact with the place of its '{{' (the fact's, when unknown)."""
    positions = fact.deletion_positions or tuple(fact.position for _ in fact.deletions)
    yield from zip(fact.deletions, positions, strict=True)


def cloze_cards(
    fact: ClozeFact, *, choices: bool = True
) -> Iterator[tuple[tuple[Deletion, ...], str]]:
    """Each card of a cloze fact: its deletions (one, or those sharing a label) and its front as
    Anki shows it: those deletions hidden (their hints shown, but with ``choices=False`` not the
    hints that offer choices), every other deletion's answer shown as text."""
    by_key: dict[str, list[Deletion]] = {}
    for key, deletion in zip(fact.deletion_keys, fact.deletions, strict=True):
        by_key.setdefault(key, []).append(deletion)
    for asked in by_key.values():
        front = " ".join(_shown(part, asked, choices) for part in fact.parts)
        yield tuple(asked), front


def _shown(part: str | Deletion, asked: list[Deletion], choices: bool) -> str:
    if isinstance(part, str):
        return part
    if not any(part is deletion for deletion in asked):
        return part.answer
    if part.hint and (choices or not offers_choices(part.hint)):
        return part.hint
    return ""


def plain_text(fact: ClozeFact) -> str:
    """The fact's text with every answer in place: the statement it teaches."""
    return " ".join(part if isinstance(part, str) else part.answer for part in fact.parts)


_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of a text, without case, markup or punctuation: what the rules compare."""
    return _WORD.findall(text.casefold())


def contains_words(text: str, phrase: str) -> bool:
    """Whether ``phrase`` is in ``text`` as whole words (without case, spacing, punctuation)."""
    wanted = words(phrase)
    return bool(wanted) and f" {' '.join(wanted)} " in f" {' '.join(words(text))} "


def offers_choices(hint: str) -> bool:
    """Whether a hint offers the answer among alternatives ("UMN or LMN?"): a fair question,
    not a leak."""
    return "or" in words(hint) or "/" in hint
