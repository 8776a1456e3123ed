"""The print PDF through WeasyPrint, loading only the theme's and the book's own files."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit


from ..errors import WriterError
from ..model import Book
from ..render import book_context, chapter_views, front_view, make_environment, toc_tree
from ..theme import Theme, load_theme

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher
from . import WriteOptions

__all__ = ["PdfWriter", "TRIM_SIZES", "page_css"]

log = logging.getLogger("bookmaker.pdf")

# width, height in mm
TRIM_SIZES: dict[str, tuple[float, float]] = {
    "A5": (148, 210),
    "A4": (210, 297),
    "letter": (215.9, 279.4),
    "us-trade": (152.4, 228.6),
    "royal": (156, 234),
}

_MAX_DATA_URL = 1_000_000  # bytes of a data: URL; larger ones are refused

_CUSTOM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|in)?\s*[x×]\s*(\d+(?:\.\d+)?)\s*(mm|in)?\s*$")


def _trim(name: str) -> tuple[float, float]:
    for key, size in TRIM_SIZES.items():
        if key.lower() == name.lower():
            return size
    m = _CUSTOM.match(name)
    if m:
        scale = 25.4 if (m.group(2) or m.group(4)) == "in" else 1.0
        return float(m.group(1)) * scale, float(m.group(3)) * scale
    raise WriterError(f"unknown trim size {name!r}; use one of {', '.join(TRIM_SIZES)} "
                      "or WIDTHxHEIGHT in mm or in (e.g. 140x216mm)", key="pdf.trim")


def page_css(trim: str) -> str:
    """The page rule: trim size and mirrored margins, the inner one wider for binding."""
    width, height = _trim(trim)
    scale = width / 148
    top, bottom = 18 * scale, 20 * scale
    inner, outer = 20 * scale, 14 * scale
    return (f"@page {{ size: {width:.2f}mm {height:.2f}mm; margin: {top:.1f}mm 0 {bottom:.1f}mm 0; }}\n"
            f"@page :left {{ margin-left: {outer:.1f}mm; margin-right: {inner:.1f}mm; }}\n"
            f"@page :right {{ margin-left: {inner:.1f}mm; margin-right: {outer:.1f}mm; }}\n")


def _fetcher(theme: Theme, base_dir: Path | None) -> "URLFetcher":
    """A URL fetcher serving only files inside the theme or the book's folder."""
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        refused: list[str] = []

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
            elif parts.scheme == "data" and len(url) <= _MAX_DATA_URL:
                return super().fetch(url, headers)
            self.refused.append(url)
            raise ValueError(f"refused to load {url[:80]}")

    fetcher = LocalOnly(allowed_protocols={"file", "data"}, timeout=5)
    fetcher.refused = []
    return fetcher


class PdfWriter:
    name = "pdf"
    suffix = ".pdf"

    def write(self, book: Book, target: Path, options: WriteOptions) -> None:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        theme = load_theme(options.theme)
        html = self.render_html(book, options)
        fetcher = _fetcher(theme, options.base_dir)
        base = options.base_dir or theme.path
        fonts = FontConfiguration()  # @font-face rules load only through this
        css = [CSS(string=theme.css("common.css") + theme.css("print.css"),
                   base_url=theme.path.as_uri() + "/", url_fetcher=fetcher, font_config=fonts),
               CSS(string=page_css(options.trim), font_config=fonts)]
        quiet = logging.getLogger("weasyprint")
        level = quiet.level
        quiet.setLevel(logging.ERROR)  # refused URLs are reported once, below
        try:
            document = HTML(string=html, base_url=Path(base).resolve().as_uri() + "/",
                            url_fetcher=fetcher).render(stylesheets=css, font_config=fonts)
            document.write_pdf(target, pdf_identifier=book.metadata.identifier.encode(),
                               uncompressed_pdf=False)
        finally:
            quiet.setLevel(level)
        for url in dict.fromkeys(fetcher.refused):
            log.warning("refused to load %s", url[:120])

    def render_html(self, book: Book, options: WriteOptions) -> str:
        theme = load_theme(options.theme)
        env = make_environment(theme, [options.templates] if options.templates else [])
        hbase = 3 if book.parts else 2
        views = chapter_views(book, notes="footnote", hbase=hbase)
        fronts = [front_view(fm, hbase=2) for fm in book.front_matter]
        ctx = book_context(book, theme, views, toc_tree(book, views, fronts=fronts, back=[("Sources and Credits", "#credits")]), fronts, inline_css=[],
                           print=True, html_class="print-edition", notes_here=False)
        return env.get_template("book.html.j2").render(ctx)
