"""Chapter views: a chapter rendered (`render.blocks`) into what templates show:
its body, its notes with their backlinks, its sections and its authors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup

from ..model import Book, Chapter, Paragraph
from ..typography import smarten
from .blocks import BlockRenderer, ImageResolver, NotePieces, SectionView, whole_note
from .environment import names

__all__ = ["ChapterView", "NoteView", "SectionView", "chapter_view", "chapter_views",
           "chapter_level", "short_title"]


@dataclass
class NoteView:
    id: str
    label: str
    html: Markup
    backrefs: list[str] = field(default_factory=list)


@dataclass
class ChapterView:
    chapter: Chapter
    id: str
    title: str
    body: Markup
    notes: list[NoteView]
    sections: list[SectionView]
    authors: str
    file: str = ""
    opens_part: bool = False  # the first chapter of its part: the part page precedes it
    images: list[str] = field(default_factory=list)  # the alt text of each image it shows
    # the column or magazine names a page sets above its title (the readers'
    # "kicker" paragraphs that open its blocks), shown above the title
    kickers: list[Markup] = field(default_factory=list)

    @property
    def short_title(self) -> str:
        """The running heads' title: the spec's `short_title`, else the title cut at a word."""
        return self.chapter.article.short_title or short_title(self.title)


def short_title(title: str, limit: int = 48) -> str:
    """A running-head form of a title: whole when short, else cut at a word, with '…'."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    for mark in (":", " – ", " — ", "; "):  # a natural break inside the limit wins
        head = title.split(mark)[0]
        if 12 <= len(head) <= limit:
            return head.rstrip(" ,;:")
    cut = title[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def chapter_level(book: Book, *, own_document: bool) -> int:
    """The heading level of a chapter's title, so that the book's headings nest
    without gaps: in a document of its own (an EPUB's chapter) h1, or h2 in a
    book with parts (its part's title is h1); in the whole book as one document
    (the PDF, the HTML edition) one level lower, under the book's title. Its
    sections follow from there (`chapter_view`'s `hbase`)."""
    return (1 if own_document else 2) + (1 if book.parts else 0)


def chapter_view(chapter: Chapter, *, notes: str = "link", hbase: int = 1,
                 file: str = "", notes_file: str = "",
                 images: ImageResolver | None = None,
                 note_pieces: NotePieces = whole_note) -> ChapterView:
    """Render one chapter's body and notes to HTML fragments.

    `hbase` is the level of the chapter's title (`chapter_level`): its headings
    are renumbered from there, its top level at `hbase + 1`.

    `notes_file` is the document holding the notes when they are not in the
    chapter's own (EPUB book-end notes); backlinks then name the chapter's file.
    `note_pieces` cuts a long footnote ("footnote" notes) into pieces.
    """
    r = BlockRenderer(chapter, notes, hbase, notes_file, images, note_pieces)
    blocks = chapter.article.blocks
    kickers: list[Markup] = []
    for block in blocks:
        if not (isinstance(block, Paragraph) and block.role == "kicker"):
            break
        kickers.append(Markup(smarten(r.inlines(block.content))))
    body = r.blocks(blocks[len(kickers):])
    note_views: list[NoteView] = []
    if notes == "link":
        r.open = [0]  # a heading in a note lies under the notes' own title
        for note in chapter.article.notes:
            html = r.blocks(note.blocks)
            back = [f"{file if notes_file else ''}#{c}" for c in r.calls.get(note.id, [])]
            note_views.append(NoteView(r.note_id(note), note.label, Markup(html), back))
    return ChapterView(chapter=chapter, id=chapter.id, title=chapter.article.title,
                       body=Markup(body), notes=note_views, sections=r.sections,
                       authors=names(chapter.authors), file=file, images=r.alts,
                       kickers=kickers)


def chapter_views(book: Book, *, notes: str, hbase: int,
                  file_of: Callable[[Chapter], str] | None = None,
                  notes_file: str = "", images: ImageResolver | None = None,
                  note_pieces: NotePieces = whole_note) -> list[ChapterView]:
    """Every chapter's view, each told whether it opens its part."""
    views = [chapter_view(ch, notes=notes, hbase=hbase, file=file_of(ch) if file_of else "",
                          notes_file=notes_file, images=images, note_pieces=note_pieces)
             for ch in book.chapters]
    previous = None
    for view in views:
        part = view.chapter.part
        view.opens_part = part is not None and part != previous
        previous = part
    return views
