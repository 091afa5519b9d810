"""The importer's document as a cards file: YAML text written line by line, every value either
a plain scalar known to be read back as the same text or a double-quoted one."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import yaml

from lmndeck.importers.document import Cell, Comparison, Document, Fact
from lmndeck.loader import FORBIDDEN
from lmndeck.reserved import is_reserved_deck
from lmndeck.tags import SEPARATOR, normalize_deck

VIDEO, TEXT = "video", "text"  # the names of the document's source in the cards file

_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`\\][^#:{}\[\],&*!|>'\"%@`\\]*")


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when present


def scalar(value: str, flow: bool = False) -> str:
    """``value`` as a YAML scalar read back as this text: plain when YAML reads it back as
    this very string (no indicator characters, not a number, boolean or null to a YAML 1.1
    reader such as an editor's), else double-quoted with JSON's escapes (a subset of YAML's)."""
    # PyYAML's pure-Python parser refuses a '?' inside a flow mapping's plain scalar, which
    # libyaml reads: quote it, so the file reads the same with either.
    plain = _PLAIN.fullmatch(value) and not (flow and "?" in value)
    if plain and value == value.strip():
        probe = f"{{k: {value}}}" if flow else f"k: {value}"
        try:
            if yaml.load(probe, Loader=_SAFE_LOADER) == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def deck_name(title: str) -> str:
    """The title as one deck (no '::' subdecks), never a reserved one."""
    deck = normalize_deck(title.replace(SEPARATOR, " - "))
    return deck if deck and not is_reserved_deck(deck) else "Imported"


def cards_yaml(document: Document, parent: str = "") -> str:
    """The cards file; its deck the document's title, as a subdeck of ``parent`` when there is
    one (the deck the project it joins has over all its files)."""
    return "\n".join(_lines(document, parent)).rstrip("\n") + "\n"


def imported_deck(document: Document, parent: str = "") -> str:
    own = deck_name(document.title)
    return f"{parent}{SEPARATOR}{own}" if parent else own


def _lines(document: Document, parent: str) -> Iterator[str]:
    source = VIDEO if document.video else TEXT
    yield f"# Imported from {_comment(document.name)} by 'lmndeck import'."
    if document.drafts:
        yield f"# {document.drafts} draft(s) are left out of the deck: review each, then remove"
        yield "# its 'draft: true'. Facts without it are in the deck: check them too."
    yield f"deck: {scalar(imported_deck(document, parent))}"
    if document.tags:
        yield f"tags: [{', '.join(scalar(tag, flow=True) for tag in document.tags)}]"
    yield "sources:"
    yield f"  {source}:"
    if document.video:
        yield f"    youtube: {scalar(document.video)}"
    yield f"    title: {scalar(document.title)}"
    if document.author:
        yield f"    author: {scalar(document.author)}"
    yield f"source: {source}"
    for skipped in document.skipped:
        yield f"# not imported: {_comment(skipped)}"
    if document.facts:
        yield ""
        yield "facts:"
        for fact in document.facts:
            yield from _fact(fact, source if document.video else None)
    if document.comparisons:
        yield "comparisons:"
        for comparison in document.comparisons:
            yield from _comparison(comparison, source if document.video else None)


def _cited(video: str | None, time: str | None) -> str | None:
    return f"{video} {time}" if video and time else None


def _fact(fact: Fact, video: str | None) -> Iterator[str]:
    yield f"  - id: {fact.id}"
    (key, value), *rest = fact.fields
    yield f"    {key}: {scalar(value)}"
    if fact.items:
        yield "    list:"
        yield from (f"      - {scalar(item)}" for item in fact.items)
    if fact.ordered:
        yield "    ordered: true"
    for key, value in rest:
        yield f"    {key}: {scalar(value)}"
    if cited := _cited(video, fact.time):
        yield f"    source: {cited}"
    if fact.why_draft:
        yield f"    draft: true  # {_comment(fact.why_draft)}"
    yield ""


def _comparison(comparison: Comparison, video: str | None) -> Iterator[str]:
    yield f"  - id: {comparison.id}"
    yield f"    title: {scalar(comparison.title)}"
    if comparison.extra:
        yield f"    extra: {scalar(comparison.extra)}"
    yield "    columns:"
    for column in comparison.columns:
        yield f"      {column.id}: {scalar(column.label)}"
    yield "    rows:"
    for row in comparison.rows:
        yield f"      - feature: {scalar(row.feature)}"
        if row.id:
            yield f"        id: {row.id}"
        for column, cell in zip(comparison.columns, row.cells, strict=True):
            if cell is not None:
                yield f"        {column.id}: {_cell_yaml(cell, video)}"
    for feature in comparison.empty_rows:
        yield f"      # a row without cells: {_comment(feature)}"
    yield ""


def _cell_yaml(cell: Cell, video: str | None) -> str:
    cited = _cited(video, cell.time)
    if cited is None and cell.why_not_discrimination is None:
        return scalar(cell.text)
    entries = [f"text: {scalar(cell.text, flow=True)}"]
    if cited:
        entries.append(f"source: {cited}")
    if cell.why_not_discrimination:
        entries.append("discrimination: false")
    why = f"  # {cell.why_not_discrimination}" if cell.why_not_discrimination else ""
    return "{" + ", ".join(entries) + "}" + why


def _comment(text: str) -> str:
    """Text for a comment: one line (a comment ends at the line's end: a file name with a line
    break would start YAML of its own), without the characters cards files refuse."""
    return " ".join(FORBIDDEN.sub(" ", text).split())
