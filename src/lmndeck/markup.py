"""Authored text → field HTML, in linear time. Text is text: HTML is escaped, Anki's own markup
is shown as typed, and only **bold**, *italic* and line breaks are interpreted."""

from __future__ import annotations

import html
import re

# A backslash before a MathJax delimiter, \( \) \[ \]. Anki's reviewer typesets MathJax in the
# DOM, where entities are already decoded, so only an element between '\' and the bracket
# defeats it: MathJax ends its search string at every element but <br>, <wbr> and comments
# (HTMLDomStrings.handleContainer), and Anki's own regexes (cloze.rs MATHJAX, the reviewer's
# lazy MathJax loading) look for the two characters side by side in the HTML.
_MATH_DELIMITER = re.compile(r"\\(?=[()\[\]])")
_DELIMITER_BREAK = r"\\<span></span>"


def inline(text: str) -> str:
    """Escape text for HTML and apply the tiny markup: **bold**, *italic*, line breaks."""
    escaped = html.escape(text, quote=False)
    if "*" in escaped:  # most text has no markup (a build renders 10⁵ texts)
        escaped = _emphasis(_emphasis(escaped, "**", "b"), "*", "i")
    return _inert(escaped).replace("\n", "<br>")


def _inert(escaped: str) -> str:
    r"""Show Anki's own markup in escaped HTML text as typed.

    Every construct Anki itself interprets in field text starts with '[': [sound:…],
    [anki:tts]…[/anki:tts], [[type:…]], [latex]…, [$]…, [$$]…. Anki finds them with text-level
    parsers over the rendered HTML (rslib card_rendering/parser.rs, latex.rs; the reviewer's
    typeAnsPat), so '[' written as the entity '&#91;' hides them and still shows '['. MathJax's
    \(…\) and \[…\] need an element instead (see _MATH_DELIMITER).
    """
    if "\\" in escaped:
        escaped = _MATH_DELIMITER.sub(_DELIMITER_BREAK, escaped)
    return _hide_brackets(escaped)


def attribute(text: str) -> str:
    """Text escaped for a quoted attribute value (a link's address). Anki's parsers read
    attributes too, so '[' is hidden there as well; MathJax never reads attributes."""
    return _hide_brackets(html.escape(text))


def _hide_brackets(escaped: str) -> str:
    return escaped.replace("[", "&#91;")


def _emphasis(text: str, marker: str, tag: str) -> str:
    r"""``re.sub(MARKER(?=\S)(.+?)(?<=\S)MARKER, <tag>\1</tag>, text)``, in linear time.

    The regex is what lmndeck always meant (and what it used to run): a span opens at a marker
    followed by a non-space, closes at the nearest marker after at least one character that
    follows a non-space, and never crosses a line break. Run by `re`, it rescans the rest of the
    line from every opener without a closer: quadratic. Here the nearest closer and the next
    line break are found once and kept while the openers move right, so each character is
    looked at a bounded number of times.
    """
    width = len(marker)
    pieces: list[str] = []
    done = 0  # text[:done] is in pieces
    closer = _Closers(text, marker)
    newline = -1  # the next '\n' at or after the last opener, or len(text)
    opener = text.find(marker)
    while opener != -1:
        content = opener + width
        if content < len(text) and not text[content].isspace():
            end = closer.at_or_after(content + 1)
            if end is None:
                break  # no closer to the right of here: nothing more can match
            if newline < content:
                newline = _find(text, "\n", content)
            if end <= newline:
                pieces += (text[done:opener], f"<{tag}>", text[content:end], f"</{tag}>")
                done = end + width
                opener = text.find(marker, done)
                continue
        opener = text.find(marker, opener + 1)
    pieces.append(text[done:])
    return "".join(pieces)


class _Closers:
    """Where markers that may close a span are: a marker right after a non-space character."""

    def __init__(self, text: str, marker: str) -> None:
        self.text, self.marker = text, marker
        self.found = -1  # the first closer at or after the last position asked for
        self.none_after: int | None = None  # no closer at or after this position

    def at_or_after(self, position: int) -> int | None:
        """The first closer at or after ``position``; positions asked for never decrease."""
        if self.none_after is not None and position >= self.none_after:
            return None
        if self.found < position:
            candidate = self.text.find(self.marker, position)
            while candidate != -1 and self.text[candidate - 1].isspace():
                candidate = self.text.find(self.marker, candidate + 1)
            if candidate == -1:
                self.none_after = position
                return None
            self.found = candidate
        return self.found


def _find(text: str, sub: str, start: int) -> int:
    """Like str.find, but len(text) when not found, so that it compares as 'far away'."""
    found = text.find(sub, start)
    return len(text) if found == -1 else found
