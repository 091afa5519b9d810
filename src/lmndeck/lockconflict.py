"""A lock file with git's conflict markers, split into its two sides.

Git writes both versions of the conflicting lines between ``<<<<<<<``, ``|||||||`` (the base,
with diff3), ``=======`` and ``>>>>>>>``; each side is the whole file as that branch had it,
its commas repaired where a side's last record was followed by the other side's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lmndeck.jsonlocated import Locator
from lmndeck.problems import Code, ContentError, Position, Problem

_MARKER = re.compile(r"(<{7}|\|{7}|={7}|>{7})(?: |\r?$)")


@dataclass(frozen=True)
class Side:
    """One side of a conflicted lock: its lines with their line numbers in the file."""

    lines: tuple[tuple[int, str], ...]

    @property
    def text(self) -> str:
        return "".join(line for _, line in self.lines)

    def locator(self, shown: str) -> Locator:
        return Locator(self.text, shown, [number for number, _ in self.lines])


def split_conflict(text: str, shown: str) -> tuple[Side, Side] | None:
    """Both sides of a lock with git's conflict markers; None when it has none.

    Lines outside the conflicts belong to both sides; the base section of a diff3 conflict is
    left out. Commas are then repaired, since the last record of a section has none and a
    conflict often joins lines from two versions that each had a different last record.
    """
    if not any(character * 7 in text for character in "<|=>"):  # no line can be a marker
        return None
    ours: list[tuple[int, str]] = []
    theirs: list[tuple[int, str]] = []
    state, marker_line = "both", 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        match = _MARKER.match(line)
        if match is None:
            if state in ("both", "ours"):
                ours.append((number, line))
            if state in ("both", "theirs"):
                theirs.append((number, line))
            continue
        state, marker_line = _next_state(state, match.group(1)[0], number, shown), number
    if marker_line == 0:
        return None
    if state != "both":
        raise ContentError(
            [
                Problem(
                    Position(shown, marker_line, 1),
                    "a merge conflict in the lock file is not closed",
                    "restore both versions and merge them with 'lmndeck lock merge' "
                    "(see the README)",
                    code=Code.LOCK_CONFLICT,
                )
            ]
        )
    return Side(_repair_commas(ours)), Side(_repair_commas(theirs))


_TRANSITIONS = {("both", "<"): "ours", ("ours", "|"): "base", ("ours", "="): "theirs"}
_TRANSITIONS |= {("base", "="): "theirs", ("theirs", ">"): "both"}


def _next_state(state: str, marker: str, number: int, shown: str) -> str:
    following = _TRANSITIONS.get((state, marker))
    if following is None:
        raise ContentError(
            [
                Problem(
                    Position(shown, number, 1),
                    f"unexpected conflict marker '{marker * 7}'",
                    "resolve the lock's conflicts with 'lmndeck lock merge' (see the README)",
                    code=Code.LOCK_CONFLICT,
                )
            ]
        )
    return following


def _repair_commas(lines: list[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    """Each line that holds a value ends with a comma exactly when another value follows."""
    repaired = []
    following = ""  # the next non-blank line, walking backwards
    for number, line in reversed(lines):
        body = line.rstrip().removesuffix(",")
        needs_comma = (
            body.strip() and not body.endswith("{") and following and not following.startswith("}")
        )
        repaired.append((number, body + ("," if needs_comma else "") + "\n"))
        following = body.strip() or following
    return tuple(reversed(repaired))
