"""Files lmndeck writes for the author to edit (``import``, ``init``): never over their work.

An existing file (or, for ``init``, a directory with anything in it) is refused unless the
author says ``--force``: overwriting it would lose edits no build can bring back. Each file is
replaced whole (``write_text``): a kill leaves the old file or the new one, never an empty one.
"""

from __future__ import annotations

import os
from pathlib import Path

from lmndeck.problems import Code, ContentError, Problem, file_position
from lmndeck.staging import remove_stale_temporaries, temporary_file


def refuse_existing(path: Path, force: bool, message: str, hint: str) -> None:
    """A ContentError if ``path`` exists (or is a directory with something in it) and
    ``force`` is off."""
    exists = any(path.iterdir()) if path.is_dir() else path.exists()
    if exists and not force:
        where = file_position(path, Path("."))
        raise ContentError([Problem(where, message, hint, code=Code.OUTPUT_EXISTS)])


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, making its directory: into a temporary file beside it,
    flushed to disk, then renamed over it, with the permissions a new file gets (the
    temporary's are the user's alone)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    descriptor, name = temporary_file(path)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fchmod(descriptor, 0o666 & ~_umask())
            os.fsync(descriptor)
            os.replace(name, path)  # before closing: closing ends the temporary's lock
    finally:
        Path(name).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0o022)  # reading it means setting it: set it back at once
    os.umask(mask)
    return mask
