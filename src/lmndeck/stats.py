"""'lmndeck stats': the deck a build would write, counted by deck, kind, tag and source.

The counts come from the build's own plan (the notes and cards it would package, removed notes
aside), so they are what 'lmndeck build' writes and Anki imports.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lmndeck.formats import shown_path
from lmndeck.kinds import BY_NAME
from lmndeck.model import VideoSource
from lmndeck.pipeline import Plan, plan
from lmndeck.problems import Position
from lmndeck.project import notes_of


@dataclass(frozen=True)
class Count:
    notes: int
    cards: int


Table = dict[str, Count]  # a name (deck, kind, tag, source) -> its notes and cards


@dataclass(frozen=True)
class Draft:
    noun: str  # 'fact', 'comparison', ...
    id: str
    position: Position


@dataclass(frozen=True)
class Stats:
    deck: str  # the top deck
    total: Count
    by_deck: Table
    by_kind: Table
    by_tag: Table
    by_source: Table
    untimed: int  # notes citing a video without the second it is said at
    drafts: tuple[Draft, ...]  # left out of the deck


def stats(cards_dir: Path) -> Stats:
    """Counts of what ``lmndeck build`` would write now; nothing is written."""
    return count(plan(cards_dir))


def count(result: Plan) -> Stats:
    sources = {note.key: note.source for note in notes_of(result.project)}
    notes, cards = Counter[tuple[str, str]](), Counter[tuple[str, str]]()
    untimed = 0
    for note in result.contents.notes:
        if note.removed:
            continue
        ref = sources[note.key]
        names = [
            ("deck", note.deck),
            ("kind", BY_NAME[note.kind].cards_noun),
            ("source", ref.source.title),
            *(("tag", tag) for tag in note.tags),
        ]
        for name in names:
            notes[name] += 1
            cards[name] += len(note.ords)
        untimed += isinstance(ref.source, VideoSource) and ref.seconds is None
    live = [note for note in result.contents.notes if not note.removed]

    def table(group: str) -> Table:
        keys = sorted(name for kind, name in notes if kind == group)
        return {key: Count(notes[group, key], cards[group, key]) for key in keys}

    return Stats(
        result.project.top_deck,
        Count(len(live), sum(len(note.ords) for note in live)),
        table("deck"),
        {noun: count for noun, count in _study_order(table("kind"))},
        table("tag"),
        table("source"),
        untimed,
        tuple(Draft(kind.noun, item.id, item.position) for kind, item in result.project.drafts),
    )


def _study_order(by_kind: Table) -> list[tuple[str, Count]]:
    order = [kind.cards_noun for kind in BY_NAME.values()]
    return sorted(by_kind.items(), key=lambda entry: order.index(entry[0]))


def stats_text(counted: Stats, root: Path) -> str:
    """An aligned table: a section per grouping, notes and cards right-aligned."""
    sections = [
        ("deck", counted.by_deck),
        ("kind", counted.by_kind),
        ("tag", counted.by_tag),
        ("source", counted.by_source),
    ]
    rows = [name for _, table in sections for name in table]
    width = min(max([len(name) + 2 for name in rows] + [len("total"), 24]), _NAME_WIDTH)
    lines = [
        f"{counted.deck}: {_plural(counted.total.notes, 'note')}, "
        f"{_plural(counted.total.cards, 'card')}"
    ]
    for title, table in sections:
        lines += ["", f"{'by ' + title:<{width}} {'notes':>7} {'cards':>7}"]
        lines += [
            f"  {_fit(name, width - 2):<{width - 2}} {n.notes:>7} {n.cards:>7}"
            for name, n in table.items()
        ]
    lines += ["", f"video citations without a time: {counted.untimed}"]
    lines.append(f"drafts left: {len(counted.drafts)}")
    lines += [f"  {_where(draft, root)}: {draft.noun} '{draft.id}'" for draft in counted.drafts]
    return "\n".join(lines)


_NAME_WIDTH = 80 - 2 * 8  # the table fits an 80-column terminal, beside two 7-wide numbers


def _fit(name: str, width: int) -> str:
    """``name`` in ``width`` characters: a longer one keeps its start and its end (a book and
    its chapter, a deck and its subdeck) around an ellipsis. ``--format json`` has them whole."""
    if len(name) <= width:
        return name
    head = (width - 1) // 2
    return name[:head] + "…" + name[len(name) - (width - 1 - head) :]


def stats_json(counted: Stats, root: Path) -> str:
    def table(counts: Table) -> dict[str, dict[str, int]]:
        return {name: {"notes": n.notes, "cards": n.cards} for name, n in counts.items()}

    data = {
        "deck": counted.deck,
        "notes": counted.total.notes,
        "cards": counted.total.cards,
        "by_deck": table(counted.by_deck),
        "by_kind": table(counted.by_kind),
        "by_tag": table(counted.by_tag),
        "by_source": table(counted.by_source),
        "video_citations_without_time": counted.untimed,
        "drafts": [
            {
                "path": shown_path(d.position, root),
                "line": d.position.line,
                "kind": d.noun,
                "id": d.id,
            }
            for d in counted.drafts
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _where(draft: Draft, root: Path) -> str:
    return f"{shown_path(draft.position, root)}:{draft.position.line}:{draft.position.column}"


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
