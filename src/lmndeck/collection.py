"""The collection inside a package: Anki's SQLite file, the same bytes for the same notes.

genanki supplies the collection schema and the note type and deck JSON (imported only when a
collection is made or its ``col`` row changes: see ``notetypes``). The rows are written
here with bulk inserts, because genanki stamps every note with one build time (per-note times
are what make re-imports update the right notes) and runs one statement per row.

Every collection ships through SQLite's ``VACUUM INTO``, which lays the same rows out in the
same pages whatever the history of the file it copies: so a build may update the file the
last build filled (a working file, kept in the build cache) instead of writing every row
again, and still ship the bytes a fresh file would give. Only the rows that differ from the
working file's are written.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from lmndeck.contents import OutputNote, PackageContents
from lmndeck.notetypes import NoteType

_FIELD_SEPARATOR = "\x1f"
_TAGS = re.compile(r"<[^>]*>")

Row = tuple[object, ...]


@functools.cache  # asked for every card
def deck_id(name: str) -> int:
    """Anki matches decks by name; a fixed id per name keeps packages reproducible."""
    digest = hashlib.sha256(name.encode()).digest()
    return 1 << 40 | int.from_bytes(digest[:5], "big")


def write_collection(
    contents: PackageContents, out: Path, working: WorkingFile | None = None
) -> None:
    """The collection's SQLite file at ``out`` (a new file), copied from ``working``, which is
    updated in place when it holds a collection and made afresh otherwise (``working.rows``
    then tells what it holds now); None: a fresh one in a scratch folder. On disk, not in
    memory, where a deck of 100,000 facts held it twice (about 200 MB) while it was serialized."""
    if working is None:
        with tempfile.TemporaryDirectory(prefix="lmndeck-") as scratch:
            _fill_and_copy(contents, WorkingFile(Path(scratch) / "working.anki2"), out)
    else:
        _fill_and_copy(contents, working, out)
    with open(out, "r+b") as file:
        # The header as an in-memory database has it (and decks have always shipped): a file
        # counts its writes and names the SQLite version that wrote it, which would make the
        # bytes depend on the machine's SQLite.
        for offset, size in _HEADER_COUNTERS:
            file.seek(offset)
            file.write(bytes(size))


@dataclass
class WorkingFile:
    """A collection file a build updates in place, and what it holds: a record of each note's
    rows (see ``_record``; None: the file is to be made anew), a digest of its schema as made
    (a file whose schema differs is made anew) and one of what its ``col`` row was made of
    (see ``_col_made_of``; the same is not made again)."""

    path: Path
    rows: bytes | None = None
    layout: str = ""
    col: str = ""


# The database header's file change counter, version-valid-for number and SQLite version.
_HEADER_COUNTERS = ((24, 4), (92, 8))


def _fill_and_copy(contents: PackageContents, working: WorkingFile, out: Path) -> None:
    connection, held = _open_working(working)
    try:
        by_id = sorted(contents.notes, key=lambda note: note.id)
        firsts = list(_first_cards(by_id))
        records = [_record(note, first) for note, first in zip(by_id, firsts, strict=True)]
        rows = b"".join(records)
        write, gone, rewritten = _to_write(held, records)
        del records
        connection.execute("BEGIN")
        col = _col_made_of(contents)
        if col != working.col:
            connection.execute(_INSERT["col"], _col_row(contents))
        for table, column in (("cards", "nid"), ("notes", "id")):
            connection.executemany(f"DELETE FROM {table} WHERE {column} = ?", gone + rewritten)
        notes = (by_id[index] for index in write)
        connection.executemany(_INSERT["notes"], _note_rows(notes, contents.note_types))
        cards = ((by_id[index], firsts[index]) for index in write)
        connection.executemany(_INSERT["cards"], _card_rows(cards))
        connection.execute("COMMIT")
        working.rows, working.col = rows, col
        connection.execute("VACUUM INTO ?", (str(out),))
    finally:
        connection.close()


def _to_write(held: bytes, records: list[bytes]) -> tuple[Iterable[int], list[Row], list[Row]]:
    """Of the notes whose ``records`` are given (in the order of their ids), the indexes of
    those to write, as the working file holds the notes of the records ``held``; and the ids
    whose rows to delete: of notes gone, and of notes written anew. A file made anew holds
    nothing: every note is written, and no set of every record made (the memory of a first
    build's peak)."""
    if not held:
        return range(len(records)), [], []
    old = {held[start : start + _RECORD] for start in range(0, len(held), _RECORD)}
    write = [index for index, record in enumerate(records) if record not in old]
    had = {record[:_ID] for record in old}
    gone = had - {record[:_ID] for record in records}
    rewritten = (records[index][:_ID] for index in write)
    return (
        write,
        [(int.from_bytes(key, "big"),) for key in gone],
        [(int.from_bytes(key, "big"),) for key in rewritten if key in had],
    )


def _first_cards(notes: Iterable[OutputNote]) -> Iterator[int]:
    """The id of each note's first card (0: it has none), ``notes`` in the order of their
    ids. A card's id is its note's, or the one after the card before: taken in the order of
    note ids, not of study, a new note (whose id is the newest) leaves every other card's id
    as it was. A note's cards have consecutive ids."""
    card_id = 0
    for note in notes:
        if not note.ords:
            yield 0
            continue
        first = max(card_id + 1, note.id)
        card_id = first + len(note.ords) - 1
        yield first


# A note's record: its id (8 bytes), its first card's (8) and the digest of the rest of what
# decides its rows (16, see ``output_note``). 32 bytes a note, where comparing the rows
# themselves meant reading every row of the file back (a third of a second at 20k facts);
# 4 MB at 100k facts, kept beside the file.
_ID = 8
_RECORD = _ID + 8 + 16


def _record(note: OutputNote, first_card: int) -> bytes:
    return note.id.to_bytes(_ID, "big") + first_card.to_bytes(8, "big") + note.rows


_INSERT = {
    table: f"INSERT OR REPLACE INTO {table} VALUES({','.join('?' * columns)})"
    for table, columns in (("col", 13), ("notes", 11), ("cards", 18))
}


def _open_working(working: WorkingFile) -> tuple[sqlite3.Connection, bytes]:
    """The working file and the digests of the rows it holds: made anew (an empty collection,
    no rows) unless its rows are known and it holds a collection of exactly this schema;
    nothing it holds runs (no triggers or views pass)."""
    path = working.path
    if working.rows is not None and path.exists():
        try:
            connection = _connect(path)
            if _layout(connection) == working.layout:
                return connection, working.rows
            connection.close()
        except sqlite3.DatabaseError:  # not SQLite, or damaged
            pass
    path.unlink(missing_ok=True)
    connection = _connect(path)
    connection.executescript(_apkg_schema())
    working.layout, working.col = _layout(connection), ""
    return connection, b""


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    # A scratch file, no journal, no syncing: a build that stops while it writes leaves a file
    # the cache no longer vouches for (see workspace), never one that is used again.
    connection.execute("PRAGMA trusted_schema = OFF")
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    return connection


def _layout(connection: sqlite3.Connection) -> str:
    """What decides the copy's layout besides the rows: the schema and the header's values."""
    rows = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid")
    pragmas = [
        connection.execute(f"PRAGMA {name}").fetchone()
        for name in ("page_size", "encoding", "schema_version", "user_version", "application_id")
    ]
    return hashlib.sha256(repr([*rows, *pragmas]).encode()).hexdigest()


def _apkg_schema() -> str:
    from genanki.apkg_schema import APKG_SCHEMA

    schema: str = APKG_SCHEMA
    return schema


def _col_made_of(contents: PackageContents) -> str:
    """A digest of what the ``col`` row is made of besides the code: its decks and note types."""
    made_of = (_decks(contents), sorted(contents.note_types.items()))
    return hashlib.sha256(repr(made_of).encode()).hexdigest()


def _decks(contents: PackageContents) -> list[str]:
    return sorted({note.deck for note in contents.notes if note.ords})


def _col_row(contents: PackageContents) -> Row:
    """The collection's one ``col`` row: genanki's, with the decks and note types."""
    from genanki.apkg_col import APKG_COL

    connection = sqlite3.connect(":memory:")
    try:
        connection.executescript(_apkg_schema())
        connection.executescript(APKG_COL)
        decks = _decks(contents)
        first_deck = deck_id(decks[0]) if decks else 1
        _write_col_json(connection, decks, contents.note_types, first_deck)
        row: Row = connection.execute("SELECT * FROM col").fetchone()
        return row
    finally:
        connection.close()


def _write_col_json(
    connection: sqlite3.Connection,
    decks: list[str],
    note_types: Mapping[str, tuple[NoteType, int]],
    default_deck: int,
) -> None:
    import genanki

    (decks_json,) = connection.execute("SELECT decks FROM col").fetchone()
    all_decks = json.loads(decks_json)
    for name in decks:
        all_decks[str(deck_id(name))] = genanki.Deck(deck_id(name), name).to_json()
    models = {
        str(note_type.model_id): note_type.model_json(mod, default_deck)
        for _, (note_type, mod) in sorted(note_types.items(), key=lambda item: item[0])
    }
    connection.execute(
        "UPDATE col SET decks = ?, models = ?",
        (json.dumps(all_decks, sort_keys=True), json.dumps(models, sort_keys=True)),
    )


def _note_rows(
    notes: Iterable[OutputNote], note_types: Mapping[str, tuple[NoteType, int]]
) -> Iterator[Row]:
    for note in notes:
        note_type, _ = note_types[note.kind]
        tags = f" {' '.join(note.tags)} " if note.tags else ""
        sort_field = _TAGS.sub("", note.fields[0])
        yield (
            note.id,
            note.guid,
            note_type.model_id,
            note.mod,
            -1,
            tags,
            _FIELD_SEPARATOR.join(note.fields + ("",) * (note_type.field_count - len(note.fields))),
            sort_field,
            0,
            0,
            "",
        )


def _card_rows(notes: Iterable[tuple[OutputNote, int]]) -> Iterator[Row]:
    """The cards of ``notes``, each with the id of its first card (see ``_first_cards``)."""
    for note, first in notes:
        for number, ord_ in enumerate(note.ords):
            yield (
                (first + number, note.id, deck_id(note.deck), ord_, note.mod, -1, 0, 0, note.due)
                + (0,) * 8
                + ("",)
            )
