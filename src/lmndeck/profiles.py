"""Where a student's Anki collection is: a path given, or a profile of an Anki base folder.

Anki keeps each profile in ``<base>/<profile>/collection.anki2``, with its own backups in
``<base>/<profile>/backups``, and lists the profiles in ``<base>/prefs21.db`` (table
``profiles``, one row per profile and a ``_global`` row). The base folder is the one
``anki -b DIR`` was given, else the platform's:
``$XDG_DATA_HOME/Anki2`` or ``~/.local/share/Anki2`` (Flatpak:
``~/.var/app/net.ankiweb.Anki/data/Anki2``), ``~/Library/Application Support/Anki2``,
``%APPDATA%\\Anki2``. Nothing here opens a collection.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lmndeck.formats import display_path
from lmndeck.problems import Code, ContentError, Problem, given_position

COLLECTION_FILE = "collection.anki2"
BACKUPS = "backups"
ANKI_BASE = "ANKI_BASE"  # the variable Anki itself reads for its base folder
_GLOBAL_ROW = "_global"


@dataclass(frozen=True)
class Target:
    """A collection to write into."""

    path: Path
    profile: str | None  # None when the collection was named by its path

    @property
    def backups(self) -> Path:
        """Where Anki keeps the profile's backups, and where its manual restores them from."""
        return self.path.parent / BACKUPS

    @property
    def shown(self) -> str:
        return f"profile '{self.profile}'" if self.profile else display_path(self.path)


def find_collection(
    collection: Path | None,
    profile: str | None,
    base: Path | None,
    environ: Mapping[str, str] = os.environ,
) -> Target:
    """The collection ``--collection``, else profile ``--profile`` of the base folder, else the
    base folder's only profile. A ``ContentError`` says what is missing or ambiguous."""
    if collection is not None:
        if not collection.is_file():
            raise _error(
                collection,
                "there is no Anki collection file here",
                "name a collection.anki2 file Anki made (open the profile in Anki once), or use"
                " --profile",
            )
        return Target(collection, None)
    folder = base or anki_base(environ)
    profiles = profile_names(folder)
    if profile is None:
        if len(profiles) != 1:
            raise _error(folder, _which_profile(profiles), _profiles_hint(folder, profiles))
        profile = profiles[0]
    path = folder / profile / COLLECTION_FILE
    if not path.is_file():
        raise _error(
            path, f"Anki has no profile '{profile}' here", _profiles_hint(folder, profiles)
        )
    return Target(path, profile)


def anki_base(environ: Mapping[str, str] = os.environ) -> Path:
    """Anki's base folder on this machine: $ANKI_BASE, else the platform's default."""
    if environ.get(ANKI_BASE):
        return Path(environ[ANKI_BASE])
    home = Path(environ.get("HOME") or Path.home())
    if sys.platform == "win32":
        return Path(environ.get("APPDATA") or home / "AppData" / "Roaming") / "Anki2"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "Anki2"
    default = Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "Anki2"
    flatpak = home / ".var" / "app" / "net.ankiweb.Anki" / "data" / "Anki2"
    return flatpak if not default.exists() and flatpak.exists() else default


def profile_names(base: Path) -> list[str]:
    """The profiles prefs21.db lists, in order; none where there is no readable prefs21.db.
    Read only: Anki may be running."""
    prefs = base / "prefs21.db"
    if not prefs.is_file():
        return []
    try:
        connection = sqlite3.connect(f"{prefs.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = connection.execute("SELECT name FROM profiles ORDER BY name").fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return []
    return [str(name) for (name,) in rows if name != _GLOBAL_ROW]


def _which_profile(profiles: list[str]) -> str:
    if not profiles:
        return "no Anki profile found in this folder"
    return f"Anki has {len(profiles)} profiles here: choose one"


def _profiles_hint(base: Path, profiles: list[str]) -> str:
    if profiles:
        return f"--profile {' | '.join(profiles)}; or --collection PATH"
    return (
        f"start Anki once to make a profile, or pass --base (Anki's folder, also ${ANKI_BASE}) "
        f"or --collection PATH"
    )


def _error(path: Path, message: str, hint: str) -> ContentError:
    return ContentError([Problem(given_position(path), message, hint, code=Code.NO_COLLECTION)])
