"""Bad input: one clear problem per mistake, at the exact place, with a hint; never a traceback."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from lmndeck.problems import ContentError, Position, Problem
from lmndeck.project import load_project
from tests.conftest import WriteCards

HEADER = """\
deck: Demo
sources:
  video: {youtube: xWPaCACoam4, title: A video}
  text: {title: A text}
source: text
"""


def problems_for(write_cards: WriteCards, body: str, header: str = HEADER) -> list[Problem]:
    cards = write_cards(header + textwrap.dedent(body))
    with pytest.raises(ContentError) as caught:
        load_project(cards)
    return caught.value.problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize(
    ("body", "line", "column", "message", "hint"),
    [
        pytest.param(
            "facts:\n  - id: a\n    text: {{Fasciculations}} are typical\n",
            8,
            11,  # at the '{', not at the text after the '}}', where YAML gave up
            "invalid YAML: a text that starts with '{' must be quoted",
            'quote the text, e.g. text: "{{Fasciculations}} are typical"',
            id="deletion-at-start-unquoted",
        ),
        pytest.param(
            "facts:\n  - id: a\n    text: {{Fasciculations}}\n",
            8,
            11,
            "a text that starts with '{' must be quoted: YAML reads it as a mapping",
            'quote the text, e.g. text: "{{Fasciculations}}"',
            id="deletion-alone-unquoted",
        ),
        pytest.param(
            "facts:\n  - id: a\n    txet: '{{x}}'\n",
            8,
            5,
            "unknown key 'txet' in a fact",
            "did you mean 'text'?",
            id="unknown-key",
        ),
        pytest.param(
            "facts:\n  - id: a\n    text: '{{x}}'\n    text: '{{y}}'\n",
            9,
            5,
            "duplicate key 'text' in a fact",
            "the first 'text' is at line 8",
            id="duplicate-key",
        ),
        pytest.param(
            "facts:\n  - id: a\n    text: 'an {{open deletion'\n",
            8,
            15,
            "deletion is not closed",
            "close it with '}}'",
            id="unclosed",
        ),
        pytest.param(
            "facts:\n  - id: a\n    text: 'an {{ }} deletion'\n",
            8,
            15,
            "empty deletion",
            "put the answer between the braces",
            id="empty",
        ),
        pytest.param(
            "facts:\n  - id: a\n    text: 'an {{outer {{inner}} }}'\n",
            8,
            23,
            "deletions cannot be nested",
            "split it",
            id="nested",
        ),
        pytest.param(
            "facts:\n  - id: a\n    text: 'Anki style {{c1::atrophy}}'\n",
            8,
            23,
            "without Anki's card number",
            "write {{atrophy}}",
            id="anki-numbered",
        ),
        pytest.param(
            "facts:\n  - id: a\n    text: 'Anki style {{C1::}}'\n",
            8,
            23,
            "without Anki's card number",
            None,
            id="anki-uppercase-empty",
        ),
        pytest.param(
            "facts:\n  - id: a\n    text: no deletion here\n",
            8,
            11,
            "needs at least one deletion",
            "{{atrophy}}",
            id="no-deletion",
        ),
        pytest.param(
            "facts:\n  - id: a\n    text: 'stray }} here {{x}}'\n",
            8,
            18,
            "closes a deletion that was never opened",
            None,
            id="stray-close",
        ),
        pytest.param(
            "facts:\n  - id: a\n    text: '{{x::one::two}}'\n",
            8,
            12,
            "at most one hint",
            None,
            id="two-hints",
        ),
        pytest.param(
            "facts:\n  - id: a b\n    text: '{{x}}'\n",
            7,
            9,
            "'a b' is not a valid id",
            "use letters, digits",
            id="bad-id",
        ),
        pytest.param(
            "facts:\n  - id: a\n    text: '{{x}}'\n    source: vidoe 08:09\n",
            9,
            13,
            "unknown source 'vidoe'",
            "did you mean 'video'?",
            id="unknown-source",
        ),
        pytest.param(
            "facts:\n  - id: a\n    text: '{{x}}'\n    source: video 8:60\n",
            9,
            13,
            "'8:60' is not a timestamp",
            "MM:SS",
            id="bad-timestamp",
        ),
        pytest.param(
            "facts:\n  - id: a\n    text: '{{x}}'\n    source: text 08:09\n",
            9,
            13,
            "only video sources take a timestamp",
            None,
            id="timestamp-on-text",
        ),
        pytest.param(
            "facts:\n  - id: a\n    text: '{{x}}'\n    tags: !!python/object/apply:os.system [ls]\n",
            9,
            11,
            "YAML tag",
            "remove the '!' tag",
            id="object-tag",
        ),
        pytest.param(
            "facts:\n  - &f {id: a, text: '{{x}}'}\n  - *f\n",
            8,  # the alias, not its anchor
            5,
            "aliases are not supported",
            "write the value out in full",
            id="alias",
        ),
        pytest.param(
            "facts:\n\t- id: a\n",
            7,
            1,
            "invalid YAML",
            "indent with spaces",
            id="tab",
        ),
        pytest.param(
            "facts: {id: a}\n",
            6,
            8,
            "facts must be a list",
            None,
            id="facts-not-a-list",
        ),
        pytest.param(
            "comparisons:\n  - id: t\n    title: T\n    columns: {a: A, b: B}\n"
            "    rows:\n      - feature: F\n        a: x\n        c: y\n",
            13,
            9,
            "unknown key 'c' in a row",
            "expected one of: id, feature, source, was, lint, a, b",
            id="row-unknown-column",
        ),
        pytest.param(
            "comparisons:\n  - id: t\n    title: T\n    columns: {a: A, b: B}\n"
            "    rows:\n      - feature: F\n        a: x\n      - feature: F\n        b: y\n",
            13,
            9,
            "two rows have the id 'f'",
            "give one of them its own 'id:'",
            id="duplicate-row-id",
        ),
        pytest.param(
            "comparisons:\n  - id: t\n    title: T\n    columns: {feature: A, b: B}\n"
            "    rows:\n      - {feature: F, b: x}\n",
            9,
            15,
            "'feature' cannot be a column id",
            None,
            id="reserved-column-id",
        ),
    ],
)
def test_problem_points_at_the_mistake(
    write_cards: WriteCards,
    body: str,
    line: int,
    column: int,
    message: str,
    hint: str | None,
) -> None:
    problem = only(problems_for(write_cards, body))
    assert problem.position.path.endswith("demo.yaml")
    assert message in problem.message
    assert (problem.position.line, problem.position.column) == (line, column)
    if hint:
        assert problem.hint and hint in problem.hint


def test_missing_source_is_an_error(write_cards: WriteCards) -> None:
    header = "deck: Demo\nsources: {text: {title: T}}\n"
    problem = only(problems_for(write_cards, "facts:\n  - {id: a, text: '{{x}}'}\n", header))
    assert "has no source" in problem.message


def test_every_problem_is_reported_at_once(write_cards: WriteCards) -> None:
    body = "facts:\n  - id: a\n    text: '{{}}'\n  - id: b\n    txt: x\n  - id: c\n"
    problems = problems_for(write_cards, body)
    # empty deletion; unknown key (a typo of text), read as text: no deletion in it; missing text
    assert len(problems) == 4
    assert [p.position.line for p in problems] == sorted(p.position.line for p in problems)


def test_duplicate_ids_across_files_point_at_the_first(write_cards: WriteCards) -> None:
    write_cards(HEADER + "facts:\n  - {id: same, text: '{{x}}'}\n", name="a.yaml")
    cards = write_cards(HEADER + "facts:\n  - {id: same, text: '{{y}}'}\n", name="b.yaml")
    with pytest.raises(ContentError) as caught:
        load_project(cards)
    problem = only(caught.value.problems)
    assert problem.position.path.endswith("b.yaml")
    assert "duplicate id 'same'" in problem.message
    assert problem.related == Position("a.yaml", 7, 5)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"- a\n- b\n", "a cards file must be a mapping"),
        (b"deck: Demo\nsources: {}\n", "no facts and no comparisons"),
        (b"deck: D\nfacts: []\n\xff\xfe", "not valid UTF-8"),
        (b"a: 1\n---\nb: 2\n", "invalid YAML"),
    ],
)
def test_whole_file_problems(tmp_path: Path, content: bytes, message: str) -> None:
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "bad.yaml").write_bytes(content)
    with pytest.raises(ContentError) as caught:
        load_project(cards)
    assert any(message in problem.message for problem in caught.value.problems)


def test_invalid_utf8_points_at_the_byte(tmp_path: Path) -> None:
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "bad.yaml").write_bytes("deck: Dé\nfacts: [\xff]\n".encode("latin-1"))
    problem = only(load_errors(cards))
    assert (problem.position.line, problem.position.column) == (1, 8)


def load_errors(cards: Path) -> list[Problem]:
    with pytest.raises(ContentError) as caught:
        load_project(cards)
    return caught.value.problems


def test_no_cards_files(tmp_path: Path) -> None:
    (tmp_path / "cards").mkdir()
    problem = only(load_errors(tmp_path / "cards"))
    assert "no cards files" in problem.message
