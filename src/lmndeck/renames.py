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
from collections import Counter
from collections.abc import Iterable, Mapping
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
    removed: Iterable[str],
    added: Iterable[str],
    before: Mapping[str, NoteRecord],
    after: Mapping[str, NoteRecord],
) -> list[LikelyRename]:
    """Renames that would explain notes ``removed`` (records ``before``) and ``added`` (records
    ``after``) in one build, each old and new name used at most once."""
    removed_facts, removed_cells = _split(removed)
    added_facts, added_cells = _split(added)
    renames = _fact_renames(removed_facts, added_facts, before, after)
    renames += _cell_renames(removed_cells, added_cells, before, after)
    return sorted(renames)


def _split(keys: Iterable[str]) -> tuple[list[str], list[tuple[str, ...]]]:
    facts: list[str] = []
    cells: list[tuple[str, ...]] = []
    for key in keys:
        kind, _, rest = key.partition("/")
        if kind == "fact":
            facts.append(rest)
        else:
            cells.append(tuple(rest.split("/")))
    return facts, cells


def _fact_renames(
    removed: list[str],
    added: list[str],
    before: Mapping[str, NoteRecord],
    after: Mapping[str, NoteRecord],
) -> list[LikelyRename]:
    scores: dict[tuple[str, str], float] = {}
    for old in removed:
        old_record = before[f"fact/{old}"]
        same_deck = [new for new in added if after[f"fact/{new}"].deck == old_record.deck]
        for new in same_deck:
            same_content = after[f"fact/{new}"].hash == old_record.hash
            score = 1.0 if same_content else _similarity(old, new)
            if score >= _SIMILAR or len(same_deck) == 1:
                scores[old, new] = score
    return [LikelyRename("fact", old, new) for old, new in _one_to_one(scores)]


def _cell_renames(
    removed: list[tuple[str, ...]],
    added: list[tuple[str, ...]],
    before: Mapping[str, NoteRecord],
    after: Mapping[str, NoteRecord],
) -> list[LikelyRename]:
    """A cell removed and one added that differ only in the comparison, the row or the column
    id vote for that one rename; the names with most votes are reported."""
    votes: Counter[tuple[str, str, str, str]] = Counter()
    for old in removed:
        deck = before["cell/" + "/".join(old)].deck
        for new in added:
            differing = [level for level in range(3) if old[level] != new[level]]
            if len(differing) != 1 or after["cell/" + "/".join(new)].deck != deck:
                continue
            level = differing[0]
            comparison = "" if level == 0 else old[0]
            votes[_LEVELS[level], comparison, old[level], new[level]] += 1
    renames = []
    for (kind, comparison), scores in _by_place(votes).items():
        renames += [LikelyRename(kind, old, new, comparison) for old, new in _one_to_one(scores)]
    return renames


_LEVELS = ("comparison", "row", "column")


def _by_place(
    votes: Counter[tuple[str, str, str, str]],
) -> dict[tuple[str, str], dict[tuple[str, str], float]]:
    """Votes grouped by what was renamed where; each pair scored by votes, then similarity."""
    places: dict[tuple[str, str], dict[tuple[str, str], float]] = {}
    for (kind, comparison, old, new), count in votes.items():
        places.setdefault((kind, comparison), {})[old, new] = count + _similarity(old, new) / 2
    return places


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
