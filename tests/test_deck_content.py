"""The motor neuron lesion deck that ships in cards/ and dist/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lmndeck.kinds.cloze import ClozeNote, facts
from lmndeck.kinds.table import Comparison, comparisons
from lmndeck.model import VideoSource
from lmndeck.pipeline import build, check_build, default_output, notes_of
from lmndeck.project import Project, load_project
from tests.anki_client import AnkiCollection

ROOT = Path(__file__).resolve().parent.parent
CARDS = ROOT / "cards"

# Every timestamp the video summary cites (seed 000, "Physiology of Lower Motor Neuron Lesions").
SEED_TIMESTAMPS = {
    "07:34", "07:49", "07:55", "07:59", "08:09", "08:11", "08:21", "08:31", "08:35", "09:00",
    "09:07", "09:11", "09:21", "09:33", "09:35", "09:38", "09:43", "09:46", "10:14", "10:23",
    "10:27",
}  # fmt: skip
SEED_TABLE_ROWS = {
    "Muscle innervation", "Muscle tone", "Muscle bulk", "Involuntary movements", "Reflexes",
    "Babinski sign", "Weakness distribution", "Paralysis",
}  # fmt: skip


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(CARDS)


def seconds(stamp: str) -> int:
    minutes, secs = stamp.split(":")
    return int(minutes) * 60 + int(secs)


def test_committed_deck_and_lock_are_what_the_cards_build(project: Project) -> None:
    check_build(CARDS, ROOT / default_output(project))


def test_a_fresh_build_is_byte_identical_to_the_committed_deck(
    project: Project, tmp_path: Path
) -> None:
    cards = shutil.copytree(CARDS, tmp_path / "cards")
    _, built = build(cards, tmp_path / "deck.apkg")
    assert built.read_bytes() == (ROOT / default_output(project)).read_bytes()


def test_every_video_citation_is_a_timestamp_the_seed_gives(project: Project) -> None:
    allowed = {seconds(stamp) for stamp in SEED_TIMESTAMPS}
    cited = []
    for deck_file in project.files:
        refs = [fact.source for fact in facts(deck_file)] + [
            cell.source
            for comparison in comparisons(deck_file)
            for row in comparison.rows
            for cell in row.cells
            if cell
        ]
        for ref in refs:
            if isinstance(ref.source, VideoSource):
                assert ref.source.youtube_id == "xWPaCACoam4"
                if ref.seconds is not None:
                    cited.append(ref.seconds)
    assert cited and set(cited) <= allowed


def test_lmn_vs_umn_table_has_every_row_of_the_seed_table(project: Project) -> None:
    (table,) = [
        comparison
        for deck_file in project.files
        for comparison in comparisons(deck_file)
        if comparison.id == "lmn-vs-umn-lesion"
    ]
    assert [column.label for column in table.columns] == ["LMN lesion", "UMN lesion"]
    features = {row.feature for row in table.rows}
    renamed = {
        "Weakness distribution": "Distribution of weakness",
        "Paralysis": "Type of paralysis",
    }
    assert {renamed.get(row, row) for row in SEED_TABLE_ROWS} <= features
    assert all(all(row.cells) for row in table.rows)


def test_the_three_comparisons_the_seeds_draw(project: Project) -> None:
    ids = {c.id for deck_file in project.files for c in comparisons(deck_file)}
    assert ids == {"lmn-vs-umn-lesion", "polio-vs-sma", "umn-vs-lmn-facial-palsy"}


def test_the_deck_imports_into_anki_with_every_card_and_none_empty(
    project: Project, collection: AnkiCollection
) -> None:
    log = collection.import_package(ROOT / default_output(project))
    notes = notes_of(project)
    assert log.new == len(notes)
    cards = collection.cards()
    expected = sum(len(note.card_keys) if isinstance(note, ClozeNote) else 1 for note in notes)
    assert len(cards) == expected
    assert collection.empty_cards() == []
    assert {card.deck for card in cards} == {
        "Neurology::Motor neuron lesions::LMN vs UMN lesions",
        "Neurology::Motor neuron lesions::Poliomyelitis and SMA",
        "Neurology::Motor neuron lesions::Bell palsy and facial palsy",
    }
    for card in cards:
        assert 'class="lmn-cite"' in card.answer  # every card shows its source


def test_comparisons_are_tables(project: Project) -> None:
    for deck_file in project.files:
        for comparison in comparisons(deck_file):
            assert isinstance(comparison, Comparison)
            assert len(comparison.rows) >= 5
