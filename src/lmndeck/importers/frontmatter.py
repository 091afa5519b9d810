"""A Markdown document's front matter: its text values (``title:``, ``videoId:``, ``author:``)
and its ``tags:`` as Anki tags. It is read by the cards files' loader, with its bounds."""

from __future__ import annotations

from dataclasses import replace

import yaml
from markdown_it.token import Token

from lmndeck.importers.inline import plain, tidy
from lmndeck.loader import FORBIDDEN, load_text
from lmndeck.problems import ContentError, Problem
from lmndeck.reserved import is_reserved_tag
from lmndeck.tags import SEPARATOR, normalize_tag


def front_matter(tokens: list[Token], shown: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """The front matter's text values by key, and its tags. It is read by the cards files'
    loader: its bounds (nesting, no alias ever expanded) hold for a document too, and its
    problems (invalid YAML, an escape such as "\\x01" making a character cards refuse) are
    errors that point into the document."""
    front = next((token for token in tokens if token.type == "front_matter"), None)
    if front is None:
        return {}, ()
    offset = front.map[0] + 1 if front.map else 1  # the lines before the front matter's text
    try:
        # raw characters that lmndeck refuses are dropped, as from the document's text
        root = load_text(FORBIDDEN.sub(" ", front.content), shown)
    except ContentError as error:
        raise ContentError([_moved(problem, offset) for problem in error.problems]) from None
    if not isinstance(root, yaml.MappingNode):
        return {}, ()
    meta: dict[str, str] = {}
    tags: tuple[str, ...] = ()
    for key, value in root.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        if key.value == "tags":
            tags = _tags(value)
        elif isinstance(value, yaml.ScalarNode) and value.value:
            meta[key.value] = tidy(plain(value.value))
    return meta, tags


def _moved(problem: Problem, lines: int) -> Problem:
    where = problem.position
    return replace(problem, position=where._replace(line=where.line + lines))


def _tags(node: yaml.Node) -> tuple[str, ...]:
    """Front-matter tags as Anki tags: 'a b', 'a, b' or a list; Obsidian's '#' dropped and
    its nesting '/' made Anki's '::'; lmndeck's own tags left out."""
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    words = (
        word
        for item in items
        if isinstance(item, yaml.ScalarNode)
        for word in plain(item.value).replace(",", " ").split()
    )
    tags = (normalize_tag(word.lstrip("#").replace("/", SEPARATOR)) for word in words)
    return tuple(dict.fromkeys(tag for tag in tags if tag and not is_reserved_tag(tag)))
