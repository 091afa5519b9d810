"""Typed, located access to a cards file's YAML nodes; every problem pointing at its node.

Text values are taken as the author typed them: ``yes``, ``1995``, ``~`` or ``8:09`` stay text,
never YAML booleans, integers, nulls or sexagesimal numbers; only an empty value is empty.
A reader collects every problem (not just the first) and knows nothing of card kinds.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import yaml

from lmndeck.loader import NULL_TAG, STRUCTURE_HINT, Scalar, flow_typed, position_in, position_of
from lmndeck.model import PreviousId
from lmndeck.problems import RELATED, Code, Position, Problem
from lmndeck.reserved import REMOVED_TAG, is_reserved_tag
from lmndeck.tags import normalize_tag

ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
ID_HINT = "use letters, digits, '.', '_' and '-', starting with a letter or digit"
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
_NO_RULES: frozenset[str] = frozenset()
# a comment right after a plain value whose '#' touches a word ('is #1 in'): text, most likely
_TEXT_COMMENT = re.compile(r"[ \t]+(#[^\s#][^\n]*)")
_Value = TypeVar("_Value", bound=Hashable)


@dataclass
class Reader:
    """Walks one file's nodes, collecting problems as it goes."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    # every lint rule a 'lint: {ignore: […]}' names, where: checked against the rules by
    # whoever knows them (``project.load_project``), since reading knows no rules
    rule_names: list[tuple[str, Position]] = field(default_factory=list)
    _shared: dict[Hashable, Hashable] = field(default_factory=dict)

    def shared(self, value: _Value) -> _Value:
        """One object for equal values of a file (tag lists, citations): thousands of facts
        repeat a few, and the cache stores and loads each once, not once per fact."""
        return self._shared.setdefault(value, value)  # type: ignore[return-value]

    def report(self, node: yaml.Node, code: Code, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.where(node), message, hint, code=code))

    def where(self, node: yaml.Node) -> Position:
        return position_of(node, self.path)

    def visit(self, node: yaml.Node) -> bool:
        """False (with a problem) for a node carrying a custom tag (aliases are refused by the
        loader, where they are)."""
        if node.tag not in _PLAIN_TAGS:
            self.report(
                node,
                Code.YAML_TAG,
                f"the YAML tag '{node.tag}' is not supported in cards files",
                "remove the '!' tag (values are plain text, lists and mappings), or quote the "
                "text if the '!' is part of it",
            )
            return False
        return True

    def mapping(
        self,
        node: yaml.Node,
        what: str,
        keys: tuple[str, ...],
        required: tuple[str, ...],
        missing: Mapping[str, str] | None = None,
    ) -> dict[str, yaml.Node] | None:
        """The entries of a mapping node, checked for unknown, duplicate and missing keys;
        ``missing`` has the hint for a missing key that needs more than 'add it'."""
        if not isinstance(node, yaml.MappingNode):
            self.report(
                node,
                Code.WRONG_TYPE,
                f"{what} must be a mapping of keys to values, not {kind_of(node)}",
                "write 'key: value' lines indented under it; see the format in the README",
            )
            return None
        if not self.visit(node):
            return None
        entries = self.entries(node, what)
        suggested = set()
        for key_node, name in key_nodes(node):
            if name not in keys and name in entries:
                close = difflib.get_close_matches(name, keys, n=1)
                suggested.update(close)
                self.report(
                    key_node,
                    Code.UNKNOWN_KEY,
                    f"unknown key '{name}' in {what}",
                    suggest(name, keys),
                )
        for name in required:
            if name not in entries and name not in suggested:  # a typo was reported already
                self.report(
                    node,
                    Code.MISSING_KEY,
                    f"{what} is missing the key '{name}'",
                    (missing or {}).get(name, f"add '{name}: ...' to it"),
                )
        return {name: value for name, value in entries.items() if name in keys}

    def entries(self, node: yaml.MappingNode, what: str) -> dict[str, yaml.Node]:
        """All entries of a mapping, with duplicate and non-text keys reported."""
        entries: dict[str, yaml.Node] = {}
        first_seen: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.report(
                    key_node, Code.WRONG_TYPE, f"keys in {what} must be plain names", STRUCTURE_HINT
                )
                continue
            name = key_node.value
            if name in first_seen:
                first = self.where(first_seen[name])
                hint = f"the first '{name}' is at line {first.line}; remove or rename one of them"
                if name == "id":  # most likely the next item, its '- ' forgotten
                    hint += "; if a new item starts here, begin its line with '- ' ('- id: ...')"
                self.report(key_node, Code.DUPLICATE_KEY, f"duplicate key '{name}' in {what}", hint)
                continue
            first_seen[name] = key_node
            entries[name] = value
        return entries

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.report(
                node,
                Code.WRONG_TYPE,
                f"{what} must be a list (items starting with '- '), not {kind_of(node)}",
                f"write each item of {what} on its own line starting with '- '",
            )
            return []
        if not self.visit(node):
            return []
        if not node.flow_style:
            for item in node.value:
                self.merged_lines(item)
        return list(node.value)

    def merged_lines(self, item: yaml.Node) -> None:
        """Reports a forgotten '- ': YAML joins a plain item's lines into one text, so a line
        that starts where the item itself starts ("- Weakness" then "  Atrophy") silently
        makes two items one. A long item continued further in, or quoted, is one item."""
        # plain style is None from the pure-Python parser, "" from libyaml
        if not isinstance(item, Scalar) or item.style not in (None, ""):
            return
        start, end = item.start_mark, item.end_mark
        following = item.source[start.index : end.index].split("\n")[1:]
        for number, line in enumerate(following, start=start.line + 2):
            indent = len(line) - len(line.lstrip(" "))
            dash = line.lstrip().startswith("- ")  # an item, indented past the one above
            if line.strip() and (indent == start.column or dash):
                hint = (
                    "line its '- ' up with the '- ' of the item above it"
                    if dash
                    else "start it with '- ' if it is an item of its own; for one long item, "
                    "write it on one line or in quotes"
                )
                self.problems.append(
                    Problem(
                        Position(self.path, number, indent + 1),
                        f"this line continues the item '{' '.join(str(item.value).split())}' "
                        "above it: YAML joins the lines of an item into one text",
                        hint,
                        code=Code.MERGED_ITEMS,
                    )
                )
                return

    def text(
        self, node: yaml.Node, what: str, *, required: bool = True, prose: bool = True
    ) -> str | None:
        """The text of a scalar; ``prose`` (not an id, which cannot hold ' #') is checked for
        text that YAML took for a comment."""
        if not isinstance(node, yaml.ScalarNode):
            self.report(node, Code.WRONG_TYPE, *_not_text(node, what))
            return None
        if not self.visit(node):
            return None
        value = "" if node.tag == NULL_TAG and node.style is None else str(node.value)
        if prose and isinstance(node, Scalar) and not node.style:
            self.comment_in_text(node, value)
        if required and not value.strip():
            self.report(
                node, Code.EMPTY_VALUE, f"{what} is empty", f"write the {what} after the ':'"
            )
            return None
        return value.strip()

    def comment_in_text(self, node: Scalar, value: str) -> None:
        """Reports text that YAML took for a comment: ' #' starts one, so 'text: The {{x}} is
        #1 in ...' silently ends at 'is'. A comment written as such ('# ...', with a space)
        is left alone."""
        comment = _TEXT_COMMENT.match(node.source, node.end_mark.index)
        if comment is None or not value:
            return
        where = position_in(node.source, comment.start(1), self.path)
        typed = json.dumps(f"{value} {comment[1].rstrip()}", ensure_ascii=False)
        self.problems.append(
            Problem(
                where,
                f"YAML reads ' {comment[1].rstrip()}' as a comment, so the text ends before it",
                f"if it is part of the text, quote the whole text: {typed}; write a comment as "
                "'# ...', with a space after the '#'",
                code=Code.COMMENT_IN_TEXT,
            )
        )

    def entry_text(self, entries: dict[str, yaml.Node], key: str) -> str | None:
        """The text under ``key``; None when absent (a missing required key is reported already)."""
        return self.text(entries[key], key) if key in entries else None

    def extra(self, entries: dict[str, yaml.Node]) -> str | None:
        """The optional 'extra' text: empty when absent, None when it is not text."""
        return self.text(entries["extra"], "extra", required=False) if "extra" in entries else ""

    def flag(self, node: yaml.Node | None, what: str, use: str) -> bool | None:
        """An optional 'true'/'false': false when absent, None (reported) when neither;
        ``use`` says what 'true' does, for the hint."""
        if node is None:
            return False
        value = self.text(node, what)
        if value is None:
            return None
        if value.casefold() not in ("true", "false"):
            self.report(
                node,
                Code.WRONG_TYPE,
                f"{what} must be true or false, not '{value}'",
                f"write '{what}: true' {use}, or leave it out",
            )
            return None
        return value.casefold() == "true"

    def draft(self, entries: dict[str, yaml.Node]) -> bool | None:
        """An item's optional 'draft:' (see ``project.draft_problems``)."""
        return self.flag(entries.get("draft"), "draft", "to leave it out of the deck for now")

    def entry_id(self, entries: dict[str, yaml.Node], what: str = "id") -> str | None:
        return self.identifier(entries["id"], what) if "id" in entries else None

    def identifier(self, node: yaml.Node, what: str, hint: str = ID_HINT) -> str | None:
        value = self.text(node, what, prose=False)
        if value is not None and not ID.match(value):
            self.report(node, Code.INVALID_ID, f"{what} '{value}' is not a valid id", hint)
            return None
        return value

    def previous_ids(
        self,
        entries: dict[str, yaml.Node],
        own_id: str | None,
        what: str,
        hint: Callable[[yaml.Node], str] = lambda _: ID_HINT,
    ) -> tuple[PreviousId, ...]:
        """The ids listed under 'was:' (one id or a list): what the item was called before;
        ``hint`` says what an invalid one should have been."""
        node = entries.get("was")
        if node is None:
            return ()
        if isinstance(node, yaml.MappingNode):
            self.report(
                node,
                Code.INVALID_WAS,
                f"'was:' takes the id this {what} had before, or a list of them, not a mapping",
                "e.g. was: old-id, or was: [old-id, older-id]",
            )
            return ()
        items = [node] if isinstance(node, yaml.ScalarNode) else self.sequence(node, "was")
        previous: dict[str, PreviousId] = {}
        for item in items:
            value = self.identifier(item, "previous id", hint(item))
            if value is None:
                continue
            if value == own_id:
                self.report(
                    item,
                    Code.INVALID_WAS,
                    f"'{value}' is this {what}'s own id",
                    "'was:' lists only the ids it had before",
                )
            elif value in previous:
                self.report(item, Code.INVALID_WAS, f"'{value}' is listed twice in 'was:'")
            else:
                previous[value] = PreviousId(value, self.where(item))
        return tuple(previous.values())

    def tags(self, node: yaml.Node | None) -> tuple[str, ...]:
        if node is None:
            return ()
        items = [node] if isinstance(node, yaml.ScalarNode) else self.sequence(node, "tags")
        tags: list[str] = []
        for item in items:
            raw = self.text(item, "a tag")
            if raw is None:
                continue
            for word in raw.split() if item is node else [raw]:
                tag = normalize_tag(word)
                if not tag:
                    self.report(
                        item,
                        Code.INVALID_TAG,
                        f"'{raw}' is not a usable tag",
                        "use letters or digits",
                    )
                elif is_reserved_tag(tag):
                    self.report(
                        item,
                        Code.RESERVED_TAG,
                        f"the tag '{tag}' is reserved for lmndeck",
                        f"lmndeck tags the notes it removes '{REMOVED_TAG}'; "
                        "choose a tag that does not start with 'lmndeck'",
                    )
                else:
                    tags.append(tag)
        return tuple(tags)

    def items(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        """The items of an optional list."""
        return self.sequence(node, what) if node is not None else []

    def offset_position(self, node: yaml.ScalarNode, text: str, offset: int) -> Position:
        """Where the two characters at ``text[offset:]`` (a '{{', a '}}') are in the file."""
        return self.offset_positions(node, text, (offset,))[0]

    def offset_positions(
        self, node: yaml.ScalarNode, text: str, offsets: Iterable[int]
    ) -> list[Position]:
        """Where the two characters at each offset of ``text`` (a '{{', a '}}') are in the file.

        Exact in any scalar style: quoting, escapes, folding and indentation only change the text
        around such marks, so the n-th mark of the text is the n-th mark of the scalar's source.
        When they do not correspond one to one (an escape that makes a brace, a comment after a
        block scalar's '|'), the start of the scalar. Linear in the scalar's length, whatever
        the file's: a build places every deletion of every fact.
        """
        start = self.where(node)
        if not isinstance(node, Scalar):
            return [start for _ in offsets]
        begin, end = node.start_mark.index, node.end_mark.index
        quote = 1 if node.style in ("'", '"') else 0
        if "\n" not in text and node.source.startswith(text, begin + quote):
            # Typed as it reads, on one line (most texts): an offset is a column.
            return [start.shifted(quote + offset) for offset in offsets]
        found: dict[str, tuple[list[int], list[int]]] = {}  # mark -> (in text, in source)
        positions = []
        for offset in offsets:
            mark = text[offset : offset + 2]
            if len(mark) < 2 or len(mark.split()) != 1:
                positions.append(start)
                continue
            if mark not in found:
                found[mark] = (
                    _occurrences(mark, text, 0, len(text)),
                    _occurrences(mark, node.source, begin, end),
                )
            in_text, in_source = found[mark]
            if len(in_text) != len(in_source):
                positions.append(start)
            else:
                positions.append(self._in_scalar(node, in_source[in_text.index(offset)]))
        return positions

    def _in_scalar(self, node: Scalar, index: int) -> Position:
        """The position of ``node.source[index]``, counted from the scalar's start."""
        begin = node.start_mark.index
        lines = node.source.count("\n", begin, index)
        if not lines:
            return Position(
                self.path, node.start_mark.line + 1, node.start_mark.column + 1 + index - begin
            )
        line_start = node.source.rfind("\n", begin, index) + 1
        return Position(self.path, node.start_mark.line + 1 + lines, index - line_start + 1)

    def ignored_rules(self, entries: dict[str, yaml.Node]) -> frozenset[str]:
        """The lint rules an item switches off with 'lint: {ignore: [rule, ...]}'. The one place
        that reads the 'lint' key of facts, comparisons, rows and cells; it never changes notes."""
        node = entries.get("lint")
        if node is None:
            return _NO_RULES
        lint = self.mapping(node, "lint", ("ignore",), ("ignore",))
        if lint is None or "ignore" not in lint:
            return _NO_RULES
        ignore = lint["ignore"]
        names = [ignore] if isinstance(ignore, yaml.ScalarNode) else self.sequence(ignore, "ignore")
        found = [(self.text(name, "a lint rule"), self.where(name)) for name in names]
        self.rule_names.extend((name, where) for name, where in found if name is not None)
        return self.shared(frozenset(name for name, _ in found if name is not None))

    def known(self, node: yaml.Node, noun: str, names: tuple[str, ...], code: Code) -> str | None:
        """The text of ``node`` when it is one of ``names``; else None, reported as not being
        ``noun`` ('a lint rule'), with a did-you-mean."""
        name = self.text(node, noun)
        if name is not None and name not in names:
            self.report(node, code, f"'{name}' is not {noun}", suggest(name, names))
            return None
        return name


def _occurrences(mark: str, text: str, begin: int, end: int) -> list[int]:
    pattern = re.compile(f"(?={re.escape(mark)})")
    return [match.start() for match in pattern.finditer(text, begin, end)]


def previous_id_problems(items: Iterable[tuple[str, str, tuple[PreviousId, ...]]]) -> list[Problem]:
    """Each previous id of (kind, id, previous ids) must name nothing in use now and be claimed
    by one item only: the history of one old id can move to one new id."""
    items = list(items)
    current = {item_id: kind for kind, item_id, _ in items}
    claimed: dict[str, tuple[str, str, Position]] = {}
    problems = []
    for kind, item_id, was in items:
        for previous in was:
            if previous.id in current:
                problems.append(
                    Problem(
                        previous.position,
                        f"'{previous.id}' is the id of a {current[previous.id]} in use now",
                        "'was:' lists ids that are no longer used; remove it, or rename the "
                        "other one first",
                        code=Code.WAS_IN_USE,
                    )
                )
            elif previous.id in claimed:
                other_kind, other_id, where = claimed[previous.id]
                problems.append(
                    Problem(
                        previous.position,
                        f"'{previous.id}' is already in the 'was:' of the {other_kind} "
                        f"'{other_id}' ({RELATED})",
                        "the history of one old id can go to one new id only; remove one",
                        code=Code.WAS_CLAIMED_TWICE,
                        related=where,
                    )
                )
            else:
                claimed[previous.id] = (kind, item_id, previous.position)
    return problems


def unique(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def key_nodes(node: yaml.MappingNode) -> Iterator[tuple[yaml.Node, str]]:
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            yield key_node, str(key_node.value)


def suggest(name: str, candidates: tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(name, candidates, n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return "expected one of: " + ", ".join(candidates) if candidates else None


_KINDS: dict[type[yaml.Node], str] = {
    yaml.MappingNode: "a mapping",
    yaml.SequenceNode: "a list",
}


def _not_text(node: yaml.Node, what: str) -> tuple[str, str]:
    """What to say of a mapping or list where text belongs, and what to do: 'list: [- Tone:
    low]' is a text with ': ' in it, unquoted; 'front: {{x}}', a text that starts with '{'."""
    if typed := flow_typed(node):
        from lmndeck.yamlhints import must_quote  # an error's path only

        return must_quote(*typed)[:2]
    message = f"{what} must be text, not {kind_of(node)}"
    entries = node.value if isinstance(node, yaml.MappingNode) and not node.flow_style else []
    if len(entries) == 1 and all(isinstance(part, yaml.ScalarNode) for part in entries[0]):
        key = json.dumps(f"{entries[0][0].value}: {entries[0][1].value}", ensure_ascii=False)
        return (
            message,
            f"a ': ' in an unquoted text makes a key of what is before it; quote it: {key}",
        )
    return message, STRUCTURE_HINT


def kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return "empty" if node.tag == NULL_TAG and not node.value else f"the text '{node.value}'"
    return _KINDS.get(type(node), "something else")
