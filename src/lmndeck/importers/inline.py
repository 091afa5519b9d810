"""Markdown inline tokens as plain text (bold spans, video times), and ids made from text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it.token import Token

from lmndeck.kinds.comparison import slug
from lmndeck.loader import FORBIDDEN
from lmndeck.sources import format_timestamp, parse_timestamp

ID_WORDS = 6  # an id made from text keeps its first words


@dataclass
class Inline:
    """An inline run as plain text: its bold spans and video times, by character offset."""

    text: str = ""
    bold: list[tuple[int, int]] = field(default_factory=list)
    times: list[tuple[int, str]] = field(default_factory=list)


class _AnchorTime(HTMLParser):
    """The time of a ``<a class="yt-timestamp" data-t="...">`` tag, read by an HTML parser."""

    time: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and "yt-timestamp" in (values.get("class") or "").split():
            self.time = values.get("data-t")


def anchor_time(tag: str) -> str | None:
    parser = _AnchorTime()
    parser.feed(tag)
    parser.close()
    return parser.time


WIKI_LINK = re.compile(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")
_EMBED = re.compile(r"!\[\[[^\[\]]*\]\]")  # Obsidian's embedded file, ![[scan.png]]
_HIGHLIGHT = re.compile(r"==(?=\S)(.+?)(?<=\S)==")  # Obsidian's ==highlight==
_CHECKBOX = re.compile(r"\s*\[[ xX]\]\s+")  # a task list item's box, '- [ ] to do'


def plain(token_text: str) -> str:
    """A text token without wiki links (their label, else their target), embedded files,
    highlight marks and forbidden characters (which lmndeck refuses, even escaped)."""
    text = WIKI_LINK.sub(lambda link: link.group(2) or link.group(1), _EMBED.sub(" ", token_text))
    return FORBIDDEN.sub(" ", _HIGHLIGHT.sub(r"\1", text))


def unchecked(run: Inline) -> Inline:
    """A list item without the box of a task list item ('[ ] ', '[x] ') before its text."""
    box = _CHECKBOX.match(run.text)
    if box is None:
        return run
    cut = box.end()
    return Inline(
        run.text[cut:],
        [(max(start - cut, 0), max(end - cut, 0)) for start, end in run.bold],
        [(max(at - cut, 0), time) for at, time in run.times],
    )


def read_inline(children: list[Token]) -> Inline:
    run = Inline()
    in_anchor = bold_start = 0
    for token in children:
        if token.type == "html_inline" and (time := anchor_time(token.content)) is not None:
            run.times.append((len(run.text), time))
            in_anchor += 1
        elif token.type == "html_inline" and in_anchor and token.content.startswith("</a"):
            in_anchor -= 1
        elif in_anchor:  # the anchor's own text, '[00:08:09]'
            continue
        elif token.type in ("text", "code_inline"):
            run.text += plain(token.content)
        elif token.type in ("softbreak", "hardbreak", "html_inline"):
            run.text += " "
        elif token.type == "image":
            run.text += plain(token.content)
        elif token.type == "strong_open":
            bold_start = len(run.text)
        elif token.type == "strong_close":
            run.bold.append((bold_start, len(run.text)))
    return run


def tidy(text: str) -> str:
    """One line: spacing collapsed, no space before punctuation (left by removed anchors)."""
    return re.sub(r"\s+([.,;:!?)])", r"\1", " ".join(text.split()))


def sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", text) if part]


def timestamp(time: str | None) -> str | None:
    """'00:08:09' -> '08:09'; None for what is not a time lmndeck reads."""
    seconds = parse_timestamp(time.strip()) if time else None
    return format_timestamp(seconds) if seconds is not None else None


# -- ids -------------------------------------------------------------------------------


def id_slug(text: str, fallback: str) -> str:
    """An id from text: its first words, accents dropped, lowercase, '-' between words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = slug(ascii_text).split("-")[:ID_WORDS]
    made = "-".join(words)[:60].strip("-")
    return made if made and made != "row" else fallback


class Ids:
    """Ids unique in the file, given in document order: the same document gets the same ids."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        # per base, the number its next copy tries first: 2,000 equal labels are not 2,000
        # tries each
        self.next: dict[str, int] = {}

    def take(self, text: str, fallback: str) -> str:
        base = id_slug(text, fallback)
        number = self.next.get(base, 1)
        made = base if number == 1 else f"{base}-{number}"
        while made in self.taken:
            number += 1
            made = f"{base}-{number}"
        self.next[base] = number
        self.taken.add(made)
        return made
