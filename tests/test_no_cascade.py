"""One root cause, one diagnostic: a mistake is reported where it is, never again by what
depends on it (the cases that used to cascade)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmndeck.cli import main

HEADER = """deck: Demo
sources:
  video: {youtube: xWPaCACoam4, title: A video}
"""
DIAGNOSTIC = re.compile(r"^(\S+:\d+:\d+): error\[([a-z-]+)\]: ", re.MULTILINE)


def diagnostics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **files: str
) -> list[tuple[str, str]]:
    cards = tmp_path / "cards"
    cards.mkdir()
    for name, text in files.items():
        (cards / f"{name}.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1, result.output
    return DIAGNOSTIC.findall(result.output)


def test_a_typo_in_the_default_source_is_one_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts = "".join(f'  - {{id: f{n}, text: "{{{{a{n}}}}} is"}}\n' for n in range(5))
    text = HEADER + "source: vidoe 01:02\nfacts:\n" + facts
    assert diagnostics(tmp_path, monkeypatch, a=text) == [("cards/a.yaml:4:9", "unknown-source")]


def test_a_source_written_wrong_is_not_unknown_where_it_is_cited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "deck: Demo\nsources:\n  video: {youtube: not-an-id, title: A video}\n"
        'facts:\n  - {id: a, text: "{{a}}", source: video 01:02}\n'
        "comparisons:\n  - {id: t, title: T, source: video, columns: {x: X, y: Y}, "
        "rows: [{feature: F, x: '1', y: '2'}]}\n"
    )
    assert diagnostics(tmp_path, monkeypatch, a=text) == [("cards/a.yaml:3:20", "invalid-source")]


@pytest.mark.parametrize(
    ("columns", "row", "expected"),
    [
        pytest.param(
            "{lmn: LMN}", "lmn: low, umn: high", ("7:14", "too-few-columns"), id="one-column"
        ),
        pytest.param(
            "{lmn: LMN, umn: UMN, bad id: Bad}",
            "lmn: low, umn: high, bad id: x",
            ("7:35", "invalid-id"),
            id="a-column-with-a-problem",
        ),
    ],
)
def test_rows_are_not_checked_against_columns_with_problems(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    columns: str,
    row: str,
    expected: tuple[str, str],
) -> None:
    text = (
        "deck: Demo\nsources: {s: {title: S}}\nsource: s\ncomparisons:\n  - id: t\n"
        f"    title: T\n    columns: {columns}\n    rows:\n      - {{feature: Tone, {row}}}\n"
        f"      - {{feature: Reflexes, {row}}}\n"
    )
    where, code = expected
    assert diagnostics(tmp_path, monkeypatch, a=text) == [(f"cards/a.yaml:{where}", code)]


def test_duplicate_ids_are_reported_alongside_other_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = HEADER + 'source: video\nfacts:\n  - {id: one, text: "{{a}} is"}\n'
    second = HEADER + 'source: video\nfacts:\n  - {id: one, text: "{{b}} is", extra: [x]}\n'
    assert diagnostics(tmp_path, monkeypatch, a=first, b=second) == [
        ("cards/b.yaml:6:5", "duplicate-id"),
        ("cards/b.yaml:6:40", "wrong-type"),
    ]


def test_an_item_used_again_through_an_alias_is_not_a_duplicate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = HEADER + 'source: video\nfacts:\n  - &a {id: one, text: "{{a}} is"}\n  - *a\n'
    # one problem, at the alias (line 7), not a duplicate id
    assert diagnostics(tmp_path, monkeypatch, a=text) == [("cards/a.yaml:7:5", "yaml-alias")]
