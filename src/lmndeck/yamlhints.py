"""The YAML mistakes of a newcomer, recognised from the parser's error and the lines it points at.

The parser's words ("mapping values are not allowed here", "while scanning a block scalar")
name its own state, not what the author typed: a recognised mistake is reported in words of
what was typed, with what to do, in their place. Recognised: Markdown pasted into a cards
file (a line of prose too), a key indented one space too far or too short, a tab indenting a
line, a value starting with '>' or '|' or a character YAML reserves ('*', '&', '@', '`', '%'),
a forgotten '- ' before an item, a quote never closed or one inside a quoted text, a text
that starts with '{' or '[' (a '{{deletion}}'), a '{' or '[' not closed on its line, a ': ' in
an unquoted text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

import yaml

IMPORT_HINT = (
    "a cards file is YAML: turn notes into a draft cards file with 'lmndeck import NOTES.md', "
    "or write each fact under 'facts:' as '- id: ...' and 'text: ...'"
)

_KEY = re.compile(r"( *)(?:- +)*([\w-]+):(?: |$)")
# Markdown that YAML refuses: a bullet or numbered item with bold, a table row, bold text
_MARKDOWN = re.compile(
    r"^\s*(?:(?:[-*+]|\d+[.)])\s+\*\*"  # a bullet or numbered item starting in bold
    r"|\|.*\|\s*$"  # a table row
    r"|(?:- +)?(?:[\w-]+: +)?\*\*\S"  # a value starting in bold (YAML reads '*' as an alias)
    r"|>)"  # a quote or callout, '> [!tip] ...', on a line of its own
)
# a value that starts with '>' or '|' followed by text: not the start of a block of lines
_BLOCK_VALUE = re.compile(r"^\s*((?:- +)?(?:[\w-]+: +)?)([>|](?![-+0-9]*\s*(?:#.*)?$).*)$")
# in a flow mapping or list ({a: > 7.30}), what follows the indicator up to the next ',' or '}'
_FLOW_VALUE = re.compile(r"[>|@`%][^,}\]]*")
# a block value (after 'key: ' or '- ') starting with a character YAML reserves: '@' and '`',
# '%' (a directive), '*' (an alias: '*italic*'), '&' (an anchor); up to a comment
_RESERVED_VALUE = re.compile(r"^\s*(?:- +)*(?:[\w-]+: +)?([@`%*&](?:[^#]|(?<! )#)*?)\s*(?: #.*)?$")
# a value with ': ' in it, unquoted ('text: Note: the ...'): the key, the value, its first part
_COLON_VALUE = re.compile(r"^\s*((?:- +)?[\w-]+:) +(([^'\"{\[:#][^:]*?): .*)$")
# a value in quotes (after 'key: ' or '- '): the part before it, its quote, the rest of the line
_QUOTED_VALUE = re.compile(r"^(\s*(?:- +)*(?:[\w-]+: +)?)([\"'])(.*?)\s*$")
# what the parsers say of a key that lines up with no key above it (libyaml's words, PyYAML's)
_MISPLACED: tuple[str, ...] = ("mapping values are not allowed", "expected key")
_MISPLACED += ("expected '-' indicator", "expected <block end>")
# the line of a list item ('- Weakness', '  - id: a')
_ITEM = re.compile(r" *- ")
# where a value that starts with '{' or '[' starts: at the line's start, after '- ' or 'key: '
_FLOW_START = re.compile(r"(?:^ *|- +|[\w.-]+: +)(?=[{\[])")
# the key or '- ' a value follows, at the end of what is before it on its line
_LEAD = re.compile(r"(?:- +)*(?:[\w.-]+: +)?$")
_BRACKETS = {"{": "}", "[": "]"}


class Mistake(NamedTuple):
    said: str  # what the newcomer typed, in place of the parser's words
    hint: str  # what to do
    at: tuple[int, int] | None = None  # its line and column (from 0), when not the parser's


def newcomer_mistake(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """The mistake recognised at the error's place; None for any other."""
    marks = [mark for mark in (error.problem_mark, error.context_mark) if mark is not None]
    at = _At(error, [mark for mark in marks if mark.line < len(lines)], lines)
    return next((mistake for seen in _RECOGNISED if (mistake := seen(at))), None)


class _At(NamedTuple):
    """The parser's error and the lines its marks point at."""

    error: yaml.MarkedYAMLError
    marks: list[yaml.Mark]  # the problem's mark, then its context's, each on a line
    lines: list[str]

    @property
    def problem(self) -> str:
        return self.error.problem or ""

    @property
    def shown(self) -> list[str]:
        return [self.lines[mark.line] for mark in self.marks]

    @property
    def mark(self) -> yaml.Mark | None:
        """The problem's own mark."""
        mark = self.error.problem_mark
        return mark if mark in self.marks else None


def _markdown(at: _At) -> Mistake | None:
    if any(_MARKDOWN.match(line) for line in at.shown):
        return Mistake("this looks like Markdown", IMPORT_HINT)
    return None


def _flow_text(at: _At) -> Mistake | None:
    """A text that starts with '{' or '[' ('text: {{Atrophy}} is ...'): YAML reads a mapping or
    a list up to the closing bracket, then finds the rest of the text where none can be."""
    if not at.mark:
        return None
    line, column = at.lines[at.mark.line], at.mark.column
    for start in reversed([found.end() for found in _FLOW_START.finditer(line, 0, column)]):
        close = start + _closing(line[start:])
        if close < column and not line[close + 1 : column].strip():
            # in a flow ('{feature: x, a: {{y}} z}') the text ends at a ',', else at a comment
            ends = (",", "}", "]") if _left_open(line[:start]) else (" #",)
            rest = line[close + 1 :]
            end = min((rest.find(mark) for mark in ends if mark in rest), default=len(rest))
            typed = line[start : close + 1 + end].strip()
            return must_quote(line[:start], typed)._replace(at=(at.mark.line, start))
    return None


def _left_open(text: str) -> int:
    """How many of the brackets ``text`` opens it leaves open."""
    return sum(text.count(bracket) for bracket in _BRACKETS) - sum(
        text.count(bracket) for bracket in _BRACKETS.values()
    )


def _closing(value: str) -> int:
    """Where the bracket that opens ``value`` is closed; its length when it is not."""
    depth = 0
    for index, character in enumerate(value):
        depth += character in _BRACKETS
        depth -= character in _BRACKETS.values()
        if depth == 0:
            return index
    return len(value)


def must_quote(before: str, typed: str) -> Mistake:
    """What to say of ``typed``, a text that starts with '{' or '[' after ``before`` (what is
    before it on its line: 'text: ', '- '): quote it, shown with the author's own text."""
    read_as = "a mapping" if typed.startswith("{") else "a list"
    lead = found[0] if (found := _LEAD.search(before)) else ""
    example = f"{lead.strip()} {json.dumps(' '.join(typed.split()), ensure_ascii=False)}"
    return Mistake(
        f"a text that starts with '{typed[0]}' must be quoted: YAML reads it as {read_as}",
        f"quote the text, e.g. {example.strip()}",
    )


def _misplaced_key(at: _At) -> Mistake | None:
    if at.mark and any(what in at.problem for what in _MISPLACED):
        return _indented(at.lines, at.mark.line)
    return None


def _lines_above(lines: list[str], line: int) -> Iterator[tuple[str, int]]:
    """The lines above ``line``, nearest first, with their indentation; blank lines and
    comments left out."""
    for above in reversed(lines[:line]):
        if above.strip() and not above.lstrip().startswith("#"):
            yield above, len(above) - len(above.lstrip(" "))


def _misplaced_item(at: _At) -> Mistake | None:
    """An item ('- Atrophy') whose '- ' lines up with no '- ' of the items above it."""
    if not at.mark or not any(what in at.problem for what in _MISPLACED):
        return None
    line = at.lines[at.mark.line]
    if _ITEM.match(line) is None:
        return None
    column = len(line) - len(line.lstrip(" "))
    for above, indent in _lines_above(at.lines, at.mark.line):
        if indent > column + 2:
            continue
        if _ITEM.match(above) is None or indent == column:
            return None
        off = abs(indent - column)
        how = f"{off} space{'' if off == 1 else 's'} {'more' if column > indent else 'less'}"
        return Mistake(
            f"this '- ' is indented {how} than the '- ' of the item above it",
            f"the items of one list line up: indent '{line.strip()}' by {indent} spaces",
        )
    return None


def _tab(at: _At) -> Mistake | None:
    if at.mark and "\t" in at.lines[at.mark.line][: at.mark.column + 1]:
        return Mistake("a tab indents this line", "indent with spaces; YAML does not allow tabs")
    return None


def _block_value(at: _At) -> Mistake | None:
    for line in at.shown:
        if value := _BLOCK_VALUE.match(line):
            example = f"{value[1].strip()} {json.dumps(value[2].strip(), ensure_ascii=False)}"
            return Mistake(
                f"a value starting with '{value[2][0]}' is read as a block of the lines below it",
                f"quote the text, e.g. {example.strip()}",
            )
    return None


def _reserved_value(at: _At) -> Mistake | None:
    for mark in at.marks:
        if reserved := _RESERVED_VALUE.match(at.lines[mark.line]):
            return _unquoted(reserved[1])._replace(at=(mark.line, reserved.start(1)))
    flow = at.mark and "cannot start any token" in at.problem
    if flow and at.mark and (value := _FLOW_VALUE.match(at.lines[at.mark.line], at.mark.column)):
        return _unquoted(value[0].strip())
    return None


def _dash(at: _At) -> Mistake | None:
    for mark in sorted(at.marks, key=lambda mark: mark.line):
        if mistake := _forgotten_dash(at.lines, mark.line):
            return mistake
    return None


def _unclosed_quote(at: _At) -> Mistake | None:
    opened = at.error.context_mark
    if at.error.context != "while scanning a quoted scalar" or opened not in at.marks:
        return None
    quote = at.lines[opened.line][opened.column : opened.column + 1]
    inside = '\\"' if quote == '"' else "''"
    return Mistake(
        f"the text opened here with {quote} is never closed",
        f"end it with {quote}; a {quote} inside the text is written {inside}",
    )


def _unclosed_flow(at: _At) -> Mistake | None:
    """A '{' or '[' never closed on its line: YAML reads on into the next lines."""
    opened = at.error.context_mark
    flow = at.error.context in ("while parsing a flow mapping", "while parsing a flow sequence")
    if not flow or opened not in at.marks or not at.mark or at.mark.line == opened.line:
        return None
    bracket = at.lines[opened.line][opened.column : opened.column + 1]
    closing = "}" if bracket == "{" else "]"
    return Mistake(
        f"the '{bracket}' opened here is not closed on its line",
        f"close it with '{closing}', or quote the text if the '{bracket}' is part of it",
        (opened.line, opened.column),
    )


def _quote_inside(at: _At) -> Mistake | None:
    """A quote inside a quoted text, which ends the text there: 'text: "The "classic" sign"',
    or an apostrophe in single quotes ('Bell's palsy')."""
    if not at.mark:
        return None
    value = _QUOTED_VALUE.match(at.lines[at.mark.line])
    if value is None or at.mark.column <= value.start(2):
        return None
    quote, text = value[2], value[3]
    inside = text.replace('\\"', "").replace("''", "") if quote == '"' else text.replace("''", "")
    if inside.count(quote) < 2:
        return None
    written = '\\"' if quote == '"' else "''"
    inner = text[:-1] if text.endswith(quote) else text
    example = f"{value[1].strip()} {quote}{inner.replace(quote, written)}{quote}".strip()
    return Mistake(
        f"a {quote} inside a text in {quote} quotes ends the text there",
        f"write a {quote} inside the text as {written}, e.g. {example}",
    )


def _prose(at: _At) -> Mistake | None:
    """A line of text with no key (a paragraph of notes), which YAML reads as a key without
    its ':'."""
    started = at.error.context_mark
    if "expected ':'" not in at.problem or started not in at.marks:
        return None
    typed = at.lines[started.line]
    if typed.strip() and ":" not in typed and not typed.lstrip().startswith("-"):
        return Mistake("this line is text, neither 'key: value' nor an item '- ...'", IMPORT_HINT)
    return None


def _colon(at: _At) -> Mistake | None:
    if not at.mark or "mapping values are not allowed" not in at.problem:
        return None
    colon = _COLON_VALUE.match(at.lines[at.mark.line])
    if colon is None:
        return None
    example = f"{colon[1].strip()} {json.dumps(colon[2].strip(), ensure_ascii=False)}"
    return Mistake(
        f"the ': ' after '{colon[3]}' starts a key of its own in an unquoted text",
        f"quote the text, e.g. {example}",
    )


# in this order: the first that recognises the mistake says it
_RECOGNISED: tuple[Callable[[_At], Mistake | None], ...] = (
    _markdown,
    _flow_text,
    _misplaced_key,
    _misplaced_item,
    _tab,
    _block_value,
    _reserved_value,
    _dash,
    _unclosed_quote,
    _unclosed_flow,
    _quote_inside,
    _prose,
    _colon,
)


def _unquoted(value: str) -> Mistake:
    return Mistake(
        f"a value cannot start with '{value[0]}' unquoted",
        f"quote it: {json.dumps(value, ensure_ascii=False)}",
    )


def _forgotten_dash(lines: list[str], line: int) -> Mistake | None:
    """A forgotten '- ': a line that starts at the column of the '- ' of the item above it
    (``- Weakness`` then ``Atrophy``, or ``- id: a`` ... then ``id: b``), which YAML cannot
    read as an item nor as part of one."""
    text = lines[line] if line < len(lines) else ""
    column = len(text) - len(text.lstrip(" "))
    if not text.strip() or text.lstrip().startswith(("- ", "#")) or text.strip() == "-":
        return None
    for above, indent in _lines_above(lines, line):
        if indent > column:
            continue
        if indent < column or _ITEM.match(above) is None:
            return None
        return Mistake(
            "this line starts where the '- ' of the item above it does, without one",
            f"start it with '- ' if it is an item of its own ('- {text.strip()}'); to continue "
            "the item above, indent it further",
            (line, column),
        )
    return None


def _indented(lines: list[str], line: int) -> Mistake | None:
    """A key that lines up with no key above it: deeper than the key of its item or file
    (YAML reads it as part of that key's value), or between an item's '- ' and its keys."""
    key = _KEY.match(lines[line]) if line < len(lines) else None
    if key is None or lines[line].lstrip().startswith("-"):
        return None
    column = len(key[1])
    for above, indent in _lines_above(lines, line):
        above_key = _KEY.match(above)
        if above_key is None or above_key.start(2) == column:
            if indent <= column:
                return None
            continue  # a line of a deeper value
        above_column = above_key.start(2)
        if above_column < column:
            more = column - above_column
            how = f"{more} space{'' if more == 1 else 's'} more"
        elif above.lstrip().startswith("-") and indent < column:
            less = above_column - column
            how = f"{less} space{'' if less == 1 else 's'} less"
        elif indent <= column:
            return None
        else:
            continue
        hint = (
            f"the keys of one item line up: indent '{key[2]}:' by {above_column} spaces"
            if above_column
            else f"the file's own keys start the line: remove the spaces before '{key[2]}:'"
        )
        return Mistake(f"'{key[2]}:' is indented {how} than '{above_key[2]}:' above it", hint)
    return None
