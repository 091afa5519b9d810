"""Merging two versions of a lock so that every card keeps its history.

``restore_from`` brings back what the last built deck knows and the lock file lost: the deck and
the lock come from one line of builds, so the later version of each note is the true one.

``merge_locks`` merges two branches (``lmndeck lock merge``, or a lock with conflict markers),
which may both have changed a note. The rules, record by record:

- a note in one version only is kept as it is;
- when one version is the common ancestor's (git gives it to a merge driver), the other one is
  kept; without an ancestor, when one version is the other one later on (every deletion of the
  older one still has its number in it, and its time is not older), the later one is kept;
- otherwise the two are combined: every deletion of either keeps its card number; a number that
  the two versions gave to different deletions goes to neither: each of those deletions gets a
  number neither used, and the contested one is kept as retired (never given out again), since
  either deletion keeping it would put one branch's students' reviews on the other question;
  the note's ``mod`` becomes later than both, so Anki updates it for students of either;
- one note under two keys (the same GUID: renamed with 'was:' on one side) is merged as one note,
  under ``ours``' key;
- two other notes with the same note id or GUID: the one in ``ours`` (else the first by key)
  keeps it, the other gets a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from lmndeck.lock import Lock, NoteRecord, NoteTypeRecord, guid_for


@dataclass
class Merged:
    lock: Lock
    resolutions: list[str] = field(default_factory=list)  # each decision between the versions


def merge_locks(ours: Lock, theirs: Lock, base: Lock | None = None) -> Merged:
    """Both versions in one lock; ``ours`` wins where they contradict each other. ``base`` is
    the version both come from, when known."""
    merged = Merged(Lock(namespace=ours.namespace or theirs.namespace))
    if ours.namespace and theirs.namespace and ours.namespace != theirs.namespace:
        merged.resolutions.append(
            f"the namespaces differ: kept '{ours.namespace}', not '{theirs.namespace}'"
        )
    theirs = renamed_as_ours(ours, theirs, merged.resolutions)
    base = renamed_as_ours(ours, base, []) if base else None
    for key in sorted(ours.notes.keys() | theirs.notes.keys()):
        mine, other = ours.notes.get(key), theirs.notes.get(key)
        if mine is None or other is None:
            record = mine or other
            assert record is not None
            merged.lock.notes[key] = _copy(record)
        else:
            original = base.notes.get(key) if base else None
            merged.lock.notes[key] = _merge_note(key, mine, other, original, merged.resolutions)
    _keep_identities_unique(merged, ours)
    _newest_note_types(merged.lock, ours, theirs)
    return merged


def renamed_as_ours(ours: Lock, theirs: Lock, log: list[str]) -> Lock:
    """``theirs`` with each note that ``ours`` has under another key (one GUID: a 'was:' rename
    on one side) filed under ours' key, so that the two versions merge as the one note they
    are; the cards' 'was:' moves it on to the current id at the next build if need be."""
    key_of = {record.guid: key for key, record in ours.notes.items()}
    notes: dict[str, NoteRecord] = {}
    for key, record in theirs.notes.items():
        target = key_of.get(record.guid, key)
        if target != key and target not in theirs.notes:
            log.append(f"{key} in theirs is {target} in ours (renamed): merged as one note")
            key = target
        notes[key] = record
    return Lock(namespace=theirs.namespace, notes=notes, note_types=theirs.note_types)


def restore_from(lock: Lock, deck: Lock) -> Merged:
    """``lock`` with the notes that ``deck`` (the lock of the last built deck) has in a later
    version or that ``lock`` lacks."""
    merged = Merged(lock.copy())
    merged.lock.namespace = lock.namespace or deck.namespace
    # a note the lock has under another key (renamed with 'was:' since, or before) is compared
    # with, and restored under, the lock's key: the cards' 'was:' moves it on if need be
    for key, record in renamed_as_ours(lock, deck, []).notes.items():
        mine = lock.notes.get(key)
        if mine is None or record.mod > mine.mod:
            merged.lock.notes[key] = _copy(record)
    _keep_identities_unique(merged, lock)
    _newest_note_types(merged.lock, lock, deck)
    return merged


def _newest_note_types(merged: Lock, ours: Lock, theirs: Lock) -> None:
    for kind in sorted(ours.note_types.keys() | theirs.note_types.keys()):
        candidates = [lock.note_types[kind] for lock in (ours, theirs) if kind in lock.note_types]
        newest = max(candidates, key=lambda record: record.mod)  # the first on a tie: ours
        merged.note_types[kind] = NoteTypeRecord(newest.hash, newest.mod)


def _copy(record: NoteRecord) -> NoteRecord:
    return replace(record, deletions=dict(record.deletions), retired=dict(record.retired))


def _numbered(record: NoteRecord) -> dict[str, int]:
    return {**record.deletions, **record.retired}


def descends(later: NoteRecord, earlier: NoteRecord) -> bool:
    """Whether ``later`` surely is ``earlier`` after more builds: builds only add deletions.
    (A build that took a reworded deletion's number also fits another branch's new deletion
    with that number, so it does not count: the two are then combined, which is safe.)"""
    numbered = _numbered(later)
    return (
        (later.guid, later.id, later.kind) == (earlier.guid, earlier.id, earlier.kind)
        and later.mod >= earlier.mod
        and all(numbered.get(key) == number for key, number in _numbered(earlier).items())
    )


def _merge_note(
    key: str, mine: NoteRecord, other: NoteRecord, base: NoteRecord | None, log: list[str]
) -> NoteRecord:
    if mine == base or (descends(other, mine) and not descends(mine, other)):
        return _copy(other)
    if other == base or descends(mine, other):
        return _copy(mine)
    newer = other if other.mod > mine.mod else mine
    if (mine.guid, mine.id) != (other.guid, other.id):
        log.append(f"{key}: the versions have different note ids or GUIDs; kept ours")
    active, retired = _merge_numbers(key, mine, other, newer, log)
    return NoteRecord(
        guid=mine.guid,
        kind=newer.kind,
        deck=newer.deck,
        id=mine.id,
        hash=newer.hash,
        mod=max(mine.mod, other.mod) + 1,  # later than both: Anki updates either version
        deletions=active,
        retired=retired,
        removed=newer.removed,
    )


def _merge_numbers(
    key: str, mine: NoteRecord, other: NoteRecord, newer: NoteRecord, log: list[str]
) -> tuple[dict[str, int], dict[str, int]]:
    """Every deletion of both versions with a number of its own; no number used twice, and no
    number that the versions gave to different deletions (their students' reviews of that
    card are of different questions)."""
    claims = [
        (deletion, number)
        for record in (mine, other)
        for deletion, number in (*record.deletions.items(), *record.retired.items())
    ]
    claimants: dict[int, set[str]] = {}
    for deletion, number in claims:
        claimants.setdefault(number, set()).add(deletion)
    contested = {number for number, deletions in claimants.items() if len(deletions) > 1}
    next_number = max((number for _, number in claims), default=0) + 1
    owner: dict[int, str] = {}
    chosen: dict[str, int] = {}
    for deletion, number in claims:  # ours first: a deletion numbered twice keeps ours
        if number not in contested and deletion not in chosen:
            owner[number], chosen[deletion] = deletion, number
    for deletion, number in claims:
        if deletion not in chosen:
            others = ", ".join(repr(name) for name in sorted(claimants[number] - {deletion}))
            log.append(
                f"{key}: card {number} is {deletion!r} in one version and {others} in the "
                f"other; {deletion!r} gets card {next_number} (card {number} keeps its reviews, "
                "empty, so that none move to another question)"
            )
            owner[next_number], chosen[deletion] = deletion, next_number
            next_number += 1
    for _, number in claims:
        owner.setdefault(number, reserved_key(number))  # held by the other version's card
    active: dict[str, int] = {}
    retired: dict[str, int] = {}
    for number, deletion in sorted(owner.items()):
        is_active = deletion in (
            newer.deletions
            if deletion in newer.deletions or deletion in newer.retired
            else {**mine.deletions, **other.deletions}
        )
        (active if is_active else retired)[deletion] = number
    return active, retired


def reserved_key(number: int) -> str:
    """A retired deletion key that no deletion can have (keys never start with a space)."""
    return f" card {number}"


def _keep_identities_unique(merged: Merged, ours: Lock) -> None:
    """Two keys with one note id or GUID would be one note in Anki: the later one gets new ones."""
    order = sorted(merged.lock.notes, key=lambda key: (key not in ours.notes, key))
    ids: set[int] = set()
    guids: set[str] = set()
    next_id = max((record.id for record in merged.lock.notes.values()), default=0) + 1
    for key in order:
        record = merged.lock.notes[key]
        # A record given a new identity gets a later time too: a deck built before the merge
        # has the old one at the old time, which would read as a lock edited by hand.
        if record.id in ids:
            merged.resolutions.append(f"{key}: note id {record.id} is another note's; new id")
            record.id, next_id, record.mod = next_id, next_id + 1, record.mod + 1
        if record.guid in guids:
            merged.resolutions.append(
                f"{key}: GUID {record.guid} is another note's; new GUID (a new note in Anki)"
            )
            record.guid = guid_for("lmndeck", merged.lock.namespace, key, "merged")
            record.mod += 1
        ids.add(record.id)
        guids.add(record.guid)
