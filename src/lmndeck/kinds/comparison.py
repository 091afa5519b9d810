"""A comparison: its columns, rows and cells, and what the kinds that make cards of it
share (the row a card's back shows, which cells discriminate their row).

Two kinds make cards of a comparison: ``cells`` (a card per cell, which also reads the
``comparisons:`` section) and ``discrimination`` (a "which column?" card per cell unique in its
row). Each registers what it makes under its name of ``cards:`` in ``CARDS``, so that neither
needs the other and this module needs neither.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from lmndeck.kinds.base import CardText, Citation, LintText, PlannedNote, Written
from lmndeck.markup import inline
from lmndeck.media import Image
from lmndeck.model import PreviousId, SourceRef
from lmndeck.problems import Position
from lmndeck.wording import said, text_key

CARD_NAMES = ("cells", "discrimination")  # what a comparison's 'cards:' may list
ROW_KEYS = ("id", "feature", "source", "was", "lint")  # a row's own keys; the rest are cells


@dataclass(frozen=True)
class CardMaker:
    """What a kind makes of a comparison: its notes, and its cards as lint reads them."""

    notes: Callable[[Comparison, str], Sequence[PlannedNote]]
    lint_cards: Callable[[Comparison], Iterator[CardText]]


# What each of CARD_NAMES makes of a comparison, filled in by the kind that makes it.
CARDS: dict[str, CardMaker] = {}
# Cards of a comparison as a cards file writes them: the kinds' examples (see kinds.base).
EXAMPLE = """\
comparisons:
  - id: lmn-vs-umn
    title: LMN vs UMN lesion
    cards: [CARDS]
    columns: {lmn: LMN lesion, umn: UMN lesion}
    rows:
      - {feature: Muscle tone, lmn: Reduced (hypotonia), umn: Increased (spasticity)}
      - {feature: Reflexes, lmn: Reduced, umn: Exaggerated}
"""


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    was: tuple[PreviousId, ...] = ()


@dataclass(frozen=True)
class Cell:
    text: str
    source: SourceRef
    discrimination: bool = True  # False: a cell that must not become a discrimination card
    lint_ignore: frozenset[str] = frozenset()  # lint rules switched off for this cell
    position: Position | None = field(default=None, compare=False)  # for lint


@dataclass(frozen=True)
class Row:
    id: str
    feature: str
    cells: tuple[Cell | None, ...]  # one per column of the table; None where left blank
    was: tuple[PreviousId, ...] = ()
    lint_ignore: frozenset[str] = frozenset()  # lint rules switched off for the row's cells
    position: Position | None = field(default=None, compare=False)  # for lint


@dataclass(frozen=True)
class Comparison:
    id: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    extra: str
    tags: tuple[str, ...]
    position: Position
    was: tuple[PreviousId, ...] = ()
    cards: tuple[str, ...] = CARD_NAMES
    image: Image | None = None  # on the back of every card of the comparison
    draft: bool = False
    lint_ignore: frozenset[str] = frozenset()  # lint rules switched off for the whole comparison

    def notes(self, deck: str) -> list[PlannedNote]:
        """The notes of each kind of card 'cards:' asks for, in ``CARD_NAMES``' order: one per
        filled cell, then one per discriminating cell."""
        return [
            note
            for name in CARD_NAMES
            if name in self.cards
            for note in CARDS[name].notes(self, deck)
        ]

    def lint_text(self) -> LintText:
        """The cards of each kind 'cards:' asks for, as that kind says; every text written, a
        cell's with its own place, and the source of each cell."""
        ignored = self.lint_ignore
        texts = (self.title, self.extra, *(column.label for column in self.columns))
        written = [Written(text, self.position, ignored) for text in texts]
        written += [
            Written(row.feature, row.position or self.position, row.lint_ignore | ignored)
            for row in self.rows
        ]
        citations = []
        for row, _, cell in self.filled():
            text = self.cell_text(row, cell)
            written.append(text)
            hint = (
                f"write it as {{text: ..., source: {cell.source.source.name} 08:09}}, or "
                "give its row a timed 'source:'"
            )
            named = f"the cell '{cell.text}'"
            citations.append(Citation(named, cell.source, text.position, text.ignored, hint))
        cards = [
            card
            for name in CARD_NAMES
            if name in self.cards
            for card in CARDS[name].lint_cards(self)
        ]
        return LintText(
            self.id, self.position, ignored, tuple(cards), tuple(written), tuple(citations)
        )

    def filled(self) -> Iterator[tuple[Row, Column, Cell]]:
        """Each filled cell with its row and column, row by row."""
        for row in self.rows:
            for column, cell in zip(self.columns, row.cells, strict=True):
                if cell is not None:
                    yield row, column, cell

    def cell_text(self, row: Row, cell: Cell) -> Written:
        """A cell's text where it is written (else its row's, its comparison's place), with the
        rules it, its row and the comparison switch off."""
        where = cell.position or row.position or self.position
        return Written(cell.text, where, cell.lint_ignore | row.lint_ignore | self.lint_ignore)


@dataclass(frozen=True)
class OneCellNote:
    """A note made of one cell, keyed '<prefix>/<comparison>/<row>/<column>' (a cell card, a
    discrimination card), with one fixed card."""

    prefix: ClassVar[str]
    deck: str
    comparison: Comparison
    row: Row
    column: Column
    cell: Cell

    @property
    def key(self) -> str:
        return self._key(self.comparison.id, self.row.id, self.column.id)

    def _key(self, comparison: str, row: str, column: str) -> str:
        return f"{self.prefix}/{comparison}/{row}/{column}"

    @property
    def tags(self) -> tuple[str, ...]:
        return self.comparison.tags

    @property
    def source(self) -> SourceRef:
        return self.cell.source

    @property
    def previous_keys(self) -> tuple[str, ...]:
        """Any mix of the comparison's, row's and column's current and previous ids, so a
        comparison, a row and a column renamed in one edit still find the cell's note."""
        names = [
            (item.id, *(previous.id for previous in item.was))
            for item in (self.comparison, self.row, self.column)
        ]
        keys = (self._key(*ids) for ids in itertools.product(*names))
        return tuple(key for key in keys if key != self.key)

    @property
    def card_keys(self) -> tuple[str, ...]:
        return ()


def row_html(comparison: Comparison, row: Row, asked_column: str) -> str:
    """The asked row across every column: its feature, then each column's label and value, the
    asked one marked. Not the whole table: a cell's back would then grow with the table (a
    200x8 table made a 125 MB collection) and would show every other answer of the table,
    making the cell's siblings trivial for the rest of the day. The row keeps the comparison a
    student needs; the style sheet lays it out as a table on wide screens and as stacked
    label/value pairs on phones."""
    pairs = "".join(
        _pair(column, cell, column.id == asked_column)
        for column, cell in zip(comparison.columns, row.cells, strict=True)
    )
    return f'<div class="lmn-feature">{inline(row.feature)}</div><dl class="lmn-pairs">{pairs}</dl>'


def sort_text(*parts: str) -> str:
    """What Anki's browser shows for one of a comparison's notes (its sort field): the title and
    the cell's place, "LMN vs UMN / Tone / UMN", so each note reads apart from its siblings."""
    return " / ".join(inline(part) for part in parts)


def _pair(column: Column, cell: Cell | None, asked: bool) -> str:
    marked = ' class="lmn-asked"' if asked else ""
    value = inline(cell.text) if cell else "—"
    return f"<dt{marked}>{inline(column.label)}</dt><dd{marked}>{value}</dd>"


def discriminating(row: Row, columns: tuple[Column, ...]) -> list[tuple[Column, Cell]]:
    """The row's cells that make a discrimination card, with their columns: filled, unique in
    the row (by what they say: 'Present.' is '*present*'), and not switched off."""
    values = Counter(said(cell.text) for cell in row.cells if cell is not None)
    return [
        (column, cell)
        for column, cell in zip(columns, row.cells, strict=True)
        if cell is not None and cell.discrimination and values[said(cell.text)] == 1
    ]


def own_abbreviations(columns: tuple[Column, ...]) -> tuple[frozenset[str], ...]:
    """Per column, the abbreviations in its label that no other label has (the "UMN" of "UMN
    lesion" beside "LMN lesion"), casefolded: counted once for the whole table, so that a
    table's cells are checked in time linear in its size, however many columns it has."""
    words = [{word.casefold() for word in _words(column.label)} for column in columns]
    labels_with = Counter(word for label in words for word in label)
    return tuple(
        frozenset(
            word.casefold()
            for word in _words(column.label)
            if len(word) > 1 and word.isupper() and labels_with[word.casefold()] == 1
        )
        for column in columns
    )


def names_own_column(text: str, label: str, abbreviations: frozenset[str]) -> bool:
    """Whether the text names its column: its whole ``label``, or one of the label's own
    ``abbreviations`` (see ``own_abbreviations``). Other words of a label are not the answer:
    "spinal cord" does not name "Spinal muscular atrophy"."""
    found = {word.casefold() for word in _words(text)}
    return bool(abbreviations & found) or text_key(label) in text_key(text)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def slug(text: str) -> str:
    """A row's id from its feature (when it has no 'id:')."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "row"
