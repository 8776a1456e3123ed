"""A book's ISBN (`[book] isbn`): checked when the spec is read, written as a
hyphenated ISBN-13, printed on the copyright page of every format, and kept in
the EPUB's package as a further dc:identifier beside the book's own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bookmaker import SpecError, load_book, load_spec, write_book
from helpers import NS, ROOT, epub_docs, epubcheck_messages, pdf_pages, squash

SAMPLE = ROOT / "content" / "sample"
ARTICLES = '[[articles]]\npath = "sample/offensive.txt"\n'


def _spec(tmp_path: Path, book: str) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "sample", dirs_exist_ok=True)
    path = tmp_path / "book.toml"
    path.write_text(f'[book]\ntitle = "A Book"\nauthors = ["Leon Trotsky"]\n{book}\n{ARTICLES}',
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("given", ["978-0-306-40615-7", "9780306406157", "978 0 306 40615 7",
                                   "0-306-40615-2", "ISBN 978-0-306-40615-7",
                                   "urn:isbn:9780306406157"])
def test_any_way_of_writing_an_isbn_is_read_as_the_hyphenated_isbn_13(
        tmp_path: Path, given: str) -> None:
    assert load_spec(_spec(tmp_path, f'isbn = "{given}"')).metadata.isbn == "978-0-306-40615-7"


@pytest.mark.parametrize("given, why", [("978-0-306-40615-8", "check digit"),
                                        ("978-0-306-4061", "length"),
                                        ("978-0-306-4061X-7", "ISBN")])
def test_a_wrong_isbn_is_a_spec_error_naming_the_key(tmp_path: Path, given: str, why: str) -> None:
    path = _spec(tmp_path, f'isbn = "{given}"')
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert info.value.key == "book.isbn" and info.value.path == str(path.resolve())
    assert given in str(info.value) and why in str(info.value), str(info.value)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("isbn")
    spec = load_spec(_spec(folder, 'isbn = "0-306-40615-2"\nidentifier = "urn:test:isbn"'))
    book = load_book(spec)
    return {fmt: write_book(book, folder / f"book.{fmt}", fmt) for fmt in ("epub", "pdf")}


def test_the_copyright_page_prints_the_isbn(books: dict[str, Path]) -> None:
    imprint = next(doc for name, doc in epub_docs(books["epub"]).items()
                   if doc.find(".//*[@epub:type='copyright-page']",
                               {"epub": "http://www.idpf.org/2007/ops"}) is not None)
    text = squash("".join(imprint.itertext()))
    assert squash("ISBN 978-0-306-40615-7") in text and squash("Identifier: urn:test:isbn.") in text
    isbn = squash("ISBN 978-0-306-40615-7")
    assert [isbn in squash(page) for page in pdf_pages(books["pdf"])].count(True) == 1


def test_the_epub_keeps_its_own_identifier_and_the_isbn_beside_it(books: dict[str, Path]) -> None:
    opf = epub_docs(books["epub"])["EPUB/content.opf"]
    ids = {e.get("id"): e.text for e in opf.iterfind("opf:metadata/dc:identifier", NS)}
    assert ids[opf.get("unique-identifier")] == "urn:test:isbn"
    assert "urn:isbn:9780306406157" in ids.values()
    assert epubcheck_messages(books["epub"]) == []


def test_an_isbn_that_is_the_identifier_is_printed_and_recorded_once(tmp_path: Path) -> None:
    spec = load_spec(_spec(tmp_path, 'isbn = "978-0-306-40615-7"\n'
                                     'identifier = "urn:isbn:978-0-306-40615-7"'))
    epub = write_book(load_book(spec), tmp_path / "book.epub", "epub")
    docs = epub_docs(epub)
    ids = [e.text for e in docs["EPUB/content.opf"].iterfind("opf:metadata/dc:identifier", NS)]
    assert ids == ["urn:isbn:978-0-306-40615-7"]
    text = squash(" ".join("".join(d.itertext()) for n, d in docs.items() if n.endswith(".xhtml")))
    assert squash("ISBN 978-0-306-40615-7") in text and "Identifier:" not in text
