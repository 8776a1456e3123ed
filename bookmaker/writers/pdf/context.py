"""The print book's own template names, added to the writer-neutral book context.

A print book is laid out in segments (see `book`): the front matter before the
contents ("front-head"), the contents onwards ("front-toc"), the chapters
("body") and the back matter ("back"). The shared templates read these names only
when they are defined, so the EPUB and HTML editions never see them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...model import Book
from ...render.context import TocEntry, book_context
from ...render.views import ChapterView
from ...theme import Theme

__all__ = ["print_context", "PRINT_DEFAULTS"]

# One layout of the whole book (no segment), every list whole.
PRINT_DEFAULTS: dict[str, Any] = {
    "segment": None,          # "front-head", "front-toc", "body", "back", or None: all of it
    "toc_targets": (),        # anchors the contents, laid out apart, carry themselves
    # The contents and the credits were once laid out in pieces; these names stay
    # defined, and empty, for the themes whose own templates still read them.
    "toc_continued": False,
    "toc_breaks": (),
    "credit_chapters": None,  # None: all the chapters
    "credits_continued": False,
    "credit_breaks": (),
    "credits_page": "",       # the credits' folio, when the layout knows it before laying out
    "colophon": True,         # this piece ends the book: the colophon follows
}


def print_context(book: Book, theme: Theme, chapters: Sequence[ChapterView],
                  toc: Sequence[TocEntry], front: Sequence[ChapterView] = (),
                  **extra: object) -> dict[str, object]:
    """`book_context` with the print layout's names, whole-book defaults first."""
    return book_context(book, theme, chapters, toc, front, **{**PRINT_DEFAULTS, **extra})
