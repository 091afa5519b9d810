"""Reading the lock file as strictly as a cards file: every problem at its line and column.

The lock is JSON, but ``json.loads`` forgets where values are and silently keeps the last of
two equal keys, so it is parsed with every key's and value's place (``jsonlocated``). Validation
then reports each wrong value where it is and collects all of them, because a lock that is read
wrongly moves review history onto other cards. ``lockfile`` reads the lock file with it (the
sides of a lock with conflict markers each read, then merged).
"""

from __future__ import annotations

import json
import re
from typing import TypeVar

from lmndeck.jsonlocated import (
    Entry,
    Locator,
    LockSyntaxError,
    Node,
    Object,
    entries,
    offset_of,
    parse_fast,
    parse_located,
    value_of,
)
from lmndeck.kinds import BY_NAME
from lmndeck.lock import CONTROL, FORMAT, Lock, NoteRecord, NoteTypeRecord, changed_records
from lmndeck.numbering import MAX_DELETION_NUMBER
from lmndeck.problems import Code, ContentError, Problem

# Bounds measured with Anki's backend: a note's mod is stored in 32 bits (larger values wrap
# around, and imports then never update the note); a card's ord in 16 bits (number 65536
# renders "No cloze found", 65537 makes the whole import fail: see ``numbering``).
MAX_MOD = 2**32 - 1
# Note ids are milliseconds, as Anki's are; beyond 2**53 JSON readers lose precision.
MAX_NOTE_ID = 2**53 - 1
_GUID = re.compile(r"[!-~]{1,64}")

RESTORE_HINT = (
    "lmndeck writes this file: restore it from version control "
    "(git checkout -- <lock>), or delete it and lmndeck recovers it from the last built deck"
)


T = TypeVar("T")


class LockValidator:
    """Turns a located document into a ``Lock``, collecting every problem."""

    def __init__(self, locator: Locator) -> None:
        self.locator = locator
        self.problems: list[Problem] = []

    def problem(self, offset: int, message: str, hint: str = RESTORE_HINT) -> None:
        printable = message.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates
        where = self.locator.position(offset)
        self.problems.append(Problem(where, printable, hint, code=Code.INVALID_LOCK))

    def lock(self, node: Node) -> Lock:
        top = self._object(node, "the lock file")
        if top is None:
            return Lock()
        fields = self._fields(
            top, "the lock file", ("lmndeck-lock", "namespace", "note_types", "notes")
        )
        version = fields.get("lmndeck-lock")
        if version is not None:
            self._format(version)
        namespace = self._text(fields.get("namespace"), "the namespace") or ""
        lock = Lock(namespace=namespace)
        note_types = self._object(fields.get("note_types"), "note_types")
        for entry in entries(note_types) if note_types else ():
            record = self._note_type(entry)
            if record:
                lock.note_types[entry.key] = record
        notes = self._object(fields.get("notes"), "notes")
        if notes:
            self._notes(notes, lock)
        return lock

    def _format(self, version: Node) -> None:
        value = value_of(version)
        if type(value) is int and value > FORMAT:
            self.problem(
                offset_of(version),
                f"the lock file has format {value}, written by a newer lmndeck",
                "upgrade lmndeck (pip install -U lmndeck) to build this deck",
            )
        elif value != FORMAT:
            self.problem(offset_of(version), f"unknown lock format {_shown(version)}")

    def _note_type(self, entry: Entry) -> NoteTypeRecord | None:
        if entry.key not in BY_NAME:
            self.problem(entry.key_offset, f"unknown note type '{entry.key}' in the lock")
            return None
        record = self._object(entry.node, f"note type '{entry.key}'")
        if record is None:
            return None
        fields = self._fields(record, f"note type '{entry.key}'", ("hash", "mod"))
        hash_ = self._text(fields.get("hash"), "hash", allow_empty=True)
        mod = self._integer(fields.get("mod"), "mod", 1, MAX_MOD, "a time in seconds")
        if hash_ is None or mod is None:
            return None
        return NoteTypeRecord(hash_, mod)

    def _notes(self, notes: Object, lock: Lock) -> None:
        first: dict[str, int] = {}  # offsets: lines are only looked up for a problem
        first_id: dict[int, tuple[str, int]] = {}
        first_guid: dict[str, tuple[str, int]] = {}
        for entry in entries(notes):
            if entry.key in first:
                self.problem(
                    entry.key_offset,
                    f"the note '{entry.key}' is in the lock twice (first on line "
                    f"{self.locator.line_of(first[entry.key])})",
                    "keep one of the two lines; if this came from a merge, run "
                    "'lmndeck lock merge' on both versions (see the README)",
                )
                continue
            first[entry.key] = entry.key_offset
            if not entry.key.strip() or CONTROL.search(entry.key):
                self.problem(entry.key_offset, f"invalid note key {json.dumps(entry.key)}")
                continue
            record = _plain_note(entry.node)
            if record is not None:  # the usual case: only its uniqueness is left to check
                fields = dict(entry.node)
            else:
                located = self._note(entry)
                if located is None:
                    continue
                record, fields = located
            clash = self._unique(first_id, record.id, entry, fields["id"], "note id")
            clash |= self._unique(first_guid, record.guid, entry, fields["guid"], "GUID")
            if not clash:
                lock.notes[entry.key] = record
        if lock.notes and not lock.namespace:
            self.problem(offset_of(notes), "a lock with notes needs its namespace")

    def _unique(
        self, first: dict[T, tuple[str, int]], value: T, entry: Entry, node: Node, what: str
    ) -> bool:
        if value in first:
            other, offset = first[value]
            self.problem(
                offset_of(node),
                f"note '{entry.key}' has the same {what} as note '{other}' on line "
                f"{self.locator.line_of(offset)}",
                "two notes would become one in Anki; restore the lock from version control, "
                "or remove the line of the note that was added last",
            )
            return True
        first[value] = (entry.key, entry.key_offset)
        return False

    def _note(self, entry: Entry) -> tuple[NoteRecord, dict[str, Node]] | None:
        where = f"note '{entry.key}'"
        record = self._object(entry.node, where)
        if record is None:
            return None
        names = ("guid", "kind", "deck", "id", "hash", "mod", "deletions", "retired", "removed")
        fields = self._fields(record, where, names, optional=("deletions", "retired", "removed"))
        guid = self._text(fields.get("guid"), "guid")
        if guid is not None and not _GUID.fullmatch(guid):
            self.problem(offset_of(fields["guid"]), f"invalid GUID {json.dumps(guid)}")
            guid = None
        kind = self._text(fields.get("kind"), "kind")
        if kind is not None and kind not in BY_NAME:
            self.problem(
                offset_of(fields["kind"]),
                f"unknown note kind '{kind}'",
                "a note's kind is one of "
                + ", ".join(f"'{name}'" for name in BY_NAME)
                + "; "
                + RESTORE_HINT,
            )
            kind = None
        deck = self._text(fields.get("deck"), "deck")
        note_id = self._integer(fields.get("id"), "note id", 1, MAX_NOTE_ID, "Anki's note id")
        hash_ = self._text(fields.get("hash"), "hash", allow_empty=True)
        mod = self._integer(fields.get("mod"), "mod", 1, MAX_MOD, "a time in seconds")
        numbers = self._numbers(fields.get("deletions"), fields.get("retired"), kind)
        removed = self._flag(fields.get("removed"))
        if None in (guid, kind, deck, note_id, hash_, mod, numbers, removed):
            return None
        assert guid and kind and deck and note_id and mod and numbers and hash_ is not None
        return NoteRecord(
            guid, kind, deck, note_id, hash_, mod, *numbers, removed=bool(removed)
        ), fields

    def _numbers(
        self, active: Node | None, retired: Node | None, kind: str | None
    ) -> tuple[dict[str, int], dict[str, int]] | None:
        """The deletion numbers (on a card, retired): positive, and each used once."""
        problems_before = len(self.problems)
        seen: dict[int, str] = {}
        result: list[dict[str, int]] = []
        for node, name in ((active, "deletions"), (retired, "retired")):
            numbers: dict[str, int] = {}
            result.append(numbers)
            mapping = self._object(node, name) if node is not None else None
            for entry in entries(mapping) if mapping else ():
                number = self._integer(
                    entry.node, "a card number", 1, MAX_DELETION_NUMBER, "Anki's cloze number"
                )
                if number is None:
                    continue
                if entry.key in result[0] or entry.key in numbers:
                    self.problem(
                        entry.key_offset, f"deletion {json.dumps(entry.key)} is listed twice"
                    )
                elif number in seen:
                    self.problem(
                        offset_of(entry.node),
                        f"card number {number} is given to deletions {json.dumps(seen[number])} "
                        f"and {json.dumps(entry.key)}",
                        "two deletions would share one card and its history; " + RESTORE_HINT,
                    )
                else:
                    seen[number] = entry.key
                    numbers[entry.key] = number
            if mapping and kind in BY_NAME and not BY_NAME[kind].numbered:
                self.problem(offset_of(mapping), f"a '{kind}' note has no deletions")
        return (result[0], result[1]) if len(self.problems) == problems_before else None

    def _object(self, node: Node | None, what: str) -> Object | None:
        if node is None:
            return None
        if not isinstance(node, Object):
            self.problem(
                offset_of(node), f"{what} must be a JSON object {{...}}, not {_shown(node)}"
            )
            return None
        return node

    def _fields(
        self, record: Object, what: str, names: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Node]:
        fields: dict[str, Node] = {}
        for index, (key, node) in enumerate(record):
            if key in fields:
                self.problem(record.key_offset(index), f"'{key}' is given twice in {what}")
            elif key not in names:
                self.problem(record.key_offset(index), f"unknown field '{key}' in {what}")
            else:
                fields[key] = node
        for name in names:
            if name not in fields and name not in optional:
                self.problem(record.offset, f"{what} has no '{name}'")
        return fields

    def _text(self, node: Node | None, what: str, allow_empty: bool = False) -> str | None:
        if node is None:
            return None
        value = value_of(node)
        if not isinstance(value, str):
            self.problem(offset_of(node), f"{what} must be a string, not {_shown(node)}")
        elif not value.strip() and not allow_empty:
            self.problem(offset_of(node), f"{what} is empty")
        elif CONTROL.search(value):
            self.problem(offset_of(node), f"{what} contains a control character")
        else:
            return value
        return None

    def _integer(
        self, node: Node | None, what: str, low: int, high: int, meaning: str
    ) -> int | None:
        if node is None:
            return None
        value = value_of(node)
        if type(value) is not int:
            self.problem(offset_of(node), f"{what} must be a whole number, not {_shown(node)}")
        elif not low <= value <= high:
            self.problem(
                offset_of(node),
                f"{what} {value} is out of range ({low} to {high}, {meaning})",
            )
        else:
            return value
        return None

    def _flag(self, node: Node | None) -> bool | None:
        if node is None:
            return False
        value = value_of(node)
        if not isinstance(value, bool):
            self.problem(offset_of(node), f"removed must be true or false, not {_shown(node)}")
            return None
        return value


_NOTE_FIELDS = frozenset(
    ("guid", "kind", "deck", "id", "hash", "mod", "deletions", "retired", "removed")
)
_REQUIRED_NOTE_FIELDS = _NOTE_FIELDS - {"deletions", "retired", "removed"}


def _plain_note(node: Node) -> NoteRecord | None:
    """The record of a note (from the fast reader) that ``LockValidator._note`` would accept
    without a problem, checked in a few comparisons; None for any other note, which then goes
    through ``_note`` to have its problems found. Reading a 20k-note lock took 0.8 s with
    ``_note`` alone, most of it building what only a wrong record needs."""
    if type(node) is not Object:
        return None
    fields = dict(node)
    if len(fields) != len(node) or not _REQUIRED_NOTE_FIELDS <= fields.keys() <= _NOTE_FIELDS:
        return None
    removed = fields.get("removed")
    # A missing or null list of numbers is an empty one; anything but an object goes to _note.
    active, retired = (
        Object() if value is None else value
        for value in (fields.get("deletions"), fields.get("retired"))
    )
    if type(active) is not Object or type(retired) is not Object:
        return None
    deletions, retirements = dict(active), dict(retired)
    if len(deletions) != len(active) or len(retirements) != len(retired):
        return None  # a deletion listed twice
    record = NoteRecord(
        fields["guid"],
        fields["kind"],
        fields["deck"],
        fields["id"],
        fields["hash"],
        fields["mod"],
        deletions,
        retirements,
        False if removed is None else removed,  # null is no flag, as ``_flag`` reads it
    )
    return record if _valid_record(record) else None


def _valid_record(record: NoteRecord) -> bool:
    """Whether ``LockValidator._note`` finds nothing wrong with the values of ``record``."""
    guid, kind, deck, hash_ = record.guid, record.kind, record.deck, record.hash
    if not (
        type(guid) is str
        and _GUID.fullmatch(guid)
        and type(kind) is str
        and kind in BY_NAME
        and type(deck) is str
        and deck.strip()
        and not CONTROL.search(deck)
        and type(hash_) is str
        and not CONTROL.search(hash_)
        and type(record.id) is int
        and 1 <= record.id <= MAX_NOTE_ID
        and type(record.mod) is int
        and 1 <= record.mod <= MAX_MOD
        and type(record.removed) is bool
    ):
        return False
    deletions, retired = record.deletions, record.retired
    if (deletions or retired) and not BY_NAME[kind].numbered:
        return False
    numbers = [*deletions.values(), *retired.values()]
    if not all(type(number) is int and 1 <= number <= MAX_DELETION_NUMBER for number in numbers):
        return False
    # no deletion both on a card and retired, no number given twice
    return len(deletions.keys() | retired.keys()) == len(numbers) == len(set(numbers))


def readable(lock: Lock, known: Lock | None = None) -> bool:
    """Whether reading the lock file ``encode_lock`` writes of ``lock`` finds nothing wrong,
    checked on the records (a tenth of the time of reading the file). ``known``: a lock that
    reading accepts, whose records found again the same need no second look (after one
    edit, all but a few)."""
    changed = changed_records(lock, known)
    keys = [key for key, _ in changed]
    texts = [lock.namespace, *keys, *(record.hash for record in lock.note_types.values())]
    return (
        bool(lock.namespace.strip())
        and not any(CONTROL.search(text) for text in texts)
        and all(key.strip() for key in keys)
        and all(_valid_record(record) for _, record in changed)
        and len({record.id for record in lock.notes.values()}) == len(lock.notes)
        and len({record.guid for record in lock.notes.values()}) == len(lock.notes)
        and all(
            kind in BY_NAME and type(record.mod) is int and 1 <= record.mod <= MAX_MOD
            for kind, record in lock.note_types.items()
        )
    )


def _shown(node: Node) -> str:
    if isinstance(node, Object):
        return "an object"
    text = json.dumps(value_of(node), ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_lock(text: str, locator: Locator) -> Lock:
    """The lock in ``text``; a ``ContentError`` with every problem found."""
    try:
        validator = LockValidator(locator)
        lock = validator.lock(parse_fast(text))
        if not validator.problems:
            return lock
    except (ValueError, RecursionError):  # invalid JSON (JSONDecodeError is a ValueError)
        pass
    try:
        node = parse_located(text)
    except LockSyntaxError as error:
        hint = "a lock file is JSON with one note per line; " + RESTORE_HINT
        where = locator.position(error.offset)
        raise ContentError([Problem(where, error.message, hint, code=Code.INVALID_LOCK)]) from None
    validator = LockValidator(locator)
    lock = validator.lock(node)
    if validator.problems:
        raise ContentError(validator.problems)
    return lock
