"""What a sync would write into a collection, planned from what the collection holds, without
writing: the notes to import, the removed notes to delete (or keep), the cards to move and the
empty ones to remove (see ``sync``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from anki.collection import Collection

from lmndeck.lock import Lock
from lmndeck.package import OutputNote, PackageContents
from lmndeck.reserved import REMOVED_TAG

# The collection's configuration key of what lmndeck last wrote into it, per project.
RECORD_PREFIX = "lmndeck:"


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
    edited: int = 0  # of ``removed``, how many the student had edited
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
    plan.empty = _still_empty(collection, plan.empty, cards, in_collection, plan.updated, lock)
    _plan_removals(plan, db, lock, before, in_collection, model_ids, keep_reviewed)
    waiting = defaultdict(set)  # decks whose cards wait in a filtered deck to be moved
    for left in plan.left:
        if left.home is not None:
            waiting[left.guid].add(left.home)
    plan.pending = _record(live, lambda guid: given[guid])
    plan.record = _record(live, lambda guid: waiting[guid])
    plan.record_changed = collection.get_config(record_key, None) != plan.record
    return plan


def _still_empty(
    collection: Collection,
    candidates: list[int],
    cards: Mapping[int, list[tuple[int, int, int, int]]],
    in_collection: Mapping[str, tuple[int, int, int, str]],
    updated: list[str],
    lock: Lock,
) -> list[int]:
    """Of the cards whose deletion or item the build no longer has, those that will be empty:
    the cards of notes the import updates, and the others Anki finds empty now (a note whose
    own newer edit the import keeps may still show that card, and keeps it)."""
    if not candidates:
        return []
    updating = {in_collection[lock.notes[key].guid][0] for key in updated}
    note_of = {card[0]: note_id for note_id, held in cards.items() for card in held}
    empty_now = {card for note in collection.get_empty_cards().notes for card in note.card_ids}
    return [card for card in candidates if note_of[card] in updating or card in empty_now]


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
    ``decks`` of it, for the notes that have other decks than their own (few: the record
    travels with every sync to AnkiWeb)."""
    record = {}
    for note in live:
        names = {note.deck} | decks(note.guid)
        if names != {note.deck}:
            record[note.guid] = sorted(names)
    return {"decks": record}


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
    before: Lock,
    in_collection: Mapping[str, tuple[int, int, int, str]],
    model_ids: Mapping[str, int],
    keep_reviewed: bool,
) -> None:
    """The removed notes to delete, or with ``keep_reviewed`` to keep (those with reviews or
    the student's own edits). A note of another note type than its kind's (Anki's Change Note
    Type keeps the GUID) is the student's now: left alone."""
    known_mods = {
        record.guid: {record.mod, *(old.mod for old in [before.notes.get(key)] if old)}
        for key, record in lock.notes.items()
    }
    removed = []
    for key, record in sorted(lock.notes.items()):
        found = in_collection.get(record.guid) if record.removed else None
        if found is None:
            continue
        if found[1] != model_ids.get(record.kind):
            plan.other_type.append(key)
            continue
        removed.append((*found, found[2] not in known_mods[record.guid]))
    if not removed:
        return
    reviewed = {
        note_id
        for (note_id,) in db.all(
            "SELECT DISTINCT cards.nid FROM revlog JOIN cards ON cards.id = revlog.cid"
        )
    }
    for note_id, _, _, tags, edited in removed:
        had_reviews = note_id in reviewed
        if keep_reviewed and (had_reviews or edited):
            if REMOVED_TAG.casefold() not in tags.casefold().split():
                plan.kept.append(note_id)
            continue
        plan.removed.append(note_id)
        plan.reviewed += had_reviews
        plan.edited += edited
