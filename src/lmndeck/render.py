"""Stage 4: the HTML that goes into note fields. Authored text is text: it is always escaped."""

from __future__ import annotations

from collections.abc import Mapping

from lmndeck.expand import ClozeNote, PlannedNote
from lmndeck.markup import attribute, inline
from lmndeck.model import (
    Cell,
    ClozeFact,
    Column,
    Comparison,
    Deletion,
    Row,
    SourceRef,
    VideoSource,
)


def cloze_text(fact: ClozeFact, numbers: Mapping[str, int]) -> str:
    """The Text field in Anki's cloze syntax; ``numbers`` maps each deletion's key to its card."""
    keys = iter(fact.deletion_keys)
    return "".join(
        _deletion(part, numbers[next(keys)]) if isinstance(part, Deletion) else inline(part)
        for part in fact.parts
    )


def _deletion(deletion: Deletion, number: int) -> str:
    hint = f"::{inline(deletion.hint)}" if deletion.hint else ""
    return f"{{{{c{number}::{inline(deletion.answer)}{hint}}}}}"


def format_timestamp(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def source_url(ref: SourceRef) -> str | None:
    source = ref.source
    if isinstance(source, VideoSource):
        start = f"&t={ref.seconds}s" if ref.seconds is not None else ""
        return f"https://www.youtube.com/watch?v={source.youtube_id}{start}"
    return source.url


def source_html(ref: SourceRef) -> str:
    source = ref.source
    label = inline(source.title)
    if source.author:
        label += f" — {inline(source.author)}"
    if ref.seconds is not None:
        label += f" [{format_timestamp(ref.seconds)}]"
    url = source_url(ref)
    if url is None:
        return f'<span class="lmn-cite">{label}</span>'
    return f'<a class="lmn-cite" href="{attribute(url)}">{label}</a>'


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


def _pair(column: Column, cell: Cell | None, asked: bool) -> str:
    marked = ' class="lmn-asked"' if asked else ""
    value = inline(cell.text) if cell else "—"
    return f"<dt{marked}>{inline(column.label)}</dt><dd{marked}>{value}</dd>"


def note_fields(note: PlannedNote, numbers: Mapping[str, int]) -> tuple[str, ...]:
    """The note's fields, in the order of its note type's fields."""
    if isinstance(note, ClozeNote):
        fact = note.fact
        return (cloze_text(fact, numbers), inline(fact.extra), source_html(fact.source))
    comparison = note.comparison
    return (
        inline(comparison.title),
        inline(note.row.feature),
        inline(note.column.label),
        inline(note.cell.text),
        row_html(comparison, note.row, note.column.id),
        inline(comparison.extra),
        source_html(note.cell.source),
    )
