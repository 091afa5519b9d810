"""Every card kind of the registry, held to what lmndeck promises of any card: its example
builds, imports into real Anki with no empty card and no copied note type, shows in the
preview what Anki shows, is valid for the editor schema, passes 'lint --strict', and its
removed notes reach a collection that has them, and lint reads each of its cards. A kind added
without all of that fails here.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from lmndeck.cli import main
from lmndeck.kinds import KINDS, NOTE_TYPES
from lmndeck.kinds.base import Kind
from lmndeck.pipeline import build, plan
from lmndeck.preview import preview
from lmndeck.project import load_project
from lmndeck.reserved import REMOVED_TAG
from lmndeck.rules.base import cards as lint_cards
from lmndeck.scaffold import new_project
from lmndeck.templating import FILTERS, UnknownFilter, filters_used, render
from tests.anki_client import AnkiCollection, visible
from tests.test_preview import cards_of

HEADER = """\
deck: Conformance
sources:
  notes: {title: Lecture notes}
source: notes
"""


def cards_dir(tmp_path: Path, kind: Kind) -> Path:
    cards = tmp_path / "cards"
    cards.mkdir(exist_ok=True)
    (cards / "example.yaml").write_text(HEADER + kind.example, encoding="utf-8")
    return cards


@pytest.fixture(params=KINDS, ids=[kind.name for kind in KINDS])
def kind(request: pytest.FixtureRequest) -> Kind:
    found: Kind = request.param
    return found


def test_the_example_makes_cards_of_its_kind_only(kind: Kind, tmp_path: Path) -> None:
    planned = plan(cards_dir(tmp_path, kind))
    assert {note.kind for note in planned.contents.notes} == {kind.name}
    assert [noun for noun, _ in planned.cards_by_kind] == [kind.cards_noun]


def test_the_example_imports_into_anki_with_every_card_and_none_empty(
    kind: Kind, tmp_path: Path, collection: AnkiCollection
) -> None:
    cards = cards_dir(tmp_path, kind)
    _, apkg = build(cards)
    planned = plan(cards)
    log = collection.import_package(apkg)
    assert (log.new, log.updated, log.conflicting) == (len(planned.contents.notes), 0, 0)
    shown = collection.cards()
    assert len(shown) == sum(count for _, count in planned.cards_by_kind) > 0
    assert collection.empty_cards() == []
    assert collection.note_type_names().count(kind.note_type.name) == 1
    assert not [name for name in collection.note_type_names() if name.endswith("+")]
    for card in shown:
        assert visible(card.question).strip()
        assert visible(card.answer) != visible(card.question)  # the back tells more


def test_the_preview_shows_what_anki_shows(kind: Kind, tmp_path: Path) -> None:
    cards = cards_dir(tmp_path, kind)
    anki, builtin = preview(cards, "anki"), preview(cards, "builtin")
    assert anki.renderer.startswith("Anki ")
    assert cards_of(builtin) == cards_of(anki)
    assert anki.card_count == sum(count for _, count in plan(cards).cards_by_kind)


def test_the_editor_schema_accepts_the_example(kind: Kind) -> None:
    result = CliRunner().invoke(main, ["schema"])
    schema = json.loads(result.stdout)
    validator = jsonschema.Draft202012Validator(schema)
    document = yaml.safe_load(HEADER + kind.example)
    assert [error.message for error in validator.iter_errors(document)] == []


def test_the_example_passes_strict_lint(
    kind: Kind, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = cards_dir(tmp_path, kind)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["lint", "--strict", str(cards)])
    assert result.exit_code == 0, result.output


def test_lint_reads_every_card_anki_makes_of_the_example(kind: Kind, tmp_path: Path) -> None:
    """The cross-kind rules (answer-leak, no-context, long-answer...) read a kind's cards only
    through its items' lint_text (a kind making cards of another kind's items, through what it
    registers there): a card missing there is a card they silently skip."""
    cards = cards_dir(tmp_path, kind)
    read = list(lint_cards(load_project(cards)))
    assert len(read) == sum(count for _, count in plan(cards).cards_by_kind)
    for card in read:
        assert card.answers and all(answer.text.strip() for answer in card.answers)
        assert any(text.strip() for text in card.front)


def test_a_removed_note_of_the_kind_reaches_a_collection_that_has_it(
    kind: Kind, tmp_path: Path, collection: AnkiCollection, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = cards_dir(tmp_path, kind)
    _, apkg = build(cards)
    collection.import_package(apkg)
    before = len(collection.cards())
    (cards / "other.yaml").write_text(
        HEADER + "facts:\n  - id: kept\n    text: A {{kept}} fact.\n", encoding="utf-8"
    )
    (cards / "example.yaml").unlink()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # a day later
    _, apkg = build(cards)
    log = collection.import_package(apkg)
    removed = collection.notes(f"tag:{REMOVED_TAG}")
    assert log.conflicting == 0 and len(removed) == log.updated > 0
    assert len(collection.cards(f"tag:{REMOVED_TAG}")) == before  # their cards and reviews stay
    assert len(collection.cards()) == before + 1


def test_the_starter_project_has_cards_of_every_kind(tmp_path: Path) -> None:
    """'lmndeck init' shows a newcomer one example of every kind."""
    new_project(tmp_path / "new", force=False)
    made = {noun for noun, _ in plan(tmp_path / "new" / "cards").cards_by_kind}
    assert made == {kind.cards_noun for kind in KINDS}


def test_note_type_ids_and_names_are_unique_across_kinds() -> None:
    """A copied kind with the same ids would update the other kind's notes in collections."""
    ids = Counter[object]()
    for note_type in NOTE_TYPES.values():
        ids.update([note_type.model_id, note_type.name, note_type.template_id])
        ids.update(field_id for _, field_id in note_type.fields + note_type.reserved_fields)
    assert [value for value, count in ids.items() if count > 1] == []
    assert len({kind.name for kind in KINDS}) == len(KINDS)
    assert len({kind.cards_noun for kind in KINDS}) == len(KINDS)


def test_the_preview_engine_knows_every_filter_of_the_kinds_templates(kind: Kind) -> None:
    for template in kind.note_type.model_json(0, 0)["tmpls"]:
        for side in (template["qfmt"], template["afmt"]):
            assert filters_used(side) <= FILTERS, side


def test_a_filter_the_engine_does_not_know_is_refused_not_skipped() -> None:
    with pytest.raises(UnknownFilter):
        render("{{type:Answer}}", {"Answer": "the answer"}, None, front=None)
