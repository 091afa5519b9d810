"""Files lmndeck writes for the author to edit (``import``, ``init``): never over their work.

An existing file (or, for ``init``, a directory with anything in it) is refused unless the
author says ``--force``: overwriting it would lose edits no build can bring back. Each file is
replaced whole (``write_text``): a kill leaves the old file or the new one, never an empty one.
"""

from __future__ import annotations

from pathlib import Path

from lmndeck.problems import Code, ContentError, Problem, file_position


def refuse_existing(path: Path, force: bool, message: str, hint: str) -> None:
    """A ContentError if ``path`` exists (or is a directory with something in it) and
    ``force`` is off."""
    exists = any(path.iterdir()) if path.is_dir() else path.exists()
    if exists and not force:
        where = file_position(path, Path("."))
        raise ContentError([Problem(where, message, hint, code=Code.OUTPUT_EXISTS)])


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, making its directory; atomically, as the deck is written: a
    writer killed half-way (``--force`` over the author's file) leaves the old file whole."""
    from lmndeck.package import write_in_order  # the deck's writer, with genanki: only here

    write_in_order([(path, text.encode("utf-8"))])
