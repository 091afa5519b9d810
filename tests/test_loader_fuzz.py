"""Whatever bytes a cards file holds, the loader answers with problems, never an exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lmndeck.deckfile import read_deck_file
from lmndeck.loader import load_bytes
from lmndeck.problems import ContentError

VALID = (
    b"deck: D\nsources: {v: {youtube: xWPaCACoam4, title: T}}\nfacts:\n"
    b"  - {id: a, text: '{{x}} y', source: v 01:02}\n"
    b"comparisons:\n  - id: c\n    title: T\n    columns: {a: A, b: B}\n"
    b"    rows:\n      - {feature: F, a: x, b: {text: y, source: v}}\n"
)
TOKENS = [
    b"{{", b"}}", b"::", b"@l ", b"- ", b": ", b"\n", b"  ", b"[", b"]", b"{", b"}", b"&a ", b"*a",
    b"!!str ", b"!x ", b"'", b'"', b"#", b"\t", b"\xff", b"08:09", b"deck", b"facts", b"id",
    b"text", b"source", b"rows", b"columns", b"feature", b"~", b"---", b"|", b">",
]  # fmt: skip


def mutations() -> st.SearchStrategy[bytes]:
    def mutate(data: tuple[int, int, list[bytes]]) -> bytes:
        start, length, inserted = data
        start %= len(VALID)
        return VALID[:start] + b"".join(inserted) + VALID[start + length % 12 :]

    return st.tuples(
        st.integers(0, 10_000), st.integers(0, 11), st.lists(st.sampled_from(TOKENS), max_size=4)
    ).map(mutate)


@settings(max_examples=300, deadline=None)
@given(st.one_of(mutations(), st.binary(max_size=200)))
def test_any_input_gives_a_deck_or_located_problems(data: bytes) -> None:
    try:
        read = read_deck_file(load_bytes(data, "fuzz.yaml"), "fuzz.yaml", Path("."))
        deck_file, problems = read.deck_file, read.problems
    except ContentError as error:
        problems, deck_file = error.problems, None
    assert (deck_file is None) == bool(problems)
    for problem in problems:
        assert problem.position.line >= 1 and problem.position.column >= 1
        assert problem.message
