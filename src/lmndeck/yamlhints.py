"""Hints for the YAML mistakes of a newcomer, from the parser's error and the lines it points at.

The parser's words ("mapping values are not allowed here", "while scanning a block scalar")
name its own state, not what the author typed. These recognise what was typed: a key indented
one space too far, Markdown pasted into a cards file, a value starting with '>' or '|' or a
character YAML reserves ('*', '&', '@', '`', '%'), a forgotten '- ' before an item.
"""

from __future__ import annotations

import json
import re

import yaml

IMPORT_HINT = (
    "this looks like Markdown; a cards file is YAML: turn notes into a draft cards file with "
    "'lmndeck import NOTES.md', or write each fact under 'facts:' as '- id: ...' and 'text: ...'"
)

_KEY = re.compile(r"( *)(?:- +)*([\w-]+):(?: |$)")
# Markdown that YAML refuses: a bullet or numbered item with bold, a table row, bold text
_MARKDOWN = re.compile(
    r"^\s*(?:(?:[-*+]|\d+[.)])\s+\*\*"  # a bullet or numbered item starting in bold
    r"|\|.*\|\s*$"  # a table row
    r"|(?:- +)?(?:[\w-]+: +)?\*\*\S)"  # a value starting in bold (YAML reads '*' as an alias)
)
# a value that starts with '>' or '|' followed by text: not the start of a block of lines
_BLOCK_VALUE = re.compile(r"^\s*((?:- +)?(?:[\w-]+: +)?)([>|](?![-+0-9]*\s*(?:#.*)?$).*)$")
# in a flow mapping or list ({a: > 7.30}), what follows the indicator up to the next ',' or '}'
_FLOW_VALUE = re.compile(r"[>|@`%][^,}\]]*")
# a block value (after 'key: ' or '- ') starting with a character YAML reserves: '@' and '`',
# '%' (a directive), '*' (an alias: '*italic*'), '&' (an anchor); up to a comment
_RESERVED_VALUE = re.compile(r"^\s*(?:- +)*(?:[\w-]+: +)?([@`%*&](?:[^#]|(?<! )#)*?)\s*(?: #.*)?$")
# a line that is not an item, the line of an item above it at its column ('- Weakness')
_ITEM = re.compile(r"( *)- ")


def newcomer_hint(error: yaml.MarkedYAMLError, lines: list[str]) -> str | None:
    """The hint for a mistake recognised at the error's place, or None."""
    marks = [mark for mark in (error.problem_mark, error.context_mark) if mark is not None]
    shown = [lines[mark.line] for mark in marks if mark.line < len(lines)]
    if any(_MARKDOWN.match(line) for line in shown):
        return IMPORT_HINT
    mark = error.problem_mark
    indented = mark is not None and "mapping values are not allowed" in (error.problem or "")
    if indented and mark and (hint := _indent_hint(lines, mark.line)):
        return hint
    for line in shown:
        if value := _BLOCK_VALUE.match(line):
            example = f"{value[1].strip()} {json.dumps(value[2].strip(), ensure_ascii=False)}"
            return (
                f"a value starting with '{value[2][0]}' is read as a block of lines below it; "
                f"quote the text, e.g. {example.strip()}"
            )
    for line in shown:
        if reserved := _RESERVED_VALUE.match(line):
            return _quote_hint(reserved[1])
    unquoted = mark and "cannot start any token" in (error.problem or "") and mark.line < len(lines)
    if unquoted and mark and (flow := _FLOW_VALUE.match(lines[mark.line], mark.column)):
        return _quote_hint(flow[0].strip())
    for mark in marks:
        if hint := _dash_hint(lines, mark.line):
            return hint
    return None


def _quote_hint(value: str) -> str:
    return (
        f"a value cannot start with '{value[0]}' unquoted; quote it: "
        f"{json.dumps(value, ensure_ascii=False)}"
    )


def _dash_hint(lines: list[str], line: int) -> str | None:
    """A forgotten '- ': a line that starts at the column of the '- ' of the item above it
    (``- Weakness`` then ``Atrophy``, or ``- id: a`` ... then ``id: b``), which YAML cannot
    read as an item nor as part of one."""
    text = lines[line] if line < len(lines) else ""
    column = len(text) - len(text.lstrip(" "))
    if not text.strip() or text.lstrip().startswith(("- ", "#")) or text.strip() == "-":
        return None
    for above in reversed(lines[:line]):
        indent = len(above) - len(above.lstrip(" "))
        if not above.strip() or above.lstrip().startswith("#") or indent > column:
            continue
        item = _ITEM.match(above)
        if indent < column or item is None:
            return None
        return (
            f"this line starts where the '- ' of the item above it does, without one: start it "
            f"with '- ' if it is an item of its own ('- {text.strip()}'); to continue the item "
            "above, indent it further"
        )
    return None


def _indent_hint(lines: list[str], line: int) -> str | None:
    """A key indented deeper than the key of the line above: YAML reads it as part of that
    line's value, and then refuses its ':'."""
    key = _KEY.match(lines[line]) if line < len(lines) else None
    above = next(
        (
            text
            for text in reversed(lines[:line])
            if text.strip() and not text.lstrip().startswith("#")
        ),
        None,
    )
    above_key = _KEY.match(above) if above is not None else None
    if key is None or above_key is None:
        return None
    column, above_column = len(key[1]), above_key.start(2)
    if column <= above_column:
        return None
    more = column - above_column
    return (
        f"'{key[2]}:' is indented {more} space{'' if more == 1 else 's'} more than "
        f"'{above_key[2]}:' above it; the keys of one item line up: indent '{key[2]}:' by "
        f"{above_column} spaces"
    )
