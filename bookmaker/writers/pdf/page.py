"""The print page: trim size, mirrored margins (the inner one wider, for
binding), bleed and marks, as the CSS @page rules WeasyPrint reads, and the
stylesheets of a print book."""

from __future__ import annotations

import re

from ...errors import SpecError, WriterError
from ...theme import Theme
from .options import PdfOptions
from .options import trim_size as _trim

__all__ = ["margins", "page_css", "points", "stylesheets", "trim_of"]

DEFAULT_TRIM = "A5"


def trim_of(theme: Theme, options: PdfOptions) -> str:
    """The page size: the book's `[options.pdf] trim`, else its theme's, else A5."""
    if options.trim is not None:
        return options.trim
    if theme.trim is None:
        return DEFAULT_TRIM
    try:
        _trim(theme.trim)
    except WriterError as exc:  # the theme's mistake, not the spec's
        raise SpecError(f"invalid theme: [page] trim: {exc.message}",
                        path=theme.path / "theme.toml") from None
    return theme.trim


def margins(trim: str) -> tuple[float, float, float, float]:
    """top, bottom, inner, outer in mm."""
    width, _ = _trim(trim)
    scale = min(width / 148, 1.6)
    return 18 * scale, 20 * scale, 20 * scale, 14 * scale


def page_css(trim: str, bleed: str | None = None, marks: str | None = None) -> str:
    """The page rule: trim size and mirrored margins, the inner one wider for binding."""
    width, height = _trim(trim)
    top, bottom, inner, outer = margins(trim)
    press = (f" bleed: {bleed};" if bleed else "") + (f" marks: {marks};" if marks else "")
    return (f"@page {{ size: {width:.2f}mm {height:.2f}mm; margin: {top:.1f}mm 0 {bottom:.1f}mm 0;{press} }}\n"
            f"@page :left {{ margin-left: {outer:.1f}mm; margin-right: {inner:.1f}mm; }}\n"
            f"@page :right {{ margin-left: {inner:.1f}mm; margin-right: {outer:.1f}mm; }}\n")


def points(length: str | None) -> float:
    if not length:
        return 0.0
    m = re.match(r"^\s*(\d+(?:\.\d+)?)\s*(mm|pt|in|cm)\s*$", str(length))
    if not m:
        return 0.0
    return float(m.group(1)) * {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0}[m.group(2)]


def stylesheets(theme: Theme, options: PdfOptions) -> tuple[str, str]:
    """The theme's print stylesheets, and the page rules of these options."""
    return (theme.css("common.css") + theme.css("print.css"),
            page_css(trim_of(theme, options), options.bleed, options.marks))
