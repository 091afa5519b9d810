"""A build straight into a student's collection, through Anki's own backend (``lmndeck sync``).

A package can only add and update: Anki's importer never deletes a note, moves a card or
removes an empty one. A sync does what the package cannot, in steps that each start from what
the collection holds, so that a second run completes a killed one and a run with nothing to do
writes nothing:

1. import the build's package *without* its removed notes (the importer keeps lmndeck's note
   times, matches notes by GUID, adds missing cards and updates note types);
2. delete the removed notes (``--keep-reviewed``: tag the reviewed ones and keep them);
3. move the cards still in the deck lmndeck gave their note before into the one it gives now;
4. remove the empty cards of lmndeck's notes (a deletion or list item that is gone).

Only notes whose GUID the lock owns are touched, every write goes through the backend (usn,
graves and times kept), so the student's next AnkiWeb sync carries all of it as a normal sync.
What the collection last received is kept in its configuration (``RECORD_PREFIX``).
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anki.collection import (  # isort: skip  (anki.collection before the rest: see tests)
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.errors import DBError

from lmndeck.lock import Lock
from lmndeck.package import OutputNote, PackageContents, package_bytes
from lmndeck.pipeline import Plan, Progress, UpToDate, build, plan
from lmndeck.problems import Code, ContentError, Problem, given_position
from lmndeck.profiles import Target
from lmndeck.reserved import REMOVED_TAG

# The collection's configuration key of what lmndeck last wrote into it, per project.
RECORD_PREFIX = "lmndeck:"


class CollectionInUse(Exception):
    """Anki (or another program) has the collection open: nothing was written."""


@dataclass(frozen=True)
class LeftCard:
    """A card not moved to its note's deck, and why."""

    key: str
    guid: str
    deck: str  # where it is
    reason: str
    home: str | None = None  # the deck lmndeck gave it, of a card in a filtered deck


@dataclass
class SyncPlan:
    """What a sync would write into one collection; computed without writing."""

    added: list[str] = field(default_factory=list)  # keys of notes the collection lacks
    updated: list[str] = field(default_factory=list)  # keys of notes the package updates
    new_cards: int = 0  # cards the import adds to notes the collection has
    note_types: list[str] = field(default_factory=list)  # note types the import updates
    new_note_types: list[str] = field(default_factory=list)  # note types the import adds
    full_sync: list[str] = field(default_factory=list)  # note types whose fields differ
    other_type: list[str] = field(default_factory=list)  # keys whose GUID is another type's
    removed: list[int] = field(default_factory=list)  # note ids to delete
    reviewed: int = 0  # of ``removed``, how many had reviews
    kept: list[int] = field(default_factory=list)  # removed, reviewed, kept: ids to tag
    moves: dict[str, list[int]] = field(default_factory=dict)  # deck -> card ids
    left: list[LeftCard] = field(default_factory=list)
    empty: list[int] = field(default_factory=list)  # card ids lmndeck's notes no longer have
    record_key: str = ""  # where the collection's configuration keeps what lmndeck wrote
    # Per GUID, the decks lmndeck gave the note that may still hold its cards: written first
    # (``pending``: those of before and now, so that a sync killed before its moves moves them
    # next time), then as the sync leaves it (``record``).
    pending: dict[str, Any] = field(default_factory=dict)
    record: dict[str, Any] = field(default_factory=dict)
    record_changed: bool = False
    imported: tuple[OutputNote, ...] = ()  # the notes to import: the rest are as they are

    @property
    def imports(self) -> bool:
        return bool(
            self.added
            or self.updated
            or self.new_cards
            or self.note_types
            or self.new_note_types
            or self.full_sync
        )

    @property
    def writes(self) -> bool:
        return bool(
            self.imports
            or self.full_sync
            or self.removed
            or self.kept
            or self.moves
            or self.empty
            or self.record_changed
        )

    @property
    def moved(self) -> int:
        return sum(len(cards) for cards in self.moves.values())


@dataclass(frozen=True)
class Synced:
    plan: SyncPlan
    backup: Path | None  # the restore point: a backup made now, or the newest one
    empty_removed: int
    full_sync: bool  # the schema changed: the next AnkiWeb sync is a one-way full sync


@dataclass(frozen=True)
class SyncResult:
    build: Plan | UpToDate  # what the build wrote (a dry run: what it would write)
    deck: Path
    plan: SyncPlan
    synced: Synced | None  # None: a dry run, or nothing to write


def sync(
    cards_dir: Path,
    target: Target,
    output: Path | None = None,
    *,
    dry_run: bool = False,
    keep_reviewed: bool = False,
    backup: bool = True,
    allow_full_sync: bool = False,
    progress: Progress | None = None,
    on_wait: Callable[[], None] | None = None,
    on_written: Callable[[], None] | None = None,
    on_step: Callable[[str], None] = lambda step: None,
) -> SyncResult:
    """Build ``cards_dir`` as ``lmndeck build`` does (a dry run only plans it), then write
    the build into the collection at ``target``. ``CollectionInUse`` before anything is
    written when Anki has it open; a ``ContentError`` for problems of the cards (as a build)
    and for a sync that cannot be done safely, before anything is written too.

    The collection is backed up and told which decks its notes had before the build replaces
    the lock file: a sync killed after that is completed by the next one."""
    with opened(target) as collection:
        if dry_run:
            planned_build = plan(cards_dir, output=output, progress=progress)
            planned = _checked_plan(
                collection, planned_build, target, keep_reviewed, allow_full_sync
            )
            return SyncResult(planned_build, planned_build.output, planned, None)
        prepared: list[tuple[Plan, SyncPlan, Path | None]] = []

        def prepare(result: Plan) -> None:
            planned = _checked_plan(collection, result, target, keep_reviewed, allow_full_sync)
            restore_point = None
            if planned.writes:
                if backup:
                    on_step("backing up the collection")
                restore_point = make_backup(collection, target) if backup else None
                collection.set_config(planned.record_key, planned.pending)
            prepared.append((result, planned, restore_point))

        built, deck = build(
            cards_dir,
            output,
            progress=progress,
            on_wait=on_wait,
            on_written=on_written,
            on_planned=prepare,
        )
        if not prepared:  # the build was up to date: nothing was planned
            prepare(plan(cards_dir, output=output))
        ((complete, planned, restore_point),) = prepared
        if not planned.writes:
            return SyncResult(built, deck, planned, None)
        synced = apply(
            collection, planned, complete.contents, restore_point, allow_full_sync, on_step
        )
        return SyncResult(built, deck, planned, synced)


def _checked_plan(
    collection: Collection, built: Plan, target: Target, keep_reviewed: bool, allow_full_sync: bool
) -> SyncPlan:
    planned = plan_sync(collection, built.contents, built.lock, built.before, keep_reviewed)
    if planned.full_sync and not allow_full_sync:
        raise _full_sync_error(target, planned.full_sync)
    return planned


def _full_sync_error(target: Target, note_types: list[str]) -> ContentError:
    names = ", ".join(f"'{name}'" for name in note_types)
    return ContentError(
        [
            Problem(
                given_position(target.path),
                f"the note type {names} of this collection has other fields or card types "
                "than lmndeck's (changed in Anki, or by a newer lmndeck): an import would add "
                "a copy of it and never update these notes again",
                "run again with --allow-full-sync to merge the note types and update the "
                "notes; if that changes the collection's schema, Anki's next sync with "
                "AnkiWeb is a one-way full sync (sync your other devices first)",
                code=Code.FULL_SYNC_NEEDED,
            )
        ]
    )


@contextmanager
def opened(target: Target) -> Iterator[Collection]:
    """The collection, open for this process alone. ``CollectionInUse`` at once when Anki
    has it open (the backend holds an exclusive SQLite lock while a profile is loaded)."""
    try:
        collection = Collection(str(target.path))
    except DBError as error:
        raise CollectionInUse(str(error)) from None
    try:
        yield collection
    finally:
        collection.close()


def plan_sync(
    collection: Collection,
    contents: PackageContents,
    lock: Lock,
    before: Lock,
    keep_reviewed: bool = False,
) -> SyncPlan:
    """What writing this build (``contents``, ``lock``) into ``collection`` takes; ``before``
    is the lock the build started from (the decks its notes had)."""
    db = collection.db
    assert db is not None
    owned = {record.guid for record in lock.notes.values()}
    in_collection = {
        guid: (note_id, model_id, mod, tags)
        for note_id, guid, model_id, mod, tags in db.all(
            "SELECT id, guid, mid, mod, tags FROM notes"
        )
        if guid in owned
    }
    record_key = RECORD_PREFIX + lock.namespace
    given = _given_decks(before, collection.get_config(record_key, None))
    cards = _cards_of(db, {note_id for note_id, *_ in in_collection.values()})
    deck_names = {int(deck.id): deck.name for deck in collection.decks.all_names_and_ids()}
    plan = SyncPlan(record_key=record_key)
    plan.full_sync, plan.new_note_types, plan.note_types = _note_type_changes(collection, contents)
    model_ids = {kind: note_type.model_id for kind, (note_type, _) in contents.note_types.items()}
    live, imported = [], []
    for note in contents.notes:
        if note.removed:
            continue
        found = in_collection.get(note.guid)
        if found is None:
            plan.added.append(note.key)
            live.append(note)
            imported.append(note)
            continue
        note_id, model_id, mod, _ = found
        if model_id != model_ids[note.kind]:
            plan.other_type.append(note.key)
            continue
        live.append(note)
        have = cards.get(note_id, [])
        new_cards = sum(1 for ord_ in note.ords if ord_ not in {card[3] for card in have})
        plan.new_cards += new_cards
        if note.mod > mod:
            plan.updated.append(note.key)
        if note.mod > mod or new_cards:
            imported.append(note)
        _plan_cards(plan, note, have, deck_names, given[note.guid])
    plan.imported = tuple(imported) + _carriers(live, imported, plan, contents)
    _plan_removals(plan, db, lock, in_collection, keep_reviewed)
    waiting = defaultdict(set)  # decks whose cards wait in a filtered deck to be moved
    for left in plan.left:
        if left.home is not None:
            waiting[left.guid].add(left.home)
    plan.pending = _record(live, lambda guid: given[guid])
    plan.record = _record(live, lambda guid: waiting[guid])
    plan.record_changed = collection.get_config(record_key, None) != plan.record
    return plan


def _plan_cards(
    plan: SyncPlan,
    note: OutputNote,
    cards: list[tuple[int, int, int, int]],
    deck_names: Mapping[int, str],
    given: set[str],
) -> None:
    """The note's cards that are empty now, and those to move to its deck (or to leave)."""
    for card_id, deck_id, home_id, ord_ in cards:
        if ord_ not in note.ords:
            plan.empty.append(card_id)
            continue
        home = deck_names.get(home_id or deck_id, "")
        if home == note.deck:
            continue
        if home not in given:
            plan.left.append(LeftCard(note.key, note.guid, home, "you moved it there"))
        elif home_id:
            where = deck_names.get(deck_id, "")
            plan.left.append(LeftCard(note.key, note.guid, where, "filtered deck", home))
        else:
            plan.moves.setdefault(note.deck, []).append(card_id)


def _carriers(
    live: list[OutputNote], imported: list[OutputNote], plan: SyncPlan, contents: PackageContents
) -> tuple[OutputNote, ...]:
    """A note of each note type to update that no imported note has: Anki's importer takes the
    note types of the notes it imports (the note itself is unchanged, so it is skipped)."""
    names = set(plan.note_types + plan.full_sync)
    kinds = {
        kind for kind, (note_type, _) in contents.note_types.items() if note_type.name in names
    }
    kinds -= {note.kind for note in imported}
    carriers = {note.kind: note for note in reversed(live) if note.kind in kinds}
    return tuple(carriers[kind] for kind in sorted(carriers))


def _given_decks(before: Lock, synced: object) -> defaultdict[str, set[str]]:
    """Per GUID, the decks lmndeck gave the note: in the build before, and those the last
    sync into this collection recorded (anything else found there is ignored). A card in
    another deck was put there by the student."""
    given: defaultdict[str, set[str]] = defaultdict(set)
    for record in before.notes.values():
        given[record.guid].add(record.deck)
    decks = synced.get("decks") if isinstance(synced, dict) else None
    for guid, names in decks.items() if isinstance(decks, dict) else ():
        if isinstance(names, list):
            given[guid].update(name for name in names if isinstance(name, str))
    return given


def _record(live: Iterable[OutputNote], decks: Callable[[str], set[str]]) -> dict[str, Any]:
    """What the collection's configuration keeps of a sync: per GUID, the note's deck now and
    ``decks`` of it."""
    return {"decks": {note.guid: sorted({note.deck} | decks(note.guid)) for note in live}}


def _cards_of(db: Any, note_ids: set[int]) -> dict[int, list[tuple[int, int, int, int]]]:
    """(card id, deck id, home deck id of a card in a filtered deck else 0, ord) per note."""
    cards: defaultdict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    for card_id, note_id, deck_id, home_id, ord_ in db.all(
        "SELECT id, nid, did, odid, ord FROM cards ORDER BY id"
    ):
        if note_id in note_ids:
            cards[note_id].append((card_id, deck_id, home_id, ord_))
    return cards


def _note_type_changes(
    collection: Collection, contents: PackageContents
) -> tuple[list[str], list[str], list[str]]:
    """(note types whose fields or templates differ from the collection's: importing them
    changes the collection's schema, which forces a one-way full sync; note types the import
    adds; those it updates in place)."""
    full_sync, added, updated = [], [], []
    for _, (note_type, mod) in sorted(contents.note_types.items()):
        existing = collection.models.get(note_type.model_id)  # type: ignore[arg-type]
        if existing is None:
            added.append(note_type.name)  # a new note type: no schema change
            continue
        package = note_type.model_json(mod, 0)
        if _shape(existing) != _shape(package):
            full_sync.append(note_type.name)
        elif mod > int(existing["mod"]):
            updated.append(note_type.name)
    return full_sync, added, updated


def _shape(note_type: Mapping[str, Any]) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """What Anki's importer matches a note type's fields and card types by: their ids (Anki
    >= 2.1.67; a renamed field keeps its id and is renamed in place), else their names. Any
    other difference makes it import a copy ("Name+") whose notes are never updated again."""
    return (
        tuple(item.get("id") or item["name"] for item in note_type["flds"]),
        tuple(item.get("id") or item["name"] for item in note_type["tmpls"]),
    )


def _plan_removals(
    plan: SyncPlan,
    db: Any,
    lock: Lock,
    in_collection: Mapping[str, tuple[int, int, int, str]],
    keep_reviewed: bool,
) -> None:
    removed = sorted(
        in_collection[record.guid]
        for record in lock.notes.values()
        if record.removed and record.guid in in_collection
    )
    if not removed:
        return
    reviewed = {
        note_id
        for (note_id,) in db.all(
            "SELECT DISTINCT cards.nid FROM revlog JOIN cards ON cards.id = revlog.cid"
        )
    }
    for note_id, _, _, tags in removed:
        had_reviews = note_id in reviewed
        if keep_reviewed and had_reviews:
            if REMOVED_TAG.casefold() not in tags.casefold().split():
                plan.kept.append(note_id)
            continue
        plan.removed.append(note_id)
        plan.reviewed += had_reviews


def apply(
    collection: Collection,
    plan: SyncPlan,
    contents: PackageContents,
    restore_point: Path | None,
    allow_full_sync: bool = False,
    on_step: Callable[[str], None] = lambda step: None,
) -> Synced:
    """Write ``plan`` into ``collection``, each step in turn, once it was backed up (into
    ``restore_point``) and given ``plan.pending``."""
    schema = _schema_time(collection)
    if plan.imports:
        on_step(f"importing {len(plan.imported)} notes")
        _import(collection, plan.imported, contents, allow_full_sync)
    if plan.removed:
        on_step(f"deleting {len(plan.removed)} removed notes")
        collection.remove_notes(plan.removed)  # type: ignore[arg-type]
    if plan.kept:
        collection.tags.bulk_add(plan.kept, REMOVED_TAG)  # type: ignore[arg-type]
    for deck, card_ids in sorted(plan.moves.items()):
        collection.set_deck(card_ids, collection.decks.id(deck))  # type: ignore[arg-type]
    if plan.empty:
        on_step("finding empty cards")
    empty = _empty_cards(collection, plan.empty)
    if empty:
        collection.remove_cards_and_orphaned_notes(empty)  # type: ignore[arg-type]
    collection.set_config(plan.record_key, plan.record)
    return Synced(plan, restore_point, len(empty), _schema_time(collection) != schema)


def _schema_time(collection: Collection) -> int:
    """The collection's schema time: AnkiWeb asks for a full sync once it changed."""
    db = collection.db
    assert db is not None
    return int(db.scalar("SELECT scm FROM col"))


def _empty_cards(collection: Collection, planned: Iterable[int]) -> list[int]:
    """Of the cards lmndeck's notes no longer have, those Anki itself finds empty: a card
    that still shows something (a student's own edit kept the deletion) stays."""
    wanted = set(planned)
    if not wanted:
        return []
    report = collection.get_empty_cards()
    return sorted(card for note in report.notes for card in note.card_ids if card in wanted)


def _import(
    collection: Collection,
    notes: tuple[OutputNote, ...],
    contents: PackageContents,
    allow_full_sync: bool,
) -> None:
    package = PackageContents(notes, contents.note_types, b"", contents.media)
    with tempfile.TemporaryDirectory(prefix="lmndeck-sync-") as scratch:
        path = Path(scratch) / "sync.apkg"
        path.write_bytes(package_bytes(package))
        # Merging carries notes across a note type whose fields differ, where the default
        # import makes a "+" copy and leaves the notes conflicting (measured).
        options = ImportAnkiPackageOptions(merge_notetypes=allow_full_sync)
        collection.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(path), options=options)
        )
    collection.models._clear_cache()


def make_backup(collection: Collection, target: Target) -> Path:
    """A backup of the collection in the profile's backups folder, where Anki keeps its own:
    the file made now, or the newest one when nothing changed since it (Anki makes none then).
    A ``ContentError`` when it cannot be made: then nothing may be written."""
    folder = target.backups
    try:
        folder.mkdir(parents=True, exist_ok=True)
        before = set(folder.glob("*.colpkg"))
        collection.create_backup(backup_folder=str(folder), force=True, wait_for_completion=True)
        made = sorted(set(folder.glob("*.colpkg")) - before)
        newest = made or sorted(folder.glob("*.colpkg"), key=lambda path: path.stat().st_mtime)
    except Exception as error:  # the backend raises its own errors for an unwritable folder
        raise _backup_error(folder, str(error)) from None
    if not newest:
        raise _backup_error(folder, "Anki made no backup file")
    return newest[-1]


def _backup_error(folder: Path, reason: str) -> ContentError:
    return ContentError(
        [
            Problem(
                given_position(folder),
                f"cannot back up the collection, so nothing was written: {reason}",
                "make the profile's backups folder writable and free some disk space; "
                "or, with --collection, --no-backup",
                code=Code.BACKUP_FAILED,
            )
        ]
    )
