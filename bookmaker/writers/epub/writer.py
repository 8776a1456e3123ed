"""EPUB 3 (with an EPUB 2 NCX), accessible, byte-for-byte reproducible, and
rebuilt in a fraction of the time when one article changed.

ebooklib makes the package document and the NCX; every other member is a
document rendered here. The archive is written by `bookmaker.zipwrite`, each
member deflated once: through the build (which passes an `ArticleStore` and a
cache folder), rendered chapters and deflated members are kept in
`.bookmaker-cache/epub/`, keyed by everything they are made of, so a rebuild
renders and compresses only what changed. The book-level documents (title
page, imprint, contents, credits, colophon) are rendered every time, from
every chapter's metadata, and the package document is remade by ebooklib
whenever what it lists changed. A cold build and a rebuild write the same
bytes: both go through the same members in the same order.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import struct
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ...cache.blobs import BlobCache, key_of, private_folder
from ...model import Book, Chapter
from .archive import ENGINE, Member, deflate, stored, write_zip
from ..options import Runtime
from .options import EpubOptions

if TYPE_CHECKING:
    from ...render.context import TocEntry

__all__ = ["EpubWriter", "accessibility", "parse_stamp"]

log = logging.getLogger("bookmaker")

_XHTML = "application/xhtml+xml"
def parse_stamp(stamp: str) -> datetime:
    """A "%Y-%m-%dT%H:%M:%SZ" stamp as the naive datetime strptime would read,
    without loading _strptime and calendar (milliseconds of every rebuild)."""
    if len(stamp) != 20 or not stamp.endswith("Z"):
        raise ValueError(f"not a UTC timestamp: {stamp!r}")
    return datetime.fromisoformat(stamp[:-1])
_FOLDER = "EPUB/"            # where ebooklib puts the publication
_MEMBER = struct.Struct("<IQ")  # a cached member: crc, size, then its deflated bytes
_ZIP32 = 1 << 32  # what a member's sizes stay under (the archive is not ZIP64)
_VIEW_VERSION = "json 3"  # of a chapter view's head (see `_head`)


def accessibility(views: list[Any], *, parts: bool, sections: bool) -> list[tuple[str, str]]:
    """EPUB Accessibility 1.1 metadata, saying only what is true of this book:
    from its chapters' views, whether it has notes and images, and whether
    every image has a text alternative (the cover always has one); `sections`:
    whether its contents list the chapters' sections."""
    alts = [alt for view in views for alt in view.images]
    bare = sum(1 for alt in alts if not alt.strip())
    meta = [("schema:accessMode", "textual")]
    if alts:
        meta.append(("schema:accessMode", "visual"))
    meta.append(("schema:accessModeSufficient", "textual,visual" if bare else "textual"))
    for feature in ("tableOfContents", "readingOrder", "structuralNavigation",
                    "displayTransformability") + (() if bare else ("alternativeText",)):
        meta.append(("schema:accessibilityFeature", feature))
    meta.append(("schema:accessibilityHazard", "none"))
    listed = (["parts"] if parts else []) + ["articles"] + (["their sections"] if sections else [])
    contents = (", ".join(listed[:-1]) + " and " if len(listed) > 1 else "") + listed[-1]
    summary = ["Its text can be read aloud and restyled, in the order of its sources.",
               f"Its headings nest without gaps; its table of contents lists its {contents}."]
    if any(view.notes for view in views):
        summary.append("Notes link to their calls and back.")
    if bare:
        summary.append(f"{bare} of its {len(alts)} images have no text alternative; "
                       "the cover has one.")
    elif alts:
        summary.append("Every image, the cover included, has a text alternative.")
    else:
        summary.append("Its one image, the cover, has a text alternative.")
    if not bare:  # an image without one fails WCAG 1.1.1
        summary.insert(0, "This publication conforms to EPUB Accessibility 1.1, WCAG 2.1 Level AA.")
    meta.append(("schema:accessibilitySummary", " ".join(summary)))
    if not bare:
        meta.append(("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"))
    return meta


def _ncx(entries: list[TocEntry]) -> list[object]:
    from ebooklib import epub

    out: list[object] = []
    for e in entries:
        uid = e.href.split("#")[-1]
        if e.children:
            out.append((epub.Section(e.title, e.href), _ncx(e.children)))
        else:
            out.append(epub.Link(e.href, e.title, uid))
    return out


def _metadata(eb: Any, book: Book, a11y: list[tuple[str, str]]) -> None:
    from ...people import contributors, person_key

    md = book.metadata
    eb.set_identifier(md.identifier)
    if md.isbn_urn and not md.identifier_is_isbn:
        eb.add_metadata("DC", "identifier", md.isbn_urn, {"id": "isbn"})
    eb.set_title(md.title)
    if md.subtitle:
        eb.add_metadata("DC", "title", md.subtitle, {"id": "subtitle"})
        eb.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    eb.set_language(md.language)
    creators: dict[str, tuple[str, set[str]]] = {}  # key -> (its dc:creator's id, its roles)
    for role, people in (("aut", md.authors), ("edt", md.editors), ("trl", md.translators)):
        for i, person in enumerate(people):
            eb.add_author(person.name, role=role, uid=f"{role}{i}")
            creators.setdefault(person_key(person.name), (f"{role}{i}", set()))[1].add(role)
    # Everyone else once, one person to a dc:contributor, with every role they had in
    # the book: the articles' authors, transcribers, markup editors, proofreaders, …
    others = 0
    for contributor in contributors(book):
        creator = next((creators[k] for k in contributor.keys if k in creators), None)
        if creator is not None:
            uid, had = creator
            roles = [r for r in contributor.roles if r not in had]
        else:
            others += 1
            uid, roles = f"ctb{others}", list(contributor.roles)
            eb.add_metadata("DC", "contributor", contributor.name, {"id": uid})
        for role in roles:
            eb.add_metadata(None, "meta", role, {"refines": f"#{uid}", "property": "role",
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
        # its public address, else the source it was printed from; never a local file's path
        source = att.url or att.source
        if source and source not in seen:
            seen.add(source)
            eb.add_metadata("DC", "source", source)
    for prop, value in a11y:
        eb.add_metadata(None, "meta", value, {"property": prop})


class _Recorder:
    """Takes what ebooklib would write into its zip file."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def writestr(self, name: str, data: str | bytes, compress_type: object = None) -> None:
        self.files[name] = data.encode("utf-8") if isinstance(data, str) else data

    def close(self) -> None:
        pass


def _package(eb: Any, modified: str, language: str) -> dict[str, bytes]:
    """container.xml, the package document and the NCX, as ebooklib makes them."""
    from ebooklib import epub

    class Writer(epub.EpubWriter):  # type: ignore[misc]
        # xml:lang on <package>: ebooklib writes only <dc:language>, and the
        # package's own language is what DAISY Ace checks.
        def _write_opf_file(self, root):  # type: ignore[no-untyped-def]
            if language:
                root.set(f"{{{epub.NAMESPACES['XML']}}}lang", language)
            super()._write_opf_file(root)

        def write(self) -> None:
            self.out = _Recorder()
            self._write_container()
            self._write_opf()
            self._write_items()

    writer = Writer(io.BytesIO(), eb, {"mtime": parse_stamp(modified),
                                       "epub3_pages": False, "epub2_guide": False,
                                       "epub3_landmark": False, "raise_exceptions": True})
    writer.process()
    writer.write()
    files = writer.out.files
    return {name: files[name] for name in ("META-INF/container.xml", f"{_FOLDER}content.opf",
                                           f"{_FOLDER}toc.ncx")}


def _ebooklib_stamp() -> str:
    """Which ebooklib makes the package document, without importing it."""
    from importlib.util import find_spec

    found = find_spec("ebooklib")
    if found is None or not found.origin:
        return "ebooklib missing"
    st = os.stat(Path(found.origin).parent / "epub.py")
    return f"{found.origin} {st.st_size} {st.st_mtime_ns}"


def _bytecode_cache(fresh: bool) -> Any:
    """Compiled templates, kept between builds: compiling them is most of what
    rendering a few documents costs. Compiled templates are code: they are
    kept where only this user can write (as Python keeps its own bytecode), in
    the user's cache folder, never in the project's cache, which others may
    share; None where there is no such folder. Jinja2 checks each against its
    template's source and the Python version; the cache checks it is whole.
    `fresh`: every template compiled again (and kept)."""
    from jinja2 import BytecodeCache

    from ...cache.entry_points import user_cache_dir

    folder = private_folder(user_cache_dir() / "templates")
    if folder is None:
        return None
    # Jinja2 keys an entry by the template's name and file, not its source:
    # an edited template replaces its entry, so they never pile up.
    blobs = BlobCache(folder, fresh=fresh)

    class Cache(BytecodeCache):  # type: ignore[misc]
        def load_bytecode(self, bucket: Any) -> None:
            data = blobs.get("templates", key_of(bucket.key))
            if data is not None:
                bucket.bytecode_from_string(data)

        def dump_bytecode(self, bucket: Any) -> None:
            blobs.put("templates", key_of(bucket.key), bucket.bytecode_to_string())

    return Cache()


def _head(view: Any) -> bytes:
    """What the book's own pages need of a chapter's view (not its body), as JSON."""
    return json.dumps([view.title, [[n.id, n.label, str(n.html), n.backrefs] for n in view.notes],
                       [[s.id, s.title, s.level] for s in view.sections], view.authors,
                       [str(k) for k in view.kickers]],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def _strings(value: Any) -> list[str]:
    if type(value) is not list or not all(type(v) is str for v in value):
        raise ValueError("not a list of strings")
    return value


def _unhead(data: bytes) -> tuple[str, list[Any], list[Any], str, list[Any]]:
    """The title, notes, sections, authors and kickers of `_head`; ValueError if damaged."""
    from markupsafe import Markup

    from ...render.blocks import SectionView
    from ...render.views import NoteView

    title, notes, sections, authors, kickers = json.loads(data.decode("utf-8", "surrogatepass"))
    if type(title) is not str or type(authors) is not str:
        raise ValueError("not a chapter's head")
    note_views = []
    for nid, label, html, backrefs in notes:
        _strings([nid, label, html])
        note_views.append(NoteView(nid, label, Markup(html), list(_strings(backrefs))))
    section_views = []
    for sid, text, level in sections:
        if type(sid) is not str or type(text) is not str or type(level) is not int:
            raise ValueError("not a section")
        section_views.append(SectionView(sid, text, level))
    return title, note_views, section_views, authors, [Markup(k) for k in _strings(kickers)]


class _Members:
    """Deflated members, through the cache when there is one."""

    def __init__(self, cache: BlobCache | None) -> None:
        self.cache = cache

    def _get(self, name: str, key: str) -> Member | None:
        payload = self.cache.get("members", key) if self.cache else None
        if payload is None or len(payload) < _MEMBER.size:
            return None
        crc, size = _MEMBER.unpack_from(payload)
        data = payload[_MEMBER.size:]
        if size >= _ZIP32 or len(data) >= _ZIP32:  # whole, but not a member: made again
            return None
        return Member(name, 8, crc, size, data)

    def _put(self, key: str, content: bytes, name: str) -> Member:
        member = deflate(name, content)
        if self.cache:
            self.cache.put("members", key, _MEMBER.pack(member.crc, member.size) + member.data)
        return member

    def by_content(self, name: str, content: bytes) -> Member:
        key = key_of("content", ENGINE, hashlib.sha256(content).hexdigest())
        return self._get(name, key) or self._put(key, content, name)

    def find(self, name: str, key: str) -> Member | None:
        return self._get(name, key_of("made", ENGINE, key))

    def by_key(self, name: str, key: str, make: Callable[[], bytes]) -> Member:
        """A member whose content `make` gives, if `key` is not in the cache."""
        return self.find(name, key) or self._put(key_of("made", ENGINE, key), make(), name)


class EpubWriter:
    name = "epub"
    suffix = ".epub"
    options_type = EpubOptions
    # Through the build, chapters come without their text (`runtime.articles`
    # gives it): unchanged chapters are taken from the cache.
    takes_shells = True

    def write(self, book: Book, target: Path, options: EpubOptions,
              runtime: Runtime | None = None) -> None:
        with open(target, "wb") as fh:
            _Epub(book, options, runtime or Runtime()).write(fh)

    def render(self, book: Book, options: EpubOptions | None = None,
               runtime: Runtime | None = None) -> bytes:
        out = io.BytesIO()
        _Epub(book, options or EpubOptions(), runtime or Runtime()).write(out)
        return out.getvalue()


class _Epub:
    """One EPUB being made: its items in manifest order, and their members."""

    def __init__(self, book: Book, options: EpubOptions, runtime: Runtime) -> None:
        from ...render.views import chapter_level

        self.book = book
        self.options = options
        self.fresh = runtime.fresh
        self.store = runtime.articles
        cache = None
        if self.store is not None and runtime.cache_dir is not None:
            # one pack per book: what its last build used, read at once
            cache = BlobCache(Path(runtime.cache_dir) / "epub",
                              pack=key_of("book", book.metadata.identifier, options.fingerprint()),
                              fresh=runtime.fresh)
        self.cache = cache
        self.members = _Members(cache)
        self.salt = key_of(runtime.salt, options.fingerprint())
        self.level = chapter_level(book, own_document=True)  # of a chapter's title
        self.items: list[tuple[str, str, str, list[str]]] = []  # uid, file, media type, properties
        self.content: list[Member] = []
        self.rendered: list[str] = []  # chapters rendered in this build (their ids)
        # per chapter, what the book's own pages may show of it (its shell and
        # view, not its text); None where it is not cached
        self.facts: list[str | None] = []

    def add(self, uid: str, file_name: str, media_type: str, member: Member,
            properties: list[str] | None = None) -> None:
        self.items.append((uid, file_name, media_type, properties or []))
        self.content.append(member)

    def add_bytes(self, uid: str, file_name: str, content: bytes, media_type: str,
                  properties: list[str] | None = None) -> None:
        self.add(uid, file_name, media_type,
                 self.members.by_content(_FOLDER + file_name, content), properties)

    # --- chapters -------------------------------------------------------------------

    def view(self, ch: Chapter, file: str, notes_file: str, image: Any) -> tuple[Any, str | None]:
        """The chapter's view (its body possibly left out) and its cache key, if cached."""
        from ...render.views import ChapterView, chapter_view

        store, cache = self.store, self.cache
        if store is None or cache is None or store.has_figures(ch):
            # images are files of their own: a chapter with figures is made every time
            full = store.full(ch) if store is not None else ch
            view = chapter_view(full, notes="link", hbase=self.level, file=file,
                                notes_file=notes_file, images=image)
            self.rendered.append(ch.id)
            self.facts.append(None)
            if store is not None:
                view.chapter = ch
            return view, None
        shell = repr(ch)
        key = key_of("view", _VIEW_VERSION, self.salt, store.key(ch), shell, file, notes_file)
        head = cache.get("views", key)
        if head is not None:
            try:
                title, notes, sections, authors, kickers = _unhead(head)
                cache.uses("bodies", key)  # read when the chapter's document is made again
                self.facts.append(key_of(shell, head))
                return ChapterView(chapter=ch, id=ch.id, title=title, body=None,  # type: ignore[arg-type]
                                   notes=notes, sections=sections, authors=authors,
                                   file=file, kickers=kickers), key
            except (ValueError, TypeError):  # whole, but not a head: made again below
                pass
        view = chapter_view(store.full(ch), notes="link", hbase=self.level, file=file,
                            notes_file=notes_file, images=image)
        self.rendered.append(ch.id)
        view.chapter = ch
        head = _head(view)
        self.facts.append(key_of(shell, head))
        cache.put("views", key, head)
        cache.put("bodies", key, str(view.body).encode("utf-8"), keep=False)
        return view, key

    def body(self, view: Any, key: str | None) -> None:
        """Give a view from the cache its body, to render its document."""
        from markupsafe import Markup

        from ...render.views import chapter_view

        if view.body is not None:
            return
        data = self.cache.get("bodies", key, keep=False) if self.cache and key else None
        if data is not None:
            try:
                view.body = Markup(data.decode("utf-8"))
                return
            except UnicodeDecodeError:  # whole, but not a body: made again below
                pass
        made = chapter_view(self.store.full(view.chapter), notes="link", hbase=self.level,
                            file=view.file, notes_file=self.notes_file)
        self.rendered.append(view.id)
        view.body = made.body
        if self.cache and key:
            self.cache.put("bodies", key, str(made.body).encode("utf-8"), keep=False)

    # --- the book -------------------------------------------------------------------

    def write(self, out: BinaryIO) -> None:
        from markupsafe import Markup

        from ...render.context import book_context, contents_depth, front_view, toc_tree
        from ...render.environment import make_environment
        from ...resources import LocalResources
        from ...theme import load_theme

        book, options, md = self.book, self.options, self.book.metadata
        theme = load_theme(options.theme)
        env = make_environment(theme, [options.templates] if options.templates else [])
        if self.cache is not None:
            env.bytecode_cache = _bytecode_cache(self.fresh)

        css = theme.css("common.css") + "\n" + theme.css("epub.css")
        self.add_bytes("css", "css/book.css", css.encode("utf-8"), "text/css")
        for font in theme.font_files(css):
            kind = font.suffix.lower().lstrip(".")
            self.add_bytes(f"font-{font.stem}", f"css/fonts/{font.name}", font.read_bytes(),
                           f"font/{kind}")
        if theme.font_licence:
            self.add_bytes("font-licence", "css/fonts/LICENSE.txt",
                           theme.font_licence.read_bytes(), "text/plain")

        def cover() -> bytes:
            from ...cover import make_cover
            return make_cover(md, theme)

        self.add("cover-image", "images/cover.png", "image/png",
                 self.members.by_key(f"{_FOLDER}images/cover.png",
                                     key_of("cover", self.salt, repr(md)), cover),
                 ["cover-image"])

        book_notes = options.notes == "book" and any(
            ch.article.notes or (self.store is not None and self.store.has_notes(ch))
            for ch in book.chapters)
        self.notes_file = notes_file = "endnotes.xhtml" if book_notes else ""

        def part_file(index: int) -> str:
            return f"part{index + 1:02d}.xhtml"

        resources = LocalResources(options.base_dir)
        images: set[str] = set()

        def image(src: str, chapter: Chapter) -> str | None:
            found = resources.find(src, chapter)
            if found is None:
                return None
            name, data, kind = LocalResources.epub_name(found)
            if name not in images:
                images.add(name)
                self.add_bytes(f"img-{len(images)}", name, data, kind)
            return name

        views, keys = [], []
        for ch in book.chapters:
            view, key = self.view(ch, f"{ch.id}.xhtml", notes_file, image)
            views.append(view)
            keys.append(key)
        previous = None
        for view in views:
            part = view.chapter.part
            view.opens_part = part is not None and part != previous
            previous = part
        resources.warn()
        fronts = [front_view(fm, notes="link", hbase=1, file=f"{fm.kind}.xhtml")
                  for fm in book.front_matter]
        back = [("Notes", "endnotes.xhtml#endnotes")] if book_notes else []
        toc = toc_tree(book, views, part_file, fronts,
                       back + [("Sources and Credits", "credits.xhtml#credits")],
                       depth=contents_depth(book, options.toc_depth))
        ctx = book_context(book, theme, views, toc, fronts, cover_src="images/cover.png",
                           credits_href="credits.xhtml#credits",
                           notes_here=not book_notes)
        doc = env.get_template("document.xhtml.j2")
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
        # What a chapter's document may show besides its own chapter: a chapter
        # rendered before is used again while none of this changed.
        shared = key_of(self.salt, repr(md), repr(book.parts), repr(toc), repr(fronts),
                        theme.family, book_notes, repr(landmarks))

        def html(title: str, partial: str, body_type: str, **extra: object) -> bytes:
            content = env.get_template(partial).render(ctx, **{"h": 1, **extra})
            return doc.render(ctx, title=title, content=Markup(content), body_type=body_type,
                              stylesheets=["css/book.css"]).encode("utf-8")

        spine: list[str] = []
        # The book's own pages (contents, credits, …) show every chapter's
        # shell and view but no chapter's text: while none of those changed,
        # a page rendered before is used again.
        pages = None
        if self.cache is not None and views and None not in self.facts:
            pages = key_of("pages", shared, *self.facts, repr([v.opens_part for v in views]),
                           repr(book.warnings))

        def page(uid: str, file_name: str, title: str, partial: str, body_type: str,
                 properties: list[str] | None = None, **extra: object) -> None:
            if pages is None:
                self.add_bytes(uid, file_name, html(title, partial, body_type, **extra), _XHTML,
                               properties)
            else:
                key = key_of(pages, uid, file_name, title, partial, body_type,
                             repr(sorted(extra.items())))
                self.add(uid, file_name, _XHTML,
                         self.members.by_key(_FOLDER + file_name, key,
                                             lambda: html(title, partial, body_type, **extra)),
                         properties)
            spine.append(uid)

        page("cover", "cover.xhtml", "Cover", "_cover.j2", "frontmatter")
        page("titlepage", "titlepage.xhtml", md.title, "_titlepage.j2", "frontmatter")
        page("imprint", "imprint.xhtml", "Imprint", "_imprint.j2", "frontmatter")
        for fv in fronts:
            if fv.id != "preface":
                page(fv.id, fv.file, fv.title, "_front.j2", "frontmatter", fm=fv)
        page("nav", "nav.xhtml", "Contents", "nav.xhtml.j2", "frontmatter", ["nav"],
             landmarks=landmarks)
        for fv in fronts:
            if fv.id == "preface":
                page(fv.id, fv.file, fv.title, "_front.j2", "frontmatter", fm=fv)
        if views:
            page("halftitle", "halftitle.xhtml", md.title, "_halftitle.j2", "bodymatter")
        current_part = None
        for view, key in zip(views, keys):
            part = view.chapter.part
            if part is not None and book.parts and part != current_part:
                current_part = part
                page(f"part{part + 1:02d}", part_file(part), book.parts[part].title, "_part.j2",
                     "bodymatter", part_index=part, part=book.parts[part])

            def chapter_html(view: Any = view, key: str | None = key) -> bytes:
                self.body(view, key)
                return html(view.title, "_chapter.j2", "bodymatter", ch=view, h=self.level)

            name = f"{_FOLDER}{view.file}"
            if key is None:
                member = self.members.by_content(name, chapter_html())
            else:
                member = self.members.by_key(name, key_of("chapter", key, shared,
                                                          view.opens_part), chapter_html)
            self.add(view.id, view.file, _XHTML, member)
            spine.append(view.id)
        if book_notes:
            page("endnotes", "endnotes.xhtml", "Notes", "_endnotes.j2", "backmatter")
        page("credits", "credits.xhtml", "Sources and Credits", "_credits.j2", "backmatter")
        page("colophon", "colophon.xhtml", "Colophon", "_colophon.j2", "backmatter")

        sections = any(e.kind == "section" for top in toc for e in top.walk())
        package = self.package(toc, spine, accessibility(views, parts=bool(book.parts),
                                                         sections=sections))
        date_time = parse_stamp(md.modified).timetuple()[:6]
        write_zip(out, [stored("mimetype", b"application/epub+zip"), *package[:2],
                        *self.content, package[2]], date_time)  # type: ignore[arg-type]
        if self.cache is not None:
            self.cache.close()
        if self.rendered:
            log.info("epub: rendered %d of %d chapters: %s", len(self.rendered),
                     len(book.chapters), " ".join(self.rendered))

    def package(self, toc: list[Any], spine: list[str],
                a11y: list[tuple[str, str]]) -> list[Member]:
        """The members container.xml, content.opf and toc.ncx, made by ebooklib
        when what they list changed."""
        book, md = self.book, self.book.metadata
        names = ["META-INF/container.xml", f"{_FOLDER}content.opf", f"{_FOLDER}toc.ncx"]
        key = key_of("package", self.salt, _ebooklib_stamp(), repr(md),
                     repr([ch.article.attribution for ch in book.chapters]),
                     repr(self.items), repr(spine), repr(toc), repr(a11y))
        found = [self.members.find(n, key_of(key, n)) for n in names]
        if all(found):
            return found  # type: ignore[return-value]
        from ebooklib import epub

        eb = epub.EpubBook()
        _metadata(eb, book, a11y)
        eb.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})  # EPUB 2
        by_uid = {}
        for uid, file_name, media_type, properties in self.items:
            item = epub.EpubItem(uid=uid, file_name=file_name, media_type=media_type,
                                 content=b"")  # ebooklib lists the items; the text is ours
            item.properties = properties
            eb.add_item(item)
            by_uid[uid] = item
        eb.add_item(epub.EpubNcx())
        eb.toc = _ncx(toc)
        eb.spine = [by_uid[uid] for uid in spine]
        files = _package(eb, md.modified, md.language)
        return [self.members.by_key(n, key_of(key, n), lambda n=n: files[n])  # type: ignore[misc]
                for n in names]
