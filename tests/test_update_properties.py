"""Random edit sequences, each build imported into one collection with Anki's defaults."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmndeck.pipeline import build
from tests.anki_client import AnkiCollection, answers

HEADER = "deck: Props\nsources: {text: {title: Notes}}\nsource: text\nfacts:\n"
EDITS = ("reword", "add", "remove", "insert_deletion", "remove_deletion", "reorder")


@dataclass
class Fact:
    id: str
    words: str
    answers: list[str]
    was: list[str] = field(default_factory=list)  # previous ids, newest first

    def yaml(self) -> str:
        deletions = " ".join(f"{{{{{answer}}}}}" for answer in self.answers)
        was = f"    was: [{', '.join(self.was)}]\n" if self.was else ""
        return f"  - id: {self.id}\n{was}    text: '{self.words} {deletions}'\n"


@dataclass
class Source:
    facts: list[Fact] = field(default_factory=list)
    counter: int = 0

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def apply(self, edit: str, index: int) -> None:
        if edit == "add" or not self.facts:
            self.facts.insert(
                index % (len(self.facts) + 1), Fact(self.fresh("f"), "text", [self.fresh("a")])
            )
            return
        fact = self.facts[index % len(self.facts)]
        if edit == "reword":
            fact.words = self.fresh("words")
        elif edit == "remove":
            self.facts.remove(fact)
        elif edit == "insert_deletion":
            fact.answers.insert(index % (len(fact.answers) + 1), self.fresh("a"))
        elif edit == "remove_deletion" and len(fact.answers) > 1:
            fact.answers.pop(index % len(fact.answers))
        elif edit == "reorder":
            self.facts.append(self.facts.pop(0))

    def yaml(self) -> str:
        return HEADER + "".join(fact.yaml() for fact in self.facts) if self.facts else ""


edits = st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 9)), min_size=1, max_size=6)


@settings(
    max_examples=int(os.environ.get("LMNDECK_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(edits)
def test_random_edits_never_lose_or_duplicate_anything(steps: list[tuple[str, int]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        cards = root / "cards"
        cards.mkdir()
        collection = AnkiCollection(root / "collection.anki2")
        try:
            run(steps, cards, root / "deck.apkg", collection)
        finally:
            collection.close()


def run(steps: list[tuple[str, int]], cards: Path, apkg: Path, collection: AnkiCollection) -> None:
    source = Source()
    source.apply("add", 0)
    source.apply("insert_deletion", 1)
    card_for_answer: dict[str, int] = {}  # the card that asks for each answer, first seen
    reps: dict[int, int] = {}
    ever: set[str] = set()
    for now, (edit, index) in enumerate([("reword", 0), *steps]):
        source.apply(edit, index)
        if not source.facts:
            continue
        (cards / "deck.yaml").write_text(source.yaml(), encoding="utf-8")
        build(cards, apkg, now=1_767_225_600 + now * 60)
        log = collection.import_package(apkg)
        assert log.conflicting == 0
        ever.update(fact.id for fact in source.facts)

        notes = collection.notes()
        assert len(notes) == len(ever)  # one note per fact ever published, never two
        assert not any(name.endswith("+") for name in collection.note_type_names())
        live = {answer for fact in source.facts for answer in fact.answers}
        for card in collection.cards():
            for answer in answers(card):
                if answer in live:
                    # an answer's card never changes, so neither does its history
                    assert card_for_answer.setdefault(answer, card.id) == card.id
            assert collection.reps(card.id) == reps.get(card.id, 0)
        for fact in source.facts:
            texts = [
                n["Text"]
                for n in notes.values()
                if all(f"::{a}}}}}" in n["Text"] for a in fact.answers)
            ]
            assert len(texts) == 1 and fact.words in texts[0]
        first = collection.cards()[0]
        collection.review(first.id)
        reps[first.id] = reps.get(first.id, 0) + 1
