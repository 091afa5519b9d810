"""The record of a build: what it read and wrote (the cards files' fingerprint, the lock's
and the deck's digests, the note types, the images, what it reported), in the build cache
beside its working files (see ``workspace``). The next build of the same deck compares: one
that would write what is there already writes nothing (``up_to_date``), and the deck the
record vouches for holds the lock it names (``built_with``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from lmndeck import cache
from lmndeck.kinds import NOTE_TYPES
from lmndeck.latest import PackageFormat
from lmndeck.lock import lock_path
from lmndeck.notetypes import all_note_types
from lmndeck.problems import Code, Problem
from lmndeck.reconcile import Changes


class Built(Protocol):
    """What a build's record takes from its plan (see ``pipeline.Plan``)."""

    @property
    def lock_file(self) -> bytes: ...
    @property
    def lock_digest(self) -> str: ...
    @property
    def notices(self) -> tuple[str, ...]: ...
    @property
    def warnings(self) -> tuple[Problem, ...]: ...
    @property
    def image_files(self) -> tuple[Path, ...]: ...
    @property
    def live_notes(self) -> int: ...
    @property
    def cards_by_kind(self) -> list[tuple[str, int]]: ...


@dataclass(frozen=True)
class UpToDate:
    """A build that found the lock file and the deck as the last build left them, from cards
    files with the same bytes: it wrote nothing, and reports what that build built."""

    live_notes: int
    cards_by_kind: list[tuple[str, int]]
    changes: Changes = field(default_factory=Changes)
    notices: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()  # drafts: a build with other warnings is never skipped


def built_with(record_path: Path | None) -> Callable[[Path, str], bool]:
    """Whether the deck at a path holds the lock file of a digest (``cache.digest`` of its
    bytes), as the last build's record tells (the deck's bytes checked): reading the lock out
    of the deck is then not needed."""
    record = cache.read_record(record_path) if record_path else None

    def holds(deck: Path, lock: str) -> bool:
        if record is None or record.get("deck") != str(deck):
            return False
        try:
            return record.get("lock") == lock and record.get("deck_hash") == cache.digest(
                deck.read_bytes()
            )
        except OSError:
            return False

    return holds


def record_path(cards_dir: Path, output: Path | None) -> Path | None:
    """The cache's record of the last build of ``cards_dir`` into ``output`` (None: the default
    output, which the cards directory and its lock decide). None when there is none to have."""
    try:
        return cache.build_record(cards_dir, output or cards_dir / "<default output>")
    except (OSError, RuntimeError):  # a deleted working directory, a link loop
        return None


def up_to_date(
    cards_dir: Path,
    output: Path | None,
    record_path: Path | None,
    cards: str | None,
    package_format: PackageFormat,
) -> tuple[UpToDate, Path] | None:
    """What the last build built, if the cards files, the lock file and the deck are still
    what it read and wrote (checked byte for byte, not by times), in ``package_format``."""
    if record_path is None or cards is None:
        return None
    record = cache.read_record(record_path)
    if record is None or record.get("cards") != cards:
        return None
    if record.get("note_types") != all_note_types(NOTE_TYPES, cards_dir):
        return None
    if record.get("package_format", "legacy") != package_format:  # older records: legacy
        return None
    try:
        target = Path(record["deck"])
        lock = lock_path(cards_dir).read_bytes()
        status = target.stat()
        if [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns] != record[
            "deck_status"
        ] or cache.digest(lock) != record["lock"]:
            return None
        if cache.digest(target.read_bytes()) != record["deck_hash"]:
            return None
        if _image_files(Path(path) for path, _ in record["images"]) != record["images"]:
            return None
        cards_by_kind = [(str(noun), int(number)) for noun, number in record["cards_by_kind"]]
        drafts = _drafts_of(record_path, cards, int(record["drafts"]))
        if drafts is None:
            return None
        return UpToDate(int(record["live_notes"]), cards_by_kind, warnings=drafts), output or target
    except (OSError, KeyError, TypeError, ValueError):
        return None


def _image_files(paths: Iterable[Path]) -> list[list[str]]:
    """[path, hash of its bytes] of each image file (once, sorted): the cards files name them,
    so a changed image alone is a change to build."""
    return [[str(path), cache.digest(path.read_bytes())] for path in sorted(set(paths))]


def remember(
    cards_dir: Path,
    record_path: Path | None,
    cards: str | None,
    result: Built,
    target: Path,
    deck: bytes,
    package_format: PackageFormat,
) -> None:
    """Record what this build read and wrote, for the next one to compare."""
    if record_path is None:
        return
    # A recovered or merged lock, or warnings that depend on more than the cards files: let
    # the next build look. Drafts depend on the cards files alone: kept, to be repeated.
    if cards is None or result.notices or any(w.code is not Code.DRAFT for w in result.warnings):
        cache.forget_record(record_path)
        return
    try:
        status = target.stat()
    except OSError:
        cache.forget_record(record_path)
        return
    record: dict[str, Any] = {
        "cards": cards,
        "lock": result.lock_digest,
        "deck": str(target),
        "deck_status": [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns],
        "deck_hash": cache.digest(deck),
        "package_format": package_format,
        "note_types": all_note_types(NOTE_TYPES, cards_dir),
        "images": _image_files(result.image_files),
        "live_notes": result.live_notes,
        "cards_by_kind": result.cards_by_kind,
        "drafts": len(result.warnings),
    }
    if result.warnings:  # a signed entry: the record is plain JSON, which no warning is
        cache.store(_drafts_entry(record_path), _drafts_key(cards), result.warnings)
    cache.write_record(record_path, record)


def _drafts_entry(record_path: Path) -> Path:
    return record_path.with_suffix(".drafts.pickle")


def _drafts_key(cards: str) -> str:
    return cache.key("drafts", cards)


def _drafts_of(record_path: Path, cards: str, count: int) -> tuple[Problem, ...] | None:
    """The draft warnings the last build gave, as many as it recorded; None if not kept."""
    if not count:
        return ()
    drafts = cache.load(_drafts_entry(record_path), _drafts_key(cards))
    if not isinstance(drafts, tuple) or len(drafts) != count:
        return None
    return drafts if all(isinstance(draft, Problem) for draft in drafts) else None
