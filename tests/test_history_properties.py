"""Edits AND accidents to the lock file, each build imported into one real Anki collection.

The promise: whatever happens between builds (the lock deleted, a record lost, an older lock
restored, a merge conflict left in it, ids renamed with 'was:'), a card that asked for an answer
keeps asking for that answer, so its review history never moves onto other content, and a fact
keeps its one note.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmndeck.lock import lock_path
from lmndeck.pipeline import build
from tests.anki_client import AnkiCollection, answers
from tests.test_update_properties import EDITS, Source

ACCIDENTS = ("lose_lock", "lose_record", "stale_lock", "conflict", "rename")


@dataclass
class History:
    """The lock texts of every build so far, to restore or conflict with."""

    locks: list[str] = field(default_factory=list)


def accident(kind: str, index: int, cards: Path, source: Source, history: History) -> None:
    lock = lock_path(cards)
    if kind == "rename" and source.facts:
        fact = source.facts[index % len(source.facts)]
        fact.was.insert(0, fact.id)
        fact.id = source.fresh("renamed")
    elif not lock.exists() or not history.locks:
        return
    elif kind == "lose_lock":
        lock.unlink()
    elif kind == "lose_record":
        text = lock.read_text(encoding="utf-8")
        data = json.loads(text) if not text.startswith("<<<<<<<") else {"notes": {}}
        if data["notes"]:
            keys = sorted(data["notes"])
            del data["notes"][keys[index % len(keys)]]
            lock.write_text(json.dumps(data, indent=1), encoding="utf-8")
    elif kind == "stale_lock":
        lock.write_text(history.locks[index % len(history.locks)], encoding="utf-8")
    elif kind == "conflict":
        # what git leaves when two branches changed the lock: ours above, theirs below
        ours, theirs = lock.read_text(encoding="utf-8"), history.locks[index % len(history.locks)]
        lock.write_text(f"<<<<<<< HEAD\n{ours}=======\n{theirs}>>>>>>> branch\n", "utf-8")


steps = st.lists(
    st.tuples(st.sampled_from(EDITS + ACCIDENTS), st.integers(0, 9)), min_size=1, max_size=8
)


@settings(
    max_examples=int(os.environ.get("LMNDECK_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(steps)
def test_no_edit_or_lock_accident_moves_a_cards_history(plan: list[tuple[str, int]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        cards = root / "cards"
        cards.mkdir()
        collection = AnkiCollection(root / "collection.anki2")
        try:
            run(plan, cards, root / "deck.apkg", collection)
        finally:
            collection.close()


def run(plan: list[tuple[str, int]], cards: Path, apkg: Path, collection: AnkiCollection) -> None:
    source = Source()
    source.apply("add", 0)
    history = History()
    card_for_answer: dict[str, int] = {}  # the card that asks for each answer, first seen
    note_for_fact: dict[str, int] = {}  # a fact's first id -> its note
    for now, (step, index) in enumerate([("reword", 0), *plan]):
        if step in ACCIDENTS:
            accident(step, index, cards, source, history)
        else:
            source.apply(step, index)
        if not source.facts:
            continue
        (cards / "deck.yaml").write_text(source.yaml(), encoding="utf-8")
        build(cards, apkg, now=1_767_225_600 + now * 60)
        history.locks.append(lock_path(cards).read_text(encoding="utf-8"))
        log = collection.import_package(apkg)
        assert log.conflicting == 0

        notes = collection.notes()
        live = {answer for fact in source.facts for answer in fact.answers}
        for card in collection.cards():
            for answer in answers(card):
                if answer in live:
                    # an answer's card never changes, so neither does its history
                    assert card_for_answer.setdefault(answer, card.id) == card.id
        for fact in source.facts:
            holders = [
                note.id
                for note in notes.values()
                if all(f"::{answer}}}}}" in note["Text"] for answer in fact.answers)
            ]
            assert len(holders) == 1, (fact, holders)
            origin = fact.was[-1] if fact.was else fact.id
            # a fact keeps its note through every rename and accident
            assert note_for_fact.setdefault(origin, holders[0]) == holders[0]
        collection.review(collection.cards()[0].id)
