"""A long book's contents and credits run on from page to page, in the book
laid out in parts as in the book laid out in one piece: no page of either is
left short but its last (as when they were laid out in pieces, each starting
a page).

The pages are measured in the book laid out in parts (where the lists were
once laid out in pieces), and the book laid out in one piece is shown to make
the same pages, text and folios, page for page: so no page of either is short.
The PDF is read once for every list measured."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from pypdf import PdfReader

from bookmaker import Article, Attribution, Metadata, Person, assemble, write_book
from bookmaker.model import Heading, Paragraph, Text
from bookmaker.writers import Runtime
from bookmaker.writers.pdf.options import PdfOptions
from helpers import pdf_pages
from printed import PrintedBook

CHAPTERS = 48
SECTIONS = 4  # a contents of 48 chapters and 192 sections: 240 lines, a dozen pages


def _article(i: int) -> Article:
    blocks = []
    for s in range(SECTIONS):
        blocks += [Heading((Text(f"Section {s + 1} of article {i + 1}"),), 2),
                   Paragraph((Text("A short paragraph, so that the chapter is a page. " * 3),))]
    source = f"Article {i + 1}, as printed in a paper of the time, in a long source line."
    return Article(f"Article number {i + 1} of a book with a long list of contents",
                   tuple(blocks), authors=(Person("Leon Trotsky"),), date="1932",
                   attribution=Attribution(source=source, transcribers=("A. Transcriber",),
                                           origin=f"article-{i + 1}.txt"))


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("long")
    book = assemble([_article(i) for i in range(CHAPTERS)],
                    Metadata(title="A Long Contents", authors=(Person("Leon Trotsky"),),
                             date="2016-01-05", identifier="urn:test:long"))
    return {"single": write_book(book, folder / "single.pdf", "pdf", PdfOptions(layout="single")),
            "parallel": write_book(book, folder / "parallel.pdf", "pdf",
                                   PdfOptions(layout="parallel"), Runtime(jobs=2))}


def _short_pages(book: PrintedBook, title: str) -> tuple[int, list[str]]:
    start = book.entry(title)
    assert start is not None, title
    following = min((e.page for e in book.outline if e.page > start.page), default=len(book.pages))
    pages = [p for p in book.pages[start.page:following] if not book.blank(p)]
    if title == "Sources and Credits":  # the colophon follows the credits
        pages = [p for p in book.pages[start.page:book.colophon] if not book.blank(p)]
    short = []
    for page in pages[:-1]:
        lines = (book.bottom - book.end(page)) / book.pitch
        if math.floor(lines + 0.05) > 2:
            short.append(f"{page.name()} ends {lines:.1f} lines short")
    return len(pages), short


@pytest.fixture(scope="module")
def printed(books: dict[str, Path]) -> PrintedBook:
    """The book laid out in parts, read back page by page (once, for every list)."""
    return PrintedBook(books["parallel"])


@pytest.mark.parametrize("title, at_least", [("Contents", 6), ("Sources and Credits", 5)])
def test_no_page_of_a_long_list_is_short_but_its_last(printed: PrintedBook,
                                                     title: str, at_least: int) -> None:
    count, short = _short_pages(printed, title)
    assert count >= at_least, f"{title} runs to {count} pages: not a long list"
    assert not short, f"{title}: " + "; ".join(short)


def test_both_layouts_make_the_same_pages(books: dict[str, Path]) -> None:
    """The book laid out in one piece has the pages, page for page, of the book
    laid out in parts: what holds of the one's lists holds of the other's."""
    a, b = (PdfReader(str(books[k])) for k in ("single", "parallel"))
    assert a.page_labels == b.page_labels
    assert pdf_pages(books["single"]) == pdf_pages(books["parallel"])
