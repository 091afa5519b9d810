"""Stage 1: read a YAML file into a node tree that remembers where every value came from.

Only composing is done here (no construction into Python objects), so that every later error
can point at the exact line and column, duplicate keys can be reported instead of silently
dropped, and no YAML tag can ever build an arbitrary object.

The node tree is composed here from the parser's events, without PyYAML's composer, because:
- PyYAML's composers recurse once per nesting level: libyaml's crashes the process (a segfault)
  and the pure-Python one raises RecursionError on deeply nested input. Parsing events never
  recurses, so composing them with an explicit stack bounds the depth (``MAX_DEPTH``) before any
  deep structure exists, in one linear pass, and reports the exact place.
- PyYAML's tag resolver runs Python regexes on every scalar, and the two loaders disagree on
  ``~``. Cards files need no resolution: every value is text as typed, and only an empty value
  (``key:`` with nothing after it) is empty. Both loaders give the same events, so the same tree.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import yaml

from lmndeck.problems import Code, ContentError, Position, Problem

# libyaml's C parser is several times faster; fall back to the pure-Python one when absent.
# Tests set this to yaml.SafeLoader to check that both parsers give the same results.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_LIBYAML_DEPTH = "exceeded maximum nesting depth"

# Cards files nest about 6 levels (file > comparisons > table > rows > row > cell > text); the
# bound is far above any real file and far below what any parser or later walk could mind.
MAX_DEPTH = 100

STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"

STRUCTURE_HINT = (
    "YAML reads a value that starts with '{' or '[' as a mapping or list; put the whole text "
    "in quotes"
)

# Characters a cards file may not contain, raw or through a "\x1f"-style escape: C0 controls
# but tab and line breaks (U+001F is Anki's field separator: Anki refuses the whole package),
# DEL and C1 controls, surrogates, the noncharacters U+FFFE/U+FFFF (YAML refuses all of these),
# and U+2028/U+2029, which YAML reads as line breaks where editors show none.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029]")
_CHARACTER_NAMES = {
    "\x00": "NUL",
    "\x1f": "Anki's field separator",
    "\x85": "a YAML line break",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
    "\ufffe": "a noncharacter",
    "\uffff": "a noncharacter",
}
_REPORTED_CHARACTERS = 10  # a binary file would otherwise give thousands of problems

# A double-quoted scalar's escapes, to find the one that produced a forbidden character.
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_NAMED_ESCAPES = {"0": "\x00", "a": "\x07", "b": "\x08", "e": "\x1b", "v": "\x0b", "f": "\x0c"}
_NAMED_ESCAPES |= {"N": "\x85", "L": "\u2028", "P": "\u2029"}


def position_of(node: yaml.Node, path: str) -> Position:
    return position_of_mark(node.start_mark, path)


def position_of_mark(mark: yaml.Mark, path: str) -> Position:
    return Position(path, mark.line + 1, mark.column + 1)


def load_file(path: Path, shown: str) -> yaml.Node | None:
    """The document's root node, or None for an empty document."""
    return load_bytes(path.read_bytes(), shown)


def load_bytes(data: bytes, shown: str) -> yaml.Node | None:
    return load_text(_decode(data, shown), shown)


def load_text(text: str, shown: str) -> yaml.Node | None:
    if "\r" in text:  # editors count CR LF and a lone CR as one line break, as YAML does
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    forbidden = [
        Problem(
            position_in(text, match.start(), shown),
            *_character_problem(match[0]),
            code=Code.FORBIDDEN_CHARACTER,
        )
        for _, match in zip(range(_REPORTED_CHARACTERS), FORBIDDEN.finditer(text), strict=False)
    ]
    if forbidden:
        raise ContentError(forbidden)
    return _compose(text, shown, _Loader)


def _compose(text: str, shown: str, parser: type[yaml.SafeLoader]) -> yaml.Node | None:
    loader = parser(text)
    collecting = gc.isenabled()
    gc.disable()  # else the collector rescans the growing tree every ~700 nodes: quadratic
    try:
        return _Composer(text, shown).compose(_events(loader))
    except yaml.MarkedYAMLError as error:
        if _LIBYAML_DEPTH in str(error.problem) and parser is not yaml.SafeLoader:
            # libyaml (PyYAML >= 6.0.4) refuses deep flow nesting while scanning ahead, before
            # MAX_DEPTH is reached: the pure-Python parser has no such limit and finds the
            # place both parsers report (a hostile file's error path only, so its speed is moot).
            return _compose(text, shown, yaml.SafeLoader)
        raise ContentError([_yaml_problem(error, text, shown)]) from None
    except yaml.reader.ReaderError as error:  # excluded by FORBIDDEN; kept as a safety net
        where = position_in(text, error.position, shown)
        problem = Problem(where, f"invalid YAML: {error.reason}", code=Code.INVALID_YAML)
        raise ContentError([problem]) from None
    finally:
        loader.dispose()
        if collecting:
            gc.enable()


def position_in(text: str, index: int, path: str) -> Position:
    """The line and column of a character of ``text`` (line breaks already made '\\n')."""
    line_start = text.rfind("\n", 0, index) + 1
    return Position(path, text.count("\n", 0, index) + 1, index - line_start + 1)


def _events(loader: yaml.SafeLoader) -> Iterator[yaml.Event]:
    while loader.check_event():
        yield loader.get_event()  # type: ignore[no-untyped-call]


def _character_problem(character: str) -> tuple[str, str]:
    code = f"U+{ord(character):04X}"
    surrogate = "\ud800" <= character <= "\udfff"
    name = (
        "a lone surrogate" if surrogate else _CHARACTER_NAMES.get(character, "a control character")
    )
    if character == "\x1f":
        hint = "Anki would refuse the whole deck; delete it (it is invisible in most editors)"
    elif character in "\u2028\u2029\x85":
        hint = "replace it with a normal line break or a space"
    else:
        hint = "delete it; it is invisible in most editors and often comes from a copy and paste"
    return f"the character {code} ({name}) is not allowed in cards files", hint


def flow_typed(node: yaml.Node) -> tuple[str, str] | None:
    """What is before a mapping or list in YAML's flow style on its line ('front: '), and the
    mapping or list as typed ('{{x}}'), from the file's text its scalars keep; None for any
    other node, or one without a scalar ('[]')."""
    if not isinstance(node, yaml.MappingNode | yaml.SequenceNode) or not node.flow_style:
        return None
    waiting, source = [node], None
    while waiting and source is None:
        for part in waiting.pop().value:
            pair = part if isinstance(part, tuple) else (part,)
            source = next((inner.source for inner in pair if isinstance(inner, Scalar)), source)
            waiting.extend(inner for inner in pair if not isinstance(inner, yaml.ScalarNode))
    if source is None:
        return None
    start, end = node.start_mark.index, node.end_mark.index
    return source[source.rfind("\n", 0, start) + 1 : start], source[start:end]


class Scalar(yaml.ScalarNode):
    """A scalar node that keeps its file's text, so that errors inside it can be placed exactly."""

    def __init__(
        self,
        tag: str,
        value: str,
        start_mark: yaml.Mark,
        end_mark: yaml.Mark,
        style: str | None,
        source: str,
    ) -> None:
        super().__init__(tag, value, start_mark, end_mark, style)
        self.source = source


def _mark(mark: object) -> yaml.Mark:
    """Event marks are typed as optional; the parsers always set them."""
    return cast(yaml.Mark, mark)


class _Composer:
    """Builds yaml nodes from parser events with an explicit stack (see the module docstring)."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.anchors: dict[str, yaml.Node] = {}
        self.problems: list[Problem] = []

    def compose(self, events: Iterator[yaml.Event]) -> yaml.Node | None:
        root: yaml.Node | None = None
        open_nodes: list[yaml.SequenceNode | yaml.MappingNode] = []
        keys: list[yaml.Node | None] = []  # per open mapping: a key waiting for its value
        documents = 0
        for event in events:
            node: yaml.Node
            if isinstance(event, yaml.ScalarEvent):
                node = self.scalar(event)
            elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                node = self.collection(event, len(open_nodes))
            elif isinstance(event, yaml.CollectionEndEvent):
                open_nodes.pop().end_mark = _mark(event.end_mark)
                if isinstance(event, yaml.MappingEndEvent):
                    keys.pop()
                continue
            elif isinstance(event, yaml.AliasEvent):
                node = self.alias(event)
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise ContentError([self.second_document(event)])
                continue
            else:
                continue
            if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                self.anchors[event.anchor] = node
                if isinstance(event, yaml.ScalarEvent) and not event.style:
                    self.plain_anchor(event)
            if not open_nodes:
                root = node
            elif isinstance(open_nodes[-1], yaml.SequenceNode):
                open_nodes[-1].value.append(node)
            elif keys[-1] is None:
                keys[-1] = node
            else:
                open_nodes[-1].value.append((keys[-1], node))
                keys[-1] = None
            if isinstance(node, yaml.SequenceNode | yaml.MappingNode) and not isinstance(
                event, yaml.AliasEvent
            ):
                open_nodes.append(node)
                if isinstance(node, yaml.MappingNode):
                    keys.append(None)
        if self.problems:
            raise ContentError(self.problems)
        return root

    def scalar(self, event: yaml.ScalarEvent) -> yaml.ScalarNode:
        value = event.value
        # Only an empty plain value is empty; '~', 'null', 'yes', '1995' are text as typed.
        implicit = NULL_TAG if not value and event.style is None else STR_TAG
        # A plain value's '!' (text: ! the x) stays a tag, which the reader refuses: read as
        # the non-specific tag, it would silently drop the '!' from the text.
        tag = (
            event.tag
            if event.tag is not None and (event.tag != "!" or not event.style)
            else implicit
        )
        if event.style == '"' and FORBIDDEN.search(value):
            self.escaped_character(event)
        return Scalar(
            tag, value, _mark(event.start_mark), _mark(event.end_mark), event.style, self.text
        )

    def collection(
        self, event: yaml.SequenceStartEvent | yaml.MappingStartEvent, depth: int
    ) -> yaml.SequenceNode | yaml.MappingNode:
        if depth >= MAX_DEPTH:
            raise ContentError(
                [
                    Problem(
                        position_of_mark(_mark(event.start_mark), self.path),
                        f"the YAML is nested too deeply (more than {MAX_DEPTH} levels)",
                        "a cards file nests a few levels (a list of facts, a fact's keys, "
                        "a comparison's rows and cells); close the '[' or '{' you opened or "
                        "indent less",
                        code=Code.TOO_DEEP,
                    )
                ]
            )
        explicit = event.tag if event.tag != "!" else None
        start = _mark(event.start_mark)
        if isinstance(event, yaml.SequenceStartEvent):
            return yaml.SequenceNode(explicit or _SEQ_TAG, [], start, None, event.flow_style)
        return yaml.MappingNode(explicit or _MAP_TAG, [], start, None, event.flow_style)

    def alias(self, event: yaml.AliasEvent) -> yaml.Node:
        """Any alias is a problem, reported where it is (``*name``), not at its anchor: the
        node it stands for is its anchor's, with the anchor's place."""
        node = self.anchors.get(event.anchor or "")
        start = _mark(event.start_mark)
        if node is None:
            message = f"invalid YAML: found undefined alias '*{event.anchor}'"
        else:
            message = (
                f"this value is used again through a YAML alias (*{event.anchor}); "
                "aliases are not supported"
            )
        hint = "aliases are not supported in cards files; write the value out in full"
        if node is None:  # '*italic*' more likely than an alias
            typed = json.dumps(f"*{event.anchor}", ensure_ascii=False)
            hint += f"; if the '*' is part of the text, quote the text: {typed}"
        where = position_of_mark(start, self.path)
        self.problems.append(Problem(where, message, hint, code=Code.YAML_ALIAS))
        return node or Scalar(NULL_TAG, "", start, start, None, self.text)  # composing goes on

    def plain_anchor(self, event: yaml.ScalarEvent) -> None:
        """An anchor on a plain value (``text: &x the answer``) is dropped from its text by
        YAML: most likely text that starts with '&', so it is reported rather than lost."""
        typed = f"&{event.anchor}"
        hint = (
            "anchors and aliases are not supported in cards files; if it is part of the text, "
            f"quote the text: {json.dumps(f'{typed} {event.value}', ensure_ascii=False)}"
        )
        self.problems.append(
            Problem(
                position_of_mark(_mark(event.start_mark), self.path),
                f"'{typed}' is a YAML anchor, not text: YAML drops it from the value",
                hint,
                code=Code.YAML_ALIAS,
            )
        )

    def second_document(self, event: yaml.DocumentStartEvent) -> Problem:
        return Problem(
            position_of_mark(_mark(event.start_mark), self.path),
            "invalid YAML: a second document starts here (a cards file holds one)",
            "remove the '---' line, or move what follows it into a file of its own",
            code=Code.MULTIPLE_DOCUMENTS,
        )

    def escaped_character(self, event: yaml.ScalarEvent) -> None:
        """Report an escape such as "\\x1f" that makes a forbidden character, where it is."""
        start, end = _mark(event.start_mark).index, _mark(event.end_mark).index
        for escape in _ESCAPE.finditer(self.text, start, end):
            code = escape[1]
            character = chr(int(code[1:], 16)) if len(code) > 1 else _NAMED_ESCAPES.get(code, "")
            if FORBIDDEN.fullmatch(character):
                message, hint = _character_problem(character)
                where = position_in(self.text, escape.start(), self.path)
                problem = Problem(where, message, hint, code=Code.FORBIDDEN_CHARACTER)
                self.problems.append(problem)
                return


def _decode(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        start = error.start
        line_start = data.rfind(b"\n", 0, start) + 1
        line = data.count(b"\n", 0, start) + 1
        column = len(data[line_start:start].decode("utf-8", "replace")) + 1
        raise ContentError(
            [
                Problem(
                    Position(shown, line, column),
                    f"the file is not valid UTF-8 (byte 0x{data[start]:02x})",
                    "save the file as UTF-8 in your editor",
                    code=Code.NOT_UTF8,
                )
            ]
        ) from None


def _yaml_problem(error: yaml.MarkedYAMLError, text: str, shown: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    if error.context_mark and (mark is None or not text[mark.index :].strip()):
        # The file ended inside something (a quote, a '[' or '{'): where it opens is the
        # place to look, not the end of the file.
        mark = error.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    where = Position(shown, line + 1, column + 1)
    from lmndeck.yamlhints import newcomer_mistake  # an error's path only

    lines = text.splitlines()
    if mistake := newcomer_mistake(error, lines):
        if mistake.at is not None:
            where = Position(shown, mistake.at[0] + 1, mistake.at[1] + 1)
        return Problem(where, f"invalid YAML: {mistake.said}", mistake.hint, code=Code.INVALID_YAML)
    message = "invalid YAML: " + (error.problem or "syntax error")
    if error.context:
        message += f" ({error.context})"
    return Problem(where, message, _yaml_hint(error, lines), code=Code.INVALID_YAML)


def _yaml_hint(error: yaml.MarkedYAMLError, lines: list[str]) -> str:
    from lmndeck.yamlhints import must_quote  # an error's path only

    for mark in (error.context_mark, error.problem_mark):
        if mark is None or mark.line >= len(lines):
            continue
        line = lines[mark.line]
        _, _, value = line.partition(": ")
        stripped = value.strip() or line.strip().lstrip("- ")
        if stripped.startswith(("{", "[")):
            return must_quote(line[: line.index(stripped)], stripped).hint
    if error.problem and "mapping values are not allowed" in error.problem:
        return "a text that contains ': ' must be quoted"
    if error.problem and "escape" in error.problem:
        return "in double quotes a backslash starts an escape; write \\\\ or use single quotes"
    return "check the quotes, brackets and indentation here; a text with ': ', ' #', '{' or '[' must be quoted"
