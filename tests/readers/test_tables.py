"""Data tables (issue 6): read from real archive pages, told apart from layout
tables, and shown as accessible tables in the EPUB, the HTML edition and the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookmaker import Metadata, Person, assemble, read_article, write_book
from bookmaker.inspect import article_to_dict
from bookmaker.model import (Article, Cell, Note, NoteRef, Paragraph, Table, Text,
                             blocks_text, plain_text)
from bookmaker.readers.mia import html as mia_html, text as mia_text
from conftest import SHARED
from helpers import NS, check_article, epub_docs, epubcheck_messages, pdf_pages, squash

MIA = SHARED / "corpus" / "mia"
needs_corpus = pytest.mark.skipif(not MIA.is_dir(), reason="no shared corpus here")

OFFENSIVE = "archive/cliff/works/1970/offensive/04-new.htm"  # th cells, titles, a note call


def read(rel: str) -> Article:
    article = mia_html.read((MIA / rel).read_bytes(), name=rel)
    check_article(article)
    return article


def tables(article: Article) -> list[Table]:
    return [b for b in article.blocks if isinstance(b, Table)]


def cells(table: Table) -> list[list[str]]:
    return [[plain_text(c.content) for c in row] for row in table.rows]


@needs_corpus
def test_a_table_with_header_cells_a_title_row_and_a_note_call() -> None:
    article = read(OFFENSIVE)
    found = tables(article)
    assert len(found) == 3  # and two one-column tables holding pictures, and one in a note
    first = found[0]
    # the one-cell first row over two columns is the caption, note call and all
    assert plain_text(first.caption).startswith("ESTIMATED SHARE OF SUPPLEMENTARY PAYMENTS")
    assert any(isinstance(n, NoteRef) for n in first.caption)
    assert cells(first)[0] == ["Leather, leather goods and fur", "13.9 percent"]
    assert [c.header for c in first.rows[0]] == [True, False]
    note = next(n for n in article.notes if n.id == "n5")
    wage = next(b for b in note.blocks if isinstance(b, Table))
    assert plain_text(wage.caption).startswith("WAGE RATES")
    assert wage.rows[0][0] == Cell((), rowspan=2)
    assert wage.rows[0][1].colspan == 3 and wage.rows[0][1].header


@needs_corpus
@pytest.mark.parametrize("rel,count,first_row", [
    ("archive/varga/1921/x01/x01.htm", 11,
     ["Year", "Capital", "Workers and Employees", "Cost of Product", "Cost of Material"]),
    ("archive/hilferding/1904/criticism/ch02.htm", 6, None),
    ("archive/orwell/1937/road-wigan-pier.htm", 6, None),
    ("archive/lafargue/1883/lazy/ch03.htm", 1, None),  # the data table inside a layout box
])
def test_data_tables_on_real_pages(rel: str, count: int, first_row: list[str] | None) -> None:
    found = tables(read(rel))
    assert len(found) == count
    assert all(len(t.rows) >= 2 and max(map(len, t.rows)) >= 2 for t in found)
    if first_row is not None:
        assert cells(found[0])[0] == first_row


@needs_corpus
@pytest.mark.parametrize("rel,text", [
    ("archive/held-walter/1937/03/spain.htm", "Walter Held"),  # a signature beside a date
    ("archive/broue/1983/04/bolivia.htm", "This short introduction"),  # a box around prose
    ("archive/malaka/1948-partisan.html", "FIRST PERIOD"),  # prose set out in columns
    ("archive/mariateg/images/photos.htm", "José Carlos"),  # a photo gallery
    ("archive/mandel/1959/dec/economics.htm", "rate of profit"),  # a formula in cells
    ("archive/tressell/works/1914/chap01.html", "GREAT DISTRESS"),  # a one-cell box
])
def test_layout_tables_stay_body_blocks(rel: str, text: str) -> None:
    article = read(rel)
    assert tables(article) == []
    assert any(text in blocks_text(b) for b in article.blocks)


def test_the_rule_on_small_tables() -> None:
    def body(table: str) -> tuple:
        page = (f"<html><body><h2>Ann Writer</h2><h1>Title</h1><p>Text.</p>{table}"
                "</body></html>").encode()
        return mia_html.read(page, name="t.htm").blocks

    data = "<table><tr><th>Year</th><th>Tons</th></tr><tr><td>1913</td><td>&#160;71.8</td></tr></table>"
    [_, table] = body(data)
    assert table == Table(((Cell((Text("Year"),), header=True), Cell((Text("Tons"),), header=True)),
                           (Cell((Text("1913"),)), Cell((Text("71.8"),)))))
    # one row; one column; a list in a cell: layout, read as paragraphs
    for layout in ("<table><tr><td>Yours,</td><td>Ann Writer</td></tr></table>",
                   "<table><tr><td>Intro</td></tr><tr><td>More</td></tr></table>",
                   "<table><tr><td><ul><li>a</li></ul></td><td>b</td></tr>"
                   "<tr><td>c</td><td>d</td></tr></table>"):
        assert not any(isinstance(b, Table) for b in body(layout)), layout
    # a table holding a table: the outer one is layout, the inner one data
    nested = f"<table><tr><td><p>Box</p>{data}</td></tr></table>"
    assert [type(b).__name__ for b in body(nested)] == ["Paragraph", "Paragraph", "Table"]


@needs_corpus
def test_the_text_reader_keeps_paragraphs() -> None:
    rel = OFFENSIVE
    article = mia_text.read((SHARED / "corpus" / "mia-text" / (rel + ".txt")).read_bytes(),
                            name=rel + ".txt")
    assert tables(article) == []


@needs_corpus
def test_inspect_json_lists_rows_and_header_cells() -> None:
    data = article_to_dict(read(OFFENSIVE))
    table = next(b for b in data["blocks"] if b["type"] == "table")
    assert table["caption"].startswith("ESTIMATED SHARE")
    assert table["rows"][0] == [{"text": "Leather, leather goods and fur", "header": True},
                                {"text": "13.9 percent", "header": False}]
    assert table["text"].split("\n")[1] == "Leather, leather goods and fur\t13.9 percent"


def test_assembly_renumbers_calls_in_cells() -> None:
    table = Table(((Cell((Text("a"), NoteRef("x", "7"))), Cell((Text("b"),))),
                   (Cell((Text("c"),)), Cell((Text("d"),)))), caption=(NoteRef("y", "3"),))
    article = Article(title="T", authors=(Person("A"),), blocks=(table,),
                      notes=(Note("y", (Paragraph((Text("Y."),)),)),
                             Note("x", (Paragraph((Text("X."),)),))))
    book = assemble([article], Metadata(title="T"))
    out = book.chapters[0].article.blocks[0]
    assert isinstance(out, Table)
    assert out.caption == (NoteRef("y", "1"),)
    assert out.rows[0][0].content[1] == NoteRef("x", "2")
    assert not book.warnings


@pytest.fixture(scope="module")
def table_book():
    if not MIA.is_dir():
        pytest.skip("no shared corpus here")
    article = read_article(MIA / "archive/varga/1924/x01/x01.htm")
    return assemble([article], Metadata(title=article.title, authors=article.authors))


def test_epub_table_passes_epubcheck(table_book, tmp_path: Path) -> None:
    out = write_book(table_book, tmp_path / "t.epub", "epub")
    assert epubcheck_messages(out) == []
    doc = epub_docs(out)["EPUB/ch001.xhtml"]
    found = doc.findall(".//x:table", NS)
    assert len(found) == 19
    headers = doc.findall(".//x:th", NS)
    assert all(th.get("scope") in ("col", "row") for th in headers)
    assert not any(el.get("width") or el.get("style") for t in found for el in t.iter())


def test_html_edition_has_the_tables(table_book, tmp_path: Path) -> None:
    out = write_book(table_book, tmp_path / "t.html", "html")
    text = out.read_text(encoding="utf-8")
    assert text.count("<table>") == 19 and "<caption>" not in text.split("<table>")[0]


def test_pdf_shows_the_table_inside_the_page(table_book, tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = write_book(table_book, tmp_path / "t.pdf", "pdf")
    body = squash("".join(pdf_pages(out, body_only=True)))
    for row in ("Quarter 1922 U.S.A. England France Germany Czecho-Slovakia Poland",
                "Foreign securities by Americans $410,000,000"):
        assert squash(row) in body
    for page in PdfReader(str(out)).pages:  # no cell starts beyond the text block
        width = float(page.mediabox.width)
        starts: list[float] = []
        page.extract_text(visitor_text=lambda t, cm, tm, *_: starts.append(
            tm[4] * cm[0] + cm[4]) if t.strip() else None)
        assert all(0 <= x < width - 30 for x in starts)
