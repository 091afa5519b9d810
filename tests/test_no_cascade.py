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


def test_a_one_column_table_is_one_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = HEADER + (
        "source: video\ncomparisons:\n  - id: t\n    title: T\n    columns: {lmn: LMN}\n"
        "    rows:\n      - {feature: Tone, lmn: low, umn: high}\n"
        "      - {feature: Reflexes, lmn: low, umn: high}\n"
    )
    assert diagnostics(tmp_path, monkeypatch, a=text) == [("cards/a.yaml:8:14", "too-few-columns")]


def test_a_row_value_under_a_column_with_a_problem_is_not_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = HEADER + (
        "source: video\ncomparisons:\n  - id: t\n    title: T\n"
        "    columns: {lmn: LMN, umn: UMN, bad id: Bad}\n"
        "    rows:\n      - {feature: Tone, lmn: low, umn: high, bad id: x}\n"
    )
    assert diagnostics(tmp_path, monkeypatch, a=text) == [("cards/a.yaml:8:35", "invalid-id")]


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
    assert diagnostics(tmp_path, monkeypatch, a=text) == [("cards/a.yaml:6:5", "yaml-alias")]
