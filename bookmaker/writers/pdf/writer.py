"""The print PDF through WeasyPrint, loading only the theme's and the book's own files.

Options (`[options.pdf]` in a spec; `PdfOptions`, checked in `options.py`):
- trim: A5 (default), A4, letter, us-trade, royal, or WIDTHxHEIGHT in mm or in;
- variant: "ua" (tagged PDF/UA-1, the default), "a" (PDF/A-3b), "x" (PDF/X-4),
  "none", or any WeasyPrint variant name such as "pdf/a-2b";
- bleed: e.g. "3mm", and marks: "crop", "cross" or "crop cross", for a press;
- layout: "single" (one WeasyPrint document), "parallel" (one per chapter, in
  worker processes, assembled into the same book) or "auto" (parallel from
  PARALLEL_FROM chapters on).
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from datetime import datetime, timezone
from pathlib import Path
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote, urlsplit

from ...errors import WriterError
from ...files import source_date_epoch
from ...model import Book
from ...render.context import front_view, toc_tree
from ...render.environment import make_environment
from ...render.views import chapter_level, chapter_views
from .context import print_context
from .footnotes import split_long
from ...resources import MAX_DATA_URL, LocalResources
from ...theme import Theme, load_theme
from ..options import Runtime, own_keys
from .options import LAYOUTS, TRIM_SIZES, VARIANTS, PdfOptions
from .options import trim_size as _trim

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

__all__ = ["PdfWriter", "TRIM_SIZES", "VARIANTS", "LAYOUTS", "page_css", "check_options",
           "variant_options"]

log = logging.getLogger("bookmaker")

PARALLEL_FROM = 4  # chapters: below this, one document is as fast
# Long contents and credits are laid out in pieces that each start a page, so
# that no process holds more than a few pages of them (see pdf_book); the
# single-document layout breaks them at the same places.
TOC_PIECE_ROWS = 150    # contents lines (articles, parts and sections) in a piece
CREDITS_PIECE = 40      # articles in a piece of the credits
IMPRINT_PIECE = 50      # articles in a piece of the imprint's list of sources


def _margins(trim: str) -> tuple[float, float, float, float]:
    """top, bottom, inner, outer in mm."""
    width, _ = _trim(trim)
    scale = min(width / 148, 1.6)
    return 18 * scale, 20 * scale, 20 * scale, 14 * scale


def page_css(trim: str, bleed: str | None = None, marks: str | None = None) -> str:
    """The page rule: trim size and mirrored margins, the inner one wider for binding."""
    width, height = _trim(trim)
    top, bottom, inner, outer = _margins(trim)
    press = (f" bleed: {bleed};" if bleed else "") + (f" marks: {marks};" if marks else "")
    return (f"@page {{ size: {width:.2f}mm {height:.2f}mm; margin: {top:.1f}mm 0 {bottom:.1f}mm 0;{press} }}\n"
            f"@page :left {{ margin-left: {outer:.1f}mm; margin-right: {inner:.1f}mm; }}\n"
            f"@page :right {{ margin-left: {inner:.1f}mm; margin-right: {outer:.1f}mm; }}\n")


def check_options(table: Mapping[str, Any]) -> dict[str, Any]:
    """The options of an `[options.pdf]` table (trim included), settled, as a
    dict; raises WriterError naming the key. (The writer itself takes a
    `PdfOptions`; this is for what reads a spec's PDF options on its own.)"""
    unknown = set(table) - own_keys(PdfOptions)
    if unknown:
        raise WriterError(f"unknown PDF option(s) {', '.join(sorted(unknown))}; allowed: "
                          + ", ".join(sorted(own_keys(PdfOptions))), key="options.pdf")
    o = PdfOptions(**table)
    return {"variant": o.variant, "bleed": o.bleed, "marks": o.marks, "layout": o.layout}


def variant_options(variant: str | None) -> dict[str, Any]:
    """What WeasyPrint is asked for a PDF variant (as `check_options` settles
    it): tags for every variant, an sRGB output intent for PDF/X-4."""
    return {"pdf_variant": variant, "pdf_tags": variant is not None,
            "output_intent": "srgb" if variant == "pdf/x-4" else None}


def _points(length: str | None) -> float:
    if not length:
        return 0.0
    m = re.match(r"^\s*(\d+(?:\.\d+)?)\s*(mm|pt|in|cm)\s*$", str(length))
    if not m:
        return 0.0
    return float(m.group(1)) * {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0}[m.group(2)]


def _fetcher(theme: Theme, base_dir: Path | None) -> "URLFetcher":
    """A URL fetcher serving only files inside the theme or the book's folder."""
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> object:
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(theme.path):
                    found = theme.resolve(path.relative_to(theme.path).as_posix())
                    if found:
                        return super().fetch(found.as_uri(), headers)
                root = base_dir.resolve() if base_dir else None
                if root and path.is_relative_to(root) and path.is_file():
                    return super().fetch(path.as_uri(), headers)
            elif parts.scheme == "data" and len(url) <= MAX_DATA_URL:
                return super().fetch(url, headers)
            log.warning("refused to load %s", url[:120])
            raise ValueError(f"refused to load {url[:80]}")

    return LocalOnly(allowed_protocols={"file", "data"}, timeout=5)


@contextlib.contextmanager
def laying_out(epoch: int) -> Iterator[None]:
    """While WeasyPrint works: its own warnings quiet (refused URLs are reported by
    the fetcher), and font subsets stamped with the book's date, not the clock."""
    quiet = logging.getLogger("weasyprint")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with source_date_epoch(epoch):
            yield
    finally:
        quiet.setLevel(level)


def _epoch(stamp: str) -> int:
    return int(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())


def _page_labels(pdf_bytes: bytes, front_pages: int) -> bytes:
    """Label front matter i, ii, … and the body 1, 2, … as the folios are."""
    import pikepdf

    from .assembler import page_labels

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        pdf.Root.PageLabels = page_labels(front_pages)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


class PdfWriter:
    name = "pdf"
    suffix = ".pdf"
    options_type = PdfOptions

    def write(self, book: Book, target: Path, options: PdfOptions,
              runtime: Runtime | None = None) -> None:
        runtime = runtime or Runtime()
        layout = options.layout
        if layout == "auto":
            layout = "parallel" if len(book.chapters) >= PARALLEL_FROM else "single"
        if layout == "parallel":
            from .book import write_in_parts

            write_in_parts(self, book, options, runtime, Path(target))
        else:
            Path(target).write_bytes(self._write_single(book, options))

    def _css(self, theme: Theme, options: PdfOptions) -> tuple[str, str]:
        return (theme.css("common.css") + theme.css("print.css"),
                page_css(options.trim, options.bleed, options.marks))

    def _write_single(self, book: Book, options: PdfOptions) -> bytes:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        theme = load_theme(options.theme)
        resources = LocalResources(options.base_dir)
        html = self.render_html(book, options, resources)
        resources.warn()
        fetcher = _fetcher(theme, options.base_dir)
        base = options.base_dir or theme.path
        theme_css, page_rules = self._css(theme, options)
        fonts = FontConfiguration()  # @font-face rules load only through this
        css = [CSS(string=theme_css, base_url=theme.path.as_uri() + "/", url_fetcher=fetcher,
                   font_config=fonts),
               CSS(string=page_rules, font_config=fonts)]
        with laying_out(_epoch(book.metadata.modified)):
            document = HTML(string=html, base_url=Path(base).resolve().as_uri() + "/",
                            url_fetcher=fetcher).render(stylesheets=css, font_config=fonts)
            front = next((i for i, page in enumerate(document.pages)
                          if "bodymatter" in page.anchors), 0)
            pdf = document.write_pdf(pdf_identifier=book.metadata.identifier.encode(),
                                     **variant_options(options.variant))
        return _page_labels(pdf, front)

    def render_html(self, book: Book, options: PdfOptions,
                    resources: LocalResources | None = None) -> str:
        """The whole book as one HTML document, notes at their calls."""
        env, ctx = self.context(book, options, resources)
        return env.get_template("book.html.j2").render(ctx)

    def context(self, book: Book, options: PdfOptions,
                resources: LocalResources | None = None) -> tuple[Any, dict[str, Any]]:
        theme = load_theme(options.theme)
        env = make_environment(theme, [options.templates] if options.templates else [])
        res = resources or LocalResources(options.base_dir)

        def image(src: str, chapter: object) -> str | None:
            found = res.find(src, chapter)  # type: ignore[arg-type]
            return found.as_uri() if isinstance(found, Path) else found

        hbase = chapter_level(book, own_document=False)
        views = chapter_views(book, notes="footnote", hbase=hbase, images=image,
                              note_pieces=split_long)
        fronts = [front_view(fm, hbase=2) for fm in book.front_matter]
        toc = toc_tree(book, views, fronts=fronts, back=[("Sources and Credits", "#credits")])
        toc_pieces = pieces(toc, TOC_PIECE_ROWS, lambda e: sum(1 for _ in e.walk())) or [[]]
        credit_pieces = pieces(views, CREDITS_PIECE, lambda v: 1) or [[]]
        imprint_pieces = pieces(views, IMPRINT_PIECE, lambda v: 1) or [[]]
        ctx = print_context(book, theme, views, toc, fronts, inline_css=[], print=True,
                           html_class="print-edition", notes_here=False,
                           toc_pieces=toc_pieces, credit_pieces=credit_pieces,
                           imprint_pieces=imprint_pieces,
                           toc_breaks={p[0].href for p in toc_pieces[1:]},
                           credit_breaks={p[0].id for p in credit_pieces[1:]},
                           imprint_breaks={p[0].id for p in imprint_pieces[1:]})
        return env, ctx


_T = TypeVar("_T")


def pieces(items: Sequence[_T], limit: int, size: Callable[[_T], int]) -> list[list[_T]]:
    """Items in order, in pieces of at most `limit` in size (an item larger than
    that is a piece of its own)."""
    out: list[list[_T]] = []
    current: list[_T] = []
    total = 0
    for item in items:
        n = size(item)
        if current and total + n > limit:
            out.append(current)
            current, total = [], 0
        current.append(item)
        total += n
    if current:
        out.append(current)
    return out
