"""Stage 3: expand a project's facts into the notes that will carry its cards.

A cloze fact is one note with a card per deletion group; a comparison is one note per filled
cell. Each note has a key built only from ids, never from text, so edits keep its identity;
its previous keys, built from the ids listed under 'was:', let a renamed note keep it too.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from lmndeck.model import Cell, ClozeFact, Column, Comparison, Row
from lmndeck.notetypes import NoteKind
from lmndeck.project import Project


@dataclass(frozen=True)
class ClozeNote:
    key: str
    deck: str
    fact: ClozeFact

    kind = NoteKind.CLOZE

    @property
    def tags(self) -> tuple[str, ...]:
        return self.fact.tags

    @property
    def previous_keys(self) -> tuple[str, ...]:
        """Keys this note had before, most recent first (as listed under 'was:')."""
        return tuple(f"fact/{previous.id}" for previous in self.fact.was)

    @property
    def deletion_keys(self) -> tuple[str, ...]:
        """One key per card, in the order the deletions first appear."""
        return tuple(dict.fromkeys(self.fact.deletion_keys))


@dataclass(frozen=True)
class CellNote:
    key: str
    deck: str
    comparison: Comparison
    row: Row
    column: Column
    cell: Cell

    kind = NoteKind.CELL

    @property
    def tags(self) -> tuple[str, ...]:
        return self.comparison.tags

    @property
    def previous_keys(self) -> tuple[str, ...]:
        """Keys this cell had before: any mix of the table's, row's and column's current and
        previous ids, so a table, a row and a column renamed in one edit still find the cell."""
        names = [
            (item.id, *(previous.id for previous in item.was))
            for item in (self.comparison, self.row, self.column)
        ]
        keys = (f"cell/{table}/{row}/{column}" for table, row, column in itertools.product(*names))
        return tuple(key for key in keys if key != self.key)

    @property
    def deletion_keys(self) -> tuple[str, ...]:
        return ()


PlannedNote = ClozeNote | CellNote


def expand(project: Project) -> list[PlannedNote]:
    """Every note of the project, in study order: files by path, items in file order."""
    notes: list[PlannedNote] = []
    for deck_file in project.files:
        notes.extend(ClozeNote(f"fact/{fact.id}", deck_file.deck, fact) for fact in deck_file.facts)
        for comparison in deck_file.comparisons:
            notes.extend(_cells(comparison, deck_file.deck))
    return notes


def _cells(comparison: Comparison, deck: str) -> list[CellNote]:
    return [
        CellNote(f"cell/{comparison.id}/{row.id}/{column.id}", deck, comparison, row, column, cell)
        for row in comparison.rows
        for column, cell in zip(comparison.columns, row.cells, strict=True)
        if cell is not None
    ]
