"""EPUB 3 (with an EPUB 2 NCX) through ebooklib, byte-for-byte reproducible."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from ebooklib import epub
from markupsafe import Markup

from ..model import Book, Chapter
from ..render import book_context, chapter_views, make_environment
from ..theme import load_theme
from . import WriteOptions

__all__ = ["EpubWriter"]

_XHTML = "application/xhtml+xml"


def _item(uid: str, file_name: str, content: bytes | str, media_type: str,
          properties: list[str] | None = None) -> epub.EpubItem:
    item = epub.EpubItem(uid=uid, file_name=file_name, media_type=media_type,
                         content=content.encode("utf-8") if isinstance(content, str) else content)
    item.properties = properties or []
    return item


def _normalise_zip(data: bytes, when: str) -> bytes:
    """Rewrite the zip with fixed timestamps and attributes, mimetype first and stored."""
    stamp = datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ")
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute,
                 stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        names = src.namelist()
        names.sort(key=lambda n: (n != "mimetype", n != "META-INF/container.xml"))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(name), compresslevel=9)
    return out.getvalue()


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
        eb.set_identifier(md.identifier)
        eb.set_title(md.title if not md.subtitle else f"{md.title}: {md.subtitle}")
        eb.set_language(md.language)
        for i, person in enumerate(md.authors):
            eb.add_author(person.name, uid=f"author{i}")
        for i, person in enumerate(md.editors):
            eb.add_author(person.name, role="edt", uid=f"editor{i}")
        for i, person in enumerate(md.translators):
            eb.add_author(person.name, role="trl", uid=f"translator{i}")
        if md.publisher:
            eb.add_metadata("DC", "publisher", md.publisher)
        if md.description:
            eb.add_metadata("DC", "description", md.description)
        for subject in md.subjects:
            eb.add_metadata("DC", "subject", subject)
        if md.date:
            eb.add_metadata("DC", "date", md.date)
        if md.licence:
            eb.add_metadata("DC", "rights", md.licence.name)
        for ch in book.chapters:
            origin = ch.article.attribution.source or ch.article.attribution.origin
            if origin:
                eb.add_metadata("DC", "source", origin)

        css = theme.css("common.css") + "\n" + theme.css("epub.css")
        eb.add_item(_item("css", "css/book.css", css, "text/css"))
        for font in theme.font_files(css):
            suffix = font.suffix.lower().lstrip(".")
            eb.add_item(_item(f"font-{font.stem}", f"css/fonts/{font.name}", font.read_bytes(),
                              f"font/{suffix}"))
        if theme.font_licence:
            eb.add_item(_item("font-licence", "css/fonts/LICENSE.txt",
                              theme.font_licence.read_bytes(), "text/plain"))

        def file_of(ch: Chapter) -> str:
            return f"{ch.id}.xhtml"

        views = chapter_views(book, notes="link", hbase=1, file_of=file_of)
        ctx = dict(book_context(book), chapters=views)
        doc = env.get_template("document.xhtml.j2")

        def page(uid: str, file_name: str, title: str, partial: str, body_type: str = "",
                 properties: list[str] | None = None, **extra: object) -> epub.EpubItem:
            content = env.get_template(partial).render(ctx, h=1, **extra)
            html = doc.render(ctx, title=title, content=Markup(content), body_type=body_type,
                              stylesheets=["css/book.css"])
            return _item(uid, file_name, html, _XHTML, properties)

        title = page("titlepage", "titlepage.xhtml", md.title, "_titlepage.j2", "frontmatter")
        imprint = page("imprint", "imprint.xhtml", "Imprint", "_imprint.j2", "frontmatter")
        landmarks = [
            {"type": "toc", "href": "nav.xhtml#toc", "title": "Table of Contents"},
            {"type": "bodymatter", "href": file_of(book.chapters[0]) if book.chapters else "nav.xhtml",
             "title": "Start of Content"},
        ]
        nav = page("nav", "nav.xhtml", "Contents", "nav.xhtml.j2", "frontmatter", ["nav"],
                   landmarks=landmarks)
        chapters = []
        for view in views:
            content = env.get_template("_chapter.j2").render(ctx, ch=view, h=1)
            html = doc.render(ctx, title=view.title, content=Markup(content), body_type="bodymatter",
                              stylesheets=["css/book.css"])
            chapters.append(_item(view.id, view.file, html, _XHTML))
        for item in (title, imprint, nav, *chapters):
            eb.add_item(item)
        eb.add_item(epub.EpubNcx())
        eb.toc = [
            (epub.Section(v.title, v.file + "#" + v.id),
             [epub.Link(f"{v.file}#{s.id}", s.title, s.id) for s in v.sections])
            if v.sections else epub.Link(f"{v.file}#{v.id}", v.title, v.id)
            for v in views
        ]
        eb.spine = [title, imprint, nav, *chapters]
        raw = io.BytesIO()
        writer = epub.EpubWriter(raw, eb, {"mtime": datetime.strptime(md.modified, "%Y-%m-%dT%H:%M:%SZ"),
                                           "epub3_pages": False, "epub2_guide": False,
                                           "epub3_landmark": False, "raise_exceptions": True})
        writer.process()
        writer.write()
        writer.out.close()
        return _normalise_zip(raw.getvalue(), md.modified)
