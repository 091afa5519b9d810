"""Stage 5: write the .apkg: a SQLite collection (see collection) inside a zip (see zipping),
byte-identical for equal input; read one back, and write files whole or not at all."""

from __future__ import annotations

import errno
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lmndeck import latest
from lmndeck.collection import WorkingFile, write_collection
from lmndeck.contents import OutputNote as OutputNote
from lmndeck.contents import PackageContents as PackageContents
from lmndeck.latest import PackageFormat
from lmndeck.staging import remove_stale_temporaries, temporary_file
from lmndeck.zipping import CHUNK, Chunks, ZipWriter, file_pieces, pieces_of

# The lock as it was after the build, inside the package: a lost lock file is recovered from the
# last built deck with every note's identity and every card number, retired ones included.
# Anki's importer reads only the collection and the files named in "media", so it skips this.
LOCK_ENTRY = "lmndeck.lock"
COLLECTION_ENTRY = "collection.anki2"
# Where a package of either format holds its collection (the legacy one's name, then the latest's).
COLLECTION_ENTRIES = (COLLECTION_ENTRY, latest.COLLECTION_ENTRY)


def package_bytes(
    contents: PackageContents,
    working: WorkingFile | None = None,
    chunks: Chunks | None = None,
    package_format: PackageFormat = "legacy",
) -> bytes:
    """The .apkg file's bytes. ``working``: the collection's working file, to update in place
    (see ``collection.write_collection``); ``chunks``: the deflated chunks of the last build's
    entries, and where this one's are kept (see ``zipping``). Neither changes the bytes.
    ``package_format``: Anki's legacy format (deflate), or its latest (zstd; see ``latest``),
    whose collection and media are the legacy one's, compressed otherwise; the lock is deflated
    in both, so that it reads back without zstd."""
    zstd_format = package_format == "latest"
    if zstd_format:
        latest.zstd()  # missing: said before anything is done
    with ZipWriter(chunks or Chunks()) as out:
        if zstd_format:
            out.add_stored("meta", latest.META)
        with tempfile.TemporaryDirectory(prefix="lmndeck-") as scratch:
            collection = Path(scratch) / COLLECTION_ENTRY
            write_collection(contents, collection, working)
            with open(collection, "rb") as source:
                if zstd_format:
                    out.add_stored(latest.COLLECTION_ENTRY, latest.compress_file(source))
                else:
                    out.add(COLLECTION_ENTRY, file_pieces(source))
        if zstd_format:
            out.add_stored("media", latest.compress(latest.media_entries(contents.media)))
        else:
            out.add("media", pieces_of(media_map(contents)))
        if contents.lock_file:
            out.add(LOCK_ENTRY, lock_pieces(contents.lock_file))
        # Anki's package format: media file N is the zip entry "N", named in the "media" map.
        for number, image in enumerate(contents.media):
            if zstd_format:
                out.add_stored(str(number), latest.compress(image.data))
            else:
                out.add(str(number), pieces_of(image.data))
        return out.close()


def lock_pieces(lock_file: bytes) -> Iterator[memoryview]:
    """The lock file's bytes in pieces for the zip (see ``ZipWriter.add``), cut where its
    content alone decides: at the end of the line of the first note, past ``_LEAST`` bytes
    into the piece, whose GUID ends in one of ``_CUT`` (its line ends ``X", "hash": ...``,
    see ``lock.note_json``; no string of JSON can hold that unescaped). A note added or
    removed then changes the piece it is in, where cutting at fixed places changed every piece
    after it: 18 of the 23 of a 20k-fact deck's lock were deflated again for one added fact.
    Past ``CHUNK`` bytes without such a note, at the last line's end before it."""
    view = memoryview(lock_file)
    start = 0
    while len(lock_file) - start > CHUNK:
        end = start + CHUNK
        found = [at for cut in _CUT if (at := lock_file.find(cut, start + _LEAST, end)) >= 0]
        line_end = lock_file.find(b"\n", min(found), end) if found else -1
        if line_end < 0:
            line_end = lock_file.rfind(b"\n", start, end)
        cut = line_end + 1 if line_end >= start else end
        yield view[start:cut]
        start = cut
    if start < len(lock_file):
        yield view[start:]


# The ends of the GUIDs that end a piece of the lock: one note in 45, about every 11 KB.
_CUT = tuple(f'{end}", "hash": '.encode("ascii") for end in "~|")
_LEAST = 3 * CHUNK // 4


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
            return read_collection(package)


def read_package(path: Path) -> BuiltPackage:
    """The package at ``path``; raises ``OSError``, ``zipfile.BadZipFile`` (also for an entry
    ``read_entry`` refuses), ``KeyError`` (no collection) or ``UnicodeDecodeError`` for a file
    that is not one."""
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        if names.isdisjoint(COLLECTION_ENTRIES):
            raise KeyError(COLLECTION_ENTRY)
        lock = read_entry(package, LOCK_ENTRY).decode("utf-8") if LOCK_ENTRY in names else None
        return BuiltPackage(path, lock)


def read_collection(package: zipfile.ZipFile) -> bytes:
    """The SQLite bytes of the package's collection, in either format: ``collection.anki21b``
    when there is one (a package Anki exported holds a ``collection.anki2`` too, a placeholder
    note that says to update Anki). ``KeyError`` when there is none; a ``ContentError``
    (error[no-zstd]) for the latest format without zstd installed; ``zipfile.BadZipFile`` as
    ``read_entry``."""
    if latest.COLLECTION_ENTRY not in package.namelist():
        return read_entry(package, COLLECTION_ENTRY)
    compressed = read_entry(package, latest.COLLECTION_ENTRY)
    # read_entry's bounds, for what the zstd frame inflates to
    limit = min(MAX_ENTRY_BYTES, max(_SMALL, MAX_RATIO * len(compressed)))
    try:
        return latest.decompress(compressed, limit)
    except ValueError as error:
        raise zipfile.BadZipFile(f"its {latest.COLLECTION_ENTRY} {error}") from None


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
