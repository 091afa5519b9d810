"""Stage 4: the HTML that goes into note fields. Authored text is text: it is always escaped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lmndeck.expand import ClozeNote, PlannedNote
from lmndeck.markup import attribute, inline
from lmndeck.model import ClozeFact, Comparison, Deletion, SourceRef, VideoSource


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


def table_html(comparison: Comparison, asked_row: str | None, asked_column: str | None) -> str:
    """The whole comparison as a table, with the asked cell marked."""
    return _table(comparison).marked(asked_row, asked_column)


@dataclass(frozen=True)
class _Table:
    """A comparison's table in pieces, each cell's opening tag a piece of its own: every cell's
    card shows the whole table, and marking one cell is then a join, not a new render of all
    (which made a table's cards take time quadratic in its size)."""

    pieces: tuple[str, ...]
    cell_tags: Mapping[tuple[str, str], int]  # (row id, column id) → index of its '<td>' piece

    @classmethod
    def of(cls, comparison: Comparison) -> _Table:
        head = "".join(f"<th>{inline(column.label)}</th>" for column in comparison.columns)
        pieces = [f'<table class="lmn-table"><thead><tr><th></th>{head}</tr></thead><tbody>']
        cell_tags = {}
        for row in comparison.rows:
            pieces.append(f'<tr><th scope="row">{inline(row.feature)}</th>')
            for column, cell in zip(comparison.columns, row.cells, strict=True):
                cell_tags[row.id, column.id] = len(pieces)
                pieces += ("<td>", f"{inline(cell.text) if cell else '—'}</td>")
            pieces.append("</tr>")
        pieces.append("</tbody></table>")
        return cls(tuple(pieces), cell_tags)

    def marked(self, row: str | None, column: str | None) -> str:
        index = self.cell_tags.get((row, column)) if row and column else None
        if index is None:
            return "".join(self.pieces)
        marked = list(self.pieces)
        marked[index] = '<td class="lmn-asked">'
        return "".join(marked)


# The last table rendered, by identity: a comparison's cells are planned one after another.
_last_table: list[tuple[Comparison, _Table]] = []


def _table(comparison: Comparison) -> _Table:
    if not _last_table or _last_table[0][0] is not comparison:
        _last_table[:] = [(comparison, _Table.of(comparison))]
    return _last_table[0][1]


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
        table_html(comparison, note.row.id, note.column.id),
        inline(comparison.extra),
        source_html(note.cell.source),
    )
