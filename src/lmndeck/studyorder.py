"""The order new cards come in: each note's new-card position (the ``due`` of its cards).

Files come in order and, in a file, its notes in study order; but a note's position is not its
place in the whole deck, which would move half of all cards when one fact is added or removed
(every card row of the package rewritten, and every chunk of it deflated again). Each file
starts at a multiple of a block size instead, so an edit moves only the notes after it in its
own file, until a file outgrows its blocks.

Anki keeps a package's positions as they are on import, but its Check Database moves every new
card whose position is 1,000,000 or more to 1,000,000, losing their order (measured with
Anki's backend): the blocks are as large as keeps every position below that.
"""

from __future__ import annotations

from collections.abc import Sequence

LIMIT = 1_000_000  # the first position Check Database moves
_LARGEST_BLOCK = 1 << 19


def study_positions(counts: Sequence[int]) -> list[int]:
    """The positions of the notes of files with ``counts`` notes each (in order), from 1.

    The block is the largest power of two that keeps every position below ``LIMIT``; it only
    changes when files or notes are added past what it holds, rarely. A deck too large for
    blocks at all numbers its notes one after the other."""
    block = next((size for size in _sizes() if 1 + _blocks(counts, size) * size <= LIMIT), 0)
    positions: list[int] = []
    start = 1
    for count in counts:
        positions.extend(range(start, start + count))
        start += -(-count // block) * block if block else count
    return positions


def _sizes() -> Sequence[int]:
    return [1 << power for power in range(_LARGEST_BLOCK.bit_length() - 1, -1, -1)]


def _blocks(counts: Sequence[int], size: int) -> int:
    return sum(-(-count // size) for count in counts)
