"""Every card side, as Anki renders it, laid out by headless Chromium: it fits a 360 px phone
without sideways scrolling, in day and night mode, and a table card's lines are centred on a
desktop. One browser start lays out all of them (tests/browser.py)."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lmndeck.pipeline import build
from tests.anki_client import AnkiCollection
from tests.browser import Frame, Layout, anki_card, lay_out

ROOT = Path(__file__).resolve().parent.parent
PHONE = 360
DESKTOP = 1024
CENTRED = (".lmn-prompt", ".lmn-answer")

# Six columns, long words and long cells: the widest table the README promises fits a phone.
WIDE = """\
deck: Wide
sources: {text: {title: "Supercalifragilisticexpialidocious-pneumonoultramicroscopic course text"}}
source: text
facts:
  - id: long-word
    text: >-
      {{Pneumonoultramicroscopicsilicovolcanoconiosis}} is a long word; so is
      Hippopotomonstrosesquippedaliophobia.
  - id: long-list
    text: Electroencephalographically indistinguishable neuromyelitides
    ordered: true
    list:
      - Pneumonoultramicroscopicsilicovolcanoconiosis
      - Multiplesclerosisencephalomyelitis with a long explanation after it
  - id: long-basic
    front: Which Hippopotomonstrosesquippedaliophobia-like word names a lung disease?
    back: Pneumonoultramicroscopicsilicovolcanoconiosis
    reverse: true
comparisons:
  - id: six
    title: Electroencephalographically indistinguishable neuromyelitides compared
    extra: Counterrevolutionaries' internationalisation of electrophysiological characteristics.
    columns:
      a: Amyotrophic lateral sclerosis
      b: Poliomyelitis
      c: Spinal muscular atrophy
      d: Guillain-Barré syndrome
      e: Myasthenia gravis
      f: Multiplesclerosisencephalomyelitis
    rows:
      - feature: Electrophysiologicalcharacteristics
        a: Denervation with fibrillation potentials and positive sharp waves
        b: Neurogenic
        c: Neurogenicmotorunitpotentialsthroughout
        d: Demyelinating with conduction block
        e: Decrement on repetitive stimulation
        f: Normal
      - feature: Weakness
        a: Mixed upper and lower motor neuron signs in bulbar, cervical, thoracic and lumbar regions
        b: Asymmetric
        c: Symmetric, proximal
        d: Ascending
        e: Fatigable
        f: Relapsing-remitting
"""


@dataclass(frozen=True)
class Side:
    name: str  # deck, card id and side, for failure messages
    html: str
    css: str
    table: bool


def rendered_sides(cards: Path, work: Path) -> list[Side]:
    """Build ``cards`` (a copy: the build writes its lock), import the deck into a new collection
    and return each card's question and answer as Anki renders them."""
    copy = shutil.copytree(cards, work / "cards")
    _, apkg = build(copy, work / "deck.apkg")
    collection = AnkiCollection(work / "anki" / "collection.anki2")
    try:
        collection.import_package(apkg)
        sides = []
        for card_id in sorted(collection.col.find_cards("")):
            card = collection.col.get_card(card_id)
            output = card.render_output()
            table = card.note_type()["name"] == "lmndeck comparison cell"
            name = f"{collection.col.decks.name(card.did)} card {card_id}"
            sides.append(Side(f"{name} front", output.question_text, output.css, table))
            sides.append(Side(f"{name} back", output.answer_text, output.css, table))
        return sides
    finally:
        collection.close()


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> list[Side]:
    shipped = rendered_sides(ROOT / "cards", tmp_path_factory.mktemp("shipped"))
    wide_cards = tmp_path_factory.mktemp("wide") / "cards"
    wide_cards.mkdir()
    (wide_cards / "wide.yaml").write_text(textwrap.dedent(WIDE), encoding="utf-8")
    return shipped + rendered_sides(wide_cards, tmp_path_factory.mktemp("wide-build"))


def frames(sides: list[Side]) -> Iterator[Frame]:
    for side in sides:
        for night in (False, True):
            mode = "night" if night else "day"
            page = anki_card(side.html, side.css, night=night)
            yield Frame(f"{side.name} {mode} {PHONE}px", page, PHONE)
        if side.table:
            yield Frame(f"{side.name} day {DESKTOP}px", anki_card(side.html, side.css), DESKTOP)


@pytest.fixture(scope="module")
def layouts(sides: list[Side]) -> list[Layout]:
    """All of them in one browser start."""
    return lay_out(list(frames(sides)), CENTRED)


def test_the_layout_covers_every_card_of_the_shipped_deck_and_the_wide_table(
    layouts: list[Layout],
) -> None:
    phone = [layout for layout in layouts if layout.width == PHONE]
    assert len(phone) == 2 * 2 * (143 + 29)  # sides x day/night x (shipped + wide) cards
    assert any("Wide" in layout.name for layout in phone)


def test_every_card_side_fits_a_phone_without_sideways_scrolling(layouts: list[Layout]) -> None:
    overflowing = [
        f"{layout.name}: scroll width {layout.scroll_width}, {'; '.join(layout.overflowing[:3])}"
        for layout in layouts
        if layout.width == PHONE and not layout.fits
    ]
    assert not overflowing, f"{len(overflowing)} card sides overflow:\n" + "\n".join(overflowing)


def test_a_table_card_centres_its_prompt_and_answer_on_a_desktop(layouts: list[Layout]) -> None:
    off_centre = [
        f"{layout.name}: {selector} centre {box.centre:.0f}, card centre {layout.client_width / 2}"
        for layout in layouts
        if layout.width == DESKTOP
        for selector in CENTRED
        for box in layout.boxes[selector]
        if abs(box.centre - layout.client_width / 2) > 2
    ]
    assert not off_centre, "\n".join(off_centre)
