"""'lmndeck stats' counts what 'lmndeck build' writes, as Anki imports it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmndeck.cli import main
from lmndeck.pipeline import build
from lmndeck.stats import stats
from tests.anki_client import AnkiCollection
from tests.conftest import SAMPLE, WriteCards

SECOND = """\
deck: Neurology::Other
tags: [other]
sources:
  notes: {title: Lecture notes}
  video: {youtube: xWPaCACoam4, title: Physiology of Lower Motor Neuron Lesions}
source: notes
facts:
  - id: signs
    text: LMN signs
    list: [Weakness, Atrophy, Fasciculations]
    tags: [signs]
  - id: clonus
    front: Clonus
    back: rhythmic contractions
    reverse: true
    source: video
  - id: unfinished
    text: "{{Hyperreflexia}} in UMN lesions."
    draft: true
"""

NOTE_TYPE_KIND = {
    "lmndeck cloze": "cloze",
    "lmndeck basic": "basic",
    "lmndeck list": "list",
    "lmndeck comparison cell": "comparison",
    "lmndeck discrimination": "discrimination",
}


@pytest.fixture
def cards(write_cards: WriteCards) -> Path:
    write_cards(SAMPLE)
    return write_cards(SECOND, "other.yaml")


def test_the_counts_are_what_anki_imports(
    cards: Path, tmp_path: Path, collection: AnkiCollection
) -> None:
    counted = stats(cards)
    deck = tmp_path / "deck.apkg"
    result, _ = build(cards, deck)
    collection.import_package(deck)
    imported = collection.cards("")
    notes = {card.note_id for card in imported}
    assert (counted.total.notes, counted.total.cards) == (len(notes), len(imported))
    assert counted.total.notes == result.live_notes

    by_deck = Counter(card.deck for card in imported)
    assert {name: count.cards for name, count in counted.by_deck.items()} == by_deck

    by_kind = Counter(
        NOTE_TYPE_KIND[collection.note(card.note_id).note_type()["name"]]  # type: ignore[index]
        for card in imported
    )
    assert {kind: count.cards for kind, count in counted.by_kind.items()} == by_kind
    assert list(counted.by_kind) == ["cloze", "basic", "list", "comparison"]  # study order

    by_tag = Counter(tag for card in imported for tag in collection.note(card.note_id).tags)
    assert {tag: count.cards for tag, count in counted.by_tag.items()} == by_tag
    notes_by_tag = Counter(tag for note in collection.notes().values() for tag in note.tags)
    assert {tag: count.notes for tag, count in counted.by_tag.items()} == notes_by_tag


def test_sources_drafts_and_citations_without_a_time(cards: Path) -> None:
    counted = stats(cards)
    assert {name: (c.notes, c.cards) for name, c in counted.by_source.items()} == {
        "Lecture notes": (1, 3),
        "Physiology of Lower Motor Neuron Lesions": (8, 8),  # a source cited by nothing: absent
    }
    # the basic card and its reverse cite the video without a time, as does the cell 'Flaccid'
    assert counted.untimed == 3
    (draft,) = counted.drafts
    assert (draft.noun, draft.id, draft.position.path) == ("fact", "unfinished", "other.yaml")


def test_stats_prints_an_aligned_table_and_json(
    cards: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["stats"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Neurology: ")
    header = next(line for line in lines if line.startswith("by deck"))
    row = next(line for line in lines if line.startswith("  Neurology::Other"))
    assert len(header) == len(row)  # columns right-aligned under their headings
    assert all(len(line) <= 80 for line in lines[1:] if not line.startswith("  cards/"))
    assert "drafts left: 1" in lines
    assert "  cards/other.yaml:17:5: fact 'unfinished'" in lines
    assert not (tmp_path / "dist").exists()  # nothing written
    data = json.loads(CliRunner().invoke(main, ["stats", "--format", "json"]).output)
    assert data["drafts"] == [
        {"path": "cards/other.yaml", "line": 17, "kind": "fact", "id": "unfinished"}
    ]
    assert data["notes"] == stats(cards).total.notes


def test_a_long_source_title_keeps_the_table_in_80_columns(
    write_cards: WriteCards, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    title = "Adams and Victor's Principles of Neurology, 11th ed. (2019): viral infections, polio"
    write_cards(SECOND.replace("title: Lecture notes", f'title: "{title}"'), "other.yaml")
    monkeypatch.chdir(tmp_path)
    lines = CliRunner().invoke(main, ["stats"]).output.splitlines()
    assert max(len(line) for line in lines) <= 80
    (row,) = [line for line in lines if line.startswith("  Adams and Victor")]
    assert "…" in row and "viral infections, polio" in row  # the chapter, not just the book
    data = json.loads(CliRunner().invoke(main, ["stats", "--format", "json"]).output)
    assert title in data["by_source"]
