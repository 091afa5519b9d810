"""A Markdown table as a comparison: its columns (ids from their labels), title and rows, and
which cells cannot be a discrimination card."""

from __future__ import annotations

import re

from lmndeck.importers.document import Cell, Row
from lmndeck.importers.inline import Ids, Inline, tidy, timestamp
from lmndeck.kinds.comparison import ROW_KEYS, Column, names_own_column, own_abbreviations, slug

ABSENT = ("no", "none", "absent", "without", "not")  # a cell stating an absent sign
# Words of a heading that names no particular table: under "Comparison" or "Summary table" a
# comparison is titled after its columns instead.
GENERIC_HEADING = frozenset(
    {"a", "an", "and", "at", "comparison", "comparisons", "compared", "contrast", "difference"}
    | {"differences", "glance", "key", "main", "overview", "quick", "recap", "reference"}
    | {"review", "summary", "table", "tables", "the"}
)
TITLE_COLUMNS = 4  # a title names at most this many columns
# Words of a first header cell that name the rows' features ("Feature", "Sign", or nothing): the
# columns are then the things compared ("LMN lesion vs UMN lesion"). Any other header names
# what each row is ("Drug"), and the columns are what is said of each ("Class", "Effect").
FEATURE_HEADER = frozenset(
    {"aspect", "aspects", "attribute", "attributes", "characteristic", "characteristics"}
    | {"column", "criteria", "criterion", "factor", "factors", "feature", "features", "finding"}
    | {"findings", "item", "items", "parameter", "parameters", "properties", "property", "sign"}
    | {"signs", "variable", "variables", "vs", "versus"}
)


def comparison_columns(labels: list[str]) -> tuple[Column, ...]:
    ids = Ids()
    ids.taken.update(ROW_KEYS)  # a column named 'feature' would be read as the row's feature
    return tuple(Column(ids.take(label, "column"), label) for label in labels)


def table_title(heading: str, labels: list[str]) -> str:
    """A comparison's title: its heading, unless the heading says nothing of this table
    ("Comparison", "Summary"): then its columns' labels, "LMN lesion vs UMN lesion", or, when
    the first header names what the rows are, "Drug: Class, Effect"."""
    words = {word.casefold() for word in re.findall(r"\w+", heading)}
    if words and not words <= GENERIC_HEADING:
        return heading
    shown, more = labels[1 : 1 + TITLE_COLUMNS], len(labels) > 1 + TITLE_COLUMNS
    if {word.casefold() for word in re.findall(r"[^\W\d_]+", labels[0])} <= FEATURE_HEADER:
        return " vs ".join(shown) + (" vs ..." if more else "")
    return f"{labels[0]}: {', '.join(shown)}" + (", ..." if more else "")


def _cell(run: Inline, label: str, abbreviations: frozenset[str]) -> Cell | None:
    text = tidy(run.text)
    if not text:
        return None
    time = timestamp(run.times[0][1]) if run.times else None
    if text.split()[0].casefold().strip(".,;:") in ABSENT:
        return Cell(text, time, "an absent sign points to no column")
    if names_own_column(text, label, abbreviations):
        return Cell(text, time, "names its own column")
    return Cell(text, time)


def comparison_rows(
    columns: tuple[Column, ...], body: list[list[Inline]]
) -> tuple[tuple[Row, ...], tuple[str, ...]]:
    """The rows with cells, and the features of those without (kept as comments)."""
    abbreviations = own_abbreviations(columns)
    made: list[Row] = []
    empty: list[str] = []
    row_ids: set[str] = set()
    for number, row in enumerate(body, start=1):
        feature = tidy(row[0].text) if row else ""
        feature = feature or f"Row {number}"
        cells = tuple(
            _cell(row[at + 1], column.label, abbreviations[at]) if at + 1 < len(row) else None
            for at, column in enumerate(columns)
        )
        if not any(cells):
            empty.append(feature)
            continue
        row_id, explicit = slug(feature), None
        while row_id in row_ids:  # the reader would take the feature's slug: write one
            explicit = row_id = f"{slug(feature)}-{len(row_ids) + 1}"
        row_ids.add(row_id)
        made.append(Row(feature, cells, explicit))
    return tuple(made), tuple(empty)
