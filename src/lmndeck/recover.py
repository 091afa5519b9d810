"""The lock a build starts from: the lock file, checked against the project and the last deck.

Three things can make the lock file lie, and each would move review history onto other cards:
- it belongs to another project (a copied repository): refused;
- it is missing, or lacks notes, or is older than the last built deck (deleted, regenerated to
  "fix" a merge conflict, or not committed): what the deck knows is merged back in, with a
  notice, because the deck holds every note's GUID, note id and card number;
- it has merge conflict markers: both sides are merged (``lockfile``).
A deck built by lmndeck carries its lock's exact text; an older deck is read note by note.

The lock file is the truth: a deck fills in only what a lock it continues lacks. A deck whose
lock is not this lock file or a later version of it (a deck of another branch left in an
ignored dist/, an old or tampered deck) is not used, and one that gives a note of the same
time another identity or other card numbers (a lock edited by hand) is refused.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from lmndeck import cache
from lmndeck.formats import display_path
from lmndeck.jsonlocated import Locator
from lmndeck.kinds import BY_NAME, NOTE_TYPES
from lmndeck.kinds.base import NoteShape, PlannedNote
from lmndeck.lock import UNKNOWN_KEY, Lock, NoteRecord, NoteTypeRecord, WrittenLock, guid_for
from lmndeck.lockfile import LockBase, LockFile, read_lock_file
from lmndeck.lockmerge import descends, renamed_as_ours, restore_from
from lmndeck.lockparse import parse_lock
from lmndeck.numbering import Numbers
from lmndeck.package import read_package
from lmndeck.problems import Code, ContentError, Position, Problem, file_position, place
from lmndeck.project import Decks
from lmndeck.reconcile import REMOVED_DECK, REMOVED_TAG, content_hash

_UNREADABLE = (
    OSError,
    zipfile.BadZipFile,
    KeyError,
    UnicodeDecodeError,
    zlib.error,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    sqlite3.Error,
)
_PREVIEW = 5  # keys named in a notice before "and N more"


@dataclass
class Previous:
    """The lock to build from, and what the user must be told about how it was found."""

    lock: Lock
    notices: list[str] = field(default_factory=list)
    # The lock file as a build wrote it, when ``lock`` is what it says (nothing recovered or
    # merged): writing and checking the next lock keep what did not change (see encode_lock).
    written: WrittenLock | None = None
    base: LockBase | None = None  # the cache's base that lock was taken from (see lockfile)


def previous_lock(
    lock_file: Path,
    deck_of: Callable[[Lock | None], Path],
    project: Decks,
    notes: Sequence[NoteShape],
    planned: Callable[[], Sequence[PlannedNote]],
    built_with: Callable[[Path, str], bool],
) -> Previous:
    """``deck_of`` gives the last built deck's path from the lock file as read (None when
    there is none): its name can come from the lock. ``planned`` gives ``notes`` as notes
    that render, should a deck without a lock have to be read note by note. ``built_with``
    tells whether a deck holds the lock file of a digest, as the build that wrote both knows."""
    read = read_lock_file(lock_file, place(lock_file, project.root))
    keys = {note.key for note in notes}
    if read is not None:
        shown = place(lock_file, project.root)
        check_belongs(read.lock, project, keys, lambda: _namespace_position(read, shown), lock_file)
    previous = Previous(read.lock if read else Lock(), list(read.notices) if read else [])
    deck = deck_of(read.lock if read else None)
    if _is_file(deck) and not (read is not None and built_with(deck, read.digest)):
        _merge_deck(previous, read, lock_file, deck, project, notes, planned)
    elif read is None:
        _refuse_a_lost_lock(lock_file, deck, project.root)
    if read is not None and read.written and previous.lock is read.lock and not previous.notices:
        previous.written, previous.base = WrittenLock(read.lock, read.text), read.base
    return previous


def _refuse_a_lost_lock(lock_file: Path, deck: Path, root: Path) -> None:
    """No lock file and no deck to recover it from is a first build only when nothing tells of
    an earlier one: a build leaves a mark of its lock in the cache, and git knows a lock it
    committed. Numbering afresh after a lost lock could give a student's reviews of one
    deletion to another."""
    evidence = []
    if cache.file_entry(lock_file.parent, lock_file, "lock").exists():
        evidence.append(f"a build of this cards directory wrote it (see {cache.CACHE_NAME}/)")
    if _committed(lock_file):
        evidence.append("git has it in the last commit")
    if not evidence:
        return
    raise ContentError(
        [
            Problem(
                file_position(lock_file, root),
                f"the lock file is missing, but {' and '.join(evidence)}, and the last built "
                f"deck is not at {display_path(deck)} to recover it from: a build now would "
                "number the cards afresh, and reviews could move to other questions",
                "restore it (git checkout HEAD -- <lock>), or put the last built deck back "
                f"at {display_path(deck)} (or name it with -o); to start this deck afresh, "
                f"delete {cache.CACHE_NAME}/ and commit the lock's deletion",
                code=Code.LOCK_UNRECOVERABLE,
            )
        ]
    )


def _committed(path: Path) -> bool:
    """Whether git's last commit has the file (False where there is no git or no repository)."""
    try:
        found = subprocess.run(
            ["git", "cat-file", "-e", f"HEAD:./{path.name}"],
            cwd=path.parent,
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return found.returncode == 0


def _is_file(path: Path) -> bool:
    """Whether a deck is there; a path the system cannot look up (a name too long) holds none,
    and writing the deck there reports the problem."""
    try:
        return path.is_file()
    except OSError:
        return False


def check_belongs(
    lock: Lock, project: Decks, keys: set[str], where: Callable[[], Position], file: Path
) -> None:
    """Refuse a lock (or deck) of another project: its tombstones would overwrite that
    project's notes in a student's collection. A project is known by its top deck (then, or
    as last built, so that renaming it is fine) or, failing that, by any note it shares.
    ``where`` gives the position to report (found only if there is something to report)."""
    top = project.top_deck
    if not lock.notes or top == lock.namespace or top == last_top_deck(lock):
        return
    if keys & lock.notes.keys():
        return
    deck = last_top_deck(lock) or lock.namespace
    raise ContentError(
        [
            Problem(
                where(),
                f"this lock belongs to another project: deck '{deck}' with "
                f"{len(lock.notes)} notes, none of them in these cards files",
                f"to start a new deck, delete {display_path(file)}; if it is this project's and you "
                f"renamed its top deck while replacing every note, build once with the top "
                f"deck still named '{deck}' first",
                code=Code.FOREIGN_LOCK,
            )
        ]
    )


def last_top_deck(lock: Lock) -> str:
    """The deck name every live note of the lock shared at its last build."""
    decks = [record.deck.split("::") for record in lock.notes.values() if not record.removed]
    common: list[str] = []
    for parts in zip(*decks, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "::".join(common)


def _namespace_position(read: LockFile, shown: str) -> Position:
    match = re.search(r'"namespace"', read.text)
    return Locator(read.text, shown).position(match.start() if match else 0)


def _merge_deck(
    previous: Previous,
    read: LockFile | None,
    lock_file: Path,
    deck: Path,
    project: Decks,
    notes: Sequence[NoteShape],
    planned: Callable[[], Sequence[PlannedNote]],
) -> None:
    """Bring back what the last built deck knows and the lock does not."""
    shown, deck_shown = display_path(lock_file), display_path(deck)
    try:
        package = read_package(deck)
        if read is not None and package.lock_text == read.text:
            return  # the usual case: the deck was built with this very lock
        if package.lock_text is not None:
            inner = f"{place(deck, project.root)}/lmndeck.lock"
            from_deck = parse_lock(package.lock_text, Locator(package.lock_text, inner))
            how = "its lock"
        else:
            from_deck = _reconstruct(package.collection, previous.lock, project, planned())
            how = "its notes"
    except (*_UNREADABLE, ContentError) as error:
        if read is None:
            raise ContentError([_unreadable(deck, project.root, error)]) from None
        previous.notices.append(
            f"could not read {deck_shown} to check the lock against it ({_reason(error)})"
        )
        return
    keys = {note.key for note in notes}
    check_belongs(from_deck, project, keys, lambda: file_position(deck, project.root), deck)
    if read is not None and package.lock_text is not None:
        # a note renamed with 'was:' since the lock file was written is under another key in
        # the deck's lock: compared under the lock file's (a stale lock file and a deck built
        # after a rename told "another branch", and the deck's card numbers were lost)
        from_deck = renamed_as_ours(previous.lock, from_deck, [])
        where = Locator(read.text, place(lock_file, project.root))
        _refuse_contradictions(previous.lock, from_deck, read.text, where, deck)
        if not _continues(from_deck, previous.lock):
            previous.notices.append(
                f"{deck_shown} was built from another version of the lock file (a deck of "
                "another branch, or an old one): nothing was taken from it"
            )
            return
        # what the cards no longer have stays out: a note of a later branch is not removed here
        from_deck.notes = {
            key: record
            for key, record in from_deck.notes.items()
            if key in keys or key in previous.lock.notes
        }
    merged = restore_from(previous.lock, from_deck)
    if merged.lock == previous.lock:
        return
    if read is None:
        previous.notices.append(
            f"{shown} is missing: recovered it from {how} in "
            f"{deck_shown}, the last built deck ({len(merged.lock.notes)} notes), so no card "
            "changes its number"
        )
    else:
        restored = _changed_keys(previous.lock, merged.lock)
        previous.notices.append(
            f"the lock file lacked or had older versions of {len(restored)} notes that "
            f"{deck_shown} has: restored them from {how} ({_preview(restored)})"
        )
    if package.lock_text is None:
        previous.notices.append(_RECONSTRUCTED)
    previous.notices.extend(merged.resolutions)
    previous.lock = merged.lock


def _continues(deck: Lock, lock: Lock) -> bool:
    """Whether ``deck`` is ``lock`` after more builds: it has every note of the lock, each
    with the same identity and every card number the lock gives it."""
    return all(
        key in deck.notes and descends(deck.notes[key], record)
        for key, record in lock.notes.items()
    )


def _refuse_contradictions(
    lock: Lock, deck: Lock, text: str, where: Locator, deck_path: Path
) -> None:
    """A note that the lock file and the deck give the same time was built once: if the two
    disagree on it (its GUID, note id, content or card numbers), one of them was edited."""
    for key, record in sorted(lock.notes.items()):
        other = deck.notes.get(key)
        if other is None or other.mod != record.mod or _built_alike(record, other):
            continue
        raise ContentError(
            [
                Problem(
                    where.position(max(0, text.find(json.dumps(key, ensure_ascii=False)))),
                    f"the lock file and {display_path(deck_path)} disagree about '{key}', which "
                    f"both give the time {record.mod}: {_difference(record, other)}",
                    "the lock file was edited by hand, or the deck was: restore the lock from "
                    "version control (git checkout -- <lock>), or delete the deck if it is not "
                    "the last one built",
                    code=Code.INVALID_LOCK,
                )
            ]
        )


def _built_alike(first: NoteRecord, second: NoteRecord) -> bool:
    """Equal but for the deck (a fact moved to another file keeps its time)."""
    return _identity(first) == _identity(second)


def _identity(record: NoteRecord) -> tuple[object, ...]:
    return (
        record.guid,
        record.id,
        record.kind,
        record.hash,
        record.deletions,
        record.retired,
        record.removed,
    )


def _difference(lock: NoteRecord, deck: NoteRecord) -> str:
    if (lock.guid, lock.id) != (deck.guid, deck.id):
        return f"GUID {lock.guid} and note id {lock.id} here, {deck.guid} and {deck.id} there"
    if (lock.deletions, lock.retired) != (deck.deletions, deck.retired):
        return f"card numbers {lock.deletions} here, {deck.deletions} there"
    return "its content differs"


_RECONSTRUCTED = (
    "that deck was built before lmndeck kept its lock inside it, so numbers of deletions "
    "removed before it was built are not known; a new deletion may get one of them, and a "
    "student who kept that empty card would see its old reviews: if the lock file is in "
    "version control, restore it instead (git checkout -- <lock>)"
)


def _changed_keys(before: Lock, after: Lock) -> list[str]:
    return sorted(key for key, record in after.notes.items() if before.notes.get(key) != record)


def _preview(keys: list[str]) -> str:
    shown = ", ".join(keys[:_PREVIEW])
    return shown + (f" and {len(keys) - _PREVIEW} more" if len(keys) > _PREVIEW else "")


def _reason(error: BaseException) -> str:
    if isinstance(error, ContentError):
        return error.problems[0].message
    return str(error) or type(error).__name__


def _unreadable(deck: Path, root: Path, error: BaseException) -> Problem:
    return Problem(
        file_position(deck, root),
        f"the lock file is missing and the last built deck cannot be read to recover it "
        f"({_reason(error)})",
        "restore the lock file from version control (git checkout -- <lock>); or, to start "
        f"this deck afresh (students who imported it get new notes), delete {display_path(deck)}",
        code=Code.LOCK_UNRECOVERABLE,
    )


# -- decks built before the lock was kept inside them ------------------------------------------


@dataclass(frozen=True)
class _DeckNote:
    id: int
    guid: str
    kind: str
    mod: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    deck: str


def _reconstruct(
    collection: bytes, known: Lock, project: Decks, notes: Sequence[PlannedNote]
) -> Lock:
    """The lock the deck was built with, as far as its notes tell: every GUID, note id, time
    and visible card number; the numbers of deletions removed earlier are not in it."""
    deck_notes, note_types = _read_collection(collection)
    by_guid = {record.guid: key for key, record in known.notes.items()}
    wanted = [
        note
        for note in deck_notes
        if note.guid not in by_guid or note.mod > known.notes[by_guid[note.guid]].mod
    ]
    namespace = known.namespace or _guess_namespace(deck_notes, project, notes)
    derived = {guid_for("lmndeck", namespace, note.key): note.key for note in notes}
    by_guid = derived | by_guid
    planned = {note.key: note for note in notes}
    lock = Lock(namespace=namespace, note_types=note_types)
    for note in wanted:
        key = by_guid.get(note.guid, UNKNOWN_KEY + note.guid)
        lock.notes[key] = _record(note, planned.get(key))
    return lock


def _read_collection(
    collection: bytes,
) -> tuple[list[_DeckNote], dict[str, NoteTypeRecord]]:
    """The notes and note types of a deck's collection; ``ValueError`` for one that lmndeck did
    not write (JSON or columns of other types: a damaged or hand-made deck)."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(collection)
        decks_json, models_json = connection.execute("SELECT decks, models FROM col").fetchone()
        decks = _typed(json.loads(_typed(decks_json, str)), dict)
        deck_names = {
            int(id_): _typed(_typed(deck, dict)["name"], str) for id_, deck in decks.items()
        }
        kinds = {note_type.model_id: note_type for note_type in NOTE_TYPES.values()}
        first_deck = dict(
            (note_id, deck_id)
            for note_id, deck_id, _ in connection.execute(
                "SELECT nid, did, MIN(ord) FROM cards GROUP BY nid"  # did of the lowest ord
            )
        )
        notes = [
            _DeckNote(
                _typed(id_, int),
                _typed(guid, str),
                kinds[mid].kind,
                _typed(mod, int),
                tuple(_typed(fields, str).split("\x1f")[: len(kinds[mid].fields)]),
                tuple(_typed(tags, str).split()),
                deck_names.get(first_deck.get(id_, 0), REMOVED_DECK),
            )
            for id_, guid, mid, mod, fields, tags in connection.execute(
                "SELECT id, guid, mid, mod, flds, tags FROM notes ORDER BY id"
            )
        ]
        models = _typed(json.loads(_typed(models_json, str)), dict)
        if not all(isinstance(model, dict) for model in models.values()):
            raise ValueError("its note types are not what lmndeck writes")
    finally:
        connection.close()
    return notes, _note_types(models)


_T = TypeVar("_T")


def _typed(value: object, kind: type[_T]) -> _T:
    """``value`` if it is a ``kind`` (a bool is no number here), else ``ValueError``."""
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(
            f"its collection holds {type(value).__name__} where lmndeck writes {kind.__name__}"
        )
    return value


def _note_types(models: dict[str, dict[str, object]]) -> dict[str, NoteTypeRecord]:
    """Each note type's time in the deck; its hash only when it is today's note type, so that
    any difference reaches collections with the next build."""
    records = {}
    for note_type in NOTE_TYPES.values():
        model = models.get(str(note_type.model_id))
        if model is None or not isinstance(model.get("mod"), int):
            continue
        same = {**model, "mod": 0, "did": 0} == {**note_type.model_json(0, 0), "did": 0}
        mod = model["mod"]
        assert isinstance(mod, int)
        records[note_type.kind] = NoteTypeRecord(note_type.content_hash() if same else "", mod)
    return records


def _guess_namespace(
    deck_notes: Iterable[_DeckNote], project: Decks, notes: Sequence[PlannedNote]
) -> str:
    """The GUID namespace is the top deck at the first build: try the deck names in sight."""
    guids = {note.guid for note in deck_notes}
    candidates = {project.top_deck}
    for note in deck_notes:
        parts = note.deck.split("::")
        candidates |= {"::".join(parts[:length]) for length in range(1, len(parts) + 1)}
    return max(
        sorted(candidates),
        key=lambda name: sum(guid_for("lmndeck", name, note.key) in guids for note in notes),
    )


def _record(note: _DeckNote, planned: PlannedNote | None) -> NoteRecord:
    removed = REMOVED_TAG in note.tags
    numbers = Numbers({}, {}) if removed else BY_NAME[note.kind].numbers_in(note.fields, planned)
    return NoteRecord(
        guid=note.guid,
        kind=note.kind,
        deck=note.deck,
        id=note.id,
        hash=content_hash(note.kind, note.fields, note.tags),
        mod=note.mod,
        deletions=numbers.active,
        retired=numbers.retired,
        removed=removed,
    )
