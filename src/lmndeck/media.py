"""Images: an item's `image:` checked (inside the cards directory, a real image by its bytes,
under the size limit) and given a content-addressed name for the package.

The name is ``lmndeck-<sha256 prefix>.<type>``: a changed image is a new file name, so the
note's field changes and Anki updates the note (Anki keeps a media file it already has under
its name, and renames one whose content differs, which a field would not follow). An image
lives in the HTML of the note's Extra field, shown on the back: lmndeck's note types stay
exactly as they are, so collections update in place and decks without images do not change.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import os
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import yaml

from lmndeck.markup import inline
from lmndeck.problems import Code
from lmndeck.reader import Reader

# A phone needs at most ~1080 px across: a photo of that size is well under 1 MB as JPEG, a
# diagram far less as PNG. A larger file is nearly always an unscaled camera photo or scan, and
# every student downloads, imports and syncs it; 2 MiB leaves room for a detailed figure.
MAX_IMAGE_BYTES = 2 * 1024 * 1024
NAME_PREFIX = "lmndeck-"
_DIGEST_CHARS = 16  # 64 bits of SHA-256: no two images of a deck share a name by chance

# The image types every Anki client shows, by their first bytes, with the file suffix and the
# media type used for them.
_SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "png", "image/png"),
    (b"\xff\xd8\xff", 0, "jpg", "image/jpeg"),
    (b"GIF87a", 0, "gif", "image/gif"),
    (b"GIF89a", 0, "gif", "image/gif"),
    (b"WEBP", 8, "webp", "image/webp"),  # after 'RIFF' and the length
)
_SVG = ("svg", "image/svg+xml")
FORMATS = "PNG, JPEG, GIF, WebP or SVG"


@dataclass(frozen=True)
class Image:
    """An image as packaged: its content-addressed name and its bytes."""

    name: str
    data: bytes
    media_type: str
    # The file it was read from: a cached reading of a cards file holds its images' bytes and
    # stands only while these files still hold them (see ``unchanged``).
    path: Path | None = field(default=None, compare=False)

    def html(self) -> str:
        """The <img> on a card's back; scaled to the card's width by its own style, so that no
        note type (and so no deck without images) changes."""
        return (
            f'<div class="lmn-image"><img src="{escape(self.name)}" '
            'style="max-width:100%;height:auto"></div>'
        )

    def data_uri(self) -> str:
        return f"data:{self.media_type};base64," + base64.b64encode(self.data).decode("ascii")


def extra_html(extra: str, image: Image | None) -> str:
    """The Extra field: the author's extra text, then the image."""
    return inline(extra) + (image.html() if image else "")


def read_image(reader: Reader, node: yaml.Node | None, cards_dir: Path) -> Image | None:
    """The image ``node`` names (a path relative to the cards directory), or None: absent, or
    with its problem reported at the value."""
    if node is None:
        return None
    written = reader.text(node, "image")
    if written is None:
        return None
    problem = _problem(written, cards_dir)
    if isinstance(problem, Image):
        return problem
    code, message, hint = problem
    reader.report(node, code, message, hint)
    return None


_Found = tuple[Code, str, str] | Image


def _problem(written: str, cards_dir: Path) -> _Found:
    """The image at ``written``, or what is wrong with it (code, message, hint)."""
    root = cards_dir.resolve()
    path = root / written
    inside = "an image must be a file inside the cards directory, e.g. image: figures/reflex.png"
    if Path(written).is_absolute() or not os.path.normpath(path).startswith(str(root) + os.sep):
        return Code.IMAGE_OUTSIDE_CARDS, f"'{written}' is outside the cards directory", inside
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return (
            Code.IMAGE_NOT_FOUND,
            f"no image '{written}' in the cards directory",
            "the path is relative to the cards directory; check its spelling and case",
        )
    if not resolved.is_relative_to(root):
        return (
            Code.IMAGE_OUTSIDE_CARDS,
            f"'{written}' is a link to a file outside the cards directory",
            "copy the image into the cards directory instead of linking to it",
        )
    try:
        data = _read_limited(resolved)
    except OSError as error:
        return (
            Code.UNREADABLE,
            f"cannot read the image '{written}': {error.strerror or error}",
            "check its permissions (ls -l); an image is a regular file",
        )
    if len(data) > MAX_IMAGE_BYTES:
        return (
            Code.IMAGE_TOO_LARGE,
            f"the image '{written}' is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MiB",
            "scale it to about 1000 px across or save it as JPEG; "
            "every student downloads and syncs it",
        )
    return _typed(written, data, resolved)


def unchanged(image: Image) -> bool:
    """Whether the file ``image`` was read from still holds the same bytes."""
    try:
        return image.path is not None and _read_limited(image.path) == image.data
    except OSError:
        return False


def _read_limited(path: Path) -> bytes:
    if not path.is_file():
        raise OSError(errno.EINVAL, "not a regular file")
    with path.open("rb") as handle:
        return handle.read(MAX_IMAGE_BYTES + 1)


def _typed(written: str, data: bytes, path: Path) -> _Found:
    for magic, offset, suffix, media_type in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic and (offset == 0 or data[:4] == b"RIFF"):
            return _named(data, suffix, media_type, path)
    if _looks_like_svg(data):
        unsafe = svg_problem(data)
        if unsafe:
            return (
                Code.UNSAFE_SVG,
                f"the SVG image '{written}' {unsafe}",
                "only static SVG is packaged (no scripts, event handlers, embedded HTML or "
                "links to other files); export it as plain SVG or PNG",
            )
        return _named(data, *_SVG, path)
    return (
        Code.NOT_AN_IMAGE,
        f"'{written}' is not a {FORMATS} image",
        "its bytes are checked, not its name: export or convert it to PNG or JPEG",
    )


def _named(data: bytes, suffix: str, media_type: str, path: Path) -> Image:
    digest = hashlib.sha256(data).hexdigest()[:_DIGEST_CHARS]
    return Image(f"{NAME_PREFIX}{digest}.{suffix}", data, media_type, path)


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in head


_SVG_NS = "{http://www.w3.org/2000/svg}"
_XHTML_NS = "{http://www.w3.org/1999/xhtml}"
_ACTIVE_ELEMENTS = frozenset({"script", "foreignobject", "iframe", "embed", "object"})
_SAFE_HREF = re.compile(r"#|data:image/(png|jpeg|gif|webp)[;,]", re.IGNORECASE)
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import", re.IGNORECASE)


def svg_problem(data: bytes) -> str | None:
    """What makes an SVG unsafe to hand to students, or None for a static one.

    An SVG is XML that can run scripts: shown through <img> (as on a card) it cannot, but the
    file also lands in the student's media folder, where opening it in a browser would run
    them. So only static drawings pass: no entities (they can expand without bound), no
    processing instructions (``<?xml-stylesheet?>`` loads a style sheet, and XSLT can script),
    no script or embedded HTML, no event attributes, no links or style URLs to anything outside
    the file, neither set nor animated (an animation's values are checked as the values of the
    attribute it animates).
    """
    if re.search(rb"<!ENTITY", data, re.IGNORECASE):
        return "defines XML entities"
    parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(
        events=("start", "pi")
    )
    try:
        parser.feed(data)
        parser.close()
    except ElementTree.ParseError as error:
        return f"is not well-formed XML ({error})"
    # "start" and "pi" events both come with an element; a PI's tag is a function, not a name
    found = [event[-1] for event in parser.read_events()]
    elements = [item for item in found if isinstance(item, ElementTree.Element)]
    if any(not isinstance(element.tag, str) for element in elements):  # an XML declaration is none
        return "contains a processing instruction"
    if not elements or elements[0].tag != _SVG_NS + "svg":
        return "has no <svg> root element in the SVG namespace"
    return next(filter(None, map(_element_problem, elements)), None)


def _element_problem(element: ElementTree.Element) -> str | None:
    name = _local(element.tag)
    if name.casefold() in _ACTIVE_ELEMENTS or element.tag.startswith(_XHTML_NS):
        return f"contains a <{name}> element"
    if name == "style" and _EXTERNAL_URL.search(element.text or ""):
        return "has a style that loads another file"
    for attribute, value in element.attrib.items():
        local = _local(attribute)
        if local.casefold().startswith("on"):
            return f"has an event attribute '{local}' (a script)"
        if problem := _value_problem(local, value):
            return problem
    animated = _local(element.attrib.get("attributeName", "").rpartition(":")[2])
    if name in _ANIMATIONS and animated:
        for attribute in _ANIMATION_VALUES & element.attrib.keys():
            for value in element.attrib[attribute].split(";"):
                if problem := _value_problem(animated, value):
                    return problem
    return None


# SMIL animations, and their attributes that give the values of the attribute they animate.
_ANIMATIONS = frozenset({"animate", "set", "animateMotion", "animateTransform", "animateColor"})
_ANIMATION_VALUES = frozenset({"to", "from", "by", "values"})


def _value_problem(attribute: str, value: str) -> str | None:
    """What is unsafe in ``value`` as the value of ``attribute`` (its local name)."""
    if attribute == "href" and not _SAFE_HREF.match(value.strip()):
        return f"links to '{value[:60]}'"
    if "javascript:" in re.sub(r"\s", "", value).casefold() or _EXTERNAL_URL.search(value):
        return f"has an attribute '{attribute}' that runs or loads something"
    return None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def inline_media(html: str, media: Iterable[Image]) -> str:
    """``html`` with each image's file name replaced by its data, for a page that needs no
    files beside it (the preview)."""
    for image in media:
        html = html.replace(f'src="{image.name}"', f'src="{image.data_uri()}"')
    return html


def media_of(images: Iterable[Image | None]) -> tuple[Image, ...]:
    """Each image once, by name: the package's media in a fixed order."""
    return tuple(sorted({image.name: image for image in images if image}.values(), key=_name))


def _name(image: Image) -> str:
    return image.name
