"""Cloze deletion markup as authors write it: ``{{answer}}``, ``{{answer::hint}}``, ``{{@label answer}}``.

lmndeck numbers deletions itself (see ``lock``), so authors never write Anki's ``c1::``.
Every malformed deletion is an error here, because genanki and Anki disagree about them and a
note whose deletions Anki does not recognise has no cards at all: it would be invisible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lmndeck.model import ClozePart, Deletion
from lmndeck.problems import Code

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
