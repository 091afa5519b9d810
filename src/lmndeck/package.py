"""Stage 5: write the .apkg: a SQLite collection inside a zip, byte-identical for equal input.

genanki supplies the collection schema and the note type and deck JSON. The rows are written
here with bulk inserts, because genanki stamps every note with one build time (per-note times
are what make re-imports update the right notes) and runs one statement per row; the zip is
written here with fixed entry times and deflated, where genanki's carries the wall-clock time
and is stored uncompressed.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import genanki
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

from lmndeck.media import Image
from lmndeck.notetypes import NoteType
from lmndeck.staging import remove_stale_temporaries, temporary_file

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIELD_SEPARATOR = "\x1f"
_TAGS = re.compile(r"<[^>]*>")


# The lock as it was after the build, inside the package: a lost lock file is recovered from the
# last built deck with every note's identity and every card number, retired ones included.
# Anki's importer reads only the collection and the files named in "media", so it skips this.
LOCK_ENTRY = "lmndeck.lock"
COLLECTION_ENTRY = "collection.anki2"


@dataclass(frozen=True, slots=True)
class OutputNote:
    """A note ready to be packaged."""

    key: str
    guid: str
    id: int
    mod: int
    kind: str  # its card kind's name
    deck: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    ords: tuple[int, ...]
    removed: bool = False  # a tombstone: no cards (``ords`` is empty)


@dataclass(frozen=True)
class PackageContents:
    notes: tuple[OutputNote, ...]
    note_types: Mapping[str, tuple[NoteType, int]]  # by kind: the note type and its mod
    lock_file: bytes = b""  # the lock file, shipped in the package (see recover)
    media: tuple[Image, ...] = ()  # in a fixed order (see media.media_of)


@functools.cache  # asked for every card
def deck_id(name: str) -> int:
    """Anki matches decks by name; a fixed id per name keeps packages reproducible."""
    digest = hashlib.sha256(name.encode()).digest()
    return 1 << 40 | int.from_bytes(digest[:5], "big")


def write_collection(contents: PackageContents, path: Path) -> None:
    """The collection's SQLite file at ``path`` (a new file): on disk, not in memory, where a
    deck of 100,000 facts held it twice (about 200 MB) while it was serialized."""
    connection = sqlite3.connect(path)
    try:
        # A scratch file: nothing to recover if the build stops, so no journal and no syncing.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.executescript(APKG_SCHEMA)
        connection.executescript(APKG_COL)
        decks = sorted({note.deck for note in contents.notes if note.ords})
        first_deck = deck_id(decks[0]) if decks else 1
        _write_col_json(connection, decks, contents.note_types, first_deck)
        connection.executemany(
            "INSERT INTO notes VALUES(?,?,?,?,-1,?,?,?,0,0,'')",
            _note_rows(contents.notes, contents.note_types),
        )
        connection.executemany(
            "INSERT INTO cards VALUES(?,?,?,?,?,-1,0,0,?,0,0,0,0,0,0,0,0,'')",
            _card_rows(contents.notes),
        )
        connection.commit()
    finally:
        connection.close()
    with open(path, "r+b") as file:
        # The header as an in-memory database has it (and decks have always shipped): a file
        # counts its writes and names the SQLite version that wrote it, which would make the
        # bytes depend on the machine's SQLite.
        for offset, size in _HEADER_COUNTERS:
            file.seek(offset)
            file.write(bytes(size))


# The database header's file change counter, version-valid-for number and SQLite version.
_HEADER_COUNTERS = ((24, 4), (92, 8))


def _write_col_json(
    connection: sqlite3.Connection,
    decks: list[str],
    note_types: Mapping[str, tuple[NoteType, int]],
    default_deck: int,
) -> None:
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
) -> Iterable[tuple[object, ...]]:
    for note in notes:
        note_type, _ = note_types[note.kind]
        tags = f" {' '.join(note.tags)} " if note.tags else ""
        sort_field = _TAGS.sub("", note.fields[0])
        yield (
            note.id,
            note.guid,
            note_type.model_id,
            note.mod,
            tags,
            _FIELD_SEPARATOR.join(note.fields + ("",) * (note_type.field_count - len(note.fields))),
            sort_field,
        )


def _card_rows(notes: Iterable[OutputNote]) -> Iterable[tuple[object, ...]]:
    card_id = 0
    for position, note in enumerate(notes, start=1):
        for ord_ in note.ords:
            card_id = max(card_id + 1, note.id)
            yield (card_id, note.id, deck_id(note.deck), ord_, note.mod, position)


def package_bytes(contents: PackageContents) -> bytes:
    """The .apkg file's bytes."""
    buffer = io.BytesIO()
    entries: list[tuple[str, bytes]] = [("media", media_map(contents))]
    if contents.lock_file:
        entries.append((LOCK_ENTRY, contents.lock_file))
    # Anki's package format: media file N is the zip entry "N", named in the "media" map.
    entries.extend((str(number), image.data) for number, image in enumerate(contents.media))
    with (
        tempfile.TemporaryDirectory(prefix="lmndeck-") as scratch,
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out,
    ):
        collection = Path(scratch) / COLLECTION_ENTRY
        write_collection(contents, collection)
        entry = _entry(COLLECTION_ENTRY)
        entry.file_size = collection.stat().st_size  # as writestr sets it: the same header
        with open(collection, "rb") as source, out.open(entry, "w") as target:
            shutil.copyfileobj(source, target, _CHUNK)
        for name, data in entries:
            out.writestr(_entry(name), data)
    return buffer.getvalue()


_CHUNK = 1 << 20


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16
    return entry


def media_map(contents: PackageContents) -> bytes:
    """The "media" entry: zip entry names to file names, always in the same order."""
    names = {str(number): image.name for number, image in enumerate(contents.media)}
    return json.dumps(names, separators=(",", ":")).encode("utf-8") if names else b"{}"


@dataclass(frozen=True)
class BuiltPackage:
    """What a package built earlier holds: its lock if it has one, and its collection, read
    only when asked for (a build usually needs just the lock, to compare)."""

    path: Path
    lock_text: str | None

    @property
    def collection(self) -> bytes:
        with zipfile.ZipFile(self.path) as package:
            return read_entry(package, COLLECTION_ENTRY)


def read_package(path: Path) -> BuiltPackage:
    """The package at ``path``; raises ``OSError``, ``zipfile.BadZipFile`` (also for an entry
    ``read_entry`` refuses), ``KeyError`` (no collection) or ``UnicodeDecodeError`` for a file
    that is not one."""
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        if COLLECTION_ENTRY not in names:
            raise KeyError(COLLECTION_ENTRY)
        lock = read_entry(package, LOCK_ENTRY).decode("utf-8") if LOCK_ENTRY in names else None
        return BuiltPackage(path, lock)


# What a deck's entry may inflate to: a 100k-fact deck's collection and lock are tens of MB,
# each deflated to a fifth or a tenth of that; a zip bomb inflates a thousandfold.
MAX_ENTRY_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 100
_SMALL = 1024 * 1024  # below this, any ratio: a few KB of zeros deflate a thousandfold


def read_entry(package: zipfile.ZipFile, name: str) -> bytes:
    """The bytes of the entry ``name`` (``KeyError`` when there is none), bounded: an entry
    that says it inflates to more than ``MAX_ENTRY_BYTES``, or more than ``MAX_RATIO`` times
    its deflated size, is refused before it is read (``zipfile.BadZipFile``), and one whose
    header lies is never read past what it said (``zipfile`` stops there, and fails on the
    checksum). Every read of a zip goes through here: a deck is anyone's file."""
    entry = package.getinfo(name)
    size, deflated = entry.file_size, max(entry.compress_size, 1)
    if size > MAX_ENTRY_BYTES or (size > _SMALL and size > MAX_RATIO * deflated):
        raise zipfile.BadZipFile(
            f"its {name} would inflate from {deflated:,} to {size:,} bytes, past what a deck holds"
        )
    with package.open(entry) as handle:
        data = handle.read(size + 1)
    if len(data) != size:
        raise zipfile.BadZipFile(f"its {name} is not the size its header says")
    return data


def write_in_order(files: Sequence[tuple[Path, bytes]]) -> None:
    """Replace each file's contents, in the given order; readers never see half a file.

    Every new content is first written and flushed to a temporary file beside its target, so a
    failure to write any of them leaves every target untouched. Then the temporaries are renamed
    in order, each rename flushed to disk before the next: a later file never reaches the disk
    without the earlier ones, whether the process is killed or the power fails.
    Stale temporaries of the targets (from a killed writer) are deleted first.
    Failures are OSErrors naming the target, never a temporary file.
    """
    staged: list[_Staged] = []
    try:
        for path, data in files:
            remove_stale_temporaries(path)
            staged.append(_stage(path, data))
        for file in staged:
            file.commit()
    finally:
        for file in staged:
            file.discard()


@dataclass
class _Staged:
    path: Path
    temporary: Path
    descriptor: int  # open, and locked, until the temporary is renamed or deleted
    committed: bool = False

    def commit(self) -> None:
        try:
            os.replace(self.temporary, self.path)
            self.committed = True
            _sync_directory(self.path.parent)
        except OSError as error:
            raise _about(self.path, error) from None

    def discard(self) -> None:
        if not self.committed:
            self.temporary.unlink(missing_ok=True)
        os.close(self.descriptor)


def _stage(path: Path, data: bytes) -> _Staged:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if _name_too_long(path):
            # Found now, not at the rename, when the files before it are already in place.
            raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG))
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        descriptor, name = temporary_file(path)
    except OSError as error:
        raise _about(path, error) from None
    staged = _Staged(path, Path(name), descriptor)
    try:
        os.fchmod(descriptor, 0o666 & ~_umask())  # mkstemp makes 0600; a deck is a normal file
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        os.fsync(descriptor)
    except BaseException as error:
        staged.discard()
        if isinstance(error, OSError):
            raise _about(path, error) from None
        raise
    return staged


def _name_too_long(path: Path) -> bool:
    try:
        limit = os.pathconf(path.parent, "PC_NAME_MAX")
    except (OSError, ValueError):  # no limit known here: the rename will tell
        return False
    return len(os.fsencode(path.name)) > limit


def _sync_directory(directory: Path) -> None:
    """Make a rename inside ``directory`` durable."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno != errno.EINVAL:  # some file systems cannot sync a directory
            raise
    finally:
        os.close(descriptor)


def _about(path: Path, error: OSError) -> OSError:
    """The same error, naming the file the caller asked for."""
    return OSError(error.errno, error.strerror, str(path))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
