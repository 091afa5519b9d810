"""Stage 2: check a YAML node tree against the cards-file format and build the typed model.

Every problem is collected (not just the first), each pointing at the node it is about.
Text values are taken as the author typed them: ``yes``, ``1995``, ``~`` or ``8:09`` stay text,
never YAML booleans, integers, nulls or sexagesimal numbers; only an empty value is empty.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import yaml

from lmndeck.cloze import parse_cloze
from lmndeck.loader import NULL_TAG, STRUCTURE_HINT, Scalar, position_in, position_of
from lmndeck.model import (
    Cell,
    ClozeFact,
    Column,
    Comparison,
    DeckFile,
    PreviousId,
    Row,
    Source,
    SourceRef,
    TextSource,
    VideoSource,
)
from lmndeck.problems import RELATED, Code, Position, Problem
from lmndeck.reserved import REMOVED_DECK, REMOVED_TAG, is_reserved_deck, is_reserved_tag
from lmndeck.tags import normalize_deck, normalize_tag

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_ID_HINT = "use letters, digits, '.', '_' and '-', starting with a letter or digit"
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}\Z")
_TIMESTAMP = re.compile(r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})\Z")
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)

FILE_KEYS = ("deck", "tags", "source", "sources", "facts", "comparisons")
SOURCE_KEYS = ("youtube", "title", "author", "url")
FACT_KEYS = ("id", "text", "extra", "tags", "source", "was")
COMPARISON_KEYS = ("id", "title", "columns", "rows", "extra", "tags", "source", "was")
ROW_KEYS = ("id", "feature", "source", "was")
COLUMN_KEYS = ("label", "was")
CELL_KEYS = ("text", "source")


@dataclass
class _Checker:
    """Walks one file's nodes, collecting problems as it goes."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    _seen: set[int] = field(default_factory=set)

    def report(self, node: yaml.Node, code: Code, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.where(node), message, hint, code=code))

    def where(self, node: yaml.Node) -> Position:
        return position_of(node, self.path)

    def visit(self, node: yaml.Node) -> bool:
        """False (with a problem) for a node reached through an alias or carrying a custom tag."""
        if node.tag not in _PLAIN_TAGS:
            self.report(
                node,
                Code.YAML_TAG,
                f"the YAML tag '{node.tag}' is not supported in cards files",
                "remove the '!' tag; values are plain text, lists and mappings",
            )
            return False
        if id(node) in self._seen:
            self.report(
                node,
                Code.YAML_ALIAS,
                "this value is used again through a YAML alias (*name); aliases are not supported",
                "write the value out in full",
            )
            return False
        self._seen.add(id(node))
        return True

    def mapping(
        self, node: yaml.Node, what: str, keys: tuple[str, ...], required: tuple[str, ...]
    ) -> dict[str, yaml.Node] | None:
        """The entries of a mapping node, checked for unknown, duplicate and missing keys."""
        if not isinstance(node, yaml.MappingNode):
            self.report(
                node,
                Code.WRONG_TYPE,
                f"{what} must be a mapping of keys to values, not {_kind(node)}",
                "write 'key: value' lines indented under it; see the format in the README",
            )
            return None
        if not self.visit(node):
            return None
        entries = self.entries(node, what)
        suggested = set()
        for key_node, name in _key_nodes(node):
            if name not in keys and name in entries:
                close = difflib.get_close_matches(name, keys, n=1)
                suggested.update(close)
                self.report(
                    key_node,
                    Code.UNKNOWN_KEY,
                    f"unknown key '{name}' in {what}",
                    _suggest(name, keys),
                )
        for name in required:
            if name not in entries and name not in suggested:  # a typo was reported already
                self.report(
                    node,
                    Code.MISSING_KEY,
                    f"{what} is missing the key '{name}'",
                    f"add '{name}: ...' to it",
                )
        return {name: value for name, value in entries.items() if name in keys}

    def entries(self, node: yaml.MappingNode, what: str) -> dict[str, yaml.Node]:
        """All entries of a mapping, with duplicate and non-text keys reported."""
        entries: dict[str, yaml.Node] = {}
        first_seen: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.report(
                    key_node, Code.WRONG_TYPE, f"keys in {what} must be plain names", STRUCTURE_HINT
                )
                continue
            name = key_node.value
            if name in first_seen:
                first = self.where(first_seen[name])
                self.report(
                    key_node,
                    Code.DUPLICATE_KEY,
                    f"duplicate key '{name}' in {what}",
                    f"the first '{name}' is at line {first.line}; remove or rename one of them",
                )
                continue
            first_seen[name] = key_node
            entries[name] = value
        return entries

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.report(
                node,
                Code.WRONG_TYPE,
                f"{what} must be a list (items starting with '- '), not {_kind(node)}",
                f"write each item of {what} on its own line starting with '- '",
            )
            return []
        return list(node.value) if self.visit(node) else []

    def text(self, node: yaml.Node, what: str, *, required: bool = True) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.report(
                node, Code.WRONG_TYPE, f"{what} must be text, not {_kind(node)}", STRUCTURE_HINT
            )
            return None
        if not self.visit(node):
            return None
        value = "" if node.tag == NULL_TAG and node.style is None else str(node.value)
        if required and not value.strip():
            self.report(
                node, Code.EMPTY_VALUE, f"{what} is empty", f"write the {what} after the ':'"
            )
            return None
        return value.strip()

    def entry_text(self, entries: dict[str, yaml.Node], key: str) -> str | None:
        """The text under ``key``; None when absent (a missing required key is reported already)."""
        return self.text(entries[key], key) if key in entries else None

    def extra(self, entries: dict[str, yaml.Node]) -> str | None:
        """The optional 'extra' text: empty when absent, None when it is not text."""
        return self.text(entries["extra"], "extra", required=False) if "extra" in entries else ""

    def entry_id(self, entries: dict[str, yaml.Node], what: str = "id") -> str | None:
        return self.identifier(entries["id"], what) if "id" in entries else None

    def identifier(self, node: yaml.Node, what: str, hint: str = _ID_HINT) -> str | None:
        value = self.text(node, what)
        if value is not None and not _ID.match(value):
            self.report(node, Code.INVALID_ID, f"{what} '{value}' is not a valid id", hint)
            return None
        return value

    def previous_ids(
        self, entries: dict[str, yaml.Node], own_id: str | None, what: str
    ) -> tuple[PreviousId, ...]:
        """The ids listed under 'was:' (one id or a list): what the item was called before."""
        node = entries.get("was")
        if node is None:
            return ()
        if isinstance(node, yaml.MappingNode):
            self.report(
                node,
                Code.INVALID_WAS,
                f"'was:' takes the id this {what} had before, or a list of them, not a mapping",
                "e.g. was: old-id, or was: [old-id, older-id]",
            )
            return ()
        items = [node] if isinstance(node, yaml.ScalarNode) else self.sequence(node, "was")
        previous: dict[str, PreviousId] = {}
        for item in items:
            value = self.identifier(item, "previous id", _previous_id_hint(item, what))
            if value is None:
                continue
            if value == own_id:
                self.report(
                    item,
                    Code.INVALID_WAS,
                    f"'{value}' is this {what}'s own id",
                    "'was:' lists only the ids it had before",
                )
            elif value in previous:
                self.report(item, Code.INVALID_WAS, f"'{value}' is listed twice in 'was:'")
            else:
                previous[value] = PreviousId(value, self.where(item))
        return tuple(previous.values())

    def tags(self, node: yaml.Node | None) -> tuple[str, ...]:
        if node is None:
            return ()
        items = [node] if isinstance(node, yaml.ScalarNode) else self.sequence(node, "tags")
        tags: list[str] = []
        for item in items:
            raw = self.text(item, "a tag")
            if raw is None:
                continue
            for word in raw.split() if item is node else [raw]:
                tag = normalize_tag(word)
                if not tag:
                    self.report(
                        item,
                        Code.INVALID_TAG,
                        f"'{raw}' is not a usable tag",
                        "use letters or digits",
                    )
                elif is_reserved_tag(tag):
                    self.report(
                        item,
                        Code.RESERVED_TAG,
                        f"the tag '{tag}' is reserved for lmndeck",
                        f"lmndeck tags the notes it removes '{REMOVED_TAG}'; "
                        "choose a tag that does not start with 'lmndeck'",
                    )
                else:
                    tags.append(tag)
        return tuple(tags)


def validate_file(root: yaml.Node | None, path: str) -> tuple[DeckFile | None, list[Problem]]:
    """The typed deck file for one document, and every problem found in it."""
    checker = _Checker(path)
    if root is None:
        checker.problems.append(
            Problem(
                Position(path, 1, 1),
                "the file is empty",
                "start it with 'deck: Name'",
                code=Code.EMPTY_FILE,
            )
        )
        return None, checker.problems
    top = checker.mapping(root, "a cards file", FILE_KEYS, ("deck",))
    if top is None:
        return None, checker.problems
    deck_node = top.get("deck")
    deck_text = checker.text(deck_node, "deck") if deck_node else None
    deck = normalize_deck(deck_text) if deck_text else None
    if deck_node is not None and deck_text and not deck:
        checker.report(
            deck_node,
            Code.INVALID_DECK,
            f"'{deck_text}' is not a usable deck name",
            "e.g. Neurology::Motor",
        )
    elif deck_node is not None and deck and is_reserved_deck(deck):
        checker.report(
            deck_node,
            Code.RESERVED_DECK,
            f"the deck name '{REMOVED_DECK}' is reserved for lmndeck",
            "lmndeck puts the notes it removes there, for students to delete; choose another name",
        )
        deck = None
    sources = _sources(checker, top.get("sources"))
    file_tags = checker.tags(top.get("tags"))
    default_source = _source_ref(checker, top.get("source"), sources, None)
    facts = [
        fact
        for item in _items(checker, top.get("facts"), "facts")
        if (fact := _fact(checker, item, sources, default_source, file_tags))
    ]
    comparisons = [
        comparison
        for item in _items(checker, top.get("comparisons"), "comparisons")
        if (comparison := _comparison(checker, item, sources, default_source, file_tags))
    ]
    if not top.get("facts") and not top.get("comparisons"):
        checker.report(
            root,
            Code.NO_ITEMS,
            "the file has no facts and no comparisons",
            "add a 'facts:' or 'comparisons:' list",
        )
    if checker.problems or deck is None:
        return None, checker.problems
    return DeckFile(path, deck, tuple(facts), tuple(comparisons)), []


def _items(checker: _Checker, node: yaml.Node | None, what: str) -> list[yaml.Node]:
    return checker.sequence(node, what) if node is not None else []


def _sources(checker: _Checker, node: yaml.Node | None) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    if node is None:
        return sources
    if not isinstance(node, yaml.MappingNode):
        checker.report(
            node,
            Code.WRONG_TYPE,
            f"sources must be a mapping of names to sources, not {_kind(node)}",
            "e.g. sources: {video: {youtube: xWPaCACoam4, title: A video}}",
        )
        return sources
    if not checker.visit(node):
        return sources
    for name, value in checker.entries(node, "sources").items():
        if not _ID.match(name):
            checker.report(
                value,
                Code.INVALID_SOURCE,
                f"source name '{name}' is not a valid name",
                "e.g. video, text",
            )
            continue
        source = _source(checker, name, value)
        if source:
            sources[name] = source
    return sources


def _source(checker: _Checker, name: str, node: yaml.Node) -> Source | None:
    what = f"source '{name}'"
    entries = checker.mapping(node, what, SOURCE_KEYS, ("title",))
    if entries is None or "title" not in entries:
        return None
    title = checker.text(entries["title"], "title")
    author = checker.entry_text(entries, "author")
    url = checker.entry_text(entries, "url")
    if url is not None and not url.startswith(("https://", "http://")):
        checker.report(
            entries["url"],
            Code.INVALID_SOURCE,
            f"url '{url}' must start with https:// or http://",
            "copy the whole address from the browser",
        )
        url = None
    if "youtube" not in entries:
        return TextSource(name, title, author, url) if title else None
    youtube_id = checker.text(entries["youtube"], "youtube")
    if "url" in entries:
        checker.report(
            entries["url"],
            Code.INVALID_SOURCE,
            "a video source takes 'youtube', not 'url'",
            "remove the 'url:' line; the link is made from the video id",
        )
    if youtube_id and not _YOUTUBE_ID.match(youtube_id):
        checker.report(
            entries["youtube"],
            Code.INVALID_SOURCE,
            f"'{youtube_id}' is not a YouTube video id",
            "give the 11-character id from the video address, e.g. youtube: xWPaCACoam4",
        )
        return None
    return VideoSource(name, youtube_id, title, author) if youtube_id and title else None


def _source_ref(
    checker: _Checker,
    node: yaml.Node | None,
    sources: dict[str, Source],
    default: SourceRef | None,
) -> SourceRef | None:
    """A citation written as 'NAME' or 'NAME MM:SS'; the default when none is written."""
    if node is None:
        return default
    value = checker.text(node, "source")
    if value is None:
        return None
    name, _, stamp = value.partition(" ")
    source = sources.get(name)
    if source is None:
        known = ", ".join(sorted(sources)) or "none yet"
        checker.report(
            node,
            Code.UNKNOWN_SOURCE,
            f"unknown source '{name}'",
            (_suggest(name, tuple(sources)) or f"defined sources: {known}")
            + "; sources are defined under 'sources:' at the top of the file",
        )
        return None
    stamp = stamp.strip()
    if not stamp:
        return SourceRef(source)
    if isinstance(source, TextSource):
        checker.report(
            node,
            Code.INVALID_TIMESTAMP,
            f"'{name}' is a text source; only video sources take a timestamp",
            f"write 'source: {name}' without the time",
        )
        return None
    seconds = parse_timestamp(stamp)
    if seconds is None:
        checker.report(
            node,
            Code.INVALID_TIMESTAMP,
            f"'{stamp}' is not a timestamp",
            "write minutes and seconds as MM:SS or hours as HH:MM:SS, e.g. 08:09",
        )
        return None
    return SourceRef(source, seconds)


def parse_timestamp(stamp: str) -> int | None:
    match = _TIMESTAMP.match(stamp)
    if not match:
        return None
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    if seconds >= 60 or (match.group(1) is not None and minutes >= 60):
        return None
    return hours * 3600 + minutes * 60 + seconds


def _required_source(
    checker: _Checker, node: yaml.Node, ref: SourceRef | None, had_key: bool, what: str
) -> SourceRef | None:
    if ref is None and not had_key:
        checker.report(
            node,
            Code.MISSING_SOURCE,
            f"{what} has no source",
            "add e.g. 'source: video 08:09', or a 'source:' default at the top of the file",
        )
    return ref


def _fact(
    checker: _Checker,
    node: yaml.Node,
    sources: dict[str, Source],
    default_source: SourceRef | None,
    file_tags: tuple[str, ...],
) -> ClozeFact | None:
    entries = checker.mapping(node, "a fact", FACT_KEYS, ("id", "text"))
    if entries is None:
        return None
    fact_id = checker.entry_id(entries)
    text_node = entries.get("text")
    text = checker.text(text_node, "text") if text_node else None
    parts = None
    if isinstance(text_node, yaml.ScalarNode) and text is not None:
        parts, errors = parse_cloze(text)
        for error in errors:
            checker.problems.append(
                Problem(
                    _offset_position(checker, text_node, text, error.offset),
                    error.message,
                    error.hint,
                    code=error.code,
                )
            )
    extra = checker.extra(entries)
    tags = file_tags + checker.tags(entries.get("tags"))
    ref = _source_ref(checker, entries.get("source"), sources, default_source)
    ref = _required_source(checker, node, ref, "source" in entries, "the fact")
    was = checker.previous_ids(entries, fact_id, "fact")
    if fact_id is None or parts is None or ref is None or extra is None:
        return None
    return ClozeFact(fact_id, parts, extra, _unique(tags), ref, checker.where(node), was)


def _offset_position(checker: _Checker, node: yaml.ScalarNode, text: str, offset: int) -> Position:
    """Where the two characters at ``text[offset:]`` (a '{{', a '}}') are in the file.

    Exact in any scalar style: quoting, escapes, folding and indentation only change the text
    around such marks, so the n-th mark of the text is the n-th mark of the scalar's source.
    When they do not correspond one to one (an escape that makes a brace, a comment after a
    block scalar's '|'), the start of the scalar.
    """
    start = checker.where(node)
    mark = text[offset : offset + 2]
    if not isinstance(node, Scalar) or len(mark) < 2 or len(mark.split()) != 1:
        return start
    begin, end = node.start_mark.index, node.end_mark.index
    in_text = _occurrences(mark, text, 0, len(text))
    in_source = _occurrences(mark, node.source, begin, end)
    if len(in_text) != len(in_source):
        return start
    return position_in(node.source, in_source[in_text.index(offset)], checker.path)


def _occurrences(mark: str, text: str, begin: int, end: int) -> list[int]:
    pattern = re.compile(f"(?={re.escape(mark)})")
    return [match.start() for match in pattern.finditer(text, begin, end)]


def _comparison(
    checker: _Checker,
    node: yaml.Node,
    sources: dict[str, Source],
    default_source: SourceRef | None,
    file_tags: tuple[str, ...],
) -> Comparison | None:
    entries = checker.mapping(
        node, "a comparison", COMPARISON_KEYS, ("id", "title", "columns", "rows")
    )
    if entries is None:
        return None
    comparison_id = checker.entry_id(entries)
    title = checker.entry_text(entries, "title")
    columns = _columns(checker, entries["columns"]) if "columns" in entries else None
    extra = checker.extra(entries)
    tags = file_tags + checker.tags(entries.get("tags"))
    table_source = _source_ref(checker, entries.get("source"), sources, default_source)
    rows: list[Row] = []
    if columns is not None and "rows" in entries:
        row_ids: dict[str, yaml.Node] = {}
        for row_node in checker.sequence(entries["rows"], "rows"):
            row = _row(checker, row_node, columns, sources, table_source)
            if row is None:
                continue
            if row.id in row_ids:
                first = checker.where(row_ids[row.id])
                checker.report(
                    row_node,
                    Code.DUPLICATE_ROW,
                    f"two rows have the id '{row.id}' (the first at line {first.line})",
                    "give one of them its own 'id:'",
                )
                continue
            row_ids[row.id] = row_node
            rows.append(row)
        if not rows and not checker.problems:
            checker.report(
                entries["rows"],
                Code.NO_ROWS,
                "the comparison has no rows",
                "add rows such as '- feature: Muscle tone' with a value per column",
            )
        checker.problems.extend(previous_id_problems(("row", row.id, row.was) for row in rows))
    was = checker.previous_ids(entries, comparison_id, "comparison")
    if comparison_id is None or title is None or columns is None or extra is None:
        return None
    return Comparison(
        comparison_id, title, columns, tuple(rows), extra, _unique(tags), checker.where(node), was
    )


def _columns(checker: _Checker, node: yaml.Node) -> tuple[Column, ...] | None:
    if not isinstance(node, yaml.MappingNode):
        checker.report(
            node,
            Code.INVALID_COLUMNS,
            f"columns must map column ids to labels, not {_kind(node)}",
            "e.g. columns: {lmn: LMN lesion, umn: UMN lesion}",
        )
        return None
    if not checker.visit(node):
        return None
    before = len(checker.problems)
    labels = checker.entries(node, "columns")
    columns: list[Column] = []
    for key_node, column_id in _key_nodes(node):
        value_node = labels.pop(column_id, None)
        if value_node is None:  # a duplicate, already reported
            continue
        label, was = _column_label(checker, value_node, column_id)
        if column_id in ROW_KEYS:
            checker.report(
                key_node,
                Code.INVALID_COLUMNS,
                f"'{column_id}' cannot be a column id: rows use it for themselves",
                "rename the column, e.g. 'lmn: LMN lesion'",
            )
        elif not _ID.match(column_id):
            checker.report(
                key_node, Code.INVALID_ID, f"column id '{column_id}' is not a valid id", _ID_HINT
            )
        elif label:
            columns.append(Column(column_id, label, was))
    if len(columns) < 2 and len(checker.problems) == before:
        checker.report(
            node,
            Code.TOO_FEW_COLUMNS,
            "a comparison needs at least two columns",
            "e.g. columns: {lmn: LMN lesion, umn: UMN lesion}",
        )
    checker.problems.extend(previous_id_problems(("column", c.id, c.was) for c in columns))
    return tuple(columns)


def _column_label(
    checker: _Checker, node: yaml.Node, column_id: str
) -> tuple[str | None, tuple[PreviousId, ...]]:
    """A column's label and previous ids: written 'id: Label' or 'id: {label: Label, was: old}'."""
    if not isinstance(node, yaml.MappingNode):
        return checker.text(node, "a column label"), ()
    entries = checker.mapping(node, f"column '{column_id}'", COLUMN_KEYS, ("label",))
    if entries is None:
        return None, ()
    return checker.entry_text(entries, "label"), checker.previous_ids(entries, column_id, "column")


def _row(
    checker: _Checker,
    node: yaml.Node,
    columns: tuple[Column, ...],
    sources: dict[str, Source],
    table_source: SourceRef | None,
) -> Row | None:
    column_ids = tuple(column.id for column in columns)
    entries = checker.mapping(node, "a row", ROW_KEYS + column_ids, ("feature",))
    if entries is None:
        return None
    feature = checker.entry_text(entries, "feature")
    if "id" in entries:
        row_id = checker.identifier(entries["id"], "row id")
    else:
        row_id = slug(feature) if feature else None
    row_source = _source_ref(checker, entries.get("source"), sources, table_source)
    cells = tuple(
        _cell(checker, entries[column_id], sources, row_source) if column_id in entries else None
        for column_id in column_ids
    )
    if not any(cells):
        checker.report(
            node, Code.EMPTY_ROW, "the row has no cells", f"add a value for {', '.join(column_ids)}"
        )
        return None
    was = checker.previous_ids(entries, row_id, "row")
    if feature is None or row_id is None:
        return None
    return Row(row_id, feature, cells, was)


def _cell(
    checker: _Checker, node: yaml.Node, sources: dict[str, Source], row_source: SourceRef | None
) -> Cell | None:
    if isinstance(node, yaml.MappingNode):
        entries = checker.mapping(node, "a cell", CELL_KEYS, ("text",))
        if entries is None or "text" not in entries:
            return None
        text = checker.text(entries["text"], "the cell's text")
        ref = _source_ref(checker, entries.get("source"), sources, row_source)
        ref = _required_source(checker, node, ref, "source" in entries, "the cell")
    else:
        text = checker.text(node, "a cell")
        ref = row_source
        if ref is None and text is not None:
            checker.report(
                node,
                Code.MISSING_SOURCE,
                "the cell has no source",
                "write the cell as {text: ..., source: video 08:09}, "
                "or give the row or table a 'source:'",
            )
    if text is None or ref is None:
        return None
    return Cell(text, ref)


def previous_id_problems(items: Iterable[tuple[str, str, tuple[PreviousId, ...]]]) -> list[Problem]:
    """Each previous id of (kind, id, previous ids) must name nothing in use now and be claimed
    by one item only: the history of one old id can move to one new id."""
    items = list(items)
    current = {item_id: kind for kind, item_id, _ in items}
    claimed: dict[str, tuple[str, str, Position]] = {}
    problems = []
    for kind, item_id, was in items:
        for previous in was:
            if previous.id in current:
                problems.append(
                    Problem(
                        previous.position,
                        f"'{previous.id}' is the id of a {current[previous.id]} in use now",
                        "'was:' lists ids that are no longer used; remove it, or rename the "
                        "other one first",
                        code=Code.WAS_IN_USE,
                    )
                )
            elif previous.id in claimed:
                other_kind, other_id, where = claimed[previous.id]
                problems.append(
                    Problem(
                        previous.position,
                        f"'{previous.id}' is already in the 'was:' of the {other_kind} "
                        f"'{other_id}' ({RELATED})",
                        "the history of one old id can go to one new id only; remove one",
                        code=Code.WAS_CLAIMED_TWICE,
                        related=where,
                    )
                )
            else:
                claimed[previous.id] = (kind, item_id, previous.position)
    return problems


def check_previous_ids(files: Sequence[DeckFile]) -> list[Problem]:
    """Facts and comparisons share one id space across all files, so do their 'was:' ids."""
    return previous_id_problems(
        [
            *(("fact", fact.id, fact.was) for deck_file in files for fact in deck_file.facts),
            *(("comparison", c.id, c.was) for deck_file in files for c in deck_file.comparisons),
        ]
    )


def _previous_id_hint(node: yaml.Node, what: str) -> str:
    if what == "row" and isinstance(node, yaml.ScalarNode) and node.value.strip():
        return (
            f"a row without 'id:' is known by its feature's slug: did you mean "
            f"'{slug(str(node.value))}'? ('lmndeck diff' shows the old one)"
        )
    return _ID_HINT


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "row"


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _key_nodes(node: yaml.MappingNode) -> Iterator[tuple[yaml.Node, str]]:
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            yield key_node, str(key_node.value)


def _suggest(name: str, candidates: tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(name, candidates, n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return "expected one of: " + ", ".join(candidates) if candidates else None


_KINDS: dict[type[yaml.Node], str] = {
    yaml.MappingNode: "a mapping",
    yaml.SequenceNode: "a list",
}


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return "empty" if node.tag == NULL_TAG and not node.value else f"the text '{node.value}'"
    return _KINDS.get(type(node), "something else")
