"""The package's zip: entries deflated in chunks that concatenate into one deflate stream, read
by Python's zipfile (its checksums too), the same bytes whether the chunks were deflated anew
or taken from the last build, and only the chunks that changed deflated again."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from lmndeck.zipping import CHUNK, Chunks, ZipWriter, file_pieces, pieces_of

SIZES = {"empty": 0, "one": 1, "short": CHUNK - 1, "whole": CHUNK, "long": 2 * CHUNK + 5}


def entries(seed: int = 0) -> dict[str, bytes]:
    rng = random.Random(seed)
    words = [bytes(rng.choices(b"abcdefghij ", k=8)) for _ in range(500)]
    return {name: b"".join(rng.choices(words, k=size))[:size] for name, size in SIZES.items()}


def zipped(contents: dict[str, bytes], chunks: Chunks) -> bytes:
    out = ZipWriter(chunks)
    for name, data in contents.items():
        out.add(name, pieces_of(data))
    return out.close()


def test_pythons_zipfile_reads_every_entry_and_its_checksum() -> None:
    contents = entries()
    with zipfile.ZipFile(io.BytesIO(zipped(contents, Chunks()))) as package:
        assert package.testzip() is None
        assert {name: package.read(name) for name in package.namelist()} == contents
        info = package.getinfo("long")
        assert (info.date_time, info.external_attr, info.compress_type) == (
            (1980, 1, 1, 0, 0, 0),
            0o644 << 16,
            zipfile.ZIP_DEFLATED,
        )


def test_chunks_from_the_last_build_give_the_same_bytes_and_only_changed_ones_are_deflated() -> (
    None
):
    contents = entries()
    first = Chunks()
    before = zipped(contents, first)
    edited = dict(contents)
    long = bytearray(contents["long"])
    long[CHUNK + 10] ^= 1  # one byte of the second chunk
    edited["long"] = bytes(long)
    again = Chunks((first.package, first.used))
    after = zipped(edited, again)
    assert after == zipped(edited, Chunks())
    assert after != before
    assert len(set(again.used) - set(first.used)) == 1


def test_a_file_is_cut_at_the_places_bytes_are(tmp_path: Path) -> None:
    data = entries()["long"]
    path = tmp_path / "file"
    path.write_bytes(data)
    with open(path, "rb") as file:
        assert [bytes(piece) for piece in file_pieces(file)] == [
            bytes(piece) for piece in pieces_of(data)
        ]
