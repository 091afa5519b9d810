"""Decks built by lmndeck, imported into a real Anki collection: what Anki stores and renders."""

from __future__ import annotations

import re
from pathlib import Path

from lmndeck.pipeline import build
from tests.anki_client import AnkiCollection, visible
from tests.conftest import WriteCards

CLOZE_MARKUP = re.compile(r"\{\{|\}\}|c\d+::")


def build_and_import(write_cards: WriteCards, collection: AnkiCollection, tmp_path: Path) -> Path:
    cards = write_cards()
    _, apkg = build(cards, tmp_path / "out" / "deck.apkg")
    log = collection.import_package(apkg)
    assert (log.new, log.updated, log.conflicting) == (6, 0, 0)
    return apkg


def import_cards(
    text: str, write_cards: WriteCards, collection: AnkiCollection, tmp_path: Path, **kw: str
) -> None:
    _, apkg = build(write_cards(text, **kw), tmp_path / "deck.apkg")
    collection.import_package(apkg)


def test_every_note_yields_its_cards_and_none_is_empty(
    write_cards: WriteCards, collection: AnkiCollection, tmp_path: Path
) -> None:
    build_and_import(write_cards, collection, tmp_path)
    cards = collection.cards()
    assert len(cards) == 6  # 2 cloze facts with one deletion each + 4 table cells
    assert collection.empty_cards() == []
    assert {card.deck for card in cards} == {"Neurology::Demo"}


def test_cloze_hides_the_deletion_on_the_front_and_shows_it_on_the_back(
    write_cards: WriteCards, collection: AnkiCollection, tmp_path: Path
) -> None:
    build_and_import(write_cards, collection, tmp_path)
    (card,) = [c for c in collection.cards() if "highly classical" in c.question]
    assert "Fasciculations" not in visible(card.question)
    assert "[...]" in card.question
    assert "Fasciculations" in card.answer
    assert "<i>LMN</i>" in card.question
    assert not CLOZE_MARKUP.search(card.question + card.answer)


def test_hint_shows_on_the_front(
    write_cards: WriteCards, collection: AnkiCollection, tmp_path: Path
) -> None:
    build_and_import(write_cards, collection, tmp_path)
    (card,) = [c for c in collection.cards() if "Babinski" in c.question]
    assert "[positive or negative?]" in card.question
    assert "negative</span>" in card.answer


def test_back_links_to_the_exact_second_of_the_video(
    write_cards: WriteCards, collection: AnkiCollection, tmp_path: Path
) -> None:
    build_and_import(write_cards, collection, tmp_path)
    (card,) = [c for c in collection.cards() if "highly classical" in c.question]
    assert 'href="https://www.youtube.com/watch?v=xWPaCACoam4&amp;t=540s"' in card.answer
    assert "[09:00]" in card.answer
    assert "xWPaCACoam4" not in card.question


def test_table_cell_card_asks_one_cell_and_shows_its_row_with_it_marked(
    write_cards: WriteCards, collection: AnkiCollection, tmp_path: Path
) -> None:
    build_and_import(write_cards, collection, tmp_path)
    (card,) = [
        c
        for c in collection.cards()
        if "Muscle tone" in c.question and "UMN lesion</span>" in c.question
    ]
    assert "LMN vs UMN lesion" in card.question
    assert "Spasticity" not in visible(card.question)
    assert '<div class="lmn lmn-answer">Spasticity</div>' in card.answer
    assert '<dd class="lmn-asked">Spasticity</dd>' in card.answer
    assert "<dd>Reduced (hypotonia)</dd>" in card.answer  # the rest of the row
    assert "Flaccid" not in card.answer  # not the other rows
    assert "t=547s" in card.answer  # the cell's own timestamp


def test_cell_without_timestamp_links_to_the_video(
    write_cards: WriteCards, collection: AnkiCollection, tmp_path: Path
) -> None:
    build_and_import(write_cards, collection, tmp_path)
    (card,) = [
        c for c in collection.cards() if "Paralysis" in c.question and ">LMN lesion<" in c.question
    ]
    assert 'href="https://www.youtube.com/watch?v=xWPaCACoam4"' in card.answer


def test_authored_html_is_shown_as_text(
    write_cards: WriteCards, collection: AnkiCollection, tmp_path: Path
) -> None:
    import_cards(
        """\
        deck: Escapes
        sources: {text: {title: "Notes <draft> & more"}}
        source: text
        facts:
          - id: escape
            text: "a <script>alert(1)</script> {{x < y & z}} **bold**"
        """,
        write_cards,
        collection,
        tmp_path,
    )
    (card,) = collection.cards()
    assert "<script>" not in card.answer
    assert "&lt;script&gt;" in card.answer
    assert "x &lt; y &amp; z" in card.answer
    assert "<b>bold</b>" in card.answer
    assert "Notes &lt;draft&gt; &amp; more" in card.answer


def test_labelled_deletions_share_one_card(
    write_cards: WriteCards, collection: AnkiCollection, tmp_path: Path
) -> None:
    import_cards(
        """\
        deck: Shared
        sources: {text: {title: Notes}}
        source: text
        facts:
          - id: pair
            text: "{{@pair upper}} and {{@pair lower}} face, but {{not the forehead}}"
        """,
        write_cards,
        collection,
        tmp_path,
    )
    cards_seen = collection.cards()
    assert len(cards_seen) == 2
    shared = next(c for c in cards_seen if c.ord == 0)
    assert "upper" not in visible(shared.question)
    assert "lower" not in visible(shared.question)
    assert "not the forehead" in visible(shared.question)
    assert collection.empty_cards() == []


def test_subdecks_and_tags(
    write_cards: WriteCards, collection: AnkiCollection, tmp_path: Path
) -> None:
    write_cards()
    import_cards(
        """\
        deck: 'Neurology :: Other  topic'
        tags: [motor neuron, "Neuro::LMN"]
        sources: {text: {title: Notes}}
        source: text
        facts:
          - id: other
            text: "{{One}} fact"
        """,
        write_cards,
        collection,
        tmp_path,
        name="other.yaml",
    )
    decks = {card.deck for card in collection.cards()}
    assert decks == {"Neurology::Demo", "Neurology::Other topic"}
    (note,) = collection.notes("deck:Neurology::Other*").values()
    # Anki's tags are case-insensitive: it reuses the casing of the 'neuro' tag already present.
    assert sorted(tag.casefold() for tag in note.tags) == ["motor_neuron", "neuro::lmn"]


def test_our_own_note_types_are_used(
    write_cards: WriteCards, collection: AnkiCollection, tmp_path: Path
) -> None:
    build_and_import(write_cards, collection, tmp_path)
    names = collection.note_type_names()
    assert "lmndeck cloze" in names and "lmndeck comparison cell" in names
    note_types = {note.note_type()["name"] for note in collection.notes().values()}
    assert note_types == {"lmndeck cloze", "lmndeck comparison cell"}


def test_new_cards_come_in_file_order(
    write_cards: WriteCards, collection: AnkiCollection, tmp_path: Path
) -> None:
    build_and_import(write_cards, collection, tmp_path)
    queue = [collection.col.get_card(card_id) for card_id in collection.col.find_cards("is:new")]
    first = min(queue, key=lambda card: card.due)
    assert "highly classical" in first.note().fields[0]
