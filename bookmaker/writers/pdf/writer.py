"""The print PDF through WeasyPrint, loading only the theme's and the book's own files.

Options (`[options.pdf]` in a spec; `PdfOptions`, checked in `options.py`):
- trim: A5, A4, letter, us-trade, royal, or WIDTHxHEIGHT in mm or in (by
  default the theme's `[page] trim`, else A5);
- variant: "ua" (tagged PDF/UA-1, the default), "a" (PDF/A-3b), "x" (PDF/X-4),
  "none", or any WeasyPrint variant name such as "pdf/a-2b";
- bleed: e.g. "3mm", and marks: "crop", "cross" or "crop cross", for a press;
- layout: "single" (one WeasyPrint document), "parallel" (one per chapter, in
  worker processes, assembled into the same book) or "auto" (parallel from
  PARALLEL_FROM chapters on).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from collections.abc import Mapping
from typing import Any

from ...errors import WriterError
from ...model import Book
from ...render.context import contents_depth, front_view, toc_tree
from ...render.environment import make_environment
from ...render.views import chapter_level, chapter_views
from .context import print_context
from .footnotes import split_long
from ...resources import LocalResources
from ...theme import Theme, load_theme
from ..options import Runtime, own_keys
from .options import LAYOUTS, TRIM_SIZES, VARIANTS, PdfOptions
from .page import page_css, stylesheets
from .weasy import epoch_of, laying_out, variant_options
from .weasy import fetcher as url_fetcher


__all__ = ["PdfWriter", "TRIM_SIZES", "VARIANTS", "LAYOUTS", "page_css", "check_options",
           "variant_options"]

log = logging.getLogger("bookmaker")

PARALLEL_FROM = 4  # chapters: below this, one document is as fast


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

    def stylesheets(self, theme: Theme, options: PdfOptions) -> tuple[str, str]:
        """The theme's print stylesheets and the page rules (see `page.stylesheets`)."""
        return stylesheets(theme, options)

    def _write_single(self, book: Book, options: PdfOptions) -> bytes:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        theme = load_theme(options.theme)
        resources = LocalResources(options.base_dir)
        html = self.render_html(book, options, resources)
        resources.warn()
        fetcher = url_fetcher(theme, options.base_dir)
        base = options.base_dir or theme.path
        theme_css, page_rules = self.stylesheets(theme, options)
        fonts = FontConfiguration()  # @font-face rules load only through this
        css = [CSS(string=theme_css, base_url=theme.path.as_uri() + "/", url_fetcher=fetcher,
                   font_config=fonts),
               CSS(string=page_rules, font_config=fonts)]
        with laying_out(epoch_of(book.metadata.modified)):
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
        fronts = [front_view(fm, notes="footnote", hbase=2, note_pieces=split_long)
                  for fm in book.front_matter]
        back = [("Sources and Credits", "#credits")]
        toc = toc_tree(book, views, fronts=fronts, back=back,
                       depth=contents_depth(book, options.toc_depth))
        # the PDF's outline lists every section, whatever the contents page shows
        outline = toc_tree(book, views, fronts=fronts, back=back)
        ctx = print_context(book, theme, views, toc, fronts, inline_css=[], print=True,
                           html_class="print-edition", notes_here=False,
                           outline=outline)
        return env, ctx
