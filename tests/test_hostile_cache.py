"""Hostile caches and decks: what a build reads from .lmndeck-cache/ and from the last built deck
runs no code, never hangs and stays bounded, whoever planted it.

Every case runs ``lmndeck build`` in its own process (a hang is a timeout, not a stuck suite),
with a cache key folder of its own and its address space capped (a read that would fill the
memory fails instead of taking the machine down), and must rebuild the very deck a clean first
build makes, byte for byte.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import resource
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from lmndeck import cache
from tests.conftest import SAMPLE

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from synth import write_cards

DECK = Path("dist/neurology-demo.apkg")
LOCK = Path("cards/lmndeck.lock")
MEMORY = 3 * 1024**3  # the address space a build may take; a bomb's read needs far more


def lmndeck(
    project: Path, keys: Path, *args: str, memory: int = MEMORY
) -> subprocess.CompletedProcess[str]:
    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    environment = {**os.environ, "XDG_CACHE_HOME": str(keys), "SOURCE_DATE_EPOCH": "1767225600"}
    return subprocess.run(
        [sys.executable, "-m", "lmndeck", *args],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=capped,
    )


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A built project (with its cache) and the deck a first build makes."""
    project = tmp_path_factory.mktemp("built") / "project"
    (project / "cards").mkdir(parents=True)
    (project / "cards" / "demo.yaml").write_text(SAMPLE, encoding="utf-8")
    keys = tmp_path_factory.mktemp("keys")
    result = lmndeck(project, keys, "build")
    assert result.returncode == 0, result.stderr
    return project, (project / DECK).read_bytes()


@pytest.fixture
def project(first_build: tuple[Path, bytes], tmp_path: Path) -> Path:
    """A copy of the built project, its cache entries renamed after the copy's files (an
    entry is named after its file's full path)."""
    copy = tmp_path / "project"
    shutil.copytree(first_build[0], copy, symlinks=True)
    for name in ("demo.yaml", LOCK.name):
        for what in ("read", "outline", "fields", "notes", "lock", "lockbase"):
            entry = cache.file_entry(
                first_build[0] / "cards", first_build[0] / "cards" / name, what
            )
            moved = copy / entry.relative_to(first_build[0])
            if moved.exists():
                moved.rename(cache.file_entry(copy / "cards", copy / "cards" / name, what))
    return copy


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    """This user's cache key folder, with a key in it."""
    folder = tmp_path / "keys"
    folder.mkdir(mode=0o700)
    (folder / "lmndeck").mkdir(mode=0o700)
    (folder / "lmndeck" / cache.SECRET_NAME).write_bytes(os.urandom(32))
    (folder / "lmndeck" / cache.SECRET_NAME).chmod(0o600)
    return folder


def rebuild(project: Path, keys: Path) -> subprocess.CompletedProcess[str]:
    """A build that must read every cache entry: the deck is gone, so nothing is up to date,
    and the cards files are read through the cache."""
    (project / DECK).unlink()
    return lmndeck(project, keys, "build")


def entries(project: Path) -> list[Path]:
    return sorted((project / cache.CACHE_NAME / "files").iterdir())


# --- Code in the cache: a forged entry runs nothing, whatever signed it ----------------------


class _Call:
    """A pickle that, when loaded, calls ``function(*arguments)``: what a forged entry does."""

    def __init__(self, function: Callable[..., object], *arguments: object) -> None:
        self.function, self.arguments = function, arguments

    def __reduce__(self) -> tuple[Callable[..., object], tuple[object, ...]]:
        return self.function, self.arguments


PAYLOADS: dict[str, Callable[[Path], object]] = {
    "builtins-open": lambda ran: _Call(open, str(ran), "w"),
    "os-system": lambda ran: _Call(os.system, f"touch '{ran}'"),
    # lmndeck's own module, but a function that writes a file: only value types are built
    "lmndeck-function": lambda ran: _Call(cache._write_gitignore, ran),
    "inside-a-value": lambda ran: {("key", 1): ((_Call(os.system, f"touch '{ran}'"),), "h")},
}


def forge(project: Path, secret: bytes, payload: object) -> None:
    """Every entry replaced by ``payload``, under its own key, signed with ``secret``."""
    for entry in entries(project):
        header = entry.read_bytes()[32:].split(b"\n", 1)[0] + b"\n"
        body = header + pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        entry.write_bytes(hmac.new(secret, body, hashlib.sha256).digest() + body)


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_an_entry_signed_with_a_leaked_key_runs_nothing(
    payload: str, project: Path, keys: Path, first_build: tuple[Path, bytes], tmp_path: Path
) -> None:
    ran = tmp_path / "the payload ran"
    forge(project, (keys / "lmndeck" / cache.SECRET_NAME).read_bytes(), PAYLOADS[payload](ran))
    result = rebuild(project, keys)
    assert result.returncode == 0, result.stderr
    assert not ran.exists()
    assert (project / DECK).read_bytes() == first_build[1]


PLANTED = {  # (the key folder's mode, the key's): each lets another user sign or read entries
    "world-writable-folder": (0o777, 0o600),
    "group-writable-folder": (0o770, 0o600),
    "world-writable-key": (0o700, 0o666),
    "world-readable-key": (0o700, 0o644),
}


@pytest.mark.parametrize("planted", sorted(PLANTED))
def test_a_key_others_could_write_or_read_signs_nothing(
    planted: str, project: Path, keys: Path, first_build: tuple[Path, bytes], tmp_path: Path
) -> None:
    folder_mode, key_mode = PLANTED[planted]
    key = keys / "lmndeck" / cache.SECRET_NAME
    key.chmod(key_mode)
    (keys / "lmndeck").chmod(folder_mode)
    planted_key = key.read_bytes()
    ran = tmp_path / "the payload ran"
    forge(project, planted_key, _Call(os.system, f"touch '{ran}'"))
    forged = [entry.read_bytes() for entry in entries(project)]
    result = rebuild(project, keys)
    assert result.returncode == 0, result.stderr
    assert not ran.exists()
    assert (project / DECK).read_bytes() == first_build[1]
    rewritten = [entry.read_bytes() for entry in entries(project)]
    if folder_mode & 0o022:  # a folder others can write: no key is trusted, nothing is cached
        assert (key.read_bytes(), rewritten) == (planted_key, forged)
    else:  # the key others could touch is replaced by a private one, and entries signed anew
        assert key.read_bytes() != planted_key and key.stat().st_mode & 0o777 == 0o600
        assert not set(rewritten) & set(forged)


# --- Hangs and exhaustion: only regular files are read, bounded, and never through a link ----


def every_entry(make: Callable[[Path], None]) -> Callable[[Path, Path], None]:
    def setup(project: Path, outside: Path) -> None:
        for entry in entries(project):
            entry.unlink()
            make(entry)

    return setup


def linked_out(name: str) -> Callable[[Path, Path], None]:
    """The cache's ``name`` (itself, or a folder or file in it) a link to a folder outside."""

    def setup(project: Path, outside: Path) -> None:
        inside = project / cache.CACHE_NAME / name
        shutil.rmtree(inside) if inside.is_dir() else inside.unlink()
        inside.symlink_to(outside / name if name == ".gitignore" else outside)

    return setup


CACHES: dict[str, Callable[[Path, Path], None]] = {
    "entry-link-to-dev-zero": every_entry(lambda entry: entry.symlink_to("/dev/zero")),
    "entry-fifo": every_entry(os.mkfifo),
    "entry-directory": every_entry(os.mkdir),
    "entry-larger-than-any": every_entry(
        lambda entry: os.truncate(entry.open("wb").name, cache.MAX_ENTRY_BYTES + 1)
    ),
    "entry-link-out": every_entry(lambda entry: entry.symlink_to("/etc/hostname")),
    "cache-linked-out": linked_out(""),
    "files-linked-out": linked_out("files"),
    "builds-linked-out": linked_out("builds"),
    "gitignore-linked-out": linked_out(".gitignore"),
}


@pytest.mark.parametrize("case", sorted(CACHES))
def test_a_cache_of_links_fifos_and_devices_costs_nothing(
    case: str, project: Path, keys: Path, first_build: tuple[Path, bytes], tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    if case == "cache-linked-out":  # the cache linked to: what it holds is not read either
        shutil.copytree(project / cache.CACHE_NAME, outside, dirs_exist_ok=True)
        forge(project, (keys / "lmndeck" / cache.SECRET_NAME).read_bytes(), "not what it was")
        before = {path: path.read_bytes() for path in outside.rglob("*") if path.is_file()}
    CACHES[case](project, outside)
    if case != "cache-linked-out":
        before = {}
    result = rebuild(project, keys)  # a hang is a timeout, a flood a MemoryError
    assert result.returncode == 0, result.stderr
    assert (project / DECK).read_bytes() == first_build[1]
    after = {path: path.read_bytes() for path in outside.rglob("*") if path.is_file()}
    assert after == before  # nothing written through a link


def bomb_deck(deck: Path, entry: str, inflated: int, *, lie: bool) -> None:
    """``deck`` with its ``entry`` replaced by ``inflated`` zero bytes (a few MB deflated); with
    ``lie``, its header says it holds a few bytes. A bomb in the collection comes without the
    deck's lock: the collection is read only then."""
    dropped = {entry, "lmndeck.lock"}
    with zipfile.ZipFile(deck) as package:
        kept = [
            (info, package.read(info))
            for info in package.infolist()
            if info.filename not in dropped
        ]
    with zipfile.ZipFile(deck, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for info, data in kept:
            package.writestr(info, data)
        with package.open(entry, "w", force_zip64=True) as handle:
            zeros = bytes(1 << 24)
            for _ in range(inflated // len(zeros)):
                handle.write(zeros)
    if lie:  # the central directory's size of the entry: the last 4+4 bytes before its name
        raw = bytearray(deck.read_bytes())
        record = raw.rindex(b"PK\x01\x02")
        raw[record + 20 : record + 28] = (1000).to_bytes(4, "little") * 2
        deck.write_bytes(bytes(raw))


BOMBS = {  # (entry, inflated bytes, whether its header lies, whether the lock file is kept)
    "lock": ("lmndeck.lock", 512 * 1024**2, False, True),
    "lock-without-lock-file": ("lmndeck.lock", 512 * 1024**2, False, False),
    "collection": ("collection.anki2", 512 * 1024**2, False, True),
    "lock-header-lies": ("lmndeck.lock", 256 * 1024**2, True, True),
}


@pytest.mark.parametrize("case", sorted(BOMBS))
def test_a_zip_bomb_in_the_last_deck_is_never_inflated(
    case: str, project: Path, keys: Path
) -> None:
    entry, inflated, lie, keep_lock = BOMBS[case]
    if not keep_lock:
        (project / LOCK).unlink()
    bomb_deck(project / DECK, entry, inflated, lie=lie)
    # A build takes about 60 MiB (a few hundred of address space); the bomb inflates to 512.
    result = lmndeck(project, keys, "build", memory=1024**3)
    assert "Traceback" not in result.stderr
    if keep_lock:  # the lock is the truth: the build goes on, and says why the deck was skipped
        assert result.returncode == 0, result.stderr
        assert "could not read dist/neurology-demo.apkg" in result.stderr + result.stdout
    else:  # nothing to recover the lost lock from: refused, the bomb left as it was
        assert result.returncode == 1, result.stderr
        assert "error[" in result.stderr + result.stdout


def test_a_cache_of_fifos_stops_no_warm_up_either(keys: Path, tmp_path: Path) -> None:
    """Large enough to be read on every core first (warmup.py): the children that look
    at the cache's entries before reading a file meet the FIFOs too."""
    project = tmp_path / "large"
    write_cards(project / "cards", 3000)
    assert lmndeck(project, keys, "build", "cards", "-o", "deck.apkg").returncode == 0
    expected = (project / "deck.apkg").read_bytes()
    for entry in entries(project):
        entry.unlink()
        os.mkfifo(entry)
    (project / "deck.apkg").unlink()
    result = lmndeck(project, keys, "build", "cards", "-o", "deck.apkg")
    assert result.returncode == 0, result.stderr
    assert (project / "deck.apkg").read_bytes() == expected
