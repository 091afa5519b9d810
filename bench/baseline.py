"""What lmndeck's build is measured against, each run as a process of its own by bench/run.py:

baseline CARDS OUT   PyYAML's CSafeLoader reads the cards files and bare genanki writes the
                     same notes and cards (one note per fact, row cell and reverse card, one
                     cloze card per deletion or list item): what a hand-written script does.
floor ROWS OUT       bulk SQLite inserts of the rows of a deck lmndeck built (read with
                     marshal) and deflate: what no build of these notes can beat.
"""

from __future__ import annotations

import marshal
import re
import sqlite3
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import genanki
import yaml
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

_DELETION = re.compile(r"\{\{(@\S+ )?([^{}]*?)(::[^{}]*)?\}\}")


def _cloze(text: str) -> str:
    numbers: dict[str, int] = {}

    def replace(match: re.Match[str]) -> str:
        number = numbers.setdefault(match[1] or str(len(numbers)), len(numbers) + 1)
        return f"{{{{c{number}::{match[2]}{match[3] or ''}}}}}"

    return _DELETION.sub(replace, text)


def _notes(data: dict[str, Any]) -> list[genanki.Note]:
    notes = []
    for fact in data.get("facts") or []:
        if fact.get("draft"):
            continue
        if "list" in fact:
            items = [f"{{{{c{n}::{item}}}}}" for n, item in enumerate(fact["list"], 1)]
            fields = [f"{fact['text']}<br>{'<br>'.join(items)}", fact.get("extra", "")]
            notes.append(genanki.Note(genanki.CLOZE_MODEL, fields, guid=fact["id"]))
        elif "front" in fact:
            qa = [fact["front"], fact["back"]]
            notes.append(genanki.Note(genanki.BASIC_MODEL, qa, guid=fact["id"]))
            if fact.get("reverse"):
                notes.append(genanki.Note(genanki.BASIC_MODEL, qa[::-1], guid=fact["id"] + "/r"))
        else:
            fields = [_cloze(fact["text"]), fact.get("extra", "")]
            notes.append(genanki.Note(genanki.CLOZE_MODEL, fields, guid=fact["id"]))
    for table in data.get("comparisons") or []:
        if not table.get("draft"):
            notes += _comparison(table)
    return notes


def _comparison(table: dict[str, Any]) -> list[genanki.Note]:
    """A note per cell and per discrimination card: a cell unique in its row."""
    notes = []
    kinds = table.get("cards") or ["cells", "discrimination"]
    labels = {
        column: label["label"] if isinstance(label, dict) else label
        for column, label in table["columns"].items()
    }
    for row in table["rows"]:
        cells = {
            column: row[column] if isinstance(row[column], dict) else {"text": row[column]}
            for column in labels
            if column in row
        }
        counts = Counter(" ".join(cell["text"].casefold().split()) for cell in cells.values())
        for column, cell in cells.items():
            guid = f"{table['id']}/{row.get('id', row['feature'])}/{column}"
            if "cells" in kinds:
                question = f"{table['title']}: {row['feature']} in {labels[column]}?"
                notes.append(genanki.Note(genanki.BASIC_MODEL, [question, cell["text"]], guid=guid))
            unique = counts[" ".join(cell["text"].casefold().split())] == 1
            if "discrimination" in kinds and unique and cell.get("discrimination", True):
                choice = f"{table['title']}: {row['feature']}: {cell['text']}"
                notes.append(
                    genanki.Note(genanki.BASIC_MODEL, [choice, labels[column]], guid=guid + "/d")
                )
    return notes


def baseline(cards: Path, out: Path) -> None:
    decks = []
    for number, path in enumerate(sorted(cards.rglob("*.yaml")), start=1):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        deck = genanki.Deck(number, data["deck"])
        for note in _notes(data):
            deck.add_note(note)
        decks.append(deck)
    genanki.Package(decks).write_to_file(str(out), timestamp=1)


def dump_rows(apkg: Path, rows: Path) -> None:
    """The notes and cards rows of a built deck, for ``floor``."""
    with zipfile.ZipFile(apkg) as package:
        collection = package.read("collection.anki2")
    connection = sqlite3.connect(":memory:")
    connection.deserialize(collection)
    notes = connection.execute("SELECT * FROM notes").fetchall()
    cards = connection.execute("SELECT * FROM cards").fetchall()
    rows.write_bytes(marshal.dumps((notes, cards)))


def floor(rows: Path, out: Path) -> None:
    notes, cards = marshal.loads(rows.read_bytes())
    connection = sqlite3.connect(":memory:")
    connection.executescript(APKG_SCHEMA)
    connection.executescript(APKG_COL)
    connection.executemany(f"INSERT INTO notes VALUES({','.join('?' * 11)})", notes)
    connection.executemany(f"INSERT INTO cards VALUES({','.join('?' * 18)})", cards)
    connection.commit()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("collection.anki2", connection.serialize())


if __name__ == "__main__":
    {"baseline": baseline, "floor": floor, "rows": dump_rows}[sys.argv[1]](
        Path(sys.argv[2]), Path(sys.argv[3])
    )
