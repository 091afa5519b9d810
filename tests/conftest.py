from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.anki_client import AnkiCollection

SAMPLE = """\
deck: Neurology::Demo
tags: [neuro]
sources:
  video:
    youtube: xWPaCACoam4
    title: Physiology of Lower Motor Neuron Lesions
  text:
    title: LMN vs UMN lesions
facts:
  - id: fasciculations
    text: "{{Fasciculations}} are highly classical of *LMN* lesions."
    extra: Twitching of muscle fibres under the skin.
    source: video 09:00
  - id: babinski
    text: In an LMN lesion the Babinski sign is {{negative::positive or negative?}}.
    source: video 10:27
comparisons:
  - id: lmn-vs-umn
    title: LMN vs UMN lesion
    cards: [cells]  # the counts of the tests that use this sample are cell cards'
    columns: {lmn: LMN lesion, umn: UMN lesion}
    source: video
    rows:
      - feature: Muscle tone
        lmn: {text: Reduced (hypotonia), source: video 09:11}
        umn: {text: Spasticity, source: video 09:07}
      - feature: Paralysis
        lmn: Flaccid
        umn: {text: Spastic, source: video 08:21}
"""

WriteCards = Callable[..., Path]


@pytest.fixture
def write_cards(tmp_path: Path) -> WriteCards:
    """Write cards files into tmp_path/cards and return that directory."""

    def write(text: str = SAMPLE, name: str = "demo.yaml") -> Path:
        cards = tmp_path / "cards"
        cards.mkdir(exist_ok=True)
        (cards / name).write_text(textwrap.dedent(text), encoding="utf-8")
        return cards

    return write


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[AnkiCollection]:
    col = AnkiCollection(tmp_path / "anki" / "collection.anki2")
    yield col
    col.close()


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds read the time from SOURCE_DATE_EPOCH; tests that need it to move set it themselves."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01


def start_over(cards: Path) -> None:
    """Delete the lock file and what tells of it (the cache's mark of the lock a build wrote):
    the next build is a first build, not one that lost its lock."""
    from lmndeck import cache

    lock = cards / "lmndeck.lock"
    lock.unlink(missing_ok=True)
    cache.file_entry(cards, lock, "lock").unlink(missing_ok=True)
