"""The writer-neutral book context: what every template may use, the nested
contents (`toc_tree`) and the views of the editor's front matter.

What is particular to one writer (the PDF's layout in pieces, the EPUB's
cover) the writer adds to this context itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..assembly import UNKNOWN_TIMESTAMP
from ..dates import book_date
from ..model import Article, Book, Chapter, FrontMatter
from ..people import contributors, credit_lines, document_authors
from ..theme import Theme
from .blocks import NotePieces, whole_note
from .environment import names
from .views import ChapterView, chapter_level, chapter_view

__all__ = ["book_context", "TocEntry", "toc_tree", "contents_depth", "TOC_DEPTHS", "front_view",
           "transcribers"]


def book_context(book: Book, theme: Theme, chapters: Sequence[ChapterView],
                 toc: Sequence[TocEntry], front: Sequence[ChapterView] = (),
                 **extra: object) -> dict[str, object]:
    """What every template may use, whichever the writer; `extra` adds the writer's own.

    A writer's own names (the PDF's segments and pieces, see writers/pdf/context)
    are not here: a template shared by writers tests them with `is defined` or
    `default`, so the EPUB and HTML contexts carry no print vocabulary."""
    md = book.metadata
    # The build's own day, unless it is the stand-in for "unknown" (no date, no epoch).
    made = md.modified[:10] if md.modified and md.modified != UNKNOWN_TIMESTAMP else None
    ctx: dict[str, object] = {
        "book": book,
        "meta": md,
        # the level of a chapter's title in the whole book as one document (book.html.j2)
        "chapter_h": chapter_level(book, own_document=False),
        # titles more than one chapter has: what names a chapter's landmarks needs more
        "shared_titles": _shared_titles(chapters),
        "authors": names(md.authors),
        "lang": md.language,
        # Dates as the book's language writes them; "" when the book has none.
        "edition_date": book_date(md.date or made, md.language),
        "made_date": book_date(made, md.language),
        "parts": book.parts,
        "chapters": chapters,
        "front": front,
        "toc": toc,
        "transcribed": transcribers(book),
        "credited": credit_lines(book),            # the colophon's "Transcribed by …" lines
        "document_authors": document_authors(book),  # a document's Author metadata
        "family": theme.family,
        "show_credits": True,
        "notes_here": True,
    }
    ctx.update(extra)
    return ctx


def _shared_titles(chapters: Sequence[ChapterView]) -> frozenset[str]:
    seen: set[str] = set()
    shared: set[str] = set()
    for view in chapters:
        (shared if view.title in seen else seen).add(view.title)
    return frozenset(shared)


@dataclass
class TocEntry:
    title: str
    href: str
    kind: str                      # "part", "chapter", "section", "front", "back"
    children: list["TocEntry"] = field(default_factory=list)
    page: str = ""                 # the folio, when the writer knows it before layout

    def walk(self) -> "Iterable[TocEntry]":
        yield self
        for child in self.children:
            yield from child.walk()


TOC_DEPTHS = (1, 2)  # 1: parts and chapters; 2: and the chapters' sections


def contents_depth(book: Book, depth: int | None = None) -> int:
    """How deep the contents go: `depth` ([options] toc_depth) when given; else
    chapters only for an anthology (articles by several hands, or a book that
    has editors and no author), whose sections would fill pages of contents,
    and chapters and their sections for a book of one author's."""
    if depth is not None:
        return depth
    hands = {tuple(p.name for p in ch.authors) for ch in book.chapters}
    anthology = len(hands) > 1 or (bool(book.metadata.editors) and not book.metadata.authors)
    return 1 if anthology else 2


def toc_tree(book: Book, views: Sequence[ChapterView],
             part_file: Callable[[int], str] = lambda i: "",
             fronts: Sequence[ChapterView] = (),
             back: Sequence[tuple[str, str]] = (), *, depth: int = 2) -> list[TocEntry]:
    """The nested contents: a preface, parts (when the book has them) → articles →
    sections (at `depth` 2, see `contents_depth`), then the back matter given as
    (title, href)."""
    entries: list[TocEntry] = [TocEntry(f.title, f"{f.file}#{f.id}", "front")
                               for f in fronts if f.id == "preface"]
    current: int | None = None
    for view in views:
        chapter_entry = TocEntry(view.title, f"{view.file}#{view.id}", "chapter",
                                 [TocEntry(s.title, f"{view.file}#{s.id}", "section")
                                  for s in view.sections] if depth >= 2 else [])
        part = view.chapter.part
        if part is not None and book.parts:
            if part != current:
                entries.append(TocEntry(book.parts[part].title,
                                        f"{part_file(part)}#part-{part + 1}", "part"))
                current = part
            entries[-1].children.append(chapter_entry)
        else:
            entries.append(chapter_entry)
    entries += [TocEntry(title, href, "back") for title, href in back]
    return entries


def front_view(item: FrontMatter, *, notes: str = "link", hbase: int = 1, file: str = "",
               note_pieces: NotePieces = whole_note) -> ChapterView:
    """Render a preface, dedication or epigraph like a chapter: its notes as the
    writer places a chapter's (`notes`: "link", a list after the text; or
    "footnote", at the foot of the page)."""
    pseudo = Chapter(id=item.kind, number=0, authors=(),
                     article=Article(title=item.title, blocks=item.blocks, notes=item.notes))
    return chapter_view(pseudo, notes=notes, hbase=hbase, file=file, note_pieces=note_pieces)


def transcribers(book: Book) -> list[str]:
    """Everyone who transcribed an article, once each, names only (see `people`)."""
    return [c.name for c in contributors(book) if "trc" in c.credited]
