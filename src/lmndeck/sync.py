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
What the collection last received is kept in its configuration (``syncplan.RECORD_PREFIX``).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from anki.collection import (  # isort: skip  (anki.collection before the rest: see tests)
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.errors import DBError

from lmndeck.latest import PackageFormat
from lmndeck.package import OutputNote, PackageContents, package_bytes
from lmndeck.pipeline import Plan, Progress, UpToDate, build, plan
from lmndeck.problems import Code, ContentError, Problem, given_position
from lmndeck.profiles import COLLECTION_FILE, Target
from lmndeck.reserved import REMOVED_TAG
from lmndeck.syncplan import SyncPlan, plan_sync


class CollectionInUse(Exception):
    """Anki (or another program) has the collection open: nothing was written."""


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
    package_format: PackageFormat = "legacy",
    progress: Progress | None = None,
    on_wait: Callable[[], None] | None = None,
    on_written: Callable[[], None] | None = None,
    on_step: Callable[[str], None] = lambda step: None,
) -> SyncResult:
    """Build ``cards_dir`` as ``lmndeck build`` does (a dry run only plans it), then write
    the build into the collection at ``target``. ``CollectionInUse`` when Anki has it open,
    and a ``ContentError`` for a file that is no collection, for problems of the cards (as a
    build) and for a sync that cannot be done safely: each before anything is written.

    The collection is opened once the cards are planned (a build waiting for another holds
    nothing of Anki's), then backed up and told which decks its notes had, before the build
    replaces the lock file: a sync killed after that is completed by the next one. A dry run
    reads a copy of the collection: the profile is left exactly as it was."""
    inspect(target)
    if dry_run:
        planned_build = plan(cards_dir, output=output, progress=progress)
        with opened_copy(target) as collection:
            planned = _checked_plan(
                collection, planned_build, target, keep_reviewed, allow_full_sync
            )
        return SyncResult(planned_build, planned_build.output, planned, None)
    with ExitStack() as stack:
        prepared = _Prepared()

        def prepare(result: Plan) -> None:
            collection = stack.enter_context(opened(target))
            planned = _checked_plan(collection, result, target, keep_reviewed, allow_full_sync)
            if planned.writes and backup:
                on_step("backing up the collection")
                prepared.restore_point = make_backup(collection, target)
            if planned.writes:
                collection.set_config(planned.record_key, planned.pending)
            prepared.collection, prepared.plan, prepared.built = collection, planned, result

        built, deck = build(
            cards_dir,
            output,
            progress=progress,
            on_wait=on_wait,
            on_written=on_written,
            on_planned=prepare,
            package_format=package_format,
        )
        if prepared.plan is None:  # the build was up to date: nothing was planned
            prepare(plan(cards_dir, output=output))
        assert prepared.collection and prepared.plan and prepared.built
        if not prepared.plan.writes:
            return SyncResult(built, deck, prepared.plan, None)
        synced = apply(
            prepared.collection,
            prepared.plan,
            prepared.built.contents,
            prepared.restore_point,
            allow_full_sync,
            on_step,
        )
        return SyncResult(built, deck, prepared.plan, synced)


@dataclass
class _Prepared:
    """What a sync found once the build was planned: the open collection, its plan, and the
    backup made before anything was written."""

    collection: Collection | None = None
    plan: SyncPlan | None = None
    built: Plan | None = None
    restore_point: Path | None = None


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


def inspect(target: Target) -> None:
    """Look at the file before Anki's backend opens it, read only: the backend would turn any
    file into a collection. ``CollectionInUse`` when another program holds it (Anki keeps the
    collection it has open locked); a ``ContentError`` when it is no Anki collection."""
    try:
        uri = f"{target.path.resolve().as_uri()}?mode=ro&immutable=1"  # no -wal, no lock
        connection = sqlite3.connect(uri, uri=True)
        try:
            tables = {
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
        finally:
            connection.close()
    except sqlite3.OperationalError as error:
        if "locked" in str(error):
            raise CollectionInUse(str(error)) from None
        raise _not_a_collection(target, str(error)) from None
    except sqlite3.DatabaseError as error:
        raise _not_a_collection(target, str(error)) from None
    if not {"col", "notes", "cards", "revlog"} <= tables:
        raise _not_a_collection(target, "it has no collection's tables")


def _not_a_collection(target: Target, reason: str) -> ContentError:
    return ContentError(
        [
            Problem(
                given_position(target.path),
                f"this is not an Anki collection ({reason})",  # the summary: nothing was written
                "name a profile's collection.anki2 file (see 'lmndeck sync --help'), or use "
                "--profile",
                code=Code.NO_COLLECTION,
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
        if "already open" in str(error) or "locked" in str(error):
            raise CollectionInUse("Anki already open, or media currently syncing") from None
        raise _not_a_collection(target, "Anki's backend cannot open it") from None
    try:
        yield collection
    finally:
        collection.close()


@contextmanager
def opened_copy(target: Target) -> Iterator[Collection]:
    """A copy of the collection (its -wal too), open in a scratch folder: a dry run writes
    nothing beside the profile's collection, not even the media folder the backend makes."""
    with tempfile.TemporaryDirectory(prefix="lmndeck-dry-run-") as scratch:
        copy = Path(scratch) / COLLECTION_FILE
        shutil.copyfile(target.path, copy)
        wal = target.path.with_name(target.path.name + "-wal")
        if wal.is_file():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        with opened(Target(copy, target.profile)) as collection:
            yield collection


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
        _next_backup_second(folder)
        before = set(folder.glob("*.colpkg"))
        collection.create_backup(backup_folder=str(folder), force=True, wait_for_completion=True)
        made = sorted(set(folder.glob("*.colpkg")) - before)
        newest = made or sorted(folder.glob("*.colpkg"), key=lambda path: path.stat().st_mtime)
    except Exception as error:  # the backend raises its own errors for an unwritable folder
        raise _backup_error(folder, str(error)) from None
    if not newest:
        raise _backup_error(folder, "Anki made no backup file")
    return newest[-1]


def _next_backup_second(folder: Path) -> None:
    """Anki names a backup after the second it is made: a second one in that second would
    replace the first, a restore point that a sync just printed. Wait for the next second."""
    while (folder / time.strftime("backup-%Y-%m-%d-%H.%M.%S.colpkg")).exists():
        time.sleep(1.0 - time.time() % 1.0 + 0.01)


def _backup_error(folder: Path, reason: str) -> ContentError:
    return ContentError(
        [
            Problem(
                given_position(folder),
                f"cannot back up the collection: {reason}",  # the summary: nothing was written
                "make the profile's backups folder writable and free some disk space; "
                "or, with --collection, --no-backup",
                code=Code.BACKUP_FAILED,
            )
        ]
    )
