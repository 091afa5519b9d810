"""Sources: the file's `sources:`, citations written `source: NAME MM:SS`, and their HTML.

A source or citation written wrong is reported once, where it is written: what cites it (a
fact under a broken file default, a cell under a broken row source) is not reported again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from lmndeck.markup import attribute, inline
from lmndeck.model import Source, SourceRef, TextSource, VideoSource
from lmndeck.problems import Code
from lmndeck.reader import ID, Reader, kind_of, suggest

SOURCE_KEYS = ("youtube", "title", "author", "url")
YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}\Z")
_TIMESTAMP = re.compile(r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})\Z")


@dataclass
class Sources:
    """A file's sources by name; ``broken`` names those defined but written wrong."""

    known: dict[str, Source] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Cited:
    """The citation an item has, or inherits; ``reported`` when one was written but is wrong
    (already reported), so that what inherits it has no second problem about it."""

    ref: SourceRef | None = None
    reported: bool = False


NOT_CITED = Cited()
REPORTED = Cited(reported=True)


def read_sources(reader: Reader, node: yaml.Node | None) -> Sources:
    """The file's 'sources:'; a source written wrong is reported here, and only here."""
    sources = Sources()
    if node is None:
        return sources
    if not isinstance(node, yaml.MappingNode):
        reader.report(
            node,
            Code.WRONG_TYPE,
            f"sources must be a mapping of names to sources, not {kind_of(node)}",
            "e.g. sources: {video: {youtube: xWPaCACoam4, title: A video}}",
        )
        return sources
    if not reader.visit(node):
        return sources
    for name, value in reader.entries(node, "sources").items():
        if not ID.match(name):
            reader.report(
                value,
                Code.INVALID_SOURCE,
                f"source name '{name}' is not a valid name",
                "e.g. video, text",
            )
            continue
        source = _source(reader, name, value)
        if source:
            sources.known[name] = source
        else:
            sources.broken.add(name)
    return sources


def _source(reader: Reader, name: str, node: yaml.Node) -> Source | None:
    what = f"source '{name}'"
    entries = reader.mapping(node, what, SOURCE_KEYS, ("title",))
    if entries is None or "title" not in entries:
        return None
    title = reader.text(entries["title"], "title")
    author = reader.entry_text(entries, "author")
    url = reader.entry_text(entries, "url")
    if url is not None and not url.startswith(("https://", "http://")):
        reader.report(
            entries["url"],
            Code.INVALID_SOURCE,
            f"url '{url}' must start with https:// or http://",
            "copy the whole address from the browser",
        )
        url = None
    if "youtube" not in entries:
        return TextSource(name, title, author, url) if title else None
    youtube_id = reader.text(entries["youtube"], "youtube")
    if "url" in entries:
        reader.report(
            entries["url"],
            Code.INVALID_SOURCE,
            "a video source takes 'youtube', not 'url'",
            "remove the 'url:' line; the link is made from the video id",
        )
    if youtube_id and not YOUTUBE_ID.match(youtube_id):
        reader.report(
            entries["youtube"],
            Code.INVALID_SOURCE,
            f"'{youtube_id}' is not a YouTube video id",
            "give the 11-character id from the video address, e.g. youtube: xWPaCACoam4",
        )
        return None
    return VideoSource(name, youtube_id, title, author) if youtube_id and title else None


def source_ref(reader: Reader, node: yaml.Node | None, sources: Sources, inherited: Cited) -> Cited:
    """A citation written as 'NAME' or 'NAME MM:SS'; what is ``inherited`` when none is."""
    if node is None:
        return inherited
    value = reader.text(node, "source")
    if value is None:
        return REPORTED
    name, _, stamp = value.partition(" ")
    source = sources.known.get(name)
    if source is None:
        if name not in sources.broken:  # a source written wrong is reported where it is
            first = suggest(name, tuple(sources.known)) or "no source is defined yet"
            reader.report(
                node,
                Code.UNKNOWN_SOURCE,
                f"unknown source '{name}'",
                f"{first}{'' if first.endswith('?') else '.'} Sources are defined under "
                "'sources:' at the top of the file",
            )
        return REPORTED
    stamp = stamp.strip()
    if not stamp:
        return Cited(reader.shared(SourceRef(source)))
    if isinstance(source, TextSource):
        reader.report(
            node,
            Code.INVALID_TIMESTAMP,
            f"'{name}' is a text source; only video sources take a timestamp",
            f"write 'source: {name}' without the time",
        )
        return REPORTED
    seconds = parse_timestamp(stamp)
    if seconds is None:
        reader.report(
            node,
            Code.INVALID_TIMESTAMP,
            f"'{stamp}' is not a timestamp",
            "write minutes and seconds as MM:SS or hours as HH:MM:SS, e.g. 08:09",
        )
        return REPORTED
    return Cited(reader.shared(SourceRef(source, seconds)))


def parse_timestamp(stamp: str) -> int | None:
    match = _TIMESTAMP.match(stamp)
    if not match:
        return None
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    if seconds >= 60 or (match.group(1) is not None and minutes >= 60):
        return None
    return hours * 3600 + minutes * 60 + seconds


def required_source(reader: Reader, node: yaml.Node, cited: Cited, what: str) -> SourceRef | None:
    """The item's citation; a problem if it has none and none was written wrong."""
    if cited.ref is None and not cited.reported:
        reader.report(
            node,
            Code.MISSING_SOURCE,
            f"{what} has no source",
            "add e.g. 'source: video 08:09', or a 'source:' default at the top of the file",
        )
    return cited.ref


def format_timestamp(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def source_url(ref: SourceRef) -> str | None:
    source = ref.source
    if isinstance(source, VideoSource):
        start = f"&t={ref.seconds}s" if ref.seconds is not None else ""
        return f"https://www.youtube.com/watch?v={source.youtube_id}{start}"
    return source.url


def source_html(ref: SourceRef) -> str:
    source = ref.source
    label = inline(source.title)
    if source.author:
        label += f" — {inline(source.author)}"
    if ref.seconds is not None:
        label += f" [{format_timestamp(ref.seconds)}]"
    url = source_url(ref)
    if url is None:
        return f'<span class="lmn-cite">{label}</span>'
    return f'<a class="lmn-cite" href="{attribute(url)}">{label}</a>'
