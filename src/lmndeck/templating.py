"""Anki's card templates, rendered without Anki: the subset lmndeck's note types use.

``{{Field}}``, ``{{#Field}}…{{/Field}}`` and ``{{^Field}}…{{/Field}}`` (a section shown when the
field is filled, or empty, by Anki's rule of what is empty), ``{{FrontSide}}``, and the filters
in ``FILTERS`` (``{{cloze:Field}}`` with Anki's cloze markup, ``{{text:Field}}``). A template
with any other filter is refused (``UnknownFilter``) rather than shown unfiltered: a filter
this engine skipped once showed a card's answer on its front.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

FILTERS = frozenset({"cloze", "text"})


class UnknownFilter(ValueError):
    """A template uses a filter this engine does not render."""


def render(template: str, fields: Mapping[str, str], cloze: int | None, front: str | None) -> str:
    """One side of a card: the question when ``front`` is None, else the answer (``front``
    being its question, for ``{{FrontSide}}``); ``cloze`` is the card's cloze number."""
    return _render(_parse(template), fields, cloze, front)


def filters_used(template: str) -> set[str]:
    """Every filter the template names."""
    found: set[str] = set()
    for node in _walk(_parse(template)):
        if isinstance(node, _Replacement):
            found.update(node.filters)
    return found


def _walk(nodes: Sequence[_Node]) -> Sequence[_Node]:
    out: list[_Node] = []
    for node in nodes:
        out.append(node)
        if isinstance(node, _Section):
            out.extend(_walk(node.body))
    return out


@dataclass(frozen=True)
class _Section:
    field: str
    negated: bool  # {{^Field}}: shown when the field is empty
    body: tuple[_Node, ...]


@dataclass(frozen=True)
class _Replacement:
    field: str
    filters: tuple[str, ...]  # as written, outermost first: {{text:cloze:Text}}


_Node = str | _Section | _Replacement
_TAG = re.compile(r"\{\{(.*?)\}\}", re.S)


def _parse(template: str) -> tuple[_Node, ...]:
    stack: list[tuple[str, bool, list[_Node]]] = [("", False, [])]
    position = 0
    for tag in _TAG.finditer(template):
        stack[-1][2].append(template[position : tag.start()])
        position = tag.end()
        content = tag.group(1).strip()
        if content[:1] in ("#", "^"):
            stack.append((content[1:].strip(), content[0] == "^", []))
        elif content[:1] == "/" and len(stack) > 1:
            field, negated, body = stack.pop()
            stack[-1][2].append(_Section(field, negated, tuple(body)))
        else:
            *filters, field = content.split(":")
            stack[-1][2].append(_Replacement(field.strip(), tuple(f.strip() for f in filters)))
    stack[-1][2].append(template[position:])
    return tuple(stack[0][2])


def _render(
    nodes: Sequence[_Node], fields: Mapping[str, str], cloze: int | None, front: str | None
) -> str:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, _Section):
            if _field_is_empty(fields.get(node.field, "")) == node.negated:
                out.append(_render(node.body, fields, cloze, front))
        else:
            value = (front or "") if node.field == "FrontSide" else fields.get(node.field, "")
            for name in reversed(node.filters):
                if name not in FILTERS:
                    raise UnknownFilter(f"the template filter '{name}' is not rendered here")
                if name == "cloze" and cloze is not None:
                    value = reveal_cloze(value, cloze, question=front is None)
                elif name == "text":
                    value = _strip_html(value)
            out.append(value)
    return "".join(out)


# Anki's rule: only white space and empty <br>/<div> tags is empty.
_EMPTY = re.compile(r"^(?:\s|</?(?:br|div) ?/?>)*$", re.I)


def _field_is_empty(text: str) -> bool:
    return bool(_EMPTY.match(text))


def _strip_html(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", text))


_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)


def reveal_cloze(text: str, number: int, question: bool) -> str:
    """Anki's cloze markup: card ``number``'s deletions hidden as [...] (or [hint]) on the
    question and shown in bold on the answer (class "cloze"); the other deletions as plain text
    (class "cloze-inactive")."""

    def deletion(match: re.Match[str]) -> str:
        ordinal, answer, hint = int(match.group(1)), match.group(2), match.group(3)
        if ordinal != number:
            return f'<span class="cloze-inactive" data-ordinal="{ordinal}">{answer}</span>'
        if not question:
            return f'<span class="cloze" data-ordinal="{ordinal}">{answer}</span>'
        hidden = f"[{hint}]" if hint else "[...]"
        return (
            f'<span class="cloze" data-cloze="{_attribute(answer)}" '
            f'data-ordinal="{ordinal}">{hidden}</span>'
        )

    return _CLOZE.sub(deletion, text)


def _attribute(text: str) -> str:
    """Escaped as Anki escapes data-cloze (Rust's htmlescape::encode_attribute): every Latin-1
    character other than an ASCII letter or digit as an entity, the rest as is."""
    return "".join(
        _ENTITIES.get(char, f"&#x{ord(char):02X};")
        if ord(char) < 256 and not (char.isascii() and char.isalnum())
        else char
        for char in text
    )


_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
