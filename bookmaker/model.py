"""The book model: immutable, typed, and ignorant of files and formats.

Readers produce an `Article`; `assemble` turns articles and metadata into a
`Book`; writers read only the `Book`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Union

__all__ = [
    "Text", "Emphasis", "Strong", "SmallCaps", "NoteRef", "Link", "LineBreak", "Inline",
    "Heading", "Paragraph", "Quote", "ListBlock", "Speech", "Dateline", "Signature",
    "Separator", "Preformatted", "Figure", "Cell", "Table", "Definition", "DefinitionList",
    "Block",
    "Note", "Licence", "Attribution", "Person", "Article", "Metadata", "Chapter", "Part",
    "FrontMatter", "Book", "plain_text", "blocks_text",
    "Node", "walk", "map_inlines", "map_blocks",
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
    short_title: str | None = None  # the running heads' form of a long title (the spec's)


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
    isbn: str | None = None  # hyphenated ISBN-13, printed on the copyright page
    publisher: str | None = None
    date: str | None = None  # ISO 8601 date of this edition
    description: str | None = None
    subjects: tuple[str, ...] = ()
    series: str | None = None
    licence: Licence | None = None  # for the editor's own material
    modified: str = ""  # ISO 8601 timestamp; never the wall clock
    commercial: bool = False  # the book is for sale: non-commercial articles cannot go in it

    @property
    def isbn_urn(self) -> str | None:
        """The ISBN as a URN (urn:isbn:978…, no hyphens), when the book has one."""
        return f"urn:isbn:{self.isbn.replace('-', '')}" if self.isbn else None

    @property
    def identifier_is_isbn(self) -> bool:
        """The book's identifier is its ISBN (however hyphenated): named once."""
        return self.isbn_urn is not None and self.identifier.replace("-", "") == self.isbn_urn


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
    notes: tuple[Note, ...] = ()  # its own, called from its blocks as a chapter's are


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


# --- the one traversal ---------------------------------------------------------
#
# Every module that looks inside blocks goes through `walk` or the two maps, so
# that a new block kind, or a caption or cell that holds inlines, is met by all
# of them at once (two hand-written walks used to disagree on figure captions).

Node = Union[Block, Inline]


def walk(nodes: Iterable[Node]) -> Iterator[Node]:
    """Every block and inline in `nodes` and inside them, in reading order.

    Depth first, each node before what it holds: a paragraph, then its inlines;
    a quote or list item's blocks; a figure's or table's caption, then the
    table's cells row by row; a definition's term, then its definitions. Notes
    are not inside blocks: walk `note.blocks` for them.
    """
    stack: list[Iterator[Node]] = [iter(nodes)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        yield node
        inner = _inside(node)
        if inner:
            stack.append(iter(inner))


def _inside(node: Node) -> tuple[Node, ...]:
    """What a node holds, in reading order (its blocks and inlines, flattened)."""
    if isinstance(node, (Text, NoteRef, LineBreak, Separator, Preformatted)):
        return ()
    if isinstance(node, (Emphasis, Strong, SmallCaps, Link)):
        return node.children
    if isinstance(node, (Paragraph, Heading, Dateline, Signature, Speech)):
        return node.content
    if isinstance(node, Quote):
        return node.blocks
    if isinstance(node, ListBlock):
        return tuple(b for item in node.items for b in item)
    if isinstance(node, Figure):
        return node.caption
    if isinstance(node, Table):
        return node.caption + tuple(i for row in node.rows for cell in row for i in cell.content)
    if isinstance(node, DefinitionList):
        return tuple(n for d in node.items
                     for n in (*d.term, *(b for defn in d.definitions for b in defn)))
    raise TypeError(f"not a block or an inline: {node!r}")


def map_inlines(blocks: Iterable[Block], fn: Callable[[Inline], Inline]) -> tuple[Block, ...]:
    """The blocks with `fn` applied to every inline, wherever it is (captions,
    cells, terms, nested blocks); an inline's children are mapped before it.
    Nodes nothing changed in are kept as they are, not copied."""
    def inline(node: Inline) -> Inline:
        if isinstance(node, (Emphasis, Strong, SmallCaps, Link)):
            children = inlines(node.children)
            if not _same(children, node.children):
                node = replace(node, children=children)
        return fn(node)

    def inlines(nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
        return tuple(inline(n) for n in nodes)

    def block(b: Block) -> Block:
        return _map_parts(b, inlines, lambda bs: tuple(block(x) for x in bs))

    return tuple(block(b) for b in blocks)


def map_blocks(blocks: Iterable[Block], fn: Callable[[Block], Block]) -> tuple[Block, ...]:
    """The blocks with `fn` applied to every block, nested ones included (inside
    quotes, list items and definitions), the inner before the outer."""
    def block(b: Block) -> Block:
        return fn(_map_parts(b, lambda i: i, lambda bs: tuple(block(x) for x in bs)))

    return tuple(block(b) for b in blocks)


def _map_parts(b: Block, inlines: Callable[[tuple[Inline, ...]], tuple[Inline, ...]],
               blocks: Callable[[tuple[Block, ...]], tuple[Block, ...]]) -> Block:
    """`b` rebuilt with its inline runs passed through `inlines` and its block
    runs through `blocks`; `b` itself when nothing changed."""
    if isinstance(b, (Paragraph, Heading, Dateline, Signature, Speech)):
        content = inlines(b.content)
        return b if _same(content, b.content) else replace(b, content=content)
    if isinstance(b, Quote):
        inner = blocks(b.blocks)
        return b if _same(inner, b.blocks) else replace(b, blocks=inner)
    if isinstance(b, ListBlock):
        items = tuple(blocks(item) for item in b.items)
        return b if _same(items, b.items) else replace(b, items=items)
    if isinstance(b, Figure):
        caption = inlines(b.caption)
        return b if _same(caption, b.caption) else replace(b, caption=caption)
    if isinstance(b, Table):
        caption = inlines(b.caption)
        rows = tuple(tuple(_cell(c, inlines(c.content)) for c in row) for row in b.rows)
        if _same(caption, b.caption) and _same(rows, b.rows):
            return b
        return replace(b, rows=rows, caption=caption)
    if isinstance(b, DefinitionList):
        terms = tuple(_definition(d, inlines(d.term), tuple(blocks(x) for x in d.definitions))
                      for d in b.items)
        return b if _same(terms, b.items) else replace(b, items=terms)
    if isinstance(b, (Separator, Preformatted)):
        return b
    raise TypeError(f"not a block: {b!r}")


def _cell(cell: Cell, content: tuple[Inline, ...]) -> Cell:
    return cell if _same(content, cell.content) else replace(cell, content=content)


def _definition(d: Definition, term: tuple[Inline, ...],
                definitions: tuple[tuple[Block, ...], ...]) -> Definition:
    if _same(term, d.term) and _same(definitions, d.definitions):
        return d
    return replace(d, term=term, definitions=definitions)


def _same(new: object, old: object) -> bool:
    """The same objects in the same places, tuples looked into (mapping keeps what
    it did not change, so identity says "unchanged" without comparing subtrees)."""
    if isinstance(new, tuple) and isinstance(old, tuple):
        return len(new) == len(old) and all(_same(a, b) for a, b in zip(new, old))
    return new is old
