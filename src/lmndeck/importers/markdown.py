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
file, so importing the same document again gives the same file. ``cardsyaml`` writes
the YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from lmndeck.importers.document import Comparison, Document, Fact
from lmndeck.importers.frontmatter import front_matter
from lmndeck.importers.inline import (
    WIKI_LINK,
    Ids,
    Inline,
    read_inline,
    sentences,
    tidy,
    timestamp,
    unchecked,
)
from lmndeck.importers.tables import comparison_columns, comparison_rows, table_title
from lmndeck.problems import Code, ContentError, Position, Problem, place
from lmndeck.sources import YOUTUBE_ID
from lmndeck.wording import text_key

LONGEST_TERM = 6  # words: a longer bold term is not a short answer, so its fact is a draft
LONGEST_ITEM = 12  # words: a longer list item is not one answer, so its list fact is a draft
SHORT_PROMPT = 4  # words: a shorter introduction ("Causes include:") follows the heading
SEPARATORS = ":\u2014\u2013-"  # what follows a key term: ':', an em or en dash, a hyphen
# an Obsidian tag ('#todo', '#exam/block-2', not '#1'), no part of what a heading names
_INLINE_TAG = re.compile(r"(?<!\S)#(?!\d+(?:\s|$))[\w/-]+")
_CALLOUT = re.compile(r"\[!([A-Za-z][\w-]*)\][+-]?[ \t]*")


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
    tokens = md.parse(WIKI_LINK.sub(lambda link: link.group(0).replace("|", "\\|"), source))
    meta, tags = front_matter(tokens, shown or name)
    title = meta.get("title") or _first_heading(tokens) or PurePath(name).stem or name
    document = Document(name, title, tags=tags)
    video = meta.get("videoId") or ""
    document.video = video if YOUTUBE_ID.match(video) else None
    document.author = meta.get("author")
    _Walker(document, tokens).run()
    return document


def _first_heading(tokens: list[Token]) -> str | None:
    """The document's '# Title', when it is the first thing in it (after the front matter)."""
    first = next((at for at, token in enumerate(tokens) if token.type != "front_matter"), None)
    if first is None or tokens[first].type != "heading_open" or tokens[first].tag != "h1":
        return None
    return heading_text(tokens[first + 1].children or []) or None


def heading_text(children: list[Token]) -> str:
    """A heading as text, without the Obsidian tags in it ('## Symptoms #todo')."""
    return tidy(_INLINE_TAG.sub(" ", read_inline(children).text))


@dataclass
class _Item:
    """An item of a Markdown list, as read: its text, the lists and other blocks in it."""

    run: Inline = field(default_factory=Inline)
    read: bool = False  # its text is read (a later paragraph of it is a block of its own)
    lists: list[list[Token]] = field(default_factory=list)
    blocks: list[Token] = field(default_factory=list)


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
            self.heading = heading_text(self.children(index + 1))
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
        return closing_in(self.tokens, index)

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
        that introduces it (after the heading, when it is too short to say what is asked) or
        else the heading. Any other list: each item a key-term fact, or a draft. A nested list
        is a list of its own, asked about its item; a callout in an item adds to the item's
        fact (or the list), and its other blocks are read as at the top."""
        steps = tokens[0].type == "ordered_list_open"
        entries = self.items(tokens)
        texts = [tidy(item.run.text) for item in entries]
        if len(texts) < 2 or len({text_key(text) for text in texts}) < len(texts):
            return self.each_bullet(entries, steps)
        if any(
            key_term(item.run, steps) or braces(text) or not text
            for item, text in zip(entries, texts, strict=True)
        ):
            return self.each_bullet(entries, steps)
        prompt, fact_id = self.heading or self.document.title, None
        if lead is not None and lead == len(self.document.facts) - 1:
            introduced = self.document.facts.pop()  # its text is the prompt, not a draft
            prompt = self.introduced(dict(introduced.fields)["back"]) or prompt
            fact_id = introduced.id
        time = next((timestamp(item.run.times[0][1]) for item in entries if item.run.times), None)
        long = any(len(text.split()) > LONGEST_ITEM for text in texts)
        why = "long items: ask shorter ones, and put the rest in 'extra'" if long else None
        fact_id = fact_id or self.ids.take(prompt, "list")
        self.add(Fact(fact_id, (("text", prompt),), time, why, tuple(texts), steps))
        listed = self.last_fact  # a callout after the list adds to it, not to a nested one
        for text, item in zip(texts, entries, strict=True):
            self.nested(item.lists, f"{prompt}: {text}")
            self.last_fact = listed
            self.walk(item.blocks)
        self.last_fact = listed
        return None

    def introduced(self, lead: str) -> str:
        """The prompt of a list a paragraph introduces ("Causes of an LMN lesion include:"). A
        short one says what is asked only with the heading: "Drugs to avoid" under "Myasthenia
        gravis" is asked as "Myasthenia gravis: Drugs to avoid", "Causes include" under
        "Causes of metabolic acidosis" as the heading, which says it all."""
        said = lead.rstrip(":").strip()
        if not self.heading or len(said.split()) >= SHORT_PROMPT:
            return said
        if _words(said) & _words(self.heading):
            return self.heading
        return f"{self.heading}: {said}"

    def items(self, tokens: list[Token]) -> list[_Item]:
        """The list's items (``tokens`` from its opening token on): the text of each, the
        lists nested in it and its other blocks (a callout, a second paragraph, code)."""
        level, at = tokens[0].level, 1
        found: list[_Item] = []
        while at < len(tokens):
            token = tokens[at]
            if token.type == "list_item_open" and token.level == level + 1:
                found.append(_Item())
            elif not found or (token.type == "list_item_close" and token.level == level + 1):
                pass
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                end = closing_in(tokens, at)
                found[-1].lists.append(tokens[at:end])
                at = end
            elif token.type == "paragraph_open" and token.level == level + 2 and not found[-1].read:
                found[-1].run = unchecked(read_inline(tokens[at + 1].children or []))
                found[-1].read = True
                at += 2  # its inline and its closing
            else:
                found[-1].blocks.append(token)
            at += 1
        return found

    def walk(self, tokens: list[Token]) -> None:
        """Blocks inside a list item, read as blocks at the top are."""
        kept, self.tokens = self.tokens, tokens
        index = 0
        while index < len(tokens):
            index = self.block(index)
        self.tokens, self.lead = kept, None  # a paragraph in an item introduces no list after it

    def nested(self, lists: list[list[Token]], about: str) -> None:
        """Lists nested in an item, asked about it (``about``, in place of the heading)."""
        for tokens in lists:
            heading, self.heading = self.heading, about
            self.bullets(tokens, None)
            self.heading = heading

    def each_bullet(self, entries: list[_Item], steps: bool) -> None:
        for item in entries:
            text = tidy(item.run.text)
            if text:
                self.bullet(item.run, steps)
            mine = self.last_fact
            about = key_term(item.run, steps) or text
            self.nested(item.lists, f"{self.heading or self.document.title}: {about}".rstrip(": "))
            self.last_fact = mine
            self.walk(item.blocks)

    def bullet(self, run: Inline, steps: bool) -> None:
        term = key_term(run, steps)
        if term is None:  # no key term first: a draft
            self.add(self.draft(run, tidy(run.text)))
            return
        # after the term: ':', an em or en dash, or a hyphen, then the explanation
        explanation = tidy(run.text[run.bold[0][1] :]).lstrip(SEPARATORS + " ").strip()
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
        inlines, in_item = [], 0
        for token in self.tokens[index : self.closing(index)]:
            in_item += {"list_item_open": 1, "list_item_close": -1}.get(token.type, 0)
            if token.type == "inline":
                inlines.append((token, in_item > 0))
        first = inlines[0][0].children or [] if inlines else []
        marker = _CALLOUT.match(first[0].content) if first and first[0].type == "text" else None
        if marker is None:
            return None
        line_end = next(
            (at for at, token in enumerate(first) if token.type in ("softbreak", "hardbreak")),
            len(first),
        )
        title_tokens = [Token("text", "", 0, content=first[0].content[marker.end() :])]
        title = tidy(read_inline([*title_tokens, *first[1:line_end]]).text)
        body = read_inline(first[line_end:]).text
        after_item = False
        for token, item in inlines[1:]:  # a list's items one after the other, with a ';'
            text = tidy(read_inline(token.children or []).text)
            body = f"{body}; {text}" if item and after_item else f"{body} {text}"
            after_item = item
        return title or marker[1].capitalize(), tidy(body)

    def add_callout(self, title: str, text: str) -> None:
        """A callout adds to the fact (or the table) just before it in its section, as its
        ``extra``; without one it is a draft of its own."""
        said = (
            f"{title}{'' if title.endswith(('?', '!', ':', '.')) else ':'} {text}"
            if text
            else title
        )
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
        columns = comparison_columns(labels[1:])
        title = table_title(self.heading, labels) or f"{self.document.title}: {labels[0]}"
        comparison_id = self.ids.take(title, "comparison")
        made, empty = comparison_rows(columns, body)
        if made:
            self.last_comparison = len(self.document.comparisons)
            self.document.comparisons.append(Comparison(comparison_id, title, columns, made, empty))
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


def closing_in(tokens: list[Token], index: int) -> int:
    """The index in ``tokens`` of the token closing the one at ``index``."""
    closing = tokens[index].type.replace("_open", "_close")
    return next(
        at
        for at in range(index + 1, len(tokens))
        if tokens[at].type == closing and tokens[at].level == tokens[index].level
    )


def key_term(run: Inline, steps: bool = False) -> str | None:
    """The bold term an item starts with (``**Fasciculations**: ...``), if it does. A step
    (an item of a numbered list) that starts in bold (``**Dip** the urine``) is a step: its
    term must be followed by ':' or a dash."""
    start, end = run.bold[0] if run.bold else (0, 0)
    term = tidy(run.text[start:end])
    if not term or run.text[:start].strip():
        return None
    return term if not steps or run.text[end:].lstrip().startswith(tuple(SEPARATORS)) else None


def _words(text: str) -> set[str]:
    """The words that say something (four letters or more), without case."""
    return set(re.findall(r"\w{4,}", text.casefold()))


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
