"""EPUB 3 (with an EPUB 2 NCX) through ebooklib, accessible and byte-for-byte reproducible."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from ebooklib import epub
from markupsafe import Markup

from ..cover import make_cover
from ..model import Book, Chapter
from ..resources import LocalResources
from ..render import (TocEntry, book_context, chapter_views, front_view, make_environment,
                      toc_tree, transcribers)
from ..theme import load_theme
from . import WriteOptions

__all__ = ["EpubWriter", "ACCESSIBILITY"]

_XHTML = "application/xhtml+xml"
_STAMP = "%Y-%m-%dT%H:%M:%SZ"

# EPUB Accessibility 1.1 metadata: what is true of every book this writer makes.
ACCESSIBILITY: list[tuple[str, str]] = [
    ("schema:accessMode", "textual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityHazard", "none"),
    ("schema:accessibilitySummary",
     "This publication conforms to WCAG 2.1 Level AA. Its text can be read aloud and restyled, "
     "its headings nest without gaps, the reading order follows the sources, notes link to "
     "their calls and back, and the cover image has a text alternative."),
    ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
]


def _item(uid: str, file_name: str, content: bytes | str, media_type: str,
          properties: list[str] | None = None) -> epub.EpubItem:
    item = epub.EpubItem(uid=uid, file_name=file_name, media_type=media_type,
                         content=content.encode("utf-8") if isinstance(content, str) else content)
    item.properties = properties or []
    return item


def _normalise_zip(data: bytes, when: str) -> bytes:
    """Rewrite the zip with fixed timestamps and attributes, mimetype first and stored."""
    stamp = datetime.strptime(when, _STAMP)
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute,
                 stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        names_ = src.namelist()
        names_.sort(key=lambda n: (n != "mimetype", n != "META-INF/container.xml"))
        for name in names_:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(name), compresslevel=9)
    return out.getvalue()


def _ncx(entries: list[TocEntry]) -> list[object]:
    out: list[object] = []
    for e in entries:
        uid = e.href.split("#")[-1]
        if e.children:
            out.append((epub.Section(e.title, e.href), _ncx(e.children)))
        else:
            out.append(epub.Link(e.href, e.title, uid))
    return out


def _metadata(eb: epub.EpubBook, book: Book) -> None:
    md = book.metadata
    eb.set_identifier(md.identifier)
    eb.set_title(md.title)
    if md.subtitle:
        eb.add_metadata("DC", "title", md.subtitle, {"id": "subtitle"})
        eb.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    eb.set_language(md.language)
    for role, people in (("aut", md.authors), ("edt", md.editors), ("trl", md.translators)):
        for i, person in enumerate(people):
            eb.add_author(person.name, role=role, uid=f"{role}{i}")
    for i, name in enumerate(transcribers(book)):
        eb.add_metadata("DC", "contributor", name, {"id": f"trc{i}"})
        eb.add_metadata(None, "meta", "trc", {"refines": f"#trc{i}", "property": "role",
                                              "scheme": "marc:relators"})
    if md.publisher:
        eb.add_metadata("DC", "publisher", md.publisher)
    if md.date:
        eb.add_metadata("DC", "date", md.date)
    if md.description:
        eb.add_metadata("DC", "description", md.description)
    for subject in md.subjects:
        eb.add_metadata("DC", "subject", subject)
    if md.series:
        eb.add_metadata(None, "meta", md.series, {"property": "belongs-to-collection", "id": "series"})
        eb.add_metadata(None, "meta", "series", {"refines": "#series", "property": "collection-type"})
    rights = md.licence.name if md.licence else None
    licences = sorted({ch.article.attribution.licence.name for ch in book.chapters
                       if ch.article.attribution.licence})
    if rights or licences:
        text = (f"The editor’s material: {rights}. " if rights else "") + \
            (f"The articles: {'; '.join(licences)}." if licences else "")
        eb.add_metadata("DC", "rights", text.strip())
    seen: set[str] = set()
    for ch in book.chapters:
        att = ch.article.attribution
        source = att.source or att.origin
        if source and source not in seen:
            seen.add(source)
            eb.add_metadata("DC", "source", source)
    for prop, value in ACCESSIBILITY:
        eb.add_metadata(None, "meta", value, {"property": prop})


class _Writer(epub.EpubWriter):
    """ebooklib's writer, with xml:lang on <package>: ebooklib writes only
    <dc:language>, and the package's own language is what DAISY Ace checks."""

    def _write_opf_file(self, root):  # type: ignore[no-untyped-def]
        if self.book.language:
            root.set(f"{{{epub.NAMESPACES['XML']}}}lang", self.book.language)
        super()._write_opf_file(root)


class EpubWriter:
    name = "epub"
    suffix = ".epub"

    def write(self, book: Book, target: Path, options: WriteOptions) -> None:
        Path(target).write_bytes(self.render(book, options))

    def render(self, book: Book, options: WriteOptions) -> bytes:
        theme = load_theme(options.theme)
        env = make_environment(theme, [options.templates] if options.templates else [])
        md = book.metadata
        eb = epub.EpubBook()
        _metadata(eb, book)

        css = theme.css("common.css") + "\n" + theme.css("epub.css")
        eb.add_item(_item("css", "css/book.css", css, "text/css"))
        for font in theme.font_files(css):
            kind = font.suffix.lower().lstrip(".")
            eb.add_item(_item(f"font-{font.stem}", f"css/fonts/{font.name}", font.read_bytes(),
                              f"font/{kind}"))
        if theme.font_licence:
            eb.add_item(_item("font-licence", "css/fonts/LICENSE.txt",
                              theme.font_licence.read_bytes(), "text/plain"))
        cover_image = _item("cover-image", "images/cover.png", make_cover(md, theme), "image/png",
                            ["cover-image"])
        eb.add_item(cover_image)
        eb.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})  # EPUB 2 readers

        book_notes = options.notes == "book" and any(ch.article.notes for ch in book.chapters)
        notes_file = "endnotes.xhtml" if book_notes else ""

        def file_of(ch: Chapter) -> str:
            return f"{ch.id}.xhtml"

        def part_file(index: int) -> str:
            return f"part{index + 1:02d}.xhtml"

        resources = LocalResources(options.base_dir)
        images: dict[str, epub.EpubItem] = {}

        def image(src: str, chapter: Chapter) -> str | None:
            found = resources.find(src, chapter)
            if found is None:
                return None
            name, data, kind = LocalResources.epub_name(found)
            if name not in images:
                images[name] = _item(f"img-{len(images) + 1}", name, data, kind)
                eb.add_item(images[name])
            return name

        views = chapter_views(book, notes="link", hbase=1, file_of=file_of, notes_file=notes_file,
                              images=image)
        resources.warn()
        fronts = [front_view(fm, hbase=1, file=f"{fm.kind}.xhtml") for fm in book.front_matter]
        back = [("Notes", "endnotes.xhtml#endnotes")] if book_notes else []
        toc = toc_tree(book, views, part_file, fronts,
                       back + [("Sources and Credits", "credits.xhtml#credits")])
        ctx = book_context(book, theme, views, toc, fronts, cover_src="images/cover.png",
                           notes_here=not book_notes)
        doc = env.get_template("document.xhtml.j2")

        def page(uid: str, file_name: str, title: str, partial: str, body_type: str,
                 properties: list[str] | None = None, **extra: object) -> epub.EpubItem:
            content = env.get_template(partial).render(ctx, h=1, **extra)
            html = doc.render(ctx, title=title, content=Markup(content), body_type=body_type,
                              stylesheets=["css/book.css"])
            item = _item(uid, file_name, html, _XHTML, properties)
            eb.add_item(item)
            return item

        spine = [page("cover", "cover.xhtml", "Cover", "_cover.j2", "frontmatter"),
                 page("titlepage", "titlepage.xhtml", md.title, "_titlepage.j2", "frontmatter"),
                 page("imprint", "imprint.xhtml", "Imprint", "_imprint.j2", "frontmatter")]
        for fv in fronts:
            if fv.id != "preface":
                spine.append(page(fv.id, fv.file, fv.title, "_front.j2", "frontmatter", fm=fv))
        first_chapter = "halftitle.xhtml" if views else "nav.xhtml"
        landmarks = [
            {"type": "cover", "href": "cover.xhtml", "title": "Cover"},
            {"type": "toc", "href": "nav.xhtml#toc", "title": "Table of Contents"},
            {"type": "bodymatter", "href": first_chapter, "title": "Start of Content"},
        ]
        notes_target = ("endnotes.xhtml#endnotes" if book_notes else
                        next((f"{v.file}#{v.id}-notes" for v in views if v.notes), None))
        if notes_target:
            landmarks.append({"type": "endnotes", "href": notes_target, "title": "Notes"})
        spine.append(page("nav", "nav.xhtml", "Contents", "nav.xhtml.j2", "frontmatter", ["nav"],
                          landmarks=landmarks))
        for fv in fronts:
            if fv.id == "preface":
                spine.append(page(fv.id, fv.file, fv.title, "_front.j2", "frontmatter", fm=fv))
        if views:
            spine.append(page("halftitle", "halftitle.xhtml", md.title, "_halftitle.j2",
                              "bodymatter"))
        current_part = None
        for view in views:
            part = view.chapter.part
            if part is not None and book.parts and part != current_part:
                current_part = part
                spine.append(page(f"part{part + 1:02d}", part_file(part), book.parts[part].title,
                                  "_part.j2", "bodymatter", part_index=part,
                                  part=book.parts[part]))
            spine.append(page(view.id, view.file, view.title, "_chapter.j2", "bodymatter", ch=view))
        if book_notes:
            spine.append(page("endnotes", "endnotes.xhtml", "Notes", "_endnotes.j2", "backmatter"))
        spine.append(page("credits", "credits.xhtml", "Sources and Credits", "_credits.j2",
                          "backmatter"))
        spine.append(page("colophon", "colophon.xhtml", "Colophon", "_colophon.j2", "backmatter"))

        eb.add_item(epub.EpubNcx())
        eb.toc = _ncx(toc)
        eb.spine = spine
        raw = io.BytesIO()
        writer = _Writer(raw, eb, {"mtime": datetime.strptime(md.modified, _STAMP),
                                           "epub3_pages": False, "epub2_guide": False,
                                           "epub3_landmark": False, "raise_exceptions": True})
        writer.process()
        writer.write()
        writer.out.close()
        return _normalise_zip(raw.getvalue(), md.modified)
