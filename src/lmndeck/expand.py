"""Stage 3: expand a project's facts into the notes that will carry its cards.

A cloze fact is one note with a card per deletion group; a comparison is one note per filled
cell. Each note has a key built only from ids, never from text, so edits keep its identity.
"""

from __future__ import annotations

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
