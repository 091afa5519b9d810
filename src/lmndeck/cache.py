"""The build cache: what earlier builds computed, kept so that a rebuild redoes only what changed.

It lives in ``.lmndeck-cache/`` beside the cards directory (for ``cards/``, the folder holding
``cards/``), whatever the working directory; it ignores itself in git and may be deleted at any
time. It holds

- ``files/``: each cards file as read and checked, in outline (see ``outline``), its
  notes' fields as rendered (with their content hashes, per note and card numbers) and its
  notes as the last build packaged them (see ``packaged``), under a key made of
  lmndeck's version,
  the file's path as problems show it and its bytes: an edited file misses and is read and
  rendered again, the others are not; and a mark for the bytes of the lock file the last
  build wrote (see ``lockfile.remember_lock``). Entries are named after their file, so a new version
  replaces the old one.
- ``builds/``: per cards directory and deck, what the last build read and wrote (hashes of the
  cards files, of the lock file and of the deck, the deck's inode and time, what it reported):
  a build that finds everything as that build left it writes nothing; and what the next
  build updates to write its package (see ``workspace``).

Nothing in it is trusted blindly: an entry that cannot be read, is cut short, or was stored by
another version (or other code of lmndeck), for another file or for other bytes counts as missing (and is replaced), so
the output is the same byte for byte with or without the cache. Failing to write the cache
never fails a build: it only costs the next one time.

What is read from it is bounded and runs nothing: only regular files are opened (never through a
symbolic link, never a FIFO or a device), and none larger than ``MAX_ENTRY_BYTES``; a
``.lmndeck-cache`` or a folder in it that is a symbolic link is no cache (neither read nor
written); an entry is used only when signed with this user's key (see ``_secret``), and even a
signed entry is unpickled by ``_OwnTypes``, which builds lmndeck's own value types and nothing
else, so a leaked key or a cache restored from elsewhere (CI) is no door to running code.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import hmac
import importlib.util
import io
import json
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

from lmndeck import __version__
from lmndeck.staging import remove_stale_temporaries_in, temporary_file

CACHE_NAME = ".lmndeck-cache"


def _code_stamp() -> str:
    """lmndeck's own files and genanki's, by name, size and time: in development the version
    stays the same while the code that reads and renders cards changes, and a cache from before
    must not be used; genanki makes the note types' JSON (see ``notetypes.content_hashes``).
    About 90 files: a millisecond or two. genanki is found, not imported."""
    stamps = []
    for package in (Path(__file__).resolve().parent, _genanki_folder()):
        for path in sorted(package.rglob("*")):
            if "__pycache__" not in path.parts and path.is_file():
                status = path.stat()
                shown = f"{package.name}/{path.relative_to(package)}"
                stamps.append(f"{shown} {status.st_size} {status.st_mtime_ns}")
    return digest(*stamps)[:16]


def _genanki_folder() -> Path:
    spec = importlib.util.find_spec("genanki")  # a package's spec: nothing of it runs
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("lmndeck needs genanki")
    return Path(next(iter(spec.submodule_search_locations))).resolve()


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


def key(*parts: str) -> str:
    """A key for an entry of ``parts``: another version or other code never reads it."""
    return digest(_FORMAT, *parts)


def code_entry(cards_dir: Path, what: str) -> Path:
    """The entry of what depends on the code alone (the note types' hashes, say)."""
    return cache_dir(cards_dir) / "builds" / f"{what}.pickle"


def cache_dir(cards_dir: Path) -> Path:
    """Where the cache of ``cards_dir`` lives: beside it."""
    return cards_dir.resolve().parent / CACHE_NAME


def file_key(shown: str, data: bytes) -> str:
    """The key of a cards file shown as ``shown`` with the bytes ``data``."""
    return digest(_FORMAT, shown, data)


def file_entry(cards_dir: Path, file: Path, what: str = "read") -> Path:
    """The entry of ``file`` that holds ``what``: the file as read, its outline, its notes'
    fields, its notes as packaged, or (for the lock file) the mark of its bytes."""
    name = digest(str(file.resolve()))[:32]
    return cache_dir(cards_dir) / "files" / f"{name}.{what}.pickle"


def load(entry: Path, key: str) -> Any:
    """The value stored in ``entry`` under ``key``; None for an entry that is missing,
    unreadable, corrupt, cut short, stored under another key, or not signed by this user."""
    secret = _secret()
    data = _read_entry(entry)
    if data is None:
        return None
    header = _header(key)
    body = memoryview(data)[_SIGNATURE_BYTES:]  # a view: entries reach tens of MB
    if body[: len(header)] != header:
        return None
    # Only entries this user's lmndeck wrote are read, so a cache dir that came with someone
    # else's project (a zip, a careless commit) is not even unpickled.
    if secret is None or not hmac.compare_digest(data[:_SIGNATURE_BYTES], _sign(secret, body)):
        return None
    try:
        stream = io.BytesIO(body[len(header) :])
        value = _OwnTypes(stream).load()
        if stream.tell() == len(body) - len(header):
            return value
        pieces = [value]  # stored by store_pieces: each its own pickle, its own memo
        while stream.tell() < len(body) - len(header):
            pieces.append(_OwnTypes(stream).load())
        return Pieces(pieces)
    except Exception:  # anything a damaged entry makes unpickling raise
        return None


class Pieces(list[Any]):
    """What ``load`` gives of an entry ``store_pieces`` stored: its pieces, in order."""


def holds(entry: Path, key: str) -> bool:
    """Whether ``entry`` was stored under ``key``, from its first bytes (not checked further:
    ``load`` does that)."""
    start = _read_entry(entry, _SIGNATURE_BYTES + len(_header(key)))
    return start is not None and start[_SIGNATURE_BYTES:] == _header(key)


def store(entry: Path, key: str, value: object) -> None:
    store_pieces(entry, key, [value])


def store_pieces(entry: Path, key: str, pieces: Iterable[object]) -> None:
    """Store ``pieces`` as one entry, each pickled on its own (``load`` gives them back as
    ``Pieces``, or the value of an entry of one piece): the pickler remembers every object of
    a piece, 50 MB for a lock of 100k notes in one piece, and forgets them after it."""
    secret = _secret()
    if secret is None:  # no key to sign with: no cache, builds only take longer
        return
    header = _header(key)

    def fill(handle: BinaryIO) -> None:
        # Pickled straight into the file and signed as it goes, the signature written last
        # at the start: an entry is never held whole in memory (a 100k-fact deck's deflated
        # chunks are 25 MB, its lock 20 MB pickled).
        signature = hmac.new(secret, header, digestmod=hashlib.sha256)
        handle.write(bytes(_SIGNATURE_BYTES) + header)
        pickler = pickle.Pickler(_Signing(handle, signature), protocol=pickle.HIGHEST_PROTOCOL)
        for piece in pieces:
            pickler.dump(piece)
            pickler.clear_memo()
        handle.seek(0)
        handle.write(signature.digest())

    try:
        _write(entry, fill)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return


class _Signing:
    """A file that each write to also updates a signature."""

    def __init__(self, handle: BinaryIO, signature: hmac.HMAC) -> None:
        self._handle = handle
        self._signature = signature

    def write(self, data: bytes) -> int:
        self._signature.update(data)
        return self._handle.write(data)


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
_SECRET_BYTES = 32


@functools.cache
def _secret() -> bytes | None:
    """This user's key for signing cache entries, made on first use in the user's own cache
    folder ($XDG_CACHE_HOME or ~/.cache, then lmndeck/). A key is trusted only as a regular
    file of this user's, readable and writable by nobody else, in a folder of this user's that
    nobody else can write: one another user could plant or read would let them sign entries.
    None when the folder is not such a one (nothing is cached then); a key file in it that is
    not such a one is replaced."""
    try:
        home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lmndeck"
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.lstat(home), stat.S_ISDIR, 0o022):
            return None
        path = home / SECRET_NAME
        if (secret := _read_key(path)) is not None:
            return secret
        descriptor, name = tempfile.mkstemp(dir=home, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:  # mkstemp's file is the user's alone
                handle.write(os.urandom(_SECRET_BYTES))
            # Two first builds at once: one key wins, and the other's entries are misses.
            os.rename(name, path)
        finally:
            Path(name).unlink(missing_ok=True)
        return _read_key(path)
    except (OSError, RuntimeError):  # RuntimeError: no home directory to be found
        return None


def _read_key(path: Path) -> bytes | None:
    secret = _read_regular(path, _SECRET_BYTES + 1, private=True)
    return secret if secret is not None and len(secret) == _SECRET_BYTES else None


def _private(status: os.stat_result, kind: Callable[[int], bool], others: int) -> bool:
    """Whether ``status`` is of the ``kind`` wanted, this user's, with none of the permission
    bits ``others`` (of the group's and others')."""
    return (
        bool(kind(status.st_mode))
        and status.st_uid == os.geteuid()
        and not (status.st_mode & others)
    )


def build_record(cards_dir: Path, target: Path) -> Path:
    """The record of the last build of ``cards_dir`` into the deck ``target``."""
    name = digest(_FORMAT, str(cards_dir.resolve()), str(target.resolve()))[:32]
    return cache_dir(cards_dir) / "builds" / f"{name}.json"


def read_record(path: Path) -> dict[str, Any] | None:
    data = _read_entry(path)
    try:
        record = json.loads(data) if data is not None else None
    except ValueError:
        return None
    return record if isinstance(record, dict) and record.get("format") == _FORMAT else None


def write_record(path: Path, record: dict[str, Any]) -> None:
    _write(path, json.dumps({"format": _FORMAT, **record}).encode("utf-8"))


def forget_record(path: Path) -> None:
    if not _own_folder(path.parent):  # nothing is deleted through a link either
        return
    try:
        path.unlink(missing_ok=True)
    except OSError:
        return


def tidy(cards_dir: Path) -> None:
    """Delete what builds killed while writing entries left behind: before a build writes,
    once for all its entries (a listing of the folder per entry written would make a first
    build quadratic in its files)."""
    root = cache_dir(cards_dir)
    for folder in (root / "files", root / "builds"):
        if _own_folder(folder):
            remove_stale_temporaries_in(folder)


def _write(path: Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """Replace ``path`` atomically (a reader sees the old file or the new one, never a part)
    with ``data``, or what ``data`` writes into the file it is given."""
    try:
        if not prepared(path):
            return
        descriptor, name = temporary_file(path)
        try:
            with os.fdopen(descriptor, "w+b") as handle:  # closing it ends the lock: rename first
                if callable(data):
                    data(handle)
                else:
                    handle.write(data)
                handle.flush()
                os.rename(name, path)  # replaces atomically on POSIX, as the deck's os.replace
        finally:
            Path(name).unlink(missing_ok=True)
    except OSError:
        return


def prepared(path: Path) -> bool:
    """Whether the cache folder of ``path`` is there (made if need be, the cache with its
    .gitignore) and neither it nor the cache is a link: a file of the cache may be written
    there."""
    try:
        path.parent.parent.mkdir(exist_ok=True)
        path.parent.mkdir(exist_ok=True)
        if not _own_folder(path.parent):
            return False
        _write_gitignore(path.parent.parent / ".gitignore")
    except OSError:
        return False
    return True


def _write_gitignore(path: Path) -> None:
    """The cache's .gitignore, unless it is there (as anything: a link is not followed)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(_GITIGNORE)


# The largest entry read: a 100k-fact deck's are about 20 MB; a file planted larger is a miss.
MAX_ENTRY_BYTES = 256 * 1024 * 1024


def _read_entry(path: Path, limit: int = MAX_ENTRY_BYTES) -> bytes | None:
    """The first ``limit`` bytes of the entry ``path`` (all of it, if smaller); None unless it
    is a regular file no larger than ``MAX_ENTRY_BYTES`` in a cache folder that is no link.
    Opened without following a link and without waiting on a FIFO, then looked at: a link to
    /dev/zero or a FIFO in the cache must cost nothing, not hang or fill the memory."""
    return _read_regular(path, limit) if _own_folder(path.parent) else None


def _read_regular(path: Path, limit: int, private: bool = False) -> bytes | None:
    """Up to ``limit`` bytes of the regular file ``path`` (no larger than ``MAX_ENTRY_BYTES``),
    opened without following a link; with ``private``, only of a file of this user's that
    nobody else can read or write. None for anything else, or a file that cannot be read."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_ENTRY_BYTES:
            return None
        if private and not _private(status, stat.S_ISREG, 0o077):
            return None
        return os.read(descriptor, min(limit, status.st_size)) if limit else b""
    except OSError:
        return None
    finally:
        os.close(descriptor)


def _own_folder(folder: Path) -> bool:
    """Whether ``folder`` (a folder of the cache) and the cache itself are folders, not links:
    a ``.lmndeck-cache`` linked out of the project is not read or written through."""
    try:
        return all(stat.S_ISDIR(os.lstat(path).st_mode) for path in (folder.parent, folder))
    except OSError:
        return False


class _OwnTypes(pickle.Unpickler):
    """Unpickles lmndeck's own value types (its dataclasses, named tuples and enums) and paths,
    and nothing else: a pickle naming any other callable (``os.system``, ``builtins.eval``) or a
    module not loaded yet (importing one runs it) is refused before anything is called."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == (_PATH.__module__, _PATH.__name__):
            return _PATH
        loaded = sys.modules.get(module) if module.partition(".")[0] == "lmndeck" else None
        found = getattr(loaded, name, None) if loaded is not None and "." not in name else None
        if isinstance(found, type) and found.__module__ == module and _a_value_type(found):
            return found
        raise pickle.UnpicklingError(f"not one of lmndeck's value types: {module}.{name}")


_PATH = type(Path())  # how paths pickle: PosixPath here, WindowsPath there


def _a_value_type(found: type) -> bool:
    return dataclasses.is_dataclass(found) or issubclass(found, (tuple, enum.Enum))
