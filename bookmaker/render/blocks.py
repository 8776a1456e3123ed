"""The block renderer: the book model's blocks and inlines as HTML fragments.

Every writer renders through here, so the EPUB, the HTML edition and the PDF
share one markup. Writers differ only in how notes are placed (`notes`):
"link" puts them in a list with links both ways; "footnote" puts each note at
its call, for WeasyPrint's `float: footnote`, cut into pieces by the writer's
`note_pieces` (how long a piece may be depends on the page: the PDF writer's).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape as html_escape

from markupsafe import escape

from ..addresses import resolve_link
from ..model import (Block, Cell, Chapter, Dateline, DefinitionList, Emphasis, Figure, Heading,
                     Inline, LineBreak, Link, ListBlock, Note, NoteRef, Paragraph, Preformatted,
                     Quote, Separator, Signature, SmallCaps, Speech, Strong, Table, Text,
                     blocks_text, plain_text)
from ..note_refs import NOTE_LINK
from ..typography import smarten, tie

__all__ = ["BlockRenderer", "SectionView", "ImageResolver", "NotePieces", "whole_note"]


# (src as the source wrote it, the chapter) -> the href to use, or None to leave it out
ImageResolver = Callable[[str, Chapter], "str | None"]
# plain note text -> the pieces a footnote floats in (a long note runs on to the next page)
NotePieces = Callable[[str], "list[str]"]


def whole_note(text: str) -> list[str]:
    """A footnote in one piece (the renderer's default `note_pieces`)."""
    return [text]


@dataclass
class SectionView:
    id: str
    title: str
    level: int  # its depth below the chapter's title: 1 directly under it, 2 under a section…


# The addresses a link may have in a book; a reader's others are shown as text.
_LINKABLE = re.compile(r"(?i)(?:https?|mailto|ftp):\S")
# Between two note calls side by side ("[6][7]", or "[6] [7]"), so they never read
# as one call "67". Its look is the theme's: a superscript comma by default
# (`.noteref-sep` in common.css); a theme may hide it and space the calls instead.
_CALL_SEPARATOR = '<span class="noteref-sep">,</span>'


class BlockRenderer:
    """Renders one chapter's blocks, collecting its sections and note calls."""

    def __init__(self, chapter: Chapter, notes_mode: str, hbase: int, notes_file: str = "",
                 images: ImageResolver | None = None,
                 note_pieces: NotePieces = whole_note) -> None:
        self.cid = chapter.id
        self.chapter = chapter
        self.base = chapter.article.attribution.url  # what relative links are resolved against
        self.notes_file = notes_file
        self.images = images
        self.notes = {n.id: n for n in chapter.article.notes}
        self.mode = notes_mode
        self.hbase = hbase
        self.note_pieces = note_pieces
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
            elif isinstance(node, NoteRef) and out and not out[-1].endswith(">"):
                out[-1] = out[-1].rstrip()  # a call sits against its word ("York.³ In")
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
        footnote, so a long one is cut (by `note_pieces`) into pieces that float
        from the same call: what does not fit runs on to the next page."""
        pieces: list[str] = []
        for b in note.blocks:
            html = smarten(self.note_inlines(b))
            pieces += self.note_pieces(html) if "<" not in html else [html]
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
            # a scene break: <hr> is a separator to assistive technology; the source's
            # mark ("* * *") is drawn by the theme from data-mark
            return f'<hr class="separator" data-mark="{escape(b.text)}" />'
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
            terms = [f"<dt>{self.inlines(d.term)}</dt>"
                     + "".join(f"\n<dd>{self.list_item(x)}</dd>" for x in d.definitions)
                     for d in b.items]
            return '<dl class="definitions">\n' + "\n".join(terms) + "\n</dl>"
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
        figures = _figure_columns(t.rows[head:])
        for index, row in enumerate(t.rows):
            if index == 0 and head:
                out.append("<thead>")
            if index == head:
                out.append("<tbody>")
            scope = "col" if _heads_columns(row) else "row"
            out.append("<tr>" + "".join(self.cell(c, scope, i in figures)
                                        for i, c in enumerate(row)) + "</tr>")
            if index == head - 1:
                out.append("</thead>")
        out.append("</tbody></table></div>")
        return "\n".join(out)

    def cell(self, cell: Cell, scope: str, figures: bool = False) -> str:
        spans = "".join(f' {name}="{n}"' for name, n in (("colspan", cell.colspan),
                                                        ("rowspan", cell.rowspan)) if n > 1)
        tag, scoped = ("th", f' scope="{scope}"') if cell.header else ("td", "")
        align = (f' class="align-{cell.align}"' if cell.align in _ALIGNS
                 else ' class="figures"' if figures else "")
        return f"<{tag}{scoped}{spans}{align}>{self.inlines(cell.content)}</{tag}>"

    def list_item(self, item: Sequence[Block]) -> str:
        # A one-paragraph item renders without a <p>, as lists usually do.
        if len(item) == 1 and isinstance(item[0], Paragraph):
            return self.inlines(item[0].content)
        return self.blocks(item)


_ALIGNS = ("left", "right", "center")  # a cell's alignment, as a class the theme styles
# A cell that is a figure: "1,234", "12.5%", "£40", "-3", "1914–1918", "n/a" is not.
_FIGURE = re.compile(r"[-+−–]?[£$€]?\d[\d,. \u00a0\u2009]*(?:[%‰]|[-–]\d[\d,.]*)?")


def _figure_columns(rows: Sequence[Sequence[Cell]]) -> set[int]:
    """The columns of a table's body whose cells with text are all figures (set
    right-aligned, in figures of one width, by the theme's `.figures`): only in
    a table without spans, where a cell's place is its column."""
    if any(c.colspan > 1 or c.rowspan > 1 for row in rows for c in row):
        return set()
    columns: dict[int, bool] = {}
    for row in rows:
        for i, c in enumerate(row):
            if c.header:
                continue
            text = plain_text(c.content).strip()
            if text:
                columns[i] = columns.get(i, True) and bool(_FIGURE.fullmatch(text))
    return {i for i, figure in columns.items() if figure}


def _heads_columns(row: Sequence[Cell]) -> bool:
    filled = [c for c in row if c.content]
    return bool(filled) and all(c.header for c in filled)
