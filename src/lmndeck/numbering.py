"""Stable card numbers: each card key of a note (a cloze deletion's) keeps its number.

A student's review history is attached to a card number, so a number never moves to other
content: a key keeps its number while it exists, and a removed number is never given to
another key of the note.
"""

from __future__ import annotations

from typing import NamedTuple

from lmndeck.lock import NoteRecord

# A card's ord is 16 bits in Anki (measured: number 65536 renders "No cloze found", 65537 makes
# the whole import fail), so no card number may exceed this.
MAX_DELETION_NUMBER = 65_535


class Numbers(NamedTuple):
    active: dict[str, int]  # card key -> number, for the note's cards now
    retired: dict[str, int]  # keys gone from the note, whose numbers are never reused


def number(keys: tuple[str, ...], record: NoteRecord | None) -> Numbers:
    """The numbers of a note's card keys, from its record in the lock (None: a new note)."""
    return Numbers(*assign_numbers(keys, record))


def assign_numbers(
    keys: tuple[str, ...], record: NoteRecord | None
) -> tuple[dict[str, int], dict[str, int]]:
    """Card numbers for a note's card keys: (on a card now, retired).

    Known keys keep their numbers. When as many keys vanished as appeared, the new ones are
    rewordings of the old ones (in order) and take over their numbers. Any other new key gets a
    number never used before in this note.
    """
    # The two cases of almost every note, answered directly: a new note, and one whose cards
    # are those the lock has (the rules below give the same numbers).
    if record is None:
        return dict(zip(keys, range(1, len(keys) + 1), strict=True)), {}
    if record.deletions.keys() == set(keys):  # the record's own: numbers are never changed
        return record.deletions, record.retired
    old_active = dict(record.deletions)
    retired = dict(record.retired)
    active: dict[str, int] = {}
    for key in keys:
        if key in old_active:
            active[key] = old_active.pop(key)
        elif key in retired:
            active[key] = retired.pop(key)
    fresh = [key for key in keys if key not in active]
    vanished = sorted(old_active.items(), key=lambda item: item[1])
    if fresh and len(fresh) == len(vanished):
        for key, (_, number) in zip(fresh, vanished, strict=True):
            active[key] = number
        vanished, fresh = [], []
    retired.update(vanished)
    next_number = max([0, *active.values(), *retired.values()]) + 1
    for key in fresh:
        active[key] = next_number
        next_number += 1
    return {key: active[key] for key in keys}, retired
