"""The motor neuron lesion deck that ships in cards/ and dist/.

These tests check what must hold whatever cards an author adds or removes (it builds, dist/ is
what the cards build, every citation is sourced and every video citation is a second the video
summary gives, the comparisons the sources draw are there, Anki imports it with no empty card),
never how many notes or cards there are: the README's table of counts is checked by
tests/test_docs.py against a plan of the cards.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from lmndeck.kinds.basic import BasicFact
from lmndeck.kinds.cells import comparisons
from lmndeck.kinds.cloze import ClozeFact
from lmndeck.kinds.comparison import Comparison
from lmndeck.kinds.listing import ListFact
from lmndeck.model import SourceRef, VideoSource
from lmndeck.pipeline import build, check_build, default_output, plan
from lmndeck.project import Project, load_project, notes_of
from lmndeck.reserved import REMOVED_DECK, REMOVED_TAG
from tests.anki_client import AnkiCollection

ROOT = Path(__file__).resolve().parent.parent
CARDS = ROOT / "cards"

VIDEO_ID = "xWPaCACoam4"  # the video summary's videoId (seed 000)
# Every timestamp the video summary cites (seed 000, "Physiology of Lower Motor Neuron Lesions"),
# copied here as data: the project never reads the seeds.
SEED_TIMESTAMPS = {
    "07:34", "07:49", "07:55", "07:59", "08:09", "08:11", "08:21", "08:31", "08:35", "09:00",
    "09:07", "09:11", "09:21", "09:33", "09:35", "09:38", "09:43", "09:46", "10:14", "10:23",
    "10:27",
}  # fmt: skip
# The three comparisons the sources draw, by id, with their columns' labels.
SEED_COMPARISONS = {
    "lmn-vs-umn-lesion": ("LMN lesion", "UMN lesion"),
    "polio-vs-sma": ("Poliomyelitis", "Spinal muscular atrophy"),
    "umn-vs-lmn-facial-palsy": ("UMN facial palsy", "LMN facial palsy"),
}
# The contrasts of the video summary's LMN vs UMN table, as row ids. Its "Muscle innervation" row
# is not among them: it describes neurons, not lesions, and is two facts of the deck instead.
SEED_TABLE_ROWS = {
    "tone", "bulk", "involuntary-movements", "reflexes", "babinski", "weakness-distribution",
    "paralysis",
}  # fmt: skip


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(CARDS)


def seconds(stamp: str) -> int:
    minutes, secs = stamp.split(":")
    return int(minutes) * 60 + int(secs)


def citations(project: Project) -> Iterator[tuple[str, SourceRef]]:
    """Every item's citation, of every kind: each fact's, and each filled table cell's."""
    for deck_file in project.files:
        for _, items in deck_file.sections:
            for item in items:
                if isinstance(item, Comparison):
                    for row in item.rows:
                        for column, cell in zip(item.columns, row.cells, strict=True):
                            if cell is not None:
                                yield f"{item.id}/{row.id}/{column.id}", cell.source
                else:
                    # a kind added later must be taught here, not skipped in silence
                    assert isinstance(item, ClozeFact | ListFact | BasicFact), item.id
                    yield item.id, item.source


def test_committed_deck_and_lock_are_what_the_cards_build(project: Project) -> None:
    check_build(CARDS, ROOT / default_output(project))


def test_a_fresh_build_is_byte_identical_to_the_committed_deck(
    project: Project, tmp_path: Path
) -> None:
    cards = shutil.copytree(CARDS, tmp_path / "cards")
    _, built = build(cards, tmp_path / "deck.apkg")
    assert built.read_bytes() == (ROOT / default_output(project)).read_bytes()


def test_every_video_citation_is_a_timestamp_the_seed_gives(project: Project) -> None:
    """Of every kind (cloze, list and basic facts, table cells): a video citation names the
    video's second, and one the summary gives, so the link opens where the statement is made."""
    allowed = {seconds(stamp) for stamp in SEED_TIMESTAMPS}
    cited = {
        where: ref.seconds
        for where, ref in citations(project)
        if isinstance(ref.source, VideoSource)
    }
    assert cited
    for where, second in cited.items():
        assert second in allowed, where
    assert all(
        ref.source.youtube_id == VIDEO_ID
        for _, ref in citations(project)
        if isinstance(ref.source, VideoSource)
    )


def test_the_comparisons_the_seeds_draw_are_there_with_discrimination_cards(
    project: Project,
) -> None:
    tables = {c.id: c for deck_file in project.files for c in comparisons(deck_file)}
    keys = [note.key for note in notes_of(project)]
    for comparison_id, labels in SEED_COMPARISONS.items():
        assert tuple(column.label for column in tables[comparison_id].columns) == labels
        # "Positive Babinski -> which lesion?": every table the sources draw is asked both ways
        assert any(key.startswith(f"discrimination/{comparison_id}/") for key in keys)
        assert any(key.startswith(f"cell/{comparison_id}/") for key in keys)


def test_the_lmn_vs_umn_table_keeps_every_contrast_of_the_seed_table(project: Project) -> None:
    (table,) = [
        comparison
        for deck_file in project.files
        for comparison in comparisons(deck_file)
        if comparison.id == "lmn-vs-umn-lesion"
    ]
    rows = {row.id: row for row in table.rows}
    assert set(rows) >= SEED_TABLE_ROWS
    assert all(all(rows[row].cells) for row in SEED_TABLE_ROWS)


def test_the_deck_imports_into_anki_with_every_card_and_none_empty(
    project: Project, collection: AnkiCollection
) -> None:
    planned = plan(CARDS)
    log = collection.import_package(ROOT / default_output(project))
    assert log.new == len(planned.contents.notes)  # removed notes come as notes of their own
    live = cards = collection.cards()
    # A new student gets only live cards: removed notes come without any
    assert len(cards) == sum(count for _, count in planned.cards_by_kind)
    assert collection.cards(f"tag:{REMOVED_TAG}") == []
    assert collection.empty_cards() == []
    assert {card.deck for card in live} == {deck_file.deck for deck_file in project.files}
    assert REMOVED_DECK not in collection.col.decks.all_names()
    for card in live:
        assert 'class="lmn-cite"' in card.answer  # every card shows its source


def test_every_live_note_reads_apart_from_its_siblings_in_ankis_browser(
    collection: AnkiCollection, project: Project
) -> None:
    """Anki's browser lists notes by their sort field: no two live notes of a note type share
    one (every comparison cell once read as its comparison's title)."""
    collection.import_package(ROOT / default_output(project))
    assert collection.col.db is not None
    rows = collection.col.db.all(
        "select mid, sfld from notes where tags not like ?", f"%{REMOVED_TAG}%"
    )
    by_type = Counter((mid, str(sort)) for mid, sort in rows)
    assert [key for key, times in by_type.items() if times > 1] == []
    assert len({mid for mid, _ in rows}) == 4  # cloze, basic, comparison, discrimination
