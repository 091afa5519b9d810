"""Comparison cells: the `comparisons:` section, one note per filled cell of a comparison.

Each cell's card asks the cell, with its row's feature and its column's label; its back shows
the cell's row with the asked cell marked. A comparison also makes discrimination cards (see
``discrimination``) unless its ``cards:`` leaves them out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import yaml

from lmndeck.kinds.base import (
    REMOVED_HELP,
    REMOVED_TEXT,
    CardText,
    DeckFile,
    FileContext,
    OneCardKind,
    Schema,
    SchemaParts,
)
from lmndeck.kinds.comparison import (
    CARD_NAMES,
    CARDS,
    EXAMPLE,
    ROW_KEYS,
    CardMaker,
    Cell,
    Column,
    Comparison,
    OneCellNote,
    Row,
    discriminating,
    names_own_column,
    own_abbreviations,
    row_html,
    slug,
    sort_text,
)
from lmndeck.markup import inline
from lmndeck.media import extra_html, read_image
from lmndeck.model import PreviousId
from lmndeck.notetypes import ANKI_FRONT_BACK, NoteType
from lmndeck.problems import Code
from lmndeck.reader import (
    ID,
    ID_HINT,
    Reader,
    key_nodes,
    kind_of,
    previous_id_problems,
    unique,
)
from lmndeck.sources import Cited, Sources, required_source, source_html, source_ref

COMPARISON_KEYS = (
    "id",
    "title",
    "columns",
    "rows",
    "extra",
    "image",
    "tags",
    "source",
    "was",
    "cards",
    "draft",
    "lint",
)
COMPARISON_REQUIRED = ("id", "title", "columns", "rows")
COLUMN_KEYS = ("label", "was")
CELL_KEYS = ("text", "source", "discrimination", "lint")
BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True)
class CellNote(OneCellNote):
    prefix = "cell"

    @property
    def kind(self) -> Cells:
        return KIND

    def fields(self, numbers: Mapping[str, int]) -> tuple[str, ...]:
        comparison = self.comparison
        return (
            sort_text(comparison.title, self.row.feature, self.column.label),
            inline(self.row.feature),
            inline(self.column.label),
            inline(self.cell.text),
            row_html(comparison, self.row, self.column.id),
            extra_html(comparison.extra, comparison.image),
            source_html(self.cell.source),
            inline(comparison.title),
        )


CELL = NoteType.numbered(
    kind="cell",
    model_id=1_732_400_000_102,
    name="lmndeck comparison cell",
    fields=("Sort", "Row", "Column", "Answer", "Grid", "Extra", "Source"),
    template_name="Cell",
    anki_type=ANKI_FRONT_BACK,
    ids=7_301_125_000,
    # The first field (Anki's sort field) was the title, so Anki's browser listed every cell of
    # a comparison under one name; it now names the cell, and the title took a reserved slot.
    later_fields=("Table",),
)


class Cells(OneCardKind):
    name = "cell"
    section = "comparisons"
    marker = None
    noun = "comparison"
    cards_noun = "comparison"
    keys = COMPARISON_KEYS
    required = COMPARISON_REQUIRED
    synonyms = ()
    note_type = CELL
    example = EXAMPLE.replace("[CARDS]", "[cells]")
    tombstone_fields = ("Removed", "", "", REMOVED_TEXT, "", REMOVED_HELP, "", "Removed")

    def read(self, reader: Reader, node: yaml.Node, context: FileContext) -> Comparison | None:
        return read_comparison(reader, node, context)

    def schema(self, parts: SchemaParts) -> dict[str, Schema]:
        """A comparison, its columns, its rows (their own keys, and a cell under each column
        id) and its cells."""
        cards = {
            "type": "array",
            "items": {"enum": list(CARD_NAMES)},
            "minItems": 1,
            "description": "The kinds of card the comparison makes (default: both).",
        }
        row = parts.object("row", ROW_KEYS, ("feature",))
        row["additionalProperties"] = {"anyOf": [parts.text, parts.ref("cell")]}
        return {
            "comparison": parts.object(
                "comparison", COMPARISON_KEYS, COMPARISON_REQUIRED, {"cards": cards}
            ),
            "column": parts.object("column", COLUMN_KEYS, ("label",)),
            "row": row,
            "cell": parts.object("cell", CELL_KEYS, ("text",)),
        }


KIND = Cells()


def cell_notes(comparison: Comparison, deck: str) -> list[CellNote]:
    """A note per filled cell."""
    return [
        CellNote(deck, comparison, row, column, cell)
        for row in comparison.rows
        for column, cell in zip(comparison.columns, row.cells, strict=True)
        if cell is not None
    ]


def cell_lint_cards(comparison: Comparison) -> Iterator[CardText]:
    """A card per filled cell: its front the title, the row's feature and the column's label."""
    for row, column, cell in comparison.filled():
        answer = comparison.cell_text(row, cell)
        front = (comparison.title, row.feature, column.label)
        yield CardText((answer,), front, answer.position, answer.ignored)


CARDS["cells"] = CardMaker(cell_notes, cell_lint_cards)


def comparisons(deck_file: DeckFile) -> list[Comparison]:
    """The file's comparisons."""
    return [item for item in deck_file.items(KIND.name) if isinstance(item, Comparison)]


def read_comparison(reader: Reader, node: yaml.Node, context: FileContext) -> Comparison | None:
    entries = reader.mapping(node, "a comparison", COMPARISON_KEYS, COMPARISON_REQUIRED)
    if entries is None:
        return None
    comparison_id = reader.entry_id(entries)
    title = reader.entry_text(entries, "title")
    header = _columns(reader, entries["columns"]) if "columns" in entries else None
    extra = reader.extra(entries)
    tags = context.tags + reader.tags(entries.get("tags"))
    comparison_source = source_ref(reader, entries.get("source"), context.sources, context.cited)
    cards = _cards(reader, entries["cards"]) if "cards" in entries else CARD_NAMES
    rows: list[Row] = []
    if header is not None and "rows" in entries:  # rows are read against usable columns only
        asks = cards is not None and "discrimination" in cards
        rows = _rows(reader, entries["rows"], header, context.sources, comparison_source, asks)
    was = reader.previous_ids(entries, comparison_id, "comparison")
    image = read_image(reader, entries.get("image"), context.cards_dir)
    draft = reader.draft(entries)
    ignored = reader.ignored_rules(entries)
    if comparison_id is None or title is None or header is None or extra is None or not cards:
        return None
    if draft is None:
        return None
    return Comparison(
        comparison_id,
        title,
        header.columns,
        tuple(rows),
        extra,
        reader.shared(unique(tags)),
        reader.where(node),
        was,
        cards,
        image,
        draft,
        lint_ignore=ignored,
    )


def _cards(reader: Reader, node: yaml.Node) -> tuple[str, ...] | None:
    """The card kinds a comparison makes: a list of known names, at least one."""
    hint = "e.g. cards: [cells, discrimination] (the default), or cards: [cells]"
    if not isinstance(node, yaml.SequenceNode):
        reader.report(node, Code.INVALID_CARDS, f"cards must be a list, not {kind_of(node)}", hint)
        return None
    names: list[str] = []
    for name_node in reader.sequence(node, "cards"):
        name = reader.known(name_node, "a kind of comparison card", CARD_NAMES, Code.INVALID_CARDS)
        if name is not None:
            names.append(name)
    if not node.value:
        reader.report(node, Code.INVALID_CARDS, "the comparison makes no cards", hint)
    return unique(tuple(names)) if names and len(names) == len(node.value) else None


def _check_answers(
    reader: Reader, row: Row, columns: tuple[Column, ...], entries: dict[str, yaml.Node]
) -> None:
    """Reports each cell that would be a discrimination card naming its own column: its front
    would give the answer away."""
    abbreviations = dict(
        zip((column.id for column in columns), own_abbreviations(columns), strict=True)
    )
    for column, cell in discriminating(row, columns):
        if names_own_column(cell.text, column.label, abbreviations[column.id]):
            reader.report(
                entries[column.id],
                Code.ANSWER_IN_CELL,
                f"the cell names its own column '{column.label}', so its discrimination card "
                "would give the answer away",
                "reword the cell without the column's name, or write it as "
                "{text: ..., discrimination: false}",
            )


def _rows(
    reader: Reader,
    node: yaml.Node,
    header: _Header,
    sources: Sources,
    comparison_source: Cited,
    asks: bool,
) -> list[Row]:
    """The comparison's rows; ``asks``: whether its cells make discrimination cards."""
    rows: list[Row] = []
    row_ids: dict[str, yaml.Node] = {}
    row_nodes = reader.sequence(node, "rows")
    for row_node in row_nodes:
        row = _row(reader, row_node, header, sources, comparison_source, asks)
        if row is None:
            continue
        if row.id in row_ids:
            first = reader.where(row_ids[row.id])
            reader.report(
                row_node,
                Code.DUPLICATE_ROW,
                f"two rows have the id '{row.id}' (the first at line {first.line})",
                "give one of them its own 'id:'",
            )
            continue
        row_ids[row.id] = row_node
        rows.append(row)
    if isinstance(node, yaml.SequenceNode) and not row_nodes:  # rows with problems are rows
        reader.report(
            node,
            Code.NO_ROWS,
            "the comparison has no rows",
            "add rows such as '- feature: Muscle tone' with a value per column",
        )
    reader.problems.extend(previous_id_problems(("row", row.id, row.was) for row in rows))
    return rows


@dataclass(frozen=True)
class _Header:
    """The usable columns, and every column key written (a row's value under a column that
    has a problem is not a second problem)."""

    columns: tuple[Column, ...]
    written: tuple[str, ...]


def _columns(reader: Reader, node: yaml.Node) -> _Header | None:
    """The comparison's columns; None when fewer than two are usable (its rows cannot be read)."""
    if not isinstance(node, yaml.MappingNode):
        reader.report(
            node,
            Code.INVALID_COLUMNS,
            f"columns must map column ids to labels, not {kind_of(node)}",
            "e.g. columns: {lmn: LMN lesion, umn: UMN lesion}",
        )
        return None
    if not reader.visit(node):
        return None
    before = len(reader.problems)
    labels = reader.entries(node, "columns")
    written = tuple(labels)
    columns: list[Column] = []
    for key_node, column_id in key_nodes(node):
        value_node = labels.pop(column_id, None)
        if value_node is None:  # a duplicate, already reported
            continue
        label, was = _column_label(reader, value_node, column_id)
        if column_id in ROW_KEYS:
            reader.report(
                key_node,
                Code.INVALID_COLUMNS,
                f"'{column_id}' cannot be a column id: rows use it for themselves",
                "rename the column, e.g. 'lmn: LMN lesion'",
            )
        elif not ID.match(column_id):
            reader.report(
                key_node, Code.INVALID_ID, f"column id '{column_id}' is not a valid id", ID_HINT
            )
        elif label:
            columns.append(Column(column_id, label, was))
    reader.problems.extend(previous_id_problems(("column", c.id, c.was) for c in columns))
    if len(columns) >= 2:
        return _Header(tuple(columns), tuple(key for key in written if key not in ROW_KEYS))
    if len(reader.problems) == before:
        reader.report(
            node,
            Code.TOO_FEW_COLUMNS,
            "a comparison needs at least two columns",
            "e.g. columns: {lmn: LMN lesion, umn: UMN lesion}",
        )
    return None


def _column_label(
    reader: Reader, node: yaml.Node, column_id: str
) -> tuple[str | None, tuple[PreviousId, ...]]:
    """A column's label and previous ids: written 'id: Label' or 'id: {label: Label, was: old}'."""
    if not isinstance(node, yaml.MappingNode):
        return reader.text(node, "a column label"), ()
    entries = reader.mapping(node, f"column '{column_id}'", COLUMN_KEYS, ("label",))
    if entries is None:
        return None, ()
    return reader.entry_text(entries, "label"), reader.previous_ids(entries, column_id, "column")


def _row(
    reader: Reader,
    node: yaml.Node,
    header: _Header,
    sources: Sources,
    comparison_source: Cited,
    asks: bool,
) -> Row | None:
    column_ids = tuple(column.id for column in header.columns)
    labelled = _labels_as_keys(reader, node, header)
    entries = reader.mapping(node, "a row", ROW_KEYS + header.written + labelled, ("feature",))
    if entries is None:
        return None
    feature = reader.entry_text(entries, "feature")
    if "id" in entries:
        row_id = reader.identifier(entries["id"], "row id")
    else:
        row_id = slug(feature) if feature else None
    row_source = source_ref(reader, entries.get("source"), sources, comparison_source)
    cells = tuple(
        _cell(reader, entries[column_id], sources, row_source) if column_id in entries else None
        for column_id in column_ids
    )
    if not any(cells):
        # not cells with problems, nor cells under a column's label
        if not labelled and not any(column_id in entries for column_id in column_ids):
            reader.report(
                node,
                Code.EMPTY_ROW,
                "the row has no cells",
                f"add a value for {', '.join(column_ids)}",
            )
        return None
    was = reader.previous_ids(entries, row_id, "row", _previous_id_hint)
    ignored = reader.ignored_rules(entries)
    if feature is None or row_id is None:
        return None
    row = Row(row_id, feature, cells, was, lint_ignore=ignored, position=reader.where(node))
    if asks:
        _check_answers(reader, row, header.columns, entries)
    return row


def _labels_as_keys(reader: Reader, node: yaml.Node, header: _Header) -> tuple[str, ...]:
    """The keys of a row that are a column's label, not its id ('LMN lesion: Reduced' under
    'columns: {lmn: LMN lesion, ...}'), each reported with the id to write, whatever its case."""
    if not isinstance(node, yaml.MappingNode):
        return ()
    ids = {column.label.casefold(): column.id for column in header.columns}
    labelled = []
    for key_node, name in key_nodes(node):
        column_id = ids.get(name.strip().casefold())
        if column_id is not None and name not in ROW_KEYS + header.written:
            labelled.append(name)
            reader.report(
                key_node,
                Code.UNKNOWN_KEY,
                f"'{name}' is the label of column '{column_id}': write '{column_id}:'",
                "a row names its cells by column id, the key before the label in 'columns:'",
            )
    return tuple(labelled)


def _cell(reader: Reader, node: yaml.Node, sources: Sources, row_source: Cited) -> Cell | None:
    if isinstance(node, yaml.MappingNode) and not _braced_text(node):
        entries = reader.mapping(node, "a cell", CELL_KEYS, ("text",))
        if entries is None or "text" not in entries:
            return None
        text = reader.text(entries["text"], "the cell's text")
        cited = source_ref(reader, entries.get("source"), sources, row_source)
        ref = required_source(reader, node, cited, "the cell")
        flag = _flag(reader, entries["discrimination"]) if "discrimination" in entries else True
        ignored = reader.ignored_rules(entries)
        if text is None or ref is None or flag is None:
            return None
        return Cell(text, ref, flag, lint_ignore=ignored, position=reader.where(node))
    else:
        text = reader.text(node, "a cell")
        ref = row_source.ref
        if ref is None and text is not None and not row_source.reported:
            reader.report(
                node,
                Code.MISSING_SOURCE,
                "the cell has no source",
                "write the cell as {text: ..., source: video 08:09}, "
                "or give the row or comparison a 'source:'",
            )
    if text is None or ref is None:
        return None
    return Cell(text, ref, position=reader.where(node))


def _braced_text(node: yaml.MappingNode) -> bool:
    """A cell typed as a text in braces ('lmn: {Atrophy}', '{{Reduced}}'), which YAML reads as
    a mapping of keys without values, not a cell written '{text: ..., source: ...}'."""
    return bool(node.flow_style) and all(
        not isinstance(key, yaml.ScalarNode) or _no_value(value) for key, value in node.value
    )


def _no_value(node: yaml.Node) -> bool:
    """What YAML gives a key written without a value: empty and plain (style None from the
    pure-Python parser, "" from libyaml)."""
    return isinstance(node, yaml.ScalarNode) and not node.value and node.style in (None, "")


def _flag(reader: Reader, node: yaml.Node) -> bool | None:
    """A cell's 'discrimination:': true or false."""
    value = str(node.value).strip().casefold() if isinstance(node, yaml.ScalarNode) else ""
    if value in BOOLEANS:
        return BOOLEANS[value] if reader.visit(node) else None
    reader.report(
        node,
        Code.WRONG_TYPE,
        f"discrimination must be true or false, not {kind_of(node)}",
        "write 'discrimination: false' to make no discrimination card of the cell",
    )
    return None


def _previous_id_hint(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode) and node.value.strip():
        return (
            f"a row without 'id:' is known by its feature's slug: did you mean "
            f"'{slug(str(node.value))}'? ('lmndeck diff' shows the old one)"
        )
    return ID_HINT
