"""Cloze facts: a `facts:` item with `text:`, one note with a card per deletion (group).

Authors write deletions as ``{{answer}}``, ``{{answer::hint}}`` or ``{{@label answer}}``;
lmndeck numbers them itself (see ``numbering``), so authors never write Anki's ``c1::``.
Every malformed deletion is an error, because genanki and Anki disagree about them and a
note whose deletions Anki does not recognise has no cards at all: it would be invisible.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import yaml

from lmndeck.kinds.base import (
    FACT_FIELD_KEYS,
    REMOVED_HELP,
    REMOVED_TEXT,
    CardText,
    DeckFile,
    FactNote,
    FileContext,
    LintText,
    PlannedNote,
    Schema,
    SchemaParts,
    Written,
    deletion_ords,
    fact_lint_text,
    read_fact_fields,
)
from lmndeck.lockmerge import reserved_key
from lmndeck.markup import inline
from lmndeck.media import Image, extra_html
from lmndeck.model import PreviousId, SourceRef
from lmndeck.notetypes import ANKI_CLOZE, NoteType
from lmndeck.numbering import MAX_DELETION_NUMBER, Numbers
from lmndeck.problems import Code, Position, Problem
from lmndeck.reader import Reader
from lmndeck.sources import source_html
from lmndeck.wording import offers_choices, text_key

FACT_KEYS = ("id", "text", *FACT_FIELD_KEYS)
FACT_REQUIRED = ("id", "text")


@dataclass(frozen=True)
class Deletion:
    """One cloze deletion. Deletions with the same label share one card."""

    answer: str
    hint: str | None
    label: str | None
    offset: int  # where the deletion starts in the fact's text, for error messages

    @property
    def base_key(self) -> str:
        """What identifies this deletion across edits: its label, else its answer."""
        return "@" + self.label if self.label else text_key(self.answer)


ClozePart = str | Deletion


@dataclass(frozen=True)
class ClozeFact:
    id: str
    parts: tuple[ClozePart, ...]
    extra: str
    tags: tuple[str, ...]
    source: SourceRef
    position: Position
    was: tuple[PreviousId, ...] = ()
    image: Image | None = None
    draft: bool = False
    lint_ignore: frozenset[str] = frozenset()  # lint rules switched off for this fact
    # Where each deletion's '{{' is in the file, for lint's problems (deletions' order).
    deletion_positions: tuple[Position, ...] = field(default=(), compare=False)

    # Derived from the parts when the fact is made (not on first use: an attribute added to
    # an instance later costs each of the deck's facts a dictionary of its own).
    deletions: tuple[Deletion, ...] = field(init=False, repr=False, compare=False)
    # One key per deletion. Labelled deletions share their label's key (and card); a repeated
    # unlabelled answer gets its own key per occurrence, and so its own card.
    deletion_keys: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        deletions = tuple(part for part in self.parts if isinstance(part, Deletion))
        object.__setattr__(self, "deletions", deletions)
        object.__setattr__(self, "deletion_keys", _deletion_keys(deletions))

    def notes(self, deck: str) -> tuple[ClozeNote]:
        return (ClozeNote(f"fact/{self.id}", deck, self),)

    def lint_text(self) -> LintText:
        places = {id(deletion): where for deletion, where in deletion_places(self)}
        cards = (
            CardText(
                tuple(Written(d.answer, places[id(d)], self.lint_ignore) for d in asked),
                (front,),
                places[id(asked[0])],
                self.lint_ignore,
                context=with_choices,
            )
            for (asked, front), (_, with_choices) in zip(
                cloze_cards(self, choices=False), cloze_cards(self), strict=True
            )
        )
        parts = [part if isinstance(part, str) else part.answer for part in self.parts]
        hints = [deletion.hint or "" for deletion in self.deletions]
        return fact_lint_text(self, cards, [*parts, *hints], plain_text(self))


def deletion_places(fact: ClozeFact) -> Iterator[tuple[Deletion, Position]]:
    """Each deletion of the fact with the place of its '{{' (the fact's, when unknown)."""
    positions = fact.deletion_positions or tuple(fact.position for _ in fact.deletions)
    yield from zip(fact.deletions, positions, strict=True)


def cloze_cards(
    fact: ClozeFact, *, choices: bool = True
) -> Iterator[tuple[tuple[Deletion, ...], str]]:
    """Each card of a cloze fact: its deletions (one, or those sharing a label) and its front as
    Anki shows it: those deletions hidden (their hints shown, but with ``choices=False`` not the
    hints that offer choices), every other deletion's answer shown as text."""
    by_key: dict[str, list[Deletion]] = {}
    for key, deletion in zip(fact.deletion_keys, fact.deletions, strict=True):
        by_key.setdefault(key, []).append(deletion)
    for asked in by_key.values():
        front = " ".join(_shown(part, asked, choices) for part in fact.parts)
        yield tuple(asked), front


def _shown(part: str | Deletion, asked: list[Deletion], choices: bool) -> str:
    if isinstance(part, str):
        return part
    if not any(part is deletion for deletion in asked):
        return part.answer
    if part.hint and (choices or not offers_choices(part.hint)):
        return part.hint
    return ""


def plain_text(fact: ClozeFact) -> str:
    """The fact's text with every answer in place: the statement it teaches."""
    return " ".join(part if isinstance(part, str) else part.answer for part in fact.parts)


def _deletion_keys(deletions: tuple[Deletion, ...]) -> tuple[str, ...]:
    seen: dict[str, int] = {}
    keys = []
    for deletion in deletions:
        key = deletion.base_key
        if deletion.label is None:
            seen[key] = seen.get(key, 0) + 1
            key += f"#{seen[key]}" if seen[key] > 1 else ""
        keys.append(key)
    return tuple(keys)


@dataclass(frozen=True)
class ClozeNote(FactNote):
    key: str
    deck: str
    fact: ClozeFact

    @property
    def kind(self) -> Cloze:
        return KIND

    @property
    def card_keys(self) -> tuple[str, ...]:
        """One key per card, in the order the deletions first appear."""
        return tuple(dict.fromkeys(self.fact.deletion_keys))

    def fields(self, numbers: Mapping[str, int]) -> tuple[str, ...]:
        fact = self.fact
        return (
            cloze_text(fact, numbers),
            extra_html(fact.extra, fact.image),
            source_html(fact.source),
        )


CLOZE = NoteType.numbered(
    kind="cloze",
    model_id=1_732_400_000_101,
    name="lmndeck cloze",
    fields=("Text", "Extra", "Source"),
    template_name="Cloze",
    anki_type=ANKI_CLOZE,
    ids=7_301_124_000,
)


class Cloze:
    name = "cloze"
    section = "facts"
    marker = None
    noun = "fact"
    cards_noun = "cloze"
    keys = FACT_KEYS
    required = FACT_REQUIRED
    synonyms = ()
    note_type = CLOZE
    example = """\
facts:
  - id: fasciculations-lmn
    text: Fasciculations are a classical sign of an {{LMN::UMN or LMN?}} lesion.
    extra: Involuntary twitching of muscle fibres, visible under the skin.
  - id: lmn-reflexes
    text: In an LMN lesion the deep tendon reflexes are {{reduced}} or {{absent}}.
"""
    tombstone_fields = (f"{{{{c1::Removed}}}}: {REMOVED_TEXT}", REMOVED_HELP, "")

    def read(self, reader: Reader, node: yaml.Node, context: FileContext) -> ClozeFact | None:
        return read_fact(reader, node, context)

    def schema(self, parts: SchemaParts) -> dict[str, Schema]:
        return {"cloze": parts.object("cloze", FACT_KEYS, FACT_REQUIRED)}

    numbered = True

    def ords(self, numbers: Mapping[str, int]) -> tuple[int, ...]:
        return deletion_ords(numbers)

    def numbers_in(self, fields: tuple[str, ...], note: PlannedNote | None) -> Numbers:
        return numbers_in(fields[0], note)


KIND = Cloze()


def facts(deck_file: DeckFile) -> list[ClozeFact]:
    """The file's cloze facts."""
    return [item for item in deck_file.items(KIND.name) if isinstance(item, ClozeFact)]


def read_fact(reader: Reader, node: yaml.Node, context: FileContext) -> ClozeFact | None:
    entries = reader.mapping(node, "a fact", FACT_KEYS, FACT_REQUIRED)
    if entries is None:
        return None
    text_node = entries.get("text")
    text = reader.text(text_node, "text") if text_node else None
    parts = None
    deletion_positions: tuple[Position, ...] = ()
    if isinstance(text_node, yaml.ScalarNode) and text is not None:
        parts, errors = parse_cloze(text)
        for error in errors:
            where = reader.offset_position(text_node, text, error.offset)
            reader.problems.append(Problem(where, error.message, error.hint, code=error.code))
        offsets = (part.offset for part in parts if isinstance(part, Deletion))
        deletion_positions = tuple(reader.offset_positions(text_node, text, offsets))
    common = read_fact_fields(reader, node, entries, context)
    if parts is None or common is None:
        return None
    return ClozeFact(parts=parts, deletion_positions=deletion_positions, **common)


def cloze_text(fact: ClozeFact, numbers: Mapping[str, int]) -> str:
    """The Text field in Anki's cloze syntax; ``numbers`` maps each deletion's key to its card."""
    keys = iter(fact.deletion_keys)
    return "".join(
        _deletion(part, numbers[next(keys)]) if isinstance(part, Deletion) else inline(part)
        for part in fact.parts
    )


def _deletion(deletion: Deletion, number: int) -> str:
    hint = f"::{inline(deletion.hint)}" if deletion.hint else ""
    return f"{{{{c{number}::{inline(deletion.answer)}{hint}}}}}"


OPEN, CLOSE, HINT = "{{", "}}", "::"
_LABEL_NAME = re.compile(r"[A-Za-z0-9_-]+")
_LABEL = re.compile(rf"@({_LABEL_NAME.pattern})\s+(?=\S)")  # an answer must follow
LABEL_HINT = (
    "a label comes first and then the answer: {{@label answer}}, "
    "e.g. {{@pair upper}} and {{@pair lower}} make one card"
)
_ANKI_NUMBER = re.compile(r"[cC]\d+::")


@dataclass(frozen=True)
class MarkupError:
    offset: int  # character offset into the text
    message: str
    hint: str | None = None
    code: Code = Code.CLOZE_SYNTAX


def parse_cloze(text: str) -> tuple[tuple[ClozePart, ...], list[MarkupError]]:
    parts: list[ClozePart] = []
    errors: list[MarkupError] = []
    position = 0
    while True:
        start = text.find(OPEN, position)
        stray_close = text.find(CLOSE, position, start if start >= 0 else len(text))
        if stray_close >= 0:
            errors.append(
                MarkupError(
                    stray_close,
                    "'}}' closes a deletion that was never opened",
                    "open the deletion with '{{', or remove the '}}'",
                )
            )
        if start < 0:
            break
        end = text.find(CLOSE, start + len(OPEN))
        nested = text.find(OPEN, start + len(OPEN), end if end >= 0 else len(text))
        if end < 0:
            errors.append(
                MarkupError(start, "deletion is not closed", "close it with '}}', e.g. {{atrophy}}")
            )
            break
        if nested >= 0:
            errors.append(
                MarkupError(
                    nested,
                    "deletions cannot be nested",
                    "Anki drops the inner card of a nested deletion; "
                    "split it into separate deletions",
                )
            )
            break
        if start > position:
            parts.append(text[position:start])
        deletion, error = _parse_deletion(text[start + len(OPEN) : end], start)
        if error:
            errors.append(error)
        elif deletion:
            parts.append(deletion)
        position = end + len(CLOSE)
    if position < len(text) and not errors:
        parts.append(text[position:])
    if not errors and not any(isinstance(part, Deletion) for part in parts):
        errors.append(
            MarkupError(
                0,
                "a cloze fact needs at least one deletion",
                "mark the answer with double braces, e.g. {{atrophy}}",
                Code.NO_DELETION,
            )
        )
    return tuple(parts), errors


def _parse_deletion(inner: str, offset: int) -> tuple[Deletion | None, MarkupError | None]:
    if _ANKI_NUMBER.match(inner):
        bare = _ANKI_NUMBER.sub("", inner, count=1)
        return None, MarkupError(
            offset,
            "write deletions without Anki's card number",
            f"write {{{{{bare}}}}}: lmndeck numbers deletions itself and keeps the numbers "
            "stable; give deletions the same @label to put them on one card",
            Code.ANKI_CLOZE_NUMBER,
        )
    label = None
    inner = inner.lstrip()
    if inner.startswith("@"):
        label_match = _LABEL.match(inner)
        if not label_match:
            return None, MarkupError(offset, _label_problem(inner), LABEL_HINT)
        label = label_match.group(1)
        inner = inner[label_match.end() :]
    answer, separator, hint = inner.partition(HINT)
    if not answer.strip():
        return None, MarkupError(
            offset, "empty deletion", "put the answer between the braces, e.g. {{atrophy}}"
        )
    if HINT in hint:
        return None, MarkupError(
            offset, "a deletion has at most one hint", "write {{answer::hint}} with one '::'"
        )
    if separator and not hint.strip():
        return None, MarkupError(offset, "empty hint", "write a hint after '::', or remove '::'")
    return Deletion(answer.strip(), hint.strip() or None, label, offset), None


def _label_problem(inner: str) -> str:
    """Why a deletion starting with '@' is not '@label answer'."""
    name = inner[1:].split(maxsplit=1)[0] if inner[1:].strip() else ""
    if not name or inner[1:2].isspace():
        return "'@' starts a label, but no label name follows it"
    if not _LABEL_NAME.fullmatch(name):
        return f"'@{name}' is not a valid label: use letters, digits, '_' and '-'"
    return f"the label '@{name}' has no answer after it"


# -- card numbers of a deck built before lmndeck kept its lock inside it ------------------

_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(?:.*?))?\}\}", re.DOTALL)


def numbers_in(text: str, planned: PlannedNote | None) -> Numbers:
    """Card numbers by deletion key, from the Text field of an earlier build."""
    today: dict[str, list[str]] = {}
    if isinstance(planned, ClozeNote):
        fact = planned.fact
        for key, deletion in zip(fact.deletion_keys, fact.deletions, strict=True):
            today.setdefault(key, []).append(normal(inline(deletion.answer)))
    return card_numbers(text, today)


def card_numbers(text: str, today: Mapping[str, list[str]]) -> Numbers:
    """Card numbers by card key in a field in Anki's cloze syntax; ``today`` maps each card key
    of the note today to the HTML of its answers. A number whose answers are those of a key
    today is that key's; any other keeps its number under a key no card has, so it is never
    given to another card. Gaps are numbers of cards removed earlier."""
    answers: dict[int, list[str]] = {}
    for match in _CLOZE.finditer(text):
        answers.setdefault(int(match.group(1)), []).append(normal(match.group(2)))
    active: dict[str, int] = {}
    for number, shown in sorted(answers.items()):
        key = next(
            (key for key, known in today.items() if known == shown and key not in active),
            reserved_key(number),
        )
        active[key] = number
    highest = min(max(answers, default=0), MAX_DELETION_NUMBER)
    retired = {
        reserved_key(number): number for number in range(1, highest) if number not in answers
    }
    return Numbers(active, retired)


def normal(answer_html: str) -> str:
    return text_key(answer_html)
