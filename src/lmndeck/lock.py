"""The lock file: what earlier builds promised each note, so that later builds keep it.

Per note it records the GUID, the note id, a hash of the content, the time of the last content
change (the note's ``mod``: Anki updates a note on import only when this is newer) and the card
number of every deletion. It is JSON with one note per line, sorted, so that diffs stay
readable. ``lockfile`` reads it (validated by ``lockparse``, conflict markers merged),
``lockmerge`` merges two versions, ``recover`` checks it against the project and the last
built deck.
"""

from __future__ import annotations

import bisect
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

LOCK_NAME = "lmndeck.lock"
FORMAT = 1
# Characters no text of a lock may have (a key, a deck, the namespace): controls, and what
# UTF-8 cannot write (lone surrogates) or JSON readers may reject.
CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

# Key prefix of a note recovered from a deck that does not tell its key (a removed note)
UNKNOWN_KEY = "unknown/"


@dataclass(slots=True)  # one per note: a dictionary each would be a third of the lock's memory
class NoteRecord:
    guid: str
    kind: str
    deck: str
    id: int
    hash: str
    mod: int
    deletions: dict[str, int] = field(default_factory=dict)  # on a card now
    retired: dict[str, int] = field(default_factory=dict)  # removed; numbers never reused
    removed: bool = False

    def copy(self) -> NoteRecord:
        """A copy whose numbers can be changed without touching these (dataclasses.replace,
        which checks every field by name, took a tenth of a rebuild of 20k facts)."""
        return NoteRecord(
            self.guid,
            self.kind,
            self.deck,
            self.id,
            self.hash,
            self.mod,
            dict(self.deletions),
            dict(self.retired),
            self.removed,
        )


@dataclass(slots=True)
class NoteTypeRecord:
    hash: str
    mod: int


@dataclass
class Lock:
    # Set once, at the first build; seeds GUIDs so that two unrelated projects that both use
    # an id like "definition" never update each other's notes.
    namespace: str = ""
    notes: dict[str, NoteRecord] = field(default_factory=dict)
    note_types: dict[str, NoteTypeRecord] = field(default_factory=dict)

    def copy(self) -> Lock:
        """A copy whose records can be changed without touching this lock's."""
        return Lock(
            namespace=self.namespace,
            notes={key: record.copy() for key, record in self.notes.items()},
            note_types={key: replace(record) for key, record in self.note_types.items()},
        )


_BASE91 = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
)


def guid_for(*values: object) -> str:
    """genanki.guid_for, the same GUIDs (Anki's base 91 of 8 bytes of a SHA-256) with fewer
    steps: it runs for every new note, and a first build has only new notes."""
    data = "__".join(str(value) for value in values).encode("utf-8")
    number = int.from_bytes(hashlib.sha256(data).digest()[:8], "big")
    digits = []
    while number:
        number, digit = divmod(number, 91)
        digits.append(_BASE91[digit])
    return "".join(reversed(digits))


def lock_path(cards_dir: Path) -> Path:
    return cards_dir / LOCK_NAME


def changed_records(lock: Lock, known: Lock | None) -> list[tuple[str, NoteRecord]]:
    """The records of ``lock`` that ``known`` lacks or has otherwise (all without it); a
    record that is ``known``'s own object (reconcile.match shares them) is not compared."""
    before = known.notes if known is not None else {}
    return [
        (key, record)
        for key, record in lock.notes.items()
        if (old := before.get(key)) is not record and old != record
    ]


class WrittenLock(NamedTuple):
    """A lock file's text that ``encode_lock`` wrote (a build marked it, see
    ``lockfile.remember_lock``), and the lock read from it."""

    lock: Lock
    text: str


def encode_lock(lock: Lock, written: WrittenLock | None = None) -> bytes:
    """The lock file's bytes. ``written``: the lock file this one follows, whose lines of the
    records that did not change are taken as they are (after one edit, all but a few:
    encoding a record is most of the time); when only a few changed, its text with their lines
    spliced in (see ``_spliced``). Otherwise its text encoded piece by piece, never held whole
    as text too (25 MB at 100k facts, and as much again for the text joined), into a buffer
    that grows, not joined: a join holds every piece and the whole at once (at 100k facts
    57 MB more than the lock, and the peak of a first build, which has no ``written``)."""
    spliced = _spliced(lock, written)
    if spliced is not None:
        return spliced.encode("utf-8")
    out = io.BytesIO()
    for piece in _lock_text(lock, _known_lines(written)):
        out.write(piece.encode("utf-8"))
    return out.getvalue()


_SPLICED = 64  # records changed, added or gone past which the text is written anew


def _spliced(lock: Lock, written: WrittenLock | None) -> str | None:
    """The text ``_lock_text`` writes of ``lock``, made of ``written``'s with only the lines
    of the records that changed replaced, the new ones put in and those gone taken out, found
    by their keys (the text is sorted by them): after one edit, a few of 25,000 lines, where
    walking every record took 0.05 s at 20k notes and 0.3 s at 100k. None when the namespace
    or the note types changed, more than ``_SPLICED`` records did, or the last line went."""
    if written is None or not written.lock.notes or not lock.notes:
        return None
    before, text = written.lock, written.text
    if lock.namespace != before.namespace or lock.note_types != before.note_types:
        return None
    changed = dict(changed_records(lock, before))
    gone = before.notes.keys() - lock.notes.keys()
    if len(changed) + len(gone) > _SPLICED or not text.endswith(_END):
        return None
    keys = list(before.notes)  # in the text's order
    last = len(text) - len(_END)  # where the last line ends
    since = text.index(_NOTES) + len(_NOTES) - 1  # lines are looked for in order, from here
    edits: list[tuple[int, int, int, str]] = []  # where, insertions first, end, new text
    for key in sorted(changed.keys() | gone):
        record = changed.get(key)
        line = f"  {json.dumps(key)}: {note_json(record)}" if record else ""
        if key not in before.notes:  # before the line of the next key, or after the last
            at = bisect.bisect_left(keys, key)
            if at == len(keys):
                edits.append((last, 0, last, ",\n" + line))
                continue
            span = _line(text, keys[at], since)
            if span is None:
                return None
            edits.append((span[0], 0, span[0], line + ",\n"))
        else:
            span = _line(text, key, since)
            if span is None or (not line and span[1] == last):
                return None
            edits.append((span[0], 1, span[1] if line else span[1] + 2, line))  # its comma too
        since = span[0] - 1
    pieces: list[str] = []
    cursor = 0
    for start, _, end, new in edits:  # in the text's order: the keys were
        if start < cursor:
            return None
        pieces += (text[cursor:start], new)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _line(text: str, key: str, since: int) -> tuple[int, int] | None:
    """Where the line of ``key`` starts and ends in a lock's text (its comma not included),
    looked for from ``since``."""
    start = text.find(f"\n  {json.dumps(key)}: {{", since)
    if start < 0:
        return None
    end = text.index("\n", start + 1)
    return start + 1, end - 1 if text[end - 1] == "," else end


def _known_lines(written: WrittenLock | None) -> dict[str, tuple[NoteRecord, str]]:
    """Each note's record in ``written``, and its line there (without its comma)."""
    if written is None or not written.lock.notes:
        return {}
    start = written.text.index(_NOTES) + len(_NOTES)
    lines = written.text[start : -len(_END)].split(",\n")  # a string's ",\n" is escaped
    if len(lines) != len(written.lock.notes):  # not a text encode_lock wrote: nothing kept
        return {}
    return {
        key: (record, line)
        for (key, record), line in zip(written.lock.notes.items(), lines, strict=True)
    }


_NOTES = '\n},\n"notes": {\n'
_END = "\n}\n}\n"


def _lock_text(lock: Lock, known: dict[str, tuple[NoteRecord, str]]) -> Iterator[str]:
    """The lock file's text in pieces: a note's record per piece (its line in ``known`` when
    it has the same record there)."""

    def lines(
        records: dict[str, Any],
        encode: Callable[[Any], str],
        known: dict[str, tuple[NoteRecord, str]],
    ) -> Iterator[str]:
        separator = "\n"
        for key, record in sorted(records.items()):
            kept = known.get(key)
            if kept is not None and (kept[0] is record or kept[0] == record):
                yield separator + kept[1]
            else:
                yield f"{separator}  {json.dumps(key)}: {encode(record)}"
            separator = ",\n"
        if separator == "\n":  # none: an empty line, as ever
            yield separator

    yield (
        f'{{\n"lmndeck-lock": {FORMAT},\n"namespace": {json.dumps(lock.namespace, ensure_ascii=False)},\n'
        f'"note_types": {{'
    )
    yield from lines(
        lock.note_types,
        lambda record: f'{{"hash": {_string(record.hash)}, "mod": {record.mod}}}',
        {},
    )
    yield _NOTES.removesuffix("\n")
    yield from lines(lock.notes, note_json, known)
    yield _END


# What json.dumps(text, ensure_ascii=False) writes for a string (the C encoder when there is one).
_string: Callable[[str], str] = json.encoder.encode_basestring


def note_json(record: NoteRecord) -> str:
    """The record as ``json.dumps(..., sort_keys=True, ensure_ascii=False)`` writes its fields,
    leaving out those still at their empty default (deletions, retired, removed: less to diff),
    written field by field: the same text in a third of the time, for every note."""
    parts = [f'"deck": {_string(record.deck)}']
    if record.deletions:
        parts.append(f'"deletions": {_numbers_json(record.deletions)}')
    parts.append(f'"guid": {_string(record.guid)}, "hash": {_string(record.hash)}')
    parts.append(f'"id": {record.id}, "kind": {_string(record.kind)}, "mod": {record.mod}')
    if record.removed:
        parts.append('"removed": true')
    if record.retired:
        parts.append(f'"retired": {_numbers_json(record.retired)}')
    return "{" + ", ".join(parts) + "}"


def _numbers_json(numbers: dict[str, int]) -> str:
    return "{" + ", ".join(f"{_string(key)}: {numbers[key]}" for key in sorted(numbers)) + "}"
