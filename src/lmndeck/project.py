"""A directory of cards files, loaded and validated together (ids are unique across files)."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lmndeck import cache
from lmndeck.deckfile import ReadFile, read_deck_file
from lmndeck.kinds import KINDS
from lmndeck.kinds.base import DeckFile, Item, Kind
from lmndeck.loader import load_bytes
from lmndeck.lock import CONTROL
from lmndeck.media import Image, unchanged
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
        split = [deck_file.deck.split("::") for deck_file in self.files]
        common = []
        for parts in zip(*split, strict=False):
            if len(set(parts)) != 1:
                break
            common.append(parts[0])
        return "::".join(common)

    @property
    def top_deck(self) -> str:
        """The shared deck; the cards directory's name names the deck (and seeds its lock's
        namespace) when the files share none: without what a lock may not hold, such as a tab."""
        return self.shared_deck or CONTROL.sub("?", self.root.resolve().name)

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


def draft_problems(project: Project) -> list[Problem]:
    """One warning per draft: drafts are read and checked like any item, but left out of the
    deck and the lock until the author removes 'draft: true'. Students then never study (and
    build review history on) a card whose question may still change, and a draft the author
    throws away leaves no removed note in their collections."""
    return sorted(
        Problem(
            item.position,
            f"draft {kind.noun} '{item.id}' is left out of the deck",
            "review it, then remove 'draft: true' to add it to the deck",
            code=Code.DRAFT,
            level=Level.WARNING,
        )
        for kind, item in project.drafts
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
    files: list[DeckFile] = []
    keys: list[str] = []
    ids: list[tuple[str, Position]] = []
    paths, problems = find_card_files(root)
    for done, path in enumerate(paths, start=1):
        if progress:
            progress(done, len(paths))
        shown = place(path, root)
        try:
            read, key = read_cards_file(root, path, shown, remember)
        except ContentError as error:
            problems.extend(error.problems)
            continue
        except OSError as error:
            problems.append(_unreadable(path, root, "file", error))
            continue
        problems.extend(read.problems)
        problems.extend(_unknown_rules(read.rule_names, rules))
        ids.extend(read.ids)
        if read.deck_file:
            files.append(read.deck_file)
            keys.append(key)
    problems.extend(_duplicate_ids(ids))
    problems.extend(_previous_ids(files))
    if problems:
        raise ContentError(problems)
    return Project(root, tuple(files), tuple(keys))


def read_cards_file(root: Path, path: Path, shown: str, remember: bool) -> tuple[ReadFile, str]:
    """The cards file as read and checked, and its cache key (its bytes and its images'); from
    the cache when these bytes were read before and its images are as they were."""
    data = path.read_bytes()
    key, entry = cache.file_key(shown, data), cache.file_entry(root, path)
    cached = cache.load(entry, key)
    if (
        isinstance(cached, ReadFile)
        and cached.deck_file is not None
        and all(unchanged(image) for image in images(cached.deck_file))
    ):
        return cached, _with_images(key, cached)
    read = read_deck_file(load_bytes(data, shown), shown, root)
    if remember and read.deck_file is not None:  # a file with problems: read again, to report
        cache.store(entry, key, read)
    return read, _with_images(key, read)


def _with_images(key: str, read: ReadFile) -> str:
    """A file's key for what is made from it, such as its notes' fields: they show its images,
    by names that change with the images' bytes."""
    if read.deck_file is None:
        return key
    return cache.digest(key, *(image.name for image in images(read.deck_file)))


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


def _previous_ids(files: list[DeckFile]) -> list[Problem]:
    """Items share one id space across all files, so do their 'was:' ids."""
    return previous_id_problems(
        (kind.noun, item.id, item.was)
        for kind in KINDS
        for deck_file in files
        for item in deck_file.items(kind.name)
    )
