"""The book model: immutable, typed, and ignorant of files and formats.

Readers produce an `Article`; `assemble` turns articles and metadata into a
`Book`; writers read only the `Book`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

__all__ = [
    "Text", "Emphasis", "Strong", "SmallCaps", "NoteRef", "Link", "LineBreak", "Inline",
    "Heading", "Paragraph", "Quote", "ListBlock", "Speech", "Dateline", "Signature",
    "Separator", "Preformatted", "Figure", "Cell", "Table", "Definition", "DefinitionList",
    "Block",
    "Note", "Licence", "Attribution", "Person", "Article", "Metadata", "Chapter", "Part",
    "FrontMatter", "Book", "plain_text", "blocks_text",
]

_frozen = dict(frozen=True, slots=True)


# --- inlines -----------------------------------------------------------------

@dataclass(**_frozen)
class Text:
    """Plain text."""
    text: str


@dataclass(**_frozen)
class Emphasis:
    """Emphasised text (italics)."""
    children: tuple["Inline", ...]


@dataclass(**_frozen)
class Strong:
    """Strongly emphasised text (bold)."""
    children: tuple["Inline", ...]


@dataclass(**_frozen)
class SmallCaps:
    """Text set in small capitals."""
    children: tuple["Inline", ...]


@dataclass(**_frozen)
class NoteRef:
    """A call to the note whose `Note.id` is `note_id` in the same article.

    `label` is the mark as the source wrote it ("1", "*"); assembly renumbers.
    """

    note_id: str
    label: str = ""


@dataclass(**_frozen)
class Link:
    """A hyperlink around inlines. `href` is as the source wrote it: an absolute
    address, or a relative one that is resolved only against the article's
    address (`Attribution.url`) when rendered, and printed as text without one."""
    href: str
    children: tuple["Inline", ...]


@dataclass(**_frozen)
class LineBreak:
    """A line break within a block."""
    pass


Inline = Union[Text, Emphasis, Strong, SmallCaps, NoteRef, Link, LineBreak]


# --- blocks ------------------------------------------------------------------

@dataclass(**_frozen)
class Heading:
    """A section heading inside an article; level 1 is the top section level."""

    content: tuple[Inline, ...]
    level: int = 1


@dataclass(**_frozen)
class Paragraph:
    """A paragraph of inlines."""
    content: tuple[Inline, ...]
    role: str = ""  # optional hint from the source, e.g. "first" or "information"


@dataclass(**_frozen)
class Quote:
    """A block quotation of blocks."""
    blocks: tuple["Block", ...]


@dataclass(**_frozen)
class ListBlock:
    """A list: each item is blocks."""
    items: tuple[tuple["Block", ...], ...]
    ordered: bool = False
    start: int = 1


@dataclass(**_frozen)
class Speech:
    """A turn in a dialogue. `label` is the speaker mark as written ("A. –")."""

    speaker: str
    label: str
    content: tuple[Inline, ...]


@dataclass(**_frozen)
class Dateline:
    """The place and date line of a letter or dispatch."""
    content: tuple[Inline, ...]


@dataclass(**_frozen)
class Signature:
    """The signature closing a letter or speech."""
    content: tuple[Inline, ...]


@dataclass(**_frozen)
class Separator:
    """A break between sections (a row of asterisks)."""
    text: str = "* * *"


@dataclass(**_frozen)
class Preformatted:
    """Text whose line breaks and spaces are kept."""
    text: str


@dataclass(**_frozen)
class Figure:
    """An image with its caption."""
    src: str
    alt: str
    caption: tuple[Inline, ...] = ()


@dataclass(**_frozen)
class Cell:
    """A table cell. `header` marks a heading cell (`<th>`); spans are as the source set them."""

    content: tuple[Inline, ...]
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    align: str = ""  # "left", "right" or "center" when the source sets it


@dataclass(**_frozen)
class Table:
    """A data table: rows of cells, in source order, and an optional caption."""

    rows: tuple[tuple[Cell, ...], ...]
    caption: tuple[Inline, ...] = ()


@dataclass(**_frozen)
class Definition:
    """A term of a definition list, and its definitions (each blocks)."""

    term: tuple[Inline, ...]
    definitions: tuple[tuple["Block", ...], ...] = ()


@dataclass(**_frozen)
class DefinitionList:
    """A list of terms and their definitions (a glossary)."""

    items: tuple[Definition, ...]


Block = Union[Heading, Paragraph, Quote, ListBlock, Speech, Dateline, Signature,
              Separator, Preformatted, Figure, Table, DefinitionList]


# --- notes, people, licences ---------------------------------------------------

@dataclass(**_frozen)
class Note:
    """A note, with the label its call shows."""
    id: str
    blocks: tuple[Block, ...]
    label: str = ""


@dataclass(**_frozen)
class Licence:
    """A licence: an SPDX-style `id` ("CC-BY-SA-2.0") and the statement as written."""

    id: str
    name: str
    statement: str = ""
    url: str | None = None


@dataclass(**_frozen)
class Person:
    """An author, editor, translator or transcriber."""
    name: str
    role: str = "aut"  # MARC relator: aut, edt, trl, trc, mrk (markup), pfr (proofreader)


@dataclass(**_frozen)
class Attribution:
    """Where an article comes from and who made the copy, as the source states it."""

    fields: tuple[tuple[str, str], ...] = ()  # label -> value, source order, verbatim
    source: str | None = None
    transcribers: tuple[str, ...] = ()
    licence: Licence | None = None
    origin: str | None = None  # the file or URL the article was read from
    licence_reason: str | None = None  # why the editor set the licence, when a spec overrides it
    # the page's public address (a spec's `[urls]` or `url`): printed in the credits, the
    # book's dc:source, and the base its relative links are resolved against when rendered
    url: str | None = None

    def field(self, label: str) -> str | None:
        for key, value in self.fields:
            if key == label:
                return value
        return None


@dataclass(**_frozen)
class Article:
    """One source text: its metadata, blocks and notes."""
    title: str
    blocks: tuple[Block, ...]
    subtitle: str | None = None
    authors: tuple[Person, ...] = ()
    date: str | None = None
    notes: tuple[Note, ...] = ()
    attribution: Attribution = field(default_factory=Attribution)
    language: str = "en"
    warnings: tuple[str, ...] = ()


# --- the book ------------------------------------------------------------------

@dataclass(**_frozen)
class Metadata:
    """What describes the book as a whole."""
    title: str
    language: str = "en"
    subtitle: str | None = None
    authors: tuple[Person, ...] = ()
    editors: tuple[Person, ...] = ()
    translators: tuple[Person, ...] = ()
    identifier: str = ""
    publisher: str | None = None
    date: str | None = None  # ISO 8601 date of this edition
    description: str | None = None
    subjects: tuple[str, ...] = ()
    series: str | None = None
    licence: Licence | None = None  # for the editor's own material
    modified: str = ""  # ISO 8601 timestamp; never the wall clock
    commercial: bool = False  # the book is for sale: non-commercial articles cannot go in it


@dataclass(**_frozen)
class Chapter:
    """An article placed in a book: its number, stable id and authors resolved."""

    id: str
    number: int
    article: Article
    authors: tuple[Person, ...]
    part: int | None = None  # index into Book.parts


@dataclass(**_frozen)
class Part:
    """A titled group of chapters."""
    title: str


@dataclass(**_frozen)
class FrontMatter:
    """A preface, dedication or epigraph written by the editor."""

    kind: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(**_frozen)
class Book:
    """Chapters in order, with the book's metadata and front matter."""
    metadata: Metadata
    chapters: tuple[Chapter, ...]
    parts: tuple[Part, ...] = ()
    front_matter: tuple[FrontMatter, ...] = ()
    warnings: tuple[str, ...] = ()


# --- plain text ----------------------------------------------------------------

def plain_text(inlines: tuple[Inline, ...] | list[Inline]) -> str:
    """The text of inlines, with note calls written as "[label]"."""
    out: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, NoteRef):
            out.append(f"[{node.label or node.note_id}]")
        elif isinstance(node, LineBreak):
            out.append("\n")
        else:
            out.append(plain_text(node.children))
    return "".join(out)


def blocks_text(block: Block) -> str:
    """The plain text of one block (nested blocks joined by blank lines)."""
    if isinstance(block, Speech):
        return plain_text(block.content)
    if isinstance(block, (Heading, Paragraph, Dateline, Signature)):
        return plain_text(block.content)
    if isinstance(block, Quote):
        return "\n\n".join(blocks_text(b) for b in block.blocks)
    if isinstance(block, ListBlock):
        return "\n".join("\n".join(blocks_text(b) for b in item) for item in block.items)
    if isinstance(block, Preformatted):
        return block.text
    if isinstance(block, Separator):
        return block.text
    if isinstance(block, Figure):
        return plain_text(block.caption) or block.alt
    if isinstance(block, Table):  # a caption line, then one line a row, cells split by tabs
        rows = ["\t".join(plain_text(c.content).replace("\n", " ") for c in row)
                for row in block.rows]
        caption = [plain_text(block.caption).replace("\n", " ")] if block.caption else []
        return "\n".join(caption + rows)
    if isinstance(block, DefinitionList):  # a term, then its definitions, a line each
        return "\n".join("\n".join([plain_text(d.term)] + ["\n\n".join(blocks_text(b) for b in defn)
                                                            for defn in d.definitions])
                         for d in block.items)
    raise TypeError(f"not a block: {block!r}")
