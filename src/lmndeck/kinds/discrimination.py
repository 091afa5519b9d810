"""Discrimination cards: from a comparison's cells, "Spasticity — which one?" -> "UMN lesion".

A cell whose text is unique in its row points to its column, so its card shows the table's
title, the row's feature, the cell and every column's label as the choices, and asks which
column it is; the back gives the column and the row across the columns. A cell that says
what another of its row says (``wording.said``: without case, spacing, punctuation and
emphasis, so "Present." is "*present*") makes none: it points to no single column. Nor does a cell written with 'discrimination: false' (an absent sign, such as "No
fasciculations", is no evidence for the other column). A cell that names its own column would
give the answer away: the comparison reader reports it as an error (see
``names_own_column``), so the author rewords it or switches it off.

This kind has no section of its own: its notes come from the comparisons (``cells`` reads them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import yaml

from lmndeck.kinds.base import (
    REMOVED_HELP,
    REMOVED_TEXT,
    CardText,
    FileContext,
    Item,
    OneCardKind,
    Schema,
    SchemaParts,
    Written,
)
from lmndeck.kinds.comparison import (
    CARDS,
    EXAMPLE,
    CardMaker,
    Column,
    Comparison,
    OneCellNote,
    discriminating,
    row_html,
    sort_text,
)
from lmndeck.markup import inline
from lmndeck.media import extra_html
from lmndeck.notetypes import ANKI_FRONT_BACK, NoteType
from lmndeck.reader import Reader
from lmndeck.sources import source_html


def discrimination_notes(comparison: Comparison, deck: str) -> list[DiscriminationNote]:
    return [
        DiscriminationNote(deck, comparison, row, column, cell)
        for row in comparison.rows
        for column, cell in discriminating(row, comparison.columns)
    ]


@dataclass(frozen=True)
class DiscriminationNote(OneCellNote):
    prefix = "discrimination"

    @property
    def kind(self) -> Discrimination:
        return KIND

    def fields(self, numbers: Mapping[str, int]) -> tuple[str, ...]:
        comparison = self.comparison
        return (
            sort_text(comparison.title, self.row.feature, self.cell.text),
            inline(self.row.feature),
            inline(self.cell.text),
            choices_html(comparison.columns),
            inline(self.column.label),
            row_html(comparison, self.row, self.column.id),
            extra_html(comparison.extra, comparison.image),
            source_html(self.cell.source),
            inline(comparison.title),
        )


def choices_html(columns: tuple[Column, ...]) -> str:
    """Every column's label, as the choices: "A or B", "A, B or C". Plain text in the shared
    style, so the other kinds' note types stay as they are."""
    labels = [f'<span class="lmn-column">{inline(column.label)}</span>' for column in columns]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


DISCRIMINATION = NoteType.numbered(
    kind="discrimination",
    model_id=1_732_400_000_103,
    name="lmndeck discrimination",
    fields=("Sort", "Row", "Cell", "Choices", "Answer", "Grid", "Extra", "Source"),
    template_name="Discrimination",
    anki_type=ANKI_FRONT_BACK,
    ids=7_301_126_000,
    later_fields=("Table",),  # the title left the sort field to name the cell (see cells.py)
)


class Discrimination(OneCardKind):
    name = "discrimination"
    section = None
    marker = None
    noun = "discrimination card"
    cards_noun = "discrimination"
    keys = ()
    required = ()
    synonyms = ()
    note_type = DISCRIMINATION
    example = EXAMPLE.replace("[CARDS]", "[discrimination]")
    tombstone_fields = ("Removed", "", REMOVED_TEXT, "", "", "", REMOVED_HELP, "", "Removed")

    def read(self, reader: Reader, node: yaml.Node, context: FileContext) -> Item | None:
        raise NotImplementedError("discrimination cards have no section: comparisons make them")

    def schema(self, parts: SchemaParts) -> dict[str, Schema]:
        return {}


KIND = Discrimination()


def discrimination_lint_cards(comparison: Comparison) -> Iterator[CardText]:
    """A card per discriminating cell: it asks the column, its front the row's feature and the
    cell; the title and the choices it shows name every column, a fair question, not a leak."""
    for row in comparison.rows:
        for column, cell in discriminating(row, comparison.columns):
            shown = comparison.cell_text(row, cell)
            asked = Written(column.label, shown.position, shown.ignored)
            front = (row.feature, cell.text)
            yield CardText((asked,), front, shown.position, shown.ignored)


CARDS["discrimination"] = CardMaker(discrimination_notes, discrimination_lint_cards)
