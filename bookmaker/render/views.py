"""From the book model to HTML: one Jinja2 environment and one block renderer.

Every writer renders through here, so the EPUB, the HTML edition and the PDF
share one markup. Writers differ only in how notes are placed (`notes`):
"link" puts them in a list with links both ways; "footnote" puts each note at
its call, for WeasyPrint's `float: footnote`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
import re
from dataclasses import dataclass, field
from html import escape as html_escape
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from ..addresses import resolve_link
from ..model import (Article, Block, Book, Cell, Chapter, FrontMatter, Dateline, Emphasis, Figure, Heading, Inline,
                    LineBreak, Link, ListBlock, Note, NoteRef, Paragraph, Person,
                    Preformatted, Quote, Separator, Signature, SmallCaps, Speech, Strong,
                    Table, Text, DefinitionList, blocks_text, plain_text)
from ..note_refs import NOTE_LINK
from ..people import contributors, credit_lines, credits_of, document_authors
from ..theme import Theme
from ..typography import smarten, tie

__all__ = ["ChapterView", "NoteView", "SectionView", "chapter_view", "make_environment",
           "names", "book_context", "chapter_views", "short_title", "chapter_level",
           "TocEntry", "toc_tree", "front_view", "transcribers"]


# (src as the source wrote it, the chapter) -> the href to use, or None to leave it out
ImageResolver = Callable[[str, Chapter], "str | None"]


@dataclass
class NoteView:
    id: str
    label: str
    html: Markup
    backrefs: list[str] = field(default_factory=list)


@dataclass
class SectionView:
    id: str
    title: str
    level: int  # its depth below the chapter's title: 1 directly under it, 2 under a section…


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

    @property
    def short_title(self) -> str:
        return short_title(self.title)


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


def names(people: Iterable[Person]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = [p.name for p in people]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# The addresses a link may have in a book; a reader's others are shown as text.
_LINKABLE = re.compile(r"(?i)(?:https?|mailto|ftp):\S")
# Between two note calls side by side ("[6][7]", or "[6] [7]"), so they never read
# as one call "67". Its look is the theme's: a superscript comma by default
# (`.noteref-sep` in common.css); a theme may hide it and space the calls instead.
_CALL_SEPARATOR = '<span class="noteref-sep">,</span>'


class _Renderer:
    def __init__(self, chapter: Chapter, notes_mode: str, hbase: int, notes_file: str = "",
                 images: ImageResolver | None = None) -> None:
        self.cid = chapter.id
        self.chapter = chapter
        self.base = chapter.article.attribution.url  # what relative links are resolved against
        self.notes_file = notes_file
        self.images = images
        self.notes = {n.id: n for n in chapter.article.notes}
        self.mode = notes_mode
        self.hbase = hbase
        self.calls: dict[str, list[str]] = {}
        self.sections: list[SectionView] = []
        self.alts: list[str] = []  # of the images shown
        # the source levels of the headings open above the next one (see `depth`)
        self.open: list[int] = []

    def depth(self, level: int) -> int:
        """A heading's depth below the chapter's title, from its source level:
        the chapter's own top level is 1, whatever the source used (MIA pages
        put sections in h3 or h4), and no heading is more than one below the
        heading before it (a source's h1 then h3 gives 1 then 2)."""
        while self.open and self.open[-1] >= level:
            self.open.pop()
        self.open.append(level)
        return len(self.open)

    def note_id(self, note: Note) -> str:
        return f"{self.cid}-note-{note.label or note.id}"

    # inlines
    def inlines(self, nodes: Sequence[Inline]) -> str:
        out: list[str] = []
        call = -1  # where in `out` the last note call is, while only spaces follow it
        for node in nodes:
            if isinstance(node, NoteRef) and call >= 0:
                del out[call + 1:]  # the space between two calls gives way to the separator
                out.append(_CALL_SEPARATOR)
            out.append(self.inline(node))
            if isinstance(node, NoteRef):
                call = len(out) - 1
            elif not (isinstance(node, Text) and not node.text.strip()):
                call = -1
        return "".join(out)

    def inline(self, node: Inline) -> str:
        if isinstance(node, Text):
            # quotes stay unescaped in text so that smartypants can see them
            return html_escape(tie(node.text), quote=False)
        if isinstance(node, Emphasis):
            return f"<em>{self.inlines(node.children)}</em>"
        if isinstance(node, Strong):
            return f"<strong>{self.inlines(node.children)}</strong>"
        if isinstance(node, SmallCaps):
            return f'<span class="smallcaps">{self.inlines(node.children)}</span>'
        if isinstance(node, LineBreak):
            return "<br/>"
        if isinstance(node, Link):
            href: str | None = node.href
            if node.href.startswith(NOTE_LINK):  # "see note 16": a link to that note
                return self.note_link(node)
            if not _LINKABLE.match(node.href):
                # relative to its page: followed when the article's address is known,
                # else (or a data: URL, a file's path) nothing to follow
                href = resolve_link(node.href, self.base)
                if href is None:
                    return self.inlines(node.children)
            assert href is not None
            # External links are marked: print shows their address after the text.
            external = href.startswith(("http://", "https://"))
            bare = plain_text(node.children).strip() in (href, href.split("://", 1)[-1])
            cls = f' class="external{" bare" if bare else ""}"' if external else ""
            return f'<a href="{escape(href)}"{cls}>{self.inlines(node.children)}</a>'
        if isinstance(node, NoteRef):
            return self.noteref(node)
        raise TypeError(f"not an inline: {node!r}")

    def note_link(self, node: Link) -> str:
        """A note's number in a note's text ("see note 16"), linked to that note."""
        note = self.notes.get(node.href[len(NOTE_LINK):])
        if note is None:
            return self.inlines(node.children)
        return (f'<a class="note-xref" href="{self.notes_file}#{self.note_id(note)}">'
                f"{self.inlines(node.children)}</a>")

    def noteref(self, ref: NoteRef) -> str:
        note = self.notes.get(ref.note_id)
        if note is None:  # assembly reports dangling calls; keep the mark visible
            return str(escape(f"[{ref.label or ref.note_id}]"))
        target = self.note_id(note)
        calls = self.calls.setdefault(note.id, [])
        call_id = f"{self.cid}-ref-{note.label}" + (f"-{len(calls) + 1}" if calls else "")
        calls.append(call_id)
        label = escape(note.label)
        if self.mode == "footnote" and len(calls) == 1:
            return self.footnote(note, target, call_id, str(label))
        return (f'<a class="noteref" href="{self.notes_file}#{target}" id="{call_id}" epub:type="noteref" '
                f'role="doc-noteref">{label}</a>')

    def footnote(self, note: Note, target: str, call_id: str, label: str) -> str:
        """A note floated to the foot of the page. WeasyPrint never splits a
        footnote, so a long one is cut at sentence ends into pieces that float
        from the same call: what does not fit runs on to the next page."""
        pieces: list[str] = []
        for b in note.blocks:
            html = smarten(self.note_inlines(b))
            pieces += _split_long(html) if "<" not in html else [html]
        first, rest = pieces[0], pieces[1:]
        out = (f'<span class="footnote" id="{target}" data-call="{call_id}" '
               f'data-label="{label}">{first}</span>')
        for piece in rest:
            out += f'<span class="footnote footnote-more">{piece}</span>'
        return out

    def note_inlines(self, block: Block) -> str:
        if isinstance(block, (Paragraph, Dateline, Signature, Heading)):
            return self.inlines(block.content)
        if isinstance(block, Speech):
            return f"{escape(block.label)} {self.inlines(block.content)}"
        return str(escape(blocks_text(block)))

    # blocks
    def blocks(self, blocks: Sequence[Block]) -> str:
        return "\n".join(smarten(self.block(b)) for b in blocks)

    def block(self, b: Block) -> str:
        if isinstance(b, Paragraph):
            cls = f' class="{escape(b.role)}"' if b.role else ""
            return f"<p{cls}>{self.inlines(b.content)}</p>"
        if isinstance(b, Heading):
            depth = self.depth(b.level)
            level = min(6, self.hbase + depth)
            sid = f"{self.cid}-s{len(self.sections) + 1}"
            self.sections.append(SectionView(sid, plain_text(b.content), depth))
            return f'<h{level} id="{sid}">{self.inlines(b.content)}</h{level}>'
        if isinstance(b, Speech):
            return (f'<p class="speech"><span class="speaker">{escape(b.label)}</span> '
                    f"{self.inlines(b.content)}</p>")
        if isinstance(b, Dateline):
            return f'<p class="dateline">{self.inlines(b.content)}</p>'
        if isinstance(b, Signature):
            return f'<p class="signature">{self.inlines(b.content)}</p>'
        if isinstance(b, Quote):
            return f"<blockquote>\n{self.blocks(b.blocks)}\n</blockquote>"
        if isinstance(b, ListBlock):
            tag = "ol" if b.ordered else "ul"
            start = f' start="{b.start}"' if b.ordered and b.start != 1 else ""
            items = "\n".join(f"<li>{self.list_item(item)}</li>" for item in b.items)
            return f"<{tag}{start}>\n{items}\n</{tag}>"
        if isinstance(b, Separator):
            return f'<p class="separator" role="separator">{escape(b.text)}</p>'
        if isinstance(b, Preformatted):
            return f"<pre>{escape(b.text)}</pre>"
        if isinstance(b, Figure):
            caption = self.inlines(b.caption) if b.caption else ""
            href = self.images(b.src, self.chapter) if self.images else None
            if href is None:  # the file is not to be had: the alt text stands in for it
                alt = escape(b.alt or "an image")
                return (f'<figure class="figure missing-image"><p class="image-alt">[Image: {alt}]</p>'
                        + (f"<figcaption>{caption}</figcaption>" if caption else "") + "</figure>")
            caption_html = f"<figcaption>{caption}</figcaption>" if caption else ""
            self.alts.append(b.alt)
            return (f'<figure class="figure"><img src="{escape(href)}" alt="{escape(b.alt)}"/>'
                    f"{caption_html}</figure>")
        if isinstance(b, Table):
            return self.table(b)
        if isinstance(b, DefinitionList):
            items = [f"<dt>{self.inlines(d.term)}</dt>"
                     + "".join(f"\n<dd>{self.list_item(x)}</dd>" for x in d.definitions)
                     for d in b.items]
            return '<dl class="definitions">\n' + "\n".join(items) + "\n</dl>"
        raise TypeError(f"not a block: {b!r}")

    def table(self, t: Table) -> str:
        """A data table. Leading rows of header cells form the head; a header cell
        heads its column when its row's cells with text are all header cells, else
        its row. No widths: the reader's screen or the page decides."""
        head = 0
        while head < len(t.rows) - 1 and _heads_columns(t.rows[head]):
            head += 1
        out = ['<div class="table"><table>']
        if t.caption:
            out.append(f"<caption>{self.inlines(t.caption)}</caption>")
        for index, row in enumerate(t.rows):
            if index == 0 and head:
                out.append("<thead>")
            if index == head:
                out.append("<tbody>")
            scope = "col" if _heads_columns(row) else "row"
            out.append("<tr>" + "".join(self.cell(c, scope) for c in row) + "</tr>")
            if index == head - 1:
                out.append("</thead>")
        out.append("</tbody></table></div>")
        return "\n".join(out)

    def cell(self, cell: Cell, scope: str) -> str:
        spans = "".join(f' {name}="{n}"' for name, n in (("colspan", cell.colspan),
                                                        ("rowspan", cell.rowspan)) if n > 1)
        tag, scoped = ("th", f' scope="{scope}"') if cell.header else ("td", "")
        align = f' class="align-{cell.align}"' if cell.align in _ALIGNS else ""
        return f"<{tag}{scoped}{spans}{align}>{self.inlines(cell.content)}</{tag}>"

    def list_item(self, item: Sequence[Block]) -> str:
        # A one-paragraph item renders without a <p>, as lists usually do.
        if len(item) == 1 and isinstance(item[0], Paragraph):
            return self.inlines(item[0].content)
        return self.blocks(item)


_ALIGNS = ("left", "right", "center")  # a cell's alignment, as a class the theme styles


def _heads_columns(row: Sequence[Cell]) -> bool:
    filled = [c for c in row if c.content]
    return bool(filled) and all(c.header for c in filled)


_SENTENCE_END = re.compile(r"(?<=[.!?;:…])\s+(?=\S)")
_PIECE = 420  # characters: about six lines of a footnote on an A5 page


def _split_long(text: str, size: int = _PIECE) -> list[str]:
    """Cut plain note text into pieces of about `size` characters at sentence ends."""
    if len(text) <= size * 1.5:
        return [text]
    pieces: list[str] = []
    current = ""
    sentences: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > size * 1.5:  # no sentence end for a long way: cut at a space
            cut = sentence.rfind(" ", 0, size)
            cut = cut if cut > 0 else size
            sentences.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        sentences.append(sentence)
    for sentence in sentences:
        if current and len(current) + len(sentence) > size:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


def chapter_view(chapter: Chapter, *, notes: str = "link", hbase: int = 1,
                 file: str = "", notes_file: str = "",
                 images: ImageResolver | None = None) -> ChapterView:
    """Render one chapter's body and notes to HTML fragments.

    `hbase` is the level of the chapter's title (`chapter_level`): its headings
    are renumbered from there, its top level at `hbase + 1`.

    `notes_file` is the document holding the notes when they are not in the
    chapter's own (EPUB book-end notes); backlinks then name the chapter's file.
    """
    r = _Renderer(chapter, notes, hbase, notes_file, images)
    body = r.blocks(chapter.article.blocks)
    note_views: list[NoteView] = []
    if notes == "link":
        r.open = [0]  # a heading in a note lies under the notes' own title
        for note in chapter.article.notes:
            html = r.blocks(note.blocks)
            back = [f"{file if notes_file else ''}#{c}" for c in r.calls.get(note.id, [])]
            note_views.append(NoteView(r.note_id(note), note.label, Markup(html), back))
    return ChapterView(chapter=chapter, id=chapter.id, title=chapter.article.title,
                       body=Markup(body), notes=note_views, sections=r.sections,
                       authors=names(chapter.authors), file=file, images=r.alts)


def make_environment(theme: Theme, extra: Sequence[Path] = ()) -> Environment:
    """The one Jinja2 environment: the book's own templates first, then the theme's."""
    loaders = [FileSystemLoader(str(p)) for p in extra]
    loaders.append(FileSystemLoader(str(theme.templates)))
    env = Environment(loader=ChoiceLoader(loaders), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["names"] = names
    env.filters["credits"] = credits_of  # an attribution's credits, read into people
    return env


def book_context(book: Book, theme: Theme, chapters: Sequence[ChapterView],
                 toc: Sequence[TocEntry], front: Sequence[ChapterView] = (),
                 **extra: object) -> dict[str, object]:
    """What every template may use."""
    md = book.metadata
    ctx: dict[str, object] = {
        "book": book,
        "meta": md,
        # the level of a chapter's title in the whole book as one document (book.html.j2)
        "chapter_h": chapter_level(book, own_document=False),
        # titles more than one chapter has: what names a chapter's landmarks needs more
        "shared_titles": _shared_titles(chapters),
        "authors": names(md.authors),
        "lang": md.language,
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
        # Print books laid out in parts (see writers/pdf_book): which segment
        # ("front-head", "front-toc", "body", "back"), and which piece of the
        # contents or credits; and where the single layout breaks them.
        "segment": None,
        "toc_targets": (),
        "toc_continued": False,
        "toc_breaks": (),
        "credit_chapters": None,
        "credits_continued": False,
        "credit_breaks": (),
        "imprint_chapters": None,
        "imprint_continued": False,
        "imprint_breaks": (),
        "front_rest": True,    # the front matter after the imprint (dedication, epigraph)
        "colophon": True,
    }
    ctx.update(extra)
    return ctx


def _shared_titles(chapters: Sequence[ChapterView]) -> frozenset[str]:
    seen: set[str] = set()
    shared: set[str] = set()
    for view in chapters:
        (shared if view.title in seen else seen).add(view.title)
    return frozenset(shared)


def chapter_views(book: Book, *, notes: str, hbase: int,
                  file_of: Callable[[Chapter], str] | None = None,
                  notes_file: str = "", images: ImageResolver | None = None) -> list[ChapterView]:
    views = [chapter_view(ch, notes=notes, hbase=hbase, file=file_of(ch) if file_of else "",
                          notes_file=notes_file, images=images)
             for ch in book.chapters]
    previous = None
    for view in views:
        part = view.chapter.part
        view.opens_part = part is not None and part != previous
        previous = part
    return views


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


def toc_tree(book: Book, views: Sequence[ChapterView],
             part_file: Callable[[int], str] = lambda i: "",
             fronts: Sequence[ChapterView] = (),
             back: Sequence[tuple[str, str]] = ()) -> list[TocEntry]:
    """The nested contents: a preface, parts (when the book has them) → articles →
    sections, then the back matter given as (title, href)."""
    entries: list[TocEntry] = [TocEntry(f.title, f"{f.file}#{f.id}", "front")
                               for f in fronts if f.id == "preface"]
    current: int | None = None
    for view in views:
        chapter_entry = TocEntry(view.title, f"{view.file}#{view.id}", "chapter",
                                 [TocEntry(s.title, f"{view.file}#{s.id}", "section")
                                  for s in view.sections])
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


def front_view(item: FrontMatter, *, hbase: int = 1, file: str = "") -> ChapterView:
    """Render a preface, dedication or epigraph like a chapter without notes."""
    pseudo = Chapter(id=item.kind, number=0, article=Article(title=item.title, blocks=item.blocks),
                     authors=())
    return chapter_view(pseudo, notes="footnote", hbase=hbase, file=file)


def transcribers(book: Book) -> list[str]:
    """Everyone who transcribed an article, once each, names only (see `people`)."""
    return [c.name for c in contributors(book) if "trc" in c.credited]
