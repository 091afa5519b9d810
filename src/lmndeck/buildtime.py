"""The build's time: now, or SOURCE_DATE_EPOCH (the reproducible-builds convention), checked;
the warning for one older than the times the lock already gives; and the refusal of a change
to a note the lock already gives the last time Anki can store."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from lmndeck.lock import Lock
from lmndeck.lockparse import MAX_MOD
from lmndeck.problems import NOWHERE, Code, ContentError, Level, Problem, file_position

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
# Anki keeps a note's modification time in 32 bits: a package note with mod 2**32 arrives with
# mod 0 and is never updated again (measured with Anki's backend). Builds stop at 2100, which
# leaves decades of the one-second steps that reconcile adds to a changed note's time.
TIME_LIMIT = 4102444800  # 2100-01-01T00:00:00Z, exclusive


def current_time() -> int:
    """Now, or SOURCE_DATE_EPOCH when set (the reproducible-builds convention)."""
    value = os.environ.get(SOURCE_DATE_EPOCH, "")
    if not value.strip():
        return int(time.time())
    digits = value.strip()
    if re.fullmatch(r"[0-9]{1,10}", digits) and 0 < int(digits) < TIME_LIMIT:
        return int(digits)
    raise ContentError(
        [
            Problem(
                NOWHERE,  # an environment variable, no file
                f"{SOURCE_DATE_EPOCH}={value!r} is not a build time lmndeck can use",
                f"set it to whole seconds since 1970-01-01 UTC, from 1 to {TIME_LIMIT - 1} "
                f"(before 2100), e.g. {SOURCE_DATE_EPOCH}=$(git log -1 --format=%ct), "
                "or unset it to use the current time",
                code=Code.INVALID_BUILD_TIME,
            )
        ]
    )


def epoch_problems(when: int, lock: Lock, given: int | None) -> list[Problem]:
    """A warning when SOURCE_DATE_EPOCH is older than the newest time the lock gives a note: a
    note changed now gets a time just after its last one, which may be older than a student's
    own edit of it since, and Anki keeps the newer version, so the change would not reach them."""
    newest = max((record.mod for record in lock.notes.values()), default=0)
    if given is not None or not os.environ.get(SOURCE_DATE_EPOCH, "").strip() or when >= newest:
        return []
    return [
        Problem(
            NOWHERE,
            f"{SOURCE_DATE_EPOCH}={when} is older than the last build's time ({newest}): "
            "a changed note gets a time just after its previous one, and students who edited "
            "it in Anki since keep their edit instead",
            f"unset it to build with the current time, or set it to this change's commit "
            f"time: {SOURCE_DATE_EPOCH}=$(git log -1 --format=%ct)",
            code=Code.OLD_BUILD_TIME,
            level=Level.WARNING,
        )
    ]


def refuse_times_past_the_last(lock: Lock, path: Path, cards_dir: Path) -> None:
    """A changed note's time moves forward, or Anki keeps its old version, and Anki stores it
    in 32 bits: a note the lock already gives the last time (a lock edited by hand) cannot
    take a change. Refused before anything is written, not written for the next build to refuse."""
    late = sorted(key for key, record in lock.notes.items() if record.mod > MAX_MOD)
    late += sorted(kind for kind, record in lock.note_types.items() if record.mod > MAX_MOD)
    if late:
        more = f" (and {len(late) - 1} more)" if len(late) > 1 else ""
        raise ContentError(
            [
                Problem(
                    file_position(path, cards_dir),
                    f"'{late[0]}'{more} cannot change: the lock already gives it the last "
                    f"time Anki can store ({MAX_MOD})",
                    "restore the lock from version control; lmndeck writes times as the clock "
                    "gives them",
                    code=Code.INVALID_LOCK,
                )
            ]
        )
