"""'lmndeck init': a new deck project that builds at once.

DIR/cards/example.yaml          one example of every kind, to edit
DIR/cards/.lmndeck-schema.json  the cards format's schema, named on the example's first line
                                (a file beside the cards: editors check keys offline; hidden,
                                so it is not read as a cards file)
DIR/.gitignore                  dist/ and the cache: built, not committed (the lock is)
DIR/README.md                   how to check, preview, build and import the deck
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from lmndeck.importers.cardsyaml import deck_name, scalar
from lmndeck.newfiles import refuse_existing, write_text
from lmndeck.schema import schema_text

SCHEMA_FILE = ".lmndeck-schema.json"
_DECK = "DECK_NAME"  # in the starter files: the deck's name


def _starter(name: str) -> str:
    return files("lmndeck").joinpath("starter", name).read_text(encoding="utf-8")


def enclosing_repository(directory: Path) -> Path | None:
    """The git working tree ``directory`` lies in (its folder with ``.git``), if any: a project
    made there becomes part of that repository's history (lmndeck's own clone, followed
    literally, is the usual one)."""
    for folder in (directory.resolve(), *directory.resolve().parents):
        if (folder / ".git").exists():
            return folder
    return None


def new_project(directory: Path, force: bool = False) -> list[Path]:
    """Write a new deck project into ``directory`` (refused when it has anything in it,
    unless ``force``); the files written."""
    refuse_existing(
        directory,
        force,
        "the directory is not empty",  # the summary says that nothing was written
        "choose a new directory (lmndeck init mydeck), or add --force to write the starter "
        "files into it, replacing files of the same names",
    )
    deck = deck_name(directory.resolve().name.replace("-", " ").replace("_", " ").capitalize())
    contents = {
        Path("cards", "example.yaml"): _starter("cards.yaml").replace(_DECK, scalar(deck)),
        Path("cards", SCHEMA_FILE): schema_text(),
        Path(".gitignore"): _starter("gitignore"),
        Path("README.md"): _starter("README.md").replace(_DECK, deck),
    }
    for path, text in contents.items():
        write_text(directory / path, text)
    return [directory / path for path in contents]
