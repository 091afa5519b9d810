"""Stage 4: the HTML that goes into note fields. Authored text is text: it is always escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from lmndeck.expand import ClozeNote, PlannedNote
from lmndeck.model import ClozeFact, Comparison, Deletion, SourceRef, VideoSource

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")


def inline(text: str) -> str:
    """Escape text for HTML and apply the tiny markup: **bold**, *italic*, line breaks."""
    escaped = html.escape(text, quote=False)
    if "*" in escaped:  # most text has no markup; skip the regexes (a build renders 10⁵ texts)
        escaped = _ITALIC.sub(r"<i>\1</i>", _BOLD.sub(r"<b>\1</b>", escaped))
    return escaped.replace("\n", "<br>")


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
    return f'<a class="lmn-cite" href="{html.escape(url)}">{label}</a>'


def table_html(comparison: Comparison, asked_row: str | None, asked_column: str | None) -> str:
    """The whole comparison as a table, with the asked cell marked."""
    head = "".join(f"<th>{inline(column.label)}</th>" for column in comparison.columns)
    body = []
    for row in comparison.rows:
        cells = []
        for column, cell in zip(comparison.columns, row.cells, strict=True):
            asked = row.id == asked_row and column.id == asked_column
            mark = ' class="lmn-asked"' if asked else ""
            text = inline(cell.text) if cell else "—"
            cells.append(f"<td{mark}>{text}</td>")
        body.append(f'<tr><th scope="row">{inline(row.feature)}</th>{"".join(cells)}</tr>')
    return (
        f'<table class="lmn-table"><thead><tr><th></th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


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
