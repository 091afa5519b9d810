"""Match this build's notes with the lock: keep ids, numbers and times; note what changed.

The rules that keep a student's collection intact on re-import:
- a note keeps its GUID and id forever (they come from its key, never from its text);
- a note's ``mod`` moves only when its content changes, and then strictly forward, because
  Anki updates a note only when the package's ``mod`` is newer than the collection's;
- a deletion keeps its card number while it exists; a removed number is never given to
  another deletion, so review history never moves onto other content;
- a note that disappears from the source becomes a tombstone: shipped with a tag and a text
  that say so, since a package cannot delete notes, and without cards, so that a collection
  that never had the note gets nothing to study (``lmndeck sync`` deletes it outright);
- a note whose key is new but which names a key of the lock under 'was:' takes that key's
  record (GUID, id, numbers): a rename keeps the history. Its GUID stays derived from the old
  key, so a note that later reuses the old key gets a GUID of its own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from lmndeck.contents import OutputNote, output_note
from lmndeck.kinds import BY_NAME, NOTE_TYPES
from lmndeck.kinds.base import NoteShape
from lmndeck.lock import UNKNOWN_KEY, Lock, NoteRecord, NoteTypeRecord, guid_for
from lmndeck.numbering import Numbers
from lmndeck.renames import LikelyRename, likely_renames
from lmndeck.reserved import REMOVED_DECK as REMOVED_DECK  # importable from here too
from lmndeck.reserved import REMOVED_TAG as REMOVED_TAG


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)  # "old key -> new key", history kept
    # (old key, new key): 'was:' took the old record; the note's own one became a removed note
    displaced: list[tuple[str, str]] = field(default_factory=list)
    likely_renames: list[LikelyRename] = field(default_factory=list)  # history would be lost
    # a note moved off its key to 'unknown/<GUID>' by this build -> the key it had
    former_keys: dict[str, str] = field(default_factory=dict)
    note_types: list[str] = field(default_factory=list)
    # "key#number", a new note's as its key and numbers: written out only when asked for (a
    # first build's are every card, 16 MB of text at 100k facts)
    cards_added: list[str | tuple[str, dict[str, int]]] = field(default_factory=list)
    emptied_cards: list[str] = field(default_factory=list)

    @property
    def new_cards(self) -> list[str]:
        """The cards notes gain, "key#number"."""
        return [
            card
            for added in self.cards_added
            for card in (
                [added]
                if isinstance(added, str)
                else [f"{added[0]}#{n}" for n in sorted(set(added[1].values())) or [1]]
            )
        ]

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.renamed or self.note_types)

    def named(self, key: str) -> str:
        """A note as messages name it: its key; one under 'unknown/<GUID>' (no key of its
        own), the key it had before this build, or its GUID when it had none (recovered from
        a deck that does not tell its key)."""
        if not key.startswith(UNKNOWN_KEY):
            return key
        if key in self.former_keys:
            return f"{self.former_keys[key]} (the previous build's note; its key is another note's now)"
        return f"a note of the previous build, GUID {key.removeprefix(UNKNOWN_KEY)}"


class FilledNote(NamedTuple):
    """A planned note with its card numbers and its fields, as the kind rendered them."""

    note: NoteShape
    numbers: Numbers
    fields: tuple[str, ...]
    hash: str  # content_hash of the note's kind, fields and tags


@dataclass(frozen=True)
class Matched:
    """The lock with each record under the key of the note it belongs to now (renames
    followed, recovered notes claimed): what numbering and reconcile start from."""

    lock: Lock
    changes: Changes


def match(notes: Sequence[NoteShape], previous: Lock, namespace: str) -> Matched:
    """``namespace`` seeds new GUIDs the first time; the lock keeps it from then on. The
    lock's records are ``previous``'s own until reconcile changes one (it copies it first):
    after one edit all but a few stay the same objects, which the lock's writing and
    checking recognize (see ``encode_lock``)."""
    lock = Lock(
        previous.namespace or namespace,
        dict(previous.notes),
        {kind: replace(record) for kind, record in previous.note_types.items()},
    )
    _claim_recovered(lock, [note.key for note in notes])
    changes = Changes()
    _follow_renames(notes, lock, changes)
    for note in notes:
        record = lock.notes.get(note.key)
        if record is not None and record.kind != note.kind.name:
            # Anki keeps a note's type: a note of another kind needs a note of its own, and
            # the old one, no longer claimed, becomes a removed note
            lock.notes[UNKNOWN_KEY + record.guid] = lock.notes.pop(note.key)
            changes.former_keys[UNKNOWN_KEY + record.guid] = note.key
    return Matched(lock, changes)


def reconcile(
    filled: Iterable[FilledNote | OutputNote],
    matched: Matched,
    previous: Lock,
    now: int,
    positions: Iterable[int],
    note_types: Mapping[str, str],
) -> tuple[list[OutputNote], Lock, Changes]:
    """The notes to package, the lock to save, and what changed since ``previous``
    (``matched``'s lock and changes are completed in place); ``positions``: each filled
    note's new-card position (see studyorder). An ``OutputNote`` among ``filled`` is a note
    taken whole as the last build packaged it (see ``packaged``), already at its position,
    with nothing to change or report: it is packaged as it is. ``note_types``: each kind's
    note type's content hash (see ``notetypes.content_hashes``)."""
    lock, changes = matched.lock, matched.changes
    ids = _IdAllocator({record.id for record in lock.notes.values()}, now)
    guids = _GuidAllocator({record.guid for record in lock.notes.values()}, lock.namespace)
    output: list[OutputNote] = []
    seen: set[str] = set()
    for item, position in zip(filled, positions, strict=True):
        if isinstance(item, OutputNote):  # as the last build packaged it (see packaged)
            seen.add(item.key)
            output.append(item)
            continue
        note, fields, (active, retired) = item.note, item.fields, item.numbers
        kind = note.kind.name
        seen.add(note.key)
        record = lock.notes.get(note.key)
        content = item.hash
        is_new = record is None
        if record is not None and (
            record.hash != content
            or record.removed
            or record.deck != note.deck
            or record.deletions != active
            or record.retired != retired
        ):
            record = lock.notes[note.key] = record.copy()  # ``previous``'s is left as it was
        if record is None:
            record = NoteRecord(
                guid=guids.allocate(note.key),
                kind=kind,
                deck=note.deck,
                id=ids.allocate(),
                hash=content,
                mod=now,
            )
            lock.notes[note.key] = record
            changes.added.append(note.key)
        elif record.hash != content or record.removed:
            record.mod = max(now, record.mod + 1)
            record.hash = content
            record.removed = False
            changes.changed.append(note.key)
        _report_cards(changes, note.key, record, active, is_new)
        if record.deletions != active or record.retired != retired or record.deck != note.deck:
            record.deck, record.deletions, record.retired = note.deck, active, retired
        ords = note.kind.ords(active)
        output.append(_output(note.key, record, fields, note.tags, ords, content, due=position))
    for key in sorted(set(lock.notes) - seen):
        output.append(_tombstone(key, lock, now, changes))
    _reconcile_note_types(lock, now, changes, note_types)
    changes.likely_renames = likely_renames(
        changes.removed, changes.added, previous.notes, lock.notes
    )
    return output, lock, changes


def _follow_renames(notes: Sequence[NoteShape], lock: Lock, changes: Changes) -> None:
    """Move the record of a previous key (live or tombstone) to the note that now claims it,
    unless a current note still uses the old key.

    The author's 'was:' wins over a record the note already has (typically made by a build
    that renamed without 'was:' and warned): that record is kept under its GUID, no fact claims
    it, so it becomes a removed note, and the old note comes back with its reviews.
    """
    current = {note.key for note in notes}
    for note in notes:
        if not note.previous_keys:  # most notes: nothing to follow
            continue
        old = next(
            (key for key in note.previous_keys if key in lock.notes and key not in current), None
        )
        if old is None:
            continue
        own = lock.notes.pop(note.key, None)
        if own is not None:
            lock.notes[UNKNOWN_KEY + own.guid] = own
            changes.former_keys[UNKNOWN_KEY + own.guid] = note.key
            changes.displaced.append((old, note.key))
        lock.notes[note.key] = lock.notes.pop(old)
        changes.renamed.append(f"{old} -> {note.key}")


def _claim_recovered(lock: Lock, keys: list[str]) -> None:
    """A key new to the lock whose GUID a record of a key gone from the cards has (a note
    recovered from an old deck without its key, see ``recover``, or a key damaged in the lock
    file) takes that record over: it is the same note, and keeps its cards and history."""
    planned = set(keys)
    holders = {record.guid: key for key, record in lock.notes.items() if key not in planned}
    for key in keys:
        if key in lock.notes or not holders:  # GUIDs are slow to derive: only where needed
            continue
        holder = holders.get(guid_for("lmndeck", lock.namespace, key))
        if holder:
            lock.notes[key] = lock.notes.pop(holder)


def _report_cards(
    changes: Changes, key: str, record: NoteRecord, active: dict[str, int], new_note: bool
) -> None:
    if new_note:
        changes.cards_added.append((key, active))
        return
    if record.deletions == active:  # most notes: the same cards
        return
    before = set(record.deletions.values())
    now = set(active.values())
    changes.cards_added.extend(f"{key}#{n}" for n in sorted(now - before))
    changes.emptied_cards.extend(f"{key}#{n}" for n in sorted(before - now))


def _output(
    key: str,
    record: NoteRecord,
    fields: tuple[str, ...],
    tags: tuple[str, ...],
    ords: tuple[int, ...],
    content: str,
    removed: bool = False,
    due: int = 0,
) -> OutputNote:
    # positional: keywords take half as long again (20 ms of a 20k-fact rebuild)
    return output_note(
        key,
        record.guid,
        record.id,
        record.mod,
        record.kind,
        record.deck,
        fields,
        tags,
        ords,
        content,
        removed,
        due,
    )


def _tombstone(key: str, lock: Lock, now: int, changes: Changes) -> OutputNote:
    """A note gone from the cards files, shipped with the fields its kind gives removed notes
    and a tag, so that students can find and delete it (a package cannot delete notes).

    It has no cards: Anki updates the note of a collection that has it and keeps its cards and
    their history, and gives a collection that never had it a note with no card, nothing to
    study (measured with Anki's backend; its Check Database then gives such a note one card in
    the default deck, tagged like the note)."""
    record = lock.notes[key]
    fields = BY_NAME[record.kind].tombstone_fields
    tags = (REMOVED_TAG,)
    content = content_hash(record.kind, fields, tags)
    if not record.removed:
        record = lock.notes[key] = record.copy()  # ``previous``'s is left as it was
        record.removed = True
        record.mod = max(now, record.mod + 1)
        record.hash = content
        changes.removed.append(key)
        changes.emptied_cards.extend(f"{key}#{n}" for n in sorted(record.deletions.values()))
        record.retired.update(record.deletions)
        record.deletions = {}
    return _output(key, record, fields, tags, (), content, removed=True)


def _reconcile_note_types(
    lock: Lock, now: int, changes: Changes, hashes: Mapping[str, str]
) -> None:
    """The note types of the kinds the lock has notes of (removed ones too), and those it has
    already: a kind added to lmndeck changes no deck until the deck uses it."""
    used = {record.kind for record in lock.notes.values()}
    for kind, note_type in NOTE_TYPES.items():
        content = hashes[kind]
        record = lock.note_types.get(kind)
        if record is None and kind not in used:
            continue
        if record is None:
            lock.note_types[kind] = NoteTypeRecord(content, now)
        elif record.hash != content:
            record.hash, record.mod = content, max(now, record.mod + 1)
            changes.note_types.append(note_type.name)


# json.dumps(..., ensure_ascii=False) builds an encoder per call; this one is built once and
# writes the same text (the hashes in every lock depend on it).
_JSON = json.JSONEncoder(ensure_ascii=False)


def content_hash(kind: str, fields: tuple[str, ...], tags: tuple[str, ...]) -> str:
    data = _JSON.encode([kind, fields, tags])
    return hashlib.sha256(data.encode()).hexdigest()[:16]


class _GuidAllocator:
    """A new note's GUID is derived from its key, unless a record already has that GUID (it was
    renamed away from this key): one GUID must name one note in a student's collection."""

    def __init__(self, used: set[str], namespace: str) -> None:
        self._used = used
        self._namespace = namespace

    def allocate(self, key: str) -> str:
        guid = guid_for("lmndeck", self._namespace, key)
        attempt = 0
        while guid in self._used:
            attempt += 1
            guid = guid_for("lmndeck", self._namespace, key, attempt)
        self._used.add(guid)
        return str(guid)


class _IdAllocator:
    """Note ids are creation times in milliseconds, as Anki's are, kept unique."""

    def __init__(self, used: set[int], now: int) -> None:
        self._used = used
        self._next = now * 1000

    def allocate(self) -> int:
        while self._next in self._used:
            self._next += 1
        self._used.add(self._next)
        return self._next
