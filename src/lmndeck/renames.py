"""Spot renames that would orphan reviews: a build that removes notes and adds others alike.

A renamed fact, comparison, row or column gets new notes (notes are keyed by ids), and the old
ones become tombstones with all their review history. 'was:' prevents that, but only if the
author knows; so when a build removes and adds notes of the same kind in the same deck, the
pairs that look like one renamed item are reported with the 'was:' line that keeps them.

The lock keeps no text, only a hash of each note's content: identical content is certain, and
otherwise ids are compared (a row without 'id:' is named after its feature, so for rows this
compares the features).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from lmndeck.lock import NoteRecord

# Below this similarity of two ids a pair is reported only when it is the only candidate.
_SIMILAR = 0.6


@dataclass(frozen=True, order=True)
class LikelyRename:
    kind: str  # "fact", "comparison", "row" or "column"
    old: str
    new: str
    comparison: str = ""  # for a row or a column: the comparison it is in

    def advice(self) -> str:
        """One line: what looks renamed, and the 'was:' that keeps the reviews."""
        place = f" of comparison '{self.comparison}'" if self.comparison else ""
        if self.kind == "column":
            how = f"write it as '{self.new}: {{label: ..., was: {self.old}}}'"
        else:
            how = f"add 'was: {self.old}' to it"
        line = f"{self.kind} '{self.old}'{place} looks renamed to '{self.new}': {how}"
        line += " to keep the reviews"
        if self.kind == "row":
            line += " (a row without 'id:' is named after its feature)"
        return line


def likely_renames(
    removed: Sequence[str],
    added: Sequence[str],
    before: Mapping[str, NoteRecord],
    after: Mapping[str, NoteRecord],
) -> list[LikelyRename]:
    """Renames that would explain notes ``removed`` (records ``before``) and ``added`` (records
    ``after``) in one build, each old and new name used at most once."""
    if not removed or not added:  # a first build adds every note and removes none
        return []
    olds, news = _notes(removed, before), _notes(added, after)
    renames = _fact_renames([n for n in olds if n.is_fact], [n for n in news if n.is_fact])
    old_cells = [note for note in olds if not note.is_fact]
    new_cells = [note for note in news if not note.is_fact]
    for level, what in enumerate(_LEVELS):
        renames += _cell_renames(old_cells, new_cells, level, what)
    return sorted(renames)


@dataclass(frozen=True)
class _Note:
    names: tuple[str, ...]  # a fact's (id,), a cell's (comparison, row, column)
    deck: str
    hash: str
    kind: str  # a note of another kind never takes over the old one's reviews, 'was:' or not

    @property
    def is_fact(self) -> bool:
        return len(self.names) == 1


def _notes(keys: Iterable[str], records: Mapping[str, NoteRecord]) -> list[_Note]:
    # a key the records lack (a note displaced by 'was:' this build) has no name to compare
    return [
        _Note(tuple(key.split("/")[1:]), records[key].deck, records[key].hash, records[key].kind)
        for key in keys
        if key in records
    ]


# Pairs looked at in one place (deck, or row of a comparison...) at most: a build that removes
# and adds thousands of notes in one place is a rewrite, where only identical content is matched.
_MAX_PAIRS = 2_500


def _pairs(
    olds: list[_Note], news: list[_Note], place: Callable[[_Note], Hashable]
) -> Iterator[tuple[_Note, _Note, bool]]:
    """(old, new, alone) for notes in the same place: all pairs where few, else those with
    identical content; ``alone`` when they are the only removed and added note there."""
    groups: dict[Hashable, tuple[list[_Note], list[_Note]]] = {}
    for index, notes in enumerate((olds, news)):
        for note in notes:
            groups.setdefault(place(note), ([], []))[index].append(note)
    for group_olds, group_news in groups.values():
        alone = len(group_olds) == len(group_news) == 1
        if len(group_olds) * len(group_news) <= _MAX_PAIRS:
            yield from ((old, new, alone) for old in group_olds for new in group_news)
            continue
        by_hash: dict[str, list[_Note]] = {}
        for new in group_news:
            by_hash.setdefault(new.hash, []).append(new)
        yield from ((old, new, False) for old in group_olds for new in by_hash.get(old.hash, ()))


def _fact_renames(olds: list[_Note], news: list[_Note]) -> list[LikelyRename]:
    scores: dict[tuple[str, str], float] = {}
    for old, new, alone in _pairs(olds, news, _deck_and_kind):
        score = 1.0 if old.hash == new.hash else _similarity(old.names[0], new.names[0])
        if score >= _SIMILAR or alone:
            scores[old.names[0], new.names[0]] = score
    return [LikelyRename("fact", old, new) for old, new in _one_to_one(scores)]


def _cell_renames(
    olds: list[_Note], news: list[_Note], level: int, what: str
) -> list[LikelyRename]:
    """Cells removed and added that differ only in the comparison (level 0), row (1) or column
    (2) id vote for that one rename, identical content counting double."""
    votes: dict[tuple[str, str], dict[tuple[str, str], float]] = {}

    def same_elsewhere(note: _Note) -> Hashable:
        return note.kind, note.deck, note.names[:level] + note.names[level + 1 :]

    for old, new, _ in _pairs(olds, news, same_elsewhere):
        comparison = old.names[0] if level else ""
        names = (old.names[level], new.names[level])
        place = votes.setdefault((what, comparison), {})
        place[names] = place.get(names, 0.0) + (2.0 if old.hash == new.hash else 1.0)
    renames = []
    for (kind, comparison), scores in votes.items():
        if len(scores) <= _MAX_PAIRS:  # similar names first among equal votes
            scores = {pair: vote + _similarity(*pair) / 2 for pair, vote in scores.items()}
        renames += [LikelyRename(kind, old, new, comparison) for old, new in _one_to_one(scores)]
    return renames


_LEVELS = ("comparison", "row", "column")


def _deck_and_kind(note: _Note) -> Hashable:
    return note.deck, note.kind


def _one_to_one(scores: dict[tuple[str, str], float]) -> list[tuple[str, str]]:
    """The best-scored pairs, greedily, so that no old or new name appears twice."""
    taken_old: set[str] = set()
    taken_new: set[str] = set()
    pairs = []
    for old, new in sorted(scores, key=lambda pair: (-scores[pair], pair)):
        if old not in taken_old and new not in taken_new:
            taken_old.add(old)
            taken_new.add(new)
            pairs.append((old, new))
    return pairs


def _similarity(old: str, new: str) -> float:
    return difflib.SequenceMatcher(None, old, new).ratio()
