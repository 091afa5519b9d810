"""The build cache: what earlier builds computed, kept so that a rebuild redoes only what changed.

It lives in ``.lmndeck-cache/`` beside the cards directory (for ``cards/``, the folder holding
``cards/``), whatever the working directory; it ignores itself in git and may be deleted at any
time. It holds

- ``files/``: each cards file as read and checked, and its notes' fields as rendered (with
  their content hashes, per note and card numbers), under a key made of lmndeck's version,
  the file's path as problems show it and its bytes: an edited file misses and is read and
  rendered again, the others are not; and a mark for the bytes of the lock file the last
  build wrote (see ``lockparse.remember_lock``). Entries are named after their file, so a new version
  replaces the old one.
- ``builds/``: per cards directory and deck, what the last build read and wrote (hashes of the
  cards files, of the lock file and of the deck, the deck's inode and time, what it reported):
  a build that finds everything as that build left it writes nothing.

Nothing in it is trusted blindly: an entry that cannot be read, is cut short, or was stored by
another version (or other code of lmndeck), for another file or for other bytes counts as missing (and is replaced), so
the output is the same byte for byte with or without the cache. Failing to write the cache
never fails a build: it only costs the next one time.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from lmndeck import __version__
from lmndeck.staging import remove_stale_temporaries, temporary_file

CACHE_NAME = ".lmndeck-cache"


def _code_stamp() -> str:
    """lmndeck's own files, by name, size and time: in development the version stays the same
    while the code that reads and renders cards changes, and a cache from before must not be
    used (about 70 files: a millisecond or two)."""
    package = Path(__file__).resolve().parent
    stamps = []
    for path in sorted(package.rglob("*")):
        if "__pycache__" not in path.parts and path.is_file():
            status = path.stat()
            stamps.append(f"{path.relative_to(package)} {status.st_size} {status.st_mtime_ns}")
    return digest(*stamps)[:16]


def digest(*parts: bytes | str) -> str:
    """A hash of ``parts``, each told apart from the next (('ab', 'c') is not ('a', 'bc'))."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "big"))
        hashed.update(data)
    return hashed.hexdigest()


# Part of every key: another version or other code (or a new shape of what is stored) never
# reads old entries.
_FORMAT = f"lmndeck {__version__} {_code_stamp()} cache 2"
_GITIGNORE = "# lmndeck's build cache (see the README's 'Speed'): safe to delete\n*\n"


def cache_dir(cards_dir: Path) -> Path:
    """Where the cache of ``cards_dir`` lives: beside it."""
    return cards_dir.resolve().parent / CACHE_NAME


def file_key(shown: str, data: bytes) -> str:
    """The key of a cards file shown as ``shown`` with the bytes ``data``."""
    return digest(_FORMAT, shown, data)


def file_entry(cards_dir: Path, file: Path, what: str = "read") -> Path:
    """The entry of ``file`` that holds ``what``: the file as read, or its notes' fields."""
    name = digest(str(file.resolve()))[:32]
    return cache_dir(cards_dir) / "files" / f"{name}.{what}.pickle"


def load(entry: Path, key: str) -> Any:
    """The value stored in ``entry`` under ``key``; None for an entry that is missing,
    unreadable, corrupt, cut short, stored under another key, or not signed by this user."""
    secret = _secret()
    try:
        data = entry.read_bytes()
    except OSError:
        return None
    header = _header(key)
    body = memoryview(data)[_SIGNATURE_BYTES:]  # a view: entries reach tens of MB
    if body[: len(header)] != header:
        return None
    # Unpickling runs code a pickle names: only entries this user's lmndeck wrote are read, so
    # a cache dir that came with someone else's project (a zip, a careless commit) runs nothing.
    if secret is None or not hmac.compare_digest(data[:_SIGNATURE_BYTES], _sign(secret, body)):
        return None
    try:
        return pickle.loads(body[len(header) :])
    except Exception:  # anything a damaged entry makes unpickling raise
        return None


def holds(entry: Path, key: str) -> bool:
    """Whether ``entry`` was stored under ``key``, from its first bytes (not checked further:
    ``load`` does that)."""
    try:
        with open(entry, "rb") as handle:
            start = handle.read(_SIGNATURE_BYTES + len(_header(key)))
    except OSError:
        return False
    return start[_SIGNATURE_BYTES:] == _header(key)


def store(entry: Path, key: str, value: object) -> None:
    secret = _secret()
    if secret is None:  # no key to sign with: no cache, builds only take longer
        return
    try:
        value_bytes = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return
    # Written in parts, not joined: a 100k-fact deck's lock is 20 MB pickled.
    header = _header(key)
    _write(entry, _sign(secret, header, value_bytes), header, value_bytes)


def writable() -> bool:
    """Whether entries can be signed, so stored (see ``_secret``)."""
    return _secret() is not None


# An entry: the signature of the rest, the key it was stored under (a line), the value pickled.
_SIGNATURE_BYTES = hashlib.sha256().digest_size


def _header(key: str) -> bytes:
    return key.encode("utf-8") + b"\n"


def _sign(secret: bytes, *parts: bytes | memoryview) -> bytes:
    signature = hmac.new(secret, digestmod=hashlib.sha256)
    for part in parts:
        signature.update(part)
    return signature.digest()


SECRET_NAME = "cache-key"


@functools.cache
def _secret() -> bytes | None:
    """This user's key for signing cache entries, made on first use in the user's own cache
    folder ($XDG_CACHE_HOME or ~/.cache, then lmndeck/), readable by the user alone. None when
    there is no such folder to write."""
    try:
        home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lmndeck"
        path = home / SECRET_NAME
        if path.is_file() and len(secret := path.read_bytes()) == 32:
            return secret
        home.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=home, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:  # mkstemp's file is the user's alone
                handle.write(os.urandom(32))
            # Two first builds at once: one key wins, and the other's entries are misses.
            os.rename(name, path)
        finally:
            Path(name).unlink(missing_ok=True)
        secret = path.read_bytes()
    except (OSError, RuntimeError):  # RuntimeError: no home directory to be found
        return None
    return secret if len(secret) == 32 else None


def build_record(cards_dir: Path, target: Path) -> Path:
    """The record of the last build of ``cards_dir`` into the deck ``target``."""
    name = digest(_FORMAT, str(cards_dir.resolve()), str(target.resolve()))[:32]
    return cache_dir(cards_dir) / "builds" / f"{name}.json"


def read_record(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("format") == _FORMAT else None


def write_record(path: Path, record: dict[str, Any]) -> None:
    _write(path, json.dumps({"format": _FORMAT, **record}).encode("utf-8"))


def forget_record(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        return


def _write(path: Path, *data: bytes) -> None:
    """Replace ``path`` atomically (a reader sees the old file or the new one, never a part)."""
    try:
        root = path.parent.parent
        root.mkdir(exist_ok=True)
        if not (root / ".gitignore").exists():
            (root / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
        path.parent.mkdir(exist_ok=True)
        remove_stale_temporaries(path)  # a build killed while writing this entry
        descriptor, name = temporary_file(path)
        try:
            with os.fdopen(descriptor, "wb") as handle:  # closing it ends the lock: rename first
                handle.writelines(data)
                handle.flush()
                os.rename(name, path)  # replaces atomically on POSIX, as the deck's os.replace
        finally:
            Path(name).unlink(missing_ok=True)
    except OSError:
        return
