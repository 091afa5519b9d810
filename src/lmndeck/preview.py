"""``lmndeck preview``: every card's front and back in one self-contained HTML page.

The deck is planned in memory (nothing of the project is written) and packaged as a build would
package it; the page is made from that package, the way a student's Anki would see it:

- with the ``anki`` package installed (``lmndeck[preview]``), the package is imported into a
  temporary collection and each card is rendered by ``card.render_output()``: Anki's own HTML;
- without it, by the built-in renderer (``templating``), which follows Anki's rules for what
  lmndeck's note types use (tests check that it shows the same HTML as Anki for every card of
  the shipped deck and of every kind's example).

The page draws each card side in a shadow root with its note type's CSS, inside one frame whose
width the phone toggle sets to 360 px, so the note type's media queries see a phone's width.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from lmndeck.formats import display_path
from lmndeck.lock import lock_path
from lmndeck.media import Image, inline_media
from lmndeck.package import (
    LOCK_ENTRY,
    package_bytes,
    read_collection,
    read_entry,
    write_in_order,
)
from lmndeck.pipeline import plan
from lmndeck.problems import NOWHERE, Code, ContentError, Problem, file_position
from lmndeck.project import CARD_SUFFIXES, Progress
from lmndeck.renderers import RENDERERS as RENDERERS
from lmndeck.renderers import Renderer as Renderer
from lmndeck.templating import render
from lmndeck.templating import reveal_cloze as reveal_cloze


@dataclass(frozen=True)
class CardView:
    label: str  # "c2" for a cloze card, the template's name otherwise
    ordinal: int  # Anki's card ord: the template, or the cloze number less one
    question: str
    answer: str


@dataclass(frozen=True)
class NoteView:
    key: str  # the note's id in the lock file, e.g. "fact/babinski" or "cell/table/row/column"
    note_type: str
    tags: tuple[str, ...]
    cards: tuple[CardView, ...]


@dataclass(frozen=True)
class DeckView:
    name: str
    notes: tuple[NoteView, ...]


@dataclass(frozen=True)
class Preview:
    title: str  # the top deck
    deck_path: Path  # where 'lmndeck build' writes the deck
    decks: tuple[DeckView, ...]
    styles: Mapping[str, str]  # note type name -> its CSS
    renderer: str  # which renderer drew the cards, said on the page
    removed_notes: int  # notes removed from the source: shipped as tombstones, not shown

    @property
    def card_count(self) -> int:
        return sum(len(note.cards) for deck in self.decks for note in deck.notes)

    @property
    def note_count(self) -> int:
        return sum(len(deck.notes) for deck in self.decks)


# --- The package, as Anki's importer reads it -------------------------------------------------


@dataclass(frozen=True)
class NoteType:
    name: str
    cloze: bool
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str, str], ...]  # (name, question format, answer format)
    css: str


@dataclass(frozen=True)
class PackageNote:
    guid: str
    note_type: NoteType
    fields: Mapping[str, str]
    tags: tuple[str, ...]
    deck: str  # of its first card: lmndeck puts all cards of a note in one deck
    ordinals: tuple[int, ...]


def read_package(apkg: Path) -> list[PackageNote]:
    """The notes of an .apkg (the collection inside it), in the package's order."""
    with zipfile.ZipFile(apkg) as package:
        collection = read_collection(package)
    database = apkg.with_suffix(".anki2")
    database.write_bytes(collection)
    connection = sqlite3.connect(database)
    try:
        models_json, decks_json = connection.execute("SELECT models, decks FROM col").fetchone()
        note_types = {int(key): _note_type(model) for key, model in json.loads(models_json).items()}
        decks = {int(key): deck["name"] for key, deck in json.loads(decks_json).items()}
        cards: dict[int, list[tuple[int, int]]] = {}
        for note_id, deck_id, ordinal in connection.execute(
            "SELECT nid, did, ord FROM cards ORDER BY nid, ord"
        ):
            cards.setdefault(note_id, []).append((deck_id, ordinal))
        notes = []
        for note_id, guid, model_id, tags, fields in connection.execute(
            "SELECT id, guid, mid, tags, flds FROM notes ORDER BY rowid"
        ):
            note_type = note_types[model_id]
            note_cards = cards.get(note_id, [])
            notes.append(
                PackageNote(
                    guid,
                    note_type,
                    dict(zip(note_type.fields, fields.split("\x1f"), strict=False)),
                    tuple(tags.split()),
                    decks[note_cards[0][0]] if note_cards else "",
                    tuple(ordinal for _, ordinal in note_cards),
                )
            )
        return notes
    finally:
        connection.close()


def _note_type(model: Mapping[str, object]) -> NoteType:
    fields = model["flds"]
    templates = model["tmpls"]
    assert isinstance(fields, list) and isinstance(templates, list)
    return NoteType(
        str(model["name"]),
        model["type"] == 1,  # Anki's MODEL_CLOZE
        tuple(field["name"] for field in sorted(fields, key=lambda field: field["ord"])),
        tuple(
            (template["name"], template["qfmt"], template["afmt"])
            for template in sorted(templates, key=lambda template: template["ord"])
        ),
        str(model["css"]),
    )


def lock_notes(apkg: Path) -> dict[str, tuple[str, bool]]:
    """GUID -> (the note's key, whether it was removed from the source), from the lock file the
    build puts inside the package."""
    with zipfile.ZipFile(apkg) as package:
        lock = json.loads(read_entry(package, LOCK_ENTRY).decode("utf-8"))
    return {
        record["guid"]: (key, bool(record.get("removed", False)))
        for key, record in lock["notes"].items()
    }


# --- Rendering -------------------------------------------------------------------------------

# (question, answer, css) of each card, by (note GUID, card ord).
Rendered = Mapping[tuple[str, int], tuple[str, str, str]]
CardProgress = Callable[[int, int], None]


def render_with_anki(apkg: Path, progress: CardProgress | None = None) -> Rendered:
    """Import the package into a new collection beside it, as a student would, and let Anki
    render every card."""
    # anki.collection before anything else of anki (a circular import inside anki).
    from anki.collection import (
        Collection,
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
    )

    collection = Collection(str(apkg.with_name("preview-collection.anki2")))
    try:
        collection.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions())
        )
        card_ids = collection.find_cards("")
        rendered = {}
        for done, card_id in enumerate(card_ids, start=1):
            card = collection.get_card(card_id)
            output = card.render_output()
            rendered[card.note().guid, card.ord] = (
                output.question_text,
                output.answer_text,
                output.css,
            )
            if progress:
                progress(done, len(card_ids))
        return rendered
    finally:
        collection.close()


def render_builtin(notes: Sequence[PackageNote], progress: CardProgress | None = None) -> Rendered:
    total = sum(len(note.ordinals) for note in notes)
    rendered = {}
    for note in notes:
        for ordinal in note.ordinals:
            rendered[note.guid, ordinal] = (*render_card(note, ordinal), note.note_type.css)
            if progress:
                progress(len(rendered), total)
    return rendered


def render_card(note: PackageNote, ordinal: int) -> tuple[str, str]:
    """A card's question and answer HTML, by Anki's template rules (the subset described in the
    module's docstring)."""
    note_type = note.note_type
    cloze = ordinal + 1 if note_type.cloze else None
    _, question_format, answer_format = note_type.templates[0 if cloze else ordinal]
    question = render(question_format, note.fields, cloze, front=None)
    return question, render(answer_format, note.fields, cloze, front=question)


# --- The whole preview -----------------------------------------------------------------------


def anki_version() -> str | None:
    """The installed Anki's version, or None when the ``anki`` package is not installed."""
    try:
        from anki.buildinfo import version
    except ImportError:
        return None
    return str(version)


def preview(
    cards_dir: Path,
    renderer: Renderer = "auto",
    progress: Progress | None = None,
    card_progress: CardProgress | None = None,
) -> Preview:
    """Plan the deck of ``cards_dir`` and render every card; writes nothing of the project."""
    version = anki_version()
    if renderer == "anki" and version is None:
        raise ContentError([_NO_ANKI])
    result = plan(cards_dir, progress=progress)
    with tempfile.TemporaryDirectory(prefix="lmndeck-preview-") as work:
        apkg = Path(work) / "deck.apkg"
        apkg.write_bytes(package_bytes(result.contents))
        notes = read_package(apkg)
        keys = lock_notes(apkg)
        if renderer != "builtin" and version is not None:
            rendered = render_with_anki(apkg, card_progress)
            used = f"Anki {version} (card.render_output()): exactly what Anki shows"
        else:
            rendered = render_builtin(notes, card_progress)
            used = (
                "lmndeck's built-in renderer (Anki's cloze and template rules); "
                "install lmndeck[preview] to render with Anki itself"
            )
    rendered = _with_media(rendered, result.contents.media)
    live = [note for note in notes if not keys[note.guid][1]]
    return Preview(
        result.project.top_deck,
        result.output,
        tuple(_decks(live, keys, rendered)),
        {note.note_type.name: _note_css(note, rendered) for note in live if note.ordinals},
        used,
        len(notes) - len(live),
    )


_NO_ANKI = Problem(
    NOWHERE,
    "the 'anki' package is not installed, so Anki cannot render the preview",
    "install it with .venv/bin/pip install -e '.[preview]' in lmndeck's folder, or leave out "
    "--renderer anki",
    code=Code.NO_ANKI,
)


def _with_media(rendered: Rendered, media: tuple[Image, ...]) -> Rendered:
    """Images inline as data: addresses, so the page stays one self-contained file."""
    if not media:
        return rendered
    return {
        key: (inline_media(question, media), inline_media(answer, media), css)
        for key, (question, answer, css) in rendered.items()
    }


def _note_css(note: PackageNote, rendered: Rendered) -> str:
    return rendered[note.guid, note.ordinals[0]][2]


def _decks(
    notes: Sequence[PackageNote], keys: Mapping[str, tuple[str, bool]], rendered: Rendered
) -> Iterator[DeckView]:
    """Decks in the order of their first note, notes in the package's (the source's) order."""
    by_deck: dict[str, list[NoteView]] = {}
    for note in notes:
        cards = tuple(
            CardView(
                f"c{ordinal + 1}" if note.note_type.cloze else note.note_type.templates[ordinal][0],
                ordinal,
                *rendered[note.guid, ordinal][:2],
            )
            for ordinal in note.ordinals
        )
        view = NoteView(keys[note.guid][0], note.note_type.name, note.tags, cards)
        by_deck.setdefault(note.deck, []).append(view)
    for name, deck_notes in by_deck.items():
        yield DeckView(name, tuple(deck_notes))


def refuse_output_over_cards(cards_dir: Path, target: Path) -> None:
    """The page may not replace the lock file, nor be written as a cards file that the next
    build would read."""
    try:
        cards, page = cards_dir.resolve(), target.resolve()
    except (OSError, RuntimeError):  # a deleted working directory: nothing is inside it
        return
    inside = page.is_relative_to(cards)
    if page != lock_path(cards) and not (inside and page.suffix.casefold() in CARD_SUFFIXES):
        return
    raise ContentError(
        [
            Problem(
                file_position(target, cards_dir),
                f"the preview would overwrite the lock file or a cards file of "
                f"'{display_path(cards_dir)}'",
                "write it elsewhere, e.g. -o dist/preview.html",
                code=Code.OUTPUT_IN_CARDS,
            )
        ]
    )


def write_page(cards_dir: Path, target: Path, page: str) -> None:
    """Write the page at ``target``, never over the lock file or a cards file."""
    refuse_output_over_cards(cards_dir, target)
    write_in_order([(target, page.encode("utf-8"))])


def default_preview_path(preview: Preview) -> Path:
    """dist/<deck>-preview.html, next to the deck."""
    deck = preview.deck_path
    return deck.with_name(f"{deck.stem}-preview.html")


# --- The page --------------------------------------------------------------------------------


def page_html(preview: Preview) -> str:
    """One self-contained HTML document: styles, script and cards inline, nothing to fetch."""
    data = {
        "styles": preview.styles,
        "frameCss": _asset("preview-frame.css"),
        "decks": [
            {
                "name": deck.name,
                "notes": [
                    {
                        "key": note.key,
                        "type": note.note_type,
                        "tags": list(note.tags),
                        "cards": [
                            {
                                "label": card.label,
                                "ord": card.ordinal,
                                "q": card.question,
                                "a": card.answer,
                            }
                            for card in note.cards
                        ],
                    }
                    for note in deck.notes
                ],
            }
            for deck in preview.decks
        ],
    }
    removed = preview.removed_notes
    removed_text = (
        f"; {removed} removed note{'' if removed == 1 else 's'} not shown" if removed else ""
    )
    summary = (
        f"{preview.card_count} cards in {preview.note_count} notes{removed_text}. "
        f"Rendered by {preview.renderer}."
    )
    values = {
        "title": html.escape(preview.title),
        "summary": html.escape(summary),
        "css": _asset("preview.css"),
        # In a script element only "</script" could end it early: no "<" is left in the JSON.
        "data": json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c"),
        "js": _asset("preview.js"),
    }
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], _asset("preview.html"))


_PLACEHOLDER = re.compile(r"<!--lmn:(\w+)-->")


def _asset(name: str) -> str:
    return files("lmndeck").joinpath("templates", name).read_text(encoding="utf-8")
