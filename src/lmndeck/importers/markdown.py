"""A Markdown document -> a draft cards file that builds as it is, for the author to refine.

The document is parsed by markdown-it (CommonMark, with GFM tables and front matter), and its
blocks become items:

- front matter ``videoId:`` -> a video source (``title:`` names it and the deck); without it
  the document itself is a text source; ``tags:`` -> the file's tags. It is read by the cards
  files' loader, with its bounds;
- a table -> a comparison: the header row gives the columns, the first column the rows'
  features; bold, links and wiki links ``[[target|label]]`` are reduced to their text; under a
  generic heading ("Comparison") it is titled after its columns;
- a bullet whose key term is bold (``* **Fasciculations**: explanation``) -> a cloze fact
  asking the term, its explanation's first sentence as the context and the rest as ``extra``;
- a list of plain bullets -> one list fact asked by the paragraph introducing it or the
  heading; numbered steps -> an ordered one;
- an Obsidian callout (``> [!tip] Title``) -> the ``extra`` of the fact or table before it;
- a ``<a class="yt-timestamp" data-t="00:08:09">`` anchor -> the time of the fact or cell it
  is in (the first one: the anchor that follows the key term);
- everything else that is text (paragraphs, bullets without a key term) -> drafts
  (``draft: true``), never dropped: the author turns them into facts.

A fact the importer is unsure about (its context names the answer, the term is long or cannot
be a deletion) is a draft too, with a comment saying why. Ids come from the text, unique in the
file, so importing the same document again gives the same file. The YAML is written here, every
value either a plain scalar known to be read back as the same text or a double-quoted one.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path, PurePath

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from lmndeck.kinds.comparison import Column, names_own_column, own_abbreviations
from lmndeck.kinds.listing import item_key
from lmndeck.kinds.table import ROW_KEYS, slug
from lmndeck.loader import FORBIDDEN, load_text
from lmndeck.problems import Code, ContentError, Position, Problem, place
from lmndeck.reserved import is_reserved_deck, is_reserved_tag
from lmndeck.sources import YOUTUBE_ID, format_timestamp, parse_timestamp
from lmndeck.tags import SEPARATOR, normalize_deck, normalize_tag

VIDEO, TEXT = "video", "text"  # the names of the document's source in the cards file
LONGEST_TERM = 6  # words: a longer bold term is not a short answer, so its fact is a draft
LONGEST_ITEM = 12  # words: a longer list item is not one answer, so its list fact is a draft
ID_WORDS = 6  # an id made from text keeps its first words
ABSENT = ("no", "none", "absent", "without", "not")  # a cell stating an absent sign
# Words of a heading that names no particular table: under "Comparison" or "Summary table" a
# comparison is titled after its columns instead.
GENERIC_HEADING = frozenset(
    {"a", "an", "and", "at", "comparison", "comparisons", "compared", "contrast", "difference"}
    | {"differences", "glance", "key", "main", "overview", "quick", "recap", "reference"}
    | {"review", "summary", "table", "tables", "the"}
)
TITLE_COLUMNS = 4  # a title names at most this many columns
_CALLOUT = re.compile(r"\[!([A-Za-z][\w-]*)\][+-]?[ \t]*")


@dataclass(frozen=True)
class Fact:
    id: str
    fields: tuple[tuple[str, str], ...]  # (key, text) in the order written
    time: str | None  # the video time it is cited at
    why_draft: str | None = None  # set: a draft, and the comment saying what to review
    items: tuple[str, ...] = ()  # a list fact's items
    ordered: bool = False  # a list fact whose order is asked (numbered steps)


@dataclass(frozen=True)
class Cell:
    text: str
    time: str | None
    why_not_discrimination: str | None = None


@dataclass(frozen=True)
class Row:
    feature: str
    cells: tuple[Cell | None, ...]
    id: str | None = None  # written only when the feature's slug is taken by another row


@dataclass(frozen=True)
class Comparison:
    id: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    empty_rows: tuple[str, ...]  # features of rows without cells, kept as comments
    extra: str = ""  # a callout after the table, shown on the back of its cards


@dataclass
class Document:
    """What the importer found, in document order."""

    name: str
    title: str
    tags: tuple[str, ...] = ()  # the front matter's, for every note of the file
    video: str | None = None
    author: str | None = None
    facts: list[Fact] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # blocks that are not text, as comments

    @property
    def drafts(self) -> int:
        return sum(1 for fact in self.facts if fact.why_draft)


# -- text of inline tokens --------------------------------------------------------------


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


_WIKI_LINK = re.compile(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")


def plain(token_text: str) -> str:
    """A text token without wiki links (their label, else their target) and forbidden
    characters (which lmndeck refuses, even escaped)."""
    text = _WIKI_LINK.sub(lambda link: link.group(2) or link.group(1), token_text)
    return FORBIDDEN.sub(" ", text)


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


# -- blocks -> items ---------------------------------------------------------------------


def read_document(path: Path) -> Document:
    """The items of the Markdown file ``path`` (UTF-8, a byte order mark allowed)."""
    data = path.read_bytes()
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        where = Position(place(path, Path(".")), 1, error.start + 1)
        message = f"the document is not UTF-8 (byte {error.start + 1})"
        hint = "save it as UTF-8 in your editor"
        raise ContentError([Problem(where, message, hint, code=Code.NOT_UTF8)]) from None
    document = import_markdown(source, path.name, place(path, Path(".")))
    if not document.facts and not document.comparisons:
        where = Position(place(path, Path(".")), 1, 1)
        message = "the document has no text to import"
        hint = "import a Markdown document with paragraphs, lists or tables"
        raise ContentError([Problem(where, message, hint, code=Code.NO_ITEMS)])
    return document


def import_markdown(source: str, name: str, shown: str | None = None) -> Document:
    """The items of the Markdown text ``source`` (the document ``name``, shown in problems as
    ``shown``); ``cards_yaml`` writes them as a cards file."""
    md = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
    # A wiki link's '|' would split a table cell in two: escaped, it stays in the cell.
    tokens = md.parse(_WIKI_LINK.sub(lambda link: link.group(0).replace("|", "\\|"), source))
    meta, tags = _front_matter(tokens, shown or name)
    document = Document(name, meta.get("title") or PurePath(name).stem or name, tags=tags)
    video = meta.get("videoId") or ""
    document.video = video if YOUTUBE_ID.match(video) else None
    document.author = meta.get("author")
    _Walker(document, tokens).run()
    return document


def _front_matter(tokens: list[Token], shown: str) -> tuple[dict[str, str], tuple[str, ...]]:
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


class _Walker:
    def __init__(self, document: Document, tokens: list[Token]) -> None:
        self.document = document
        self.tokens = tokens
        self.ids = Ids()
        self.heading = ""
        # what a callout that follows adds to: the section's last fact, or the table just before
        self.last_fact: int | None = None
        self.last_comparison: int | None = None
        # a paragraph ending in ':' just before a list, which it introduces
        self.lead: int | None = None

    def run(self) -> None:
        index = 0
        while index < len(self.tokens):
            index = self.block(index)

    def block(self, index: int) -> int:
        """Handles the block starting at ``index``; returns the index after it."""
        token = self.tokens[index]
        if token.type == "inline" or token.nesting == -1:  # read with the block they are in
            return index + 1
        lead, self.lead = self.lead, None
        if token.type == "heading_open":
            self.heading = tidy(read_inline(self.children(index + 1)).text)
            self.last_fact = self.last_comparison = None
        elif token.type == "paragraph_open":
            self.paragraph(read_inline(self.children(index + 1)))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            end = self.closing(index)
            self.bullets(self.tokens[index:end], lead)
            return end + 1
        elif token.type == "table_open":
            end = self.closing(index)
            self.last_fact = self.last_comparison = None  # set again if it is a comparison
            self.table(self.tokens[index:end])
            return end + 1
        elif token.type == "blockquote_open" and (callout := self.callout(index)):
            self.add_callout(*callout)
            return self.closing(index) + 1
        elif token.type in ("fence", "code_block", "html_block") and token.content.strip():
            line = token.map[0] + 1 if token.map else 0
            what = "HTML" if token.type == "html_block" else "code"
            self.document.skipped.append(f"{what} at line {line} of {self.document.name}")
        return index + 1

    def children(self, index: int) -> list[Token]:
        return self.tokens[index].children or []

    def closing(self, index: int) -> int:
        """The index of the token closing the one at ``index``."""
        level = self.tokens[index].level
        closing = self.tokens[index].type.replace("_open", "_close")
        return next(
            at
            for at in range(index + 1, len(self.tokens))
            if self.tokens[at].type == closing and self.tokens[at].level == level
        )

    # paragraphs -----------------------------------------------------------------------

    def paragraph(self, run: Inline) -> None:
        text = tidy(run.text)
        if not text:
            return
        if len(run.bold) == 1 and tidy(run.text[slice(*run.bold[0])]) == text:
            self.heading = text  # a paragraph that is one bold phrase: a heading
            return
        if text.casefold().startswith("from:") and len(text) < 80 and not self.document.author:
            self.document.author = text[5:].strip() or None
            return
        fact = self.draft(run, text)
        self.add(fact)
        if text.endswith(":") and fact.fields[0][0] == "front":  # plain text, no bold terms
            self.lead = len(self.document.facts) - 1

    def add(self, fact: Fact) -> None:
        self.last_fact, self.last_comparison = len(self.document.facts), None
        self.document.facts.append(fact)

    def draft(self, run: Inline, text: str) -> Fact:
        """A paragraph (or a bullet without a key term) as a draft: a cloze fact asking its
        bold terms, or else a basic card with the section heading as its front."""
        time = timestamp(run.times[0][1]) if run.times else None
        fact_id = self.ids.take(text, "paragraph")
        terms = [tidy(run.text[start:end]) for start, end in run.bold]
        if terms and all(deletable(term) for term in terms) and not braces(run.text):
            cloze = cloze_text(run.text, run.bold)
            return Fact(fact_id, (("text", cloze),), time, "a paragraph: split it into facts")
        front = self.heading or self.document.title
        fields = (("front", front), ("back", text))
        return Fact(fact_id, fields, time, "a paragraph: turn it into facts")

    # bullets --------------------------------------------------------------------------

    def bullets(self, tokens: list[Token], lead: int | None) -> None:
        """A list of plain items: one list fact (numbered: in order), its prompt the paragraph
        that introduces it or else the heading; its nested lists each a list of their own,
        asked about their item. Any other list: each item (nested ones too) a key-term fact,
        or a draft."""
        level = tokens[0].level
        items = [
            read_inline(token.children or [])
            for token in tokens
            if token.type == "inline" and token.level == level + 3
        ]
        texts = [tidy(run.text) for run in items]
        if len(texts) < 2 or len({item_key(text) for text in texts}) < len(texts):
            return self.each_bullet(tokens)
        if any(
            key_term(run) or braces(text) or not text
            for run, text in zip(items, texts, strict=True)
        ):
            return self.each_bullet(tokens)
        prompt, fact_id = self.heading or self.document.title, None
        if lead is not None and lead == len(self.document.facts) - 1:
            introduced = self.document.facts.pop()  # its text is the prompt, not a draft
            prompt = dict(introduced.fields)["back"].rstrip(":").strip() or prompt
            fact_id = introduced.id
        time = next((timestamp(run.times[0][1]) for run in items if run.times), None)
        long = any(len(text.split()) > LONGEST_ITEM for text in texts)
        why = "long items: ask shorter ones, and put the rest in 'extra'" if long else None
        fact_id = fact_id or self.ids.take(prompt, "list")
        ordered = tokens[0].type == "ordered_list_open"
        self.add(Fact(fact_id, (("text", prompt),), time, why, tuple(texts), ordered))
        parent, at = "", 1
        while at < len(tokens):
            token = tokens[at]
            if token.type == "inline" and token.level == level + 3:
                parent = tidy(read_inline(token.children or []).text)
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                closing = token.type.replace("_open", "_close")
                end = next(
                    after
                    for after in range(at + 1, len(tokens))
                    if tokens[after].type == closing and tokens[after].level == token.level
                )
                heading, self.heading = self.heading, f"{prompt}: {parent}"
                self.bullets(tokens[at:end], None)
                self.heading, at = heading, end
            at += 1
        return None

    def each_bullet(self, tokens: list[Token]) -> None:
        for token in tokens:
            if token.type == "inline" and token.children is not None:
                run = read_inline(token.children)
                if tidy(run.text):
                    self.bullet(run)

    def bullet(self, run: Inline) -> None:
        term = key_term(run)
        if term is None:  # no key term first: a draft
            self.add(self.draft(run, tidy(run.text)))
            return
        # after the term: ':', an em or en dash, or a hyphen, then the explanation
        explanation = tidy(run.text[run.bold[0][1] :]).lstrip(":\u2014\u2013- ").strip()
        self.add(self.key_term(term, explanation, run))

    def key_term(self, term: str, explanation: str, run: Inline) -> Fact:
        time = timestamp(run.times[0][1]) if run.times else None
        fact_id = self.ids.take(term, "fact")
        first, *rest = sentences(explanation) or [""]
        extra = (("extra", " ".join(rest)),) if rest else ()
        why = _review(term, first)
        if deletable(term) and not braces(first):
            deletion = f"{{{{{term}}}}}"
            text = f"{deletion}: {first}" if first else f"{self.heading}: {deletion}".lstrip(": ")
            return Fact(fact_id, (("text", text), *extra), time, why)
        front = first or self.heading or self.document.title
        fields = (("front", front), ("back", term), *extra)
        return Fact(fact_id, fields, time, why or "a term that cannot be a deletion")

    # callouts -------------------------------------------------------------------------

    def callout(self, index: int) -> tuple[str, str] | None:
        """An Obsidian callout (``> [!tip] Title`` then ``> text``) at ``index``: its title
        (else its type's name) and its text; None for any other block quote."""
        inlines = [
            token for token in self.tokens[index : self.closing(index)] if token.type == "inline"
        ]
        first = inlines[0].children or [] if inlines else []
        marker = _CALLOUT.match(first[0].content) if first and first[0].type == "text" else None
        if marker is None:
            return None
        line_end = next(
            (at for at, token in enumerate(first) if token.type in ("softbreak", "hardbreak")),
            len(first),
        )
        title_tokens = [Token("text", "", 0, content=first[0].content[marker.end() :])]
        title = tidy(read_inline([*title_tokens, *first[1:line_end]]).text)
        body = [read_inline(first[line_end:]).text]
        body += [read_inline(token.children or []).text for token in inlines[1:]]
        return title or marker[1].capitalize(), tidy(" ".join(body))

    def add_callout(self, title: str, text: str) -> None:
        """A callout adds to the fact (or the table) just before it in its section, as its
        ``extra``; without one it is a draft of its own."""
        said = f"{title}: {text}" if text else title
        if self.last_comparison is not None:
            comparisons = self.document.comparisons
            table = comparisons[self.last_comparison]
            extra = f"{table.extra} {said}" if table.extra else said
            comparisons[self.last_comparison] = replace(table, extra=extra)
            return
        if self.last_fact is None:
            front = title if text else self.heading or self.document.title
            fields = (("front", front), ("back", text or title))
            fact_id = self.ids.take(title, "callout")
            self.add(Fact(fact_id, fields, None, "a callout: turn it into facts"))
            return
        fact = self.document.facts[self.last_fact]
        written = dict(fact.fields)
        written["extra"] = f"{written['extra']} {said}" if "extra" in written else said
        self.document.facts[self.last_fact] = replace(fact, fields=tuple(written.items()))

    # tables ---------------------------------------------------------------------------

    def table(self, tokens: list[Token]) -> None:
        rows: list[list[Inline]] = []
        for token in tokens:
            if token.type == "tr_open":
                rows.append([])
            elif token.type == "inline" and rows:
                rows[-1].append(read_inline(token.children or []))
        if not rows:
            return
        header, *body = rows
        labels = [tidy(cell.text) or f"Column {number}" for number, cell in enumerate(header)]
        if len(labels) < 3:  # a feature and one column: no comparison, a draft per row
            for row in body:
                self.two_column_row(labels, row)
            return
        columns = _columns(labels[1:])
        abbreviations = own_abbreviations(columns)
        title = table_title(self.heading, labels) or f"{self.document.title}: {labels[0]}"
        comparison_id = self.ids.take(title, "comparison")
        made: list[Row] = []
        empty: list[str] = []
        row_ids: set[str] = set()
        for number, row in enumerate(body, start=1):
            feature = tidy(row[0].text) if row else ""
            feature = feature or f"Row {number}"
            cells = tuple(
                _cell(row[at + 1], column.label, abbreviations[at]) if at + 1 < len(row) else None
                for at, column in enumerate(columns)
            )
            if not any(cells):
                empty.append(feature)
                continue
            row_id, explicit = slug(feature), None
            while row_id in row_ids:  # the reader would take the feature's slug: write one
                explicit = row_id = f"{slug(feature)}-{len(row_ids) + 1}"
            row_ids.add(row_id)
            made.append(Row(feature, cells, explicit))
        if made:
            self.last_comparison = len(self.document.comparisons)
            self.document.comparisons.append(
                Comparison(comparison_id, title, columns, tuple(made), tuple(empty))
            )
        else:
            self.document.skipped.append(f"the table '{title}', which has no cells")

    def two_column_row(self, labels: list[str], row: list[Inline]) -> None:
        feature = tidy(row[0].text) if row else ""
        value = tidy(row[1].text) if len(row) > 1 else ""
        if not feature or not value:
            return
        time = next((timestamp(t) for cell in row for _, t in cell.times), None)
        fact_id = self.ids.take(feature, "row")
        fields = (("front", f"{feature}: {labels[-1]}?"), ("back", value))
        self.document.facts.append(Fact(fact_id, fields, time, "a table row of one column"))


def _columns(labels: list[str]) -> tuple[Column, ...]:
    ids = Ids()
    ids.taken.update(ROW_KEYS)  # a column named 'feature' would be read as the row's feature
    return tuple(Column(ids.take(label, "column"), label) for label in labels)


def table_title(heading: str, labels: list[str]) -> str:
    """A comparison's title: its heading, unless the heading says nothing of this table
    ("Comparison", "Summary"): then its columns' labels, "LMN lesion vs UMN lesion"."""
    words = {word.casefold() for word in re.findall(r"\w+", heading)}
    if words and not words <= GENERIC_HEADING:
        return heading
    shown = labels[1 : 1 + TITLE_COLUMNS]
    return " vs ".join(shown) + (" vs ..." if len(labels) > 1 + TITLE_COLUMNS else "")


def _cell(run: Inline, label: str, abbreviations: frozenset[str]) -> Cell | None:
    text = tidy(run.text)
    if not text:
        return None
    time = timestamp(run.times[0][1]) if run.times else None
    if text.split()[0].casefold().strip(".,;:") in ABSENT:
        return Cell(text, time, "an absent sign points to no column")
    if names_own_column(text, label, abbreviations):
        return Cell(text, time, "names its own column")
    return Cell(text, time)


def key_term(run: Inline) -> str | None:
    """The bold term an item starts with (``**Fasciculations**: ...``), if it does."""
    start, end = run.bold[0] if run.bold else (0, 0)
    term = tidy(run.text[start:end])
    return term if term and not run.text[:start].strip() else None


def deletable(term: str) -> bool:
    """Whether ``{{term}}`` is a deletion asking exactly the term."""
    return bool(term) and not braces(term) and "::" not in term and not term.startswith("@")


def braces(text: str) -> bool:
    """Text that lmndeck would read as (part of) a deletion."""
    return "{{" in text or "}}" in text or text.endswith("}") or text.startswith("{")


def cloze_text(text: str, bold: list[tuple[int, int]]) -> str:
    parts, position = [], 0
    for start, end in bold:
        parts += [text[position:start], "{{", text[start:end].strip(), "}}"]
        position = end
    return tidy("".join([*parts, text[position:]]))


def _review(term: str, context: str) -> str | None:
    """Why a key-term fact needs the author's eye, if it does."""
    if not context:
        return "no explanation: write what the term means"
    if len(term.split()) > LONGEST_TERM:
        return "a long answer: ask a shorter part of it"
    named = {word for word in re.findall(r"\w{4,}", term.casefold())}
    if named & set(re.findall(r"\w+", context.casefold())):
        return "the context names the answer: reword it"
    return None


# -- the cards file as YAML text -----------------------------------------------------------

_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`\\][^#:{}\[\],&*!|>'\"%@`\\]*")


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when present


def scalar(value: str, flow: bool = False) -> str:
    """``value`` as a YAML scalar read back as this text: plain when YAML reads it back as
    this very string (no indicator characters, not a number, boolean or null to a YAML 1.1
    reader such as an editor's), else double-quoted with JSON's escapes (a subset of YAML's)."""
    # PyYAML's pure-Python parser refuses a '?' inside a flow mapping's plain scalar, which
    # libyaml reads: quote it, so the file reads the same with either.
    plain = _PLAIN.fullmatch(value) and not (flow and "?" in value)
    if plain and value == value.strip():
        probe = f"{{k: {value}}}" if flow else f"k: {value}"
        try:
            if yaml.load(probe, Loader=_SAFE_LOADER) == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def deck_name(title: str) -> str:
    """The title as one deck (no '::' subdecks), never a reserved one."""
    deck = normalize_deck(title.replace(SEPARATOR, " - "))
    return deck if deck and not is_reserved_deck(deck) else "Imported"


def cards_yaml(document: Document) -> str:
    return "\n".join(_lines(document)).rstrip("\n") + "\n"


def _lines(document: Document) -> Iterator[str]:
    source = VIDEO if document.video else TEXT
    yield f"# Imported from {_comment(document.name)} by 'lmndeck import'."
    if document.drafts:
        yield f"# {document.drafts} draft(s) are left out of the deck: review each, then remove"
        yield "# its 'draft: true'. Facts without it are in the deck: check them too."
    yield f"deck: {scalar(deck_name(document.title))}"
    if document.tags:
        yield f"tags: [{', '.join(scalar(tag, flow=True) for tag in document.tags)}]"
    yield "sources:"
    yield f"  {source}:"
    if document.video:
        yield f"    youtube: {scalar(document.video)}"
    yield f"    title: {scalar(document.title)}"
    if document.author:
        yield f"    author: {scalar(document.author)}"
    yield f"source: {source}"
    for skipped in document.skipped:
        yield f"# not imported: {_comment(skipped)}"
    if document.facts:
        yield ""
        yield "facts:"
        for fact in document.facts:
            yield from _fact(fact, source if document.video else None)
    if document.comparisons:
        yield "comparisons:"
        for comparison in document.comparisons:
            yield from _comparison(comparison, source if document.video else None)


def _cited(video: str | None, time: str | None) -> str | None:
    return f"{video} {time}" if video and time else None


def _fact(fact: Fact, video: str | None) -> Iterator[str]:
    yield f"  - id: {fact.id}"
    (key, value), *rest = fact.fields
    yield f"    {key}: {scalar(value)}"
    if fact.items:
        yield "    list:"
        yield from (f"      - {scalar(item)}" for item in fact.items)
    if fact.ordered:
        yield "    ordered: true"
    for key, value in rest:
        yield f"    {key}: {scalar(value)}"
    if cited := _cited(video, fact.time):
        yield f"    source: {cited}"
    if fact.why_draft:
        yield f"    draft: true  # {_comment(fact.why_draft)}"
    yield ""


def _comparison(comparison: Comparison, video: str | None) -> Iterator[str]:
    yield f"  - id: {comparison.id}"
    yield f"    title: {scalar(comparison.title)}"
    if comparison.extra:
        yield f"    extra: {scalar(comparison.extra)}"
    yield "    columns:"
    for column in comparison.columns:
        yield f"      {column.id}: {scalar(column.label)}"
    yield "    rows:"
    for row in comparison.rows:
        yield f"      - feature: {scalar(row.feature)}"
        if row.id:
            yield f"        id: {row.id}"
        for column, cell in zip(comparison.columns, row.cells, strict=True):
            if cell is not None:
                yield f"        {column.id}: {_cell_yaml(cell, video)}"
    for feature in comparison.empty_rows:
        yield f"      # a row without cells: {_comment(feature)}"
    yield ""


def _cell_yaml(cell: Cell, video: str | None) -> str:
    cited = _cited(video, cell.time)
    if cited is None and cell.why_not_discrimination is None:
        return scalar(cell.text)
    entries = [f"text: {scalar(cell.text, flow=True)}"]
    if cited:
        entries.append(f"source: {cited}")
    if cell.why_not_discrimination:
        entries.append("discrimination: false")
    why = f"  # {cell.why_not_discrimination}" if cell.why_not_discrimination else ""
    return "{" + ", ".join(entries) + "}" + why


def _comment(text: str) -> str:
    """Text for a comment: one line (a comment ends at the line's end: a file name with a line
    break would start YAML of its own), without the characters cards files refuse."""
    return " ".join(FORBIDDEN.sub(" ", text).split())
