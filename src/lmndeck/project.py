"""A directory of cards files, loaded and validated together (ids are unique across files)."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lmndeck import cache
from lmndeck.deckfile import ReadFile, read_deck_file
from lmndeck.kinds import KINDS
from lmndeck.kinds.base import DeckFile, Item, Kind, NoteShape, PlannedNote
from lmndeck.loader import load_bytes
from lmndeck.lock import CONTROL
from lmndeck.media import Image, unchanged
from lmndeck.outline import FileOutline, NoteOutline, PreviousIds, packed, unpacked
from lmndeck.problems import (
    RELATED,
    Code,
    ContentError,
    Level,
    Position,
    Problem,
    file_position,
    place,
)
from lmndeck.reader import previous_id_problems, suggest

CARD_SUFFIXES = (".yaml", ".yml")  # in any case: '.YAML' files are cards files too

_UNREADABLE_HINT = "check the permissions (ls -l), or move it out of the cards directory"


@dataclass(frozen=True)
class Project:
    root: Path
    files: tuple[DeckFile, ...]
    # Each file's cache key (version, path, bytes), in the order of ``files``: what the
    # build caches per file is stored under it.
    keys: tuple[str, ...] = ()

    @property
    def shared_deck(self) -> str:
        """The longest deck-name prefix every file shares, e.g. 'Neurology::Motor neuron
        lesions'; '' when they share none."""
        return shared_deck_of(deck_file.deck for deck_file in self.files)

    @property
    def top_deck(self) -> str:
        """The shared deck, or the cards directory's name (see ``top_deck_of``)."""
        return top_deck_of(self.root, (deck_file.deck for deck_file in self.files))

    @property
    def drafts(self) -> list[tuple[Kind, Item]]:
        """Items marked 'draft: true', with their kinds, in file order."""
        return [
            (kind, item)
            for deck_file in self.files
            for kind in KINDS
            for item in deck_file.items(kind.name)
            if item.draft
        ]


def shared_deck_of(decks: Iterable[str]) -> str:
    """The longest deck-name prefix all ``decks`` share; '' when they share none."""
    split = [deck.split("::") for deck in decks]
    common = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "::".join(common)


def top_deck_of(root: Path, decks: Iterable[str]) -> str:
    """The shared deck of ``decks``; the cards directory's name names the deck (and seeds its
    lock's namespace) when they share none: without what a lock may not hold, such as a tab."""
    return shared_deck_of(decks) or CONTROL.sub("?", root.resolve().name)


@dataclass(frozen=True)
class PlanFile:
    """A cards file as a build plans it: its outline, the cache key of what is made of it, and
    its model when it was read now (else it is loaded only if a note must render anew)."""

    outline: FileOutline
    key: str
    model: DeckFile | None

    @property
    def notes(self) -> tuple[NoteShape, ...]:
        return tuple(file_notes(self.model)) if self.model else self.outline.notes

    def planned(self, root: Path) -> dict[str, PlannedNote]:
        """Its notes that render, by key (the model read from the cache if need be). The file
        is read again: one saved since it was planned is refused, since what is rendered of
        it is cached under ``key``, the bytes it had (an editor's save undone later would
        otherwise bring back the edit, cached as the file it undid)."""
        model = self.model
        if model is None:
            path = self.outline.path
            read, key = read_cards_file(root, root / path, path, remember=False)
            if key != self.key:
                raise ContentError([_changed_while_building(root, path)])
            if read.deck_file is None:  # changed since: the build will refuse to write
                raise ContentError(read.problems)
            model = read.deck_file
        return {note.key: note for note in file_notes(model)}


def _changed_while_building(root: Path, shown: str) -> Problem:
    return Problem(
        file_position(root / shown, root),
        f"{shown} changed while this build ran: it is no longer the file the build read",
        "build again (lmndeck build --watch does so by itself on the next change)",
        code=Code.CHANGED_DURING_BUILD,
    )


@dataclass(frozen=True)
class Outlined:
    """A project as a build plans it: its files without their models where it can."""

    root: Path
    files: tuple[PlanFile, ...]

    @property
    def top_deck(self) -> str:
        return top_deck_of(self.root, (file.outline.deck for file in self.files))


class Decks(Protocol):
    """What names a project's deck: its cards directory and its top deck."""

    @property
    def root(self) -> Path: ...
    @property
    def top_deck(self) -> str: ...


def outlined_project(project: Project) -> Outlined:
    """``project`` as a build plans it, every file with its model (and checked already: its
    outlines leave the checks' parts empty, and the notes, which the models give)."""
    keys = project.keys or ("",) * len(project.files)
    return Outlined(
        project.root,
        tuple(
            PlanFile(
                outline_of(ReadFile(deck_file, [], []), deck_file, notes=False), key, deck_file
            )
            for deck_file, key in zip(project.files, keys, strict=True)
        ),
    )


def draft_problems(project: Project) -> list[Problem]:
    """One warning per draft: drafts are read and checked like any item, but left out of the
    deck and the lock until the author removes 'draft: true'. Students then never study (and
    build review history on) a card whose question may still change, and a draft the author
    throws away leaves no removed note in their collections."""
    return sorted(_draft(kind, item) for kind, item in project.drafts)


def _draft(kind: Kind, item: Item) -> Problem:
    return Problem(
        item.position,
        f"draft {kind.noun} '{item.id}' is left out of the deck",
        "review it, then remove 'draft: true' to add it to the deck",
        code=Code.DRAFT,
        level=Level.WARNING,
    )


def find_card_files(root: Path) -> tuple[list[Path], list[Problem]]:
    """Every cards file under ``root`` (hidden ones aside), and a problem for each candidate
    that cannot be read: a file that is skipped would turn its notes into tombstones."""
    if not root.is_dir():
        raise ContentError(
            [
                Problem(
                    file_position(root, root),
                    "no such directory",
                    "pass the folder of cards files",
                    code=Code.NO_DIRECTORY,
                )
            ]
        )
    found: list[Path] = []
    problems: list[Problem] = []
    seen: set[tuple[int, int]] = set()  # directories by (device, inode): links can loop
    pending = [root]
    while pending:  # a loop, not recursion: trees of any depth
        directory = pending.pop()
        try:
            status = directory.stat()
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            problems.append(_unreadable(directory, root, "directory", error))
            continue
        if (status.st_dev, status.st_ino) in seen:
            problems.append(
                Problem(
                    file_position(directory, root),
                    "this directory is reached a second time, through a symbolic link (a loop or a copy)",
                    "remove the link; every cards file must be found once",
                    code=Code.LINK_LOOP,
                )
            )
            continue
        seen.add((status.st_dev, status.st_ino))
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                if entry.is_dir():
                    pending.append(path)
                elif entry.name.lower().endswith(CARD_SUFFIXES):
                    found.append(_cards_file(path))
            except OSError as error:
                problems.append(_unreadable(path, root, "file", error))
    if not found and not problems:
        raise ContentError(
            [
                Problem(
                    file_position(root, root),
                    "no cards files (*.yaml) in this directory",
                    "create one, e.g. cards/topic.yaml starting with 'deck: Name'",
                    code=Code.NO_CARDS_FILES,
                )
            ]
        )
    return sorted(found), problems


def _cards_file(path: Path) -> Path:
    """``path``, if it is a regular file; OSError for a link to nothing, a pipe, a socket."""
    if path.is_symlink() and not path.exists():
        raise FileNotFoundError(errno.ENOENT, "the link points to a file that does not exist")
    if not path.is_file():
        raise OSError(errno.EINVAL, "not a regular file")
    return path


def _unreadable(path: Path, root: Path, what: str, error: OSError) -> Problem:
    return Problem(
        file_position(path, root),
        f"cannot read the {what}: {error.strerror or error}",
        _UNREADABLE_HINT,
        code=Code.UNREADABLE,
    )


# Called after each file is read with (files read, files in all).
Progress = Callable[[int, int], None]


def load_project(
    root: Path,
    progress: Progress | None = None,
    remember: bool = False,
    rules: tuple[str, ...] | None = None,
) -> Project:
    """The cards files of ``root``, read and checked; every problem in one ``ContentError``.
    Files read before come from the cache; ``remember`` stores what is read there (builds do;
    check, diff and preview write nothing). ``rules`` are the lint rules there are: a
    'lint: ignore' naming another is a problem (the rules are lint's; None checks none)."""
    loaded = _load(
        root, progress, rules, lambda path, shown: read_cards_file(root, path, shown, remember)
    )
    files = [(read.deck_file, key) for read, key in loaded if isinstance(read, ReadFile)]
    return Project(
        root,
        tuple(deck_file for deck_file, _ in files if deck_file),
        tuple(key for _, key in files),
    )


def load_outlined(
    root: Path, progress: Progress | None = None, rules: tuple[str, ...] | None = None
) -> Outlined:
    """The cards files of ``root`` as ``load_project`` reads and checks them (and stores
    them), taken in outline from the cache where it has them (see ``outline``)."""
    loaded = _load(root, progress, rules, lambda path, shown: _read_outline(root, path, shown))
    files = []
    for read, key in loaded:
        if isinstance(read, FileOutline):
            files.append(PlanFile(read, key, None))
        elif read.deck_file:
            files.append(PlanFile(outline_of(read, read.deck_file), key, read.deck_file))
    return Outlined(root, tuple(files))


def _load(
    root: Path,
    progress: Progress | None,
    rules: tuple[str, ...] | None,
    read_file: Callable[[Path, str], tuple[ReadFile | FileOutline, str]],
) -> list[tuple[ReadFile | FileOutline, str]]:
    """Each file of ``root`` with its key, read by ``read_file``, and checked, alone and
    across files: ids are unique, so are the ids under 'was:'."""
    loaded: list[tuple[ReadFile | FileOutline, str]] = []
    ids: list[tuple[str, Position]] = []
    paths, problems = find_card_files(root)
    for done, path in enumerate(paths, start=1):
        if progress:
            progress(done, len(paths))
        shown = place(path, root)
        try:
            read, key = read_file(path, shown)
        except ContentError as error:
            problems.extend(error.problems)
            continue
        except OSError as error:
            problems.append(_unreadable(path, root, "file", error))
            continue
        problems.extend(read.problems)
        problems.extend(_unknown_rules(read.rule_names, rules))
        ids.extend(read.ids)
        loaded.append((read, key))
    problems.extend(_duplicate_ids(ids))
    problems.extend(_previous_ids([_previous_ids_of(read) for read, _ in loaded]))
    if problems:
        raise ContentError(problems)
    return loaded


def read_cards_file(root: Path, path: Path, shown: str, remember: bool) -> tuple[ReadFile, str]:
    """The cards file as read and checked, and its cache key (its bytes and its images'); from
    the cache when these bytes were read before and its images are as they were. What is
    read anew is stored with its outline."""
    read, key, _ = _read(root, path, shown, remember)
    return read, key


def _read(root: Path, path: Path, shown: str, remember: bool) -> tuple[ReadFile, str, bool]:
    """``read_cards_file``, and whether the file was read anew (not from the cache)."""
    data = path.read_bytes()
    key, entry = cache.file_key(shown, data), cache.file_entry(root, path)
    cached = cache.load(entry, key)
    if (
        isinstance(cached, ReadFile)
        and cached.deck_file is not None
        and all(unchanged(image) for image in images(cached.deck_file))
    ):
        return cached, _with_images(key, images(cached.deck_file)), False
    read = read_deck_file(load_bytes(data, shown), shown, root)
    if read.deck_file is None:
        return read, key, True
    if remember:  # a file with problems: read again, to report
        cache.store(entry, key, read)
        outline = packed(outline_of(read, read.deck_file))
        cache.store(cache.file_entry(root, path, "outline"), key, outline)
    return read, _with_images(key, images(read.deck_file)), True


def _read_outline(root: Path, path: Path, shown: str) -> tuple[ReadFile | FileOutline, str]:
    """The outline of a file read before, from the cache; else the file as read (and stored,
    its outline too when the cache had the file as read but not its outline)."""
    key, entry = cache.file_key(shown, path.read_bytes()), cache.file_entry(root, path, "outline")
    cached = unpacked(cache.load(entry, key))
    if cached is not None and all(unchanged(image) for image in cached.images):
        return cached, _with_images(key, cached.images)
    read, with_images, anew = _read(root, path, shown, remember=True)
    if read.deck_file is not None and not anew:
        cache.store(entry, key, packed(outline_of(read, read.deck_file)))
    return read, with_images


def outline_of(read: ReadFile, deck_file: DeckFile, notes: bool = True) -> FileOutline:
    """The outline of a file read without problems (see ``outline``); ``notes``: with its
    notes' outlines."""
    return FileOutline(
        deck_file.path,
        deck_file.deck,
        read.problems,
        read.ids,
        read.rule_names,
        _previous_ids_in(deck_file),
        tuple(
            _draft(kind, item)
            for kind in KINDS
            for item in deck_file.items(kind.name)
            if item.draft
        ),
        tuple(images(deck_file)),
        tuple(item.image for item in deck_items(deck_file) if item.image is not None),
        tuple(
            NoteOutline(
                note.key, note.deck, note.kind.name, note.tags, note.card_keys, note.previous_keys
            )
            for note in (file_notes(deck_file) if notes else ())
        ),
    )


def _with_images(key: str, shown: Iterable[Image]) -> str:
    """A file's key for what is made from it, such as its notes' fields: they show its images,
    by names that change with the images' bytes."""
    return cache.digest(key, *(image.name for image in shown))


def notes_of(project: Project) -> list[PlannedNote]:
    """Every note of the project, in study order: files by path, in a file kind by kind (in
    the registry's order), items in file order."""
    return [note for deck_file in project.files for note in file_notes(deck_file)]


def file_notes(deck_file: DeckFile) -> Iterator[PlannedNote]:
    """The notes of a file's items that go into the deck, in study order."""
    for item in deck_items(deck_file):
        yield from item.notes(deck_file.deck)


def deck_items(deck_file: DeckFile) -> Iterator[Item]:
    """The file's items that go into the deck, in study order (kind by kind in the registry's
    order, items in file order): all but drafts (see ``draft_problems``)."""
    for _, items in deck_file.sections:
        yield from (item for item in items if not item.draft)


def images(deck_file: DeckFile) -> Iterator[Image]:
    """The images a cards file's items show (as read: each with its file)."""
    for _, items in deck_file.sections:
        yield from (item.image for item in items if item.image is not None)


def fingerprint(root: Path) -> str | None:
    """A hash of every cards file's path and bytes: equal fingerprints load equal projects.
    None when the files cannot all be found and read."""
    try:
        paths, problems = find_card_files(root)
        if problems:
            return None
        keys = [cache.file_key(place(path, root), path.read_bytes()) for path in paths]
    except (ContentError, OSError):
        return None
    return cache.digest(*keys)


def _unknown_rules(
    names: Iterable[tuple[str, Position]], rules: tuple[str, ...] | None
) -> list[Problem]:
    if rules is None:
        return []
    return [
        Problem(where, f"'{name}' is not a lint rule", suggest(name, rules), code=Code.UNKNOWN_RULE)
        for name, where in names
        if name not in rules
    ]


def _duplicate_ids(ids: list[tuple[str, Position]]) -> list[Problem]:
    """Items of all kinds share one id space across all files (their notes' keys)."""
    first: dict[str, Position] = {}
    problems = []
    for item_id, position in ids:
        if item_id in first:
            problems.append(
                Problem(
                    position,
                    f"duplicate id '{item_id}'",
                    f"ids must be unique across all files; '{item_id}' is first used at " + RELATED,
                    code=Code.DUPLICATE_ID,
                    related=first[item_id],
                )
            )
        else:
            first[item_id] = position
    return problems


def _previous_ids_of(read: ReadFile | FileOutline) -> PreviousIds:
    if isinstance(read, FileOutline):
        return read.previous_ids
    return _previous_ids_in(read.deck_file) if read.deck_file else ()


def _previous_ids_in(deck_file: DeckFile) -> PreviousIds:
    return tuple(
        tuple((kind.noun, item.id, item.was) for item in deck_file.items(kind.name))
        for kind in KINDS
    )


def _previous_ids(files: list[PreviousIds]) -> list[Problem]:
    """Items share one id space across all files, so do their 'was:' ids (each file's items
    given kind by kind: the problems come in the order of kinds, then of files)."""
    return previous_id_problems(
        item for kind in range(len(KINDS)) for in_file in files if in_file for item in in_file[kind]
    )
