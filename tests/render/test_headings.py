"""Headings nest: each chapter's headings are renumbered from its own top level,
at the same levels in every edition; and the EPUB's accessibility metadata
says only what is true of the book (tests/books/test_anthology_a11y.py audits whole
books with DAISY Ace)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from bookmaker import Metadata, Person, assemble, write_book
from bookmaker.model import Article, Figure, Heading, Paragraph, Text
from bookmaker.render.views import chapter_level, chapter_view
from bookmaker.writers import WriteOptions, get_writer

from helpers import NS, epub_docs


def _article(title: str, levels: list[int], figures: tuple[Figure, ...] = ()) -> Article:
    blocks: list = [Paragraph((Text("Opening."),))]
    for n, level in enumerate(levels, 1):
        blocks += [Heading((Text(f"Section {n}"),), level), Paragraph((Text(f"Text {n}."),))]
    return Article(title=title, blocks=(*blocks, *figures), authors=(Person("A. Writer"),))


def _levels(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"<h([1-6])\b", html)]


@pytest.mark.parametrize(("source", "depths"), [
    ([1, 2, 2, 1], [1, 2, 2, 1]),          # already nested: kept
    ([3, 3, 3], [1, 1, 1]),                # MIA's h3 sections: directly under the title
    ([2, 4, 4, 3, 2], [1, 2, 2, 2, 1]),    # gaps closed, siblings stay siblings
    ([1, 3, 3], [1, 2, 2]),
    ([2, 1, 2, 2, 1], [1, 1, 2, 2, 1]),    # a first heading below the top level
    ([1, 2, 3, 4, 5, 6, 6], [1, 2, 3, 4, 5, 6, 6]),
])
def test_a_chapters_headings_are_renumbered_from_its_own_top(source: list[int],
                                                             depths: list[int]) -> None:
    book = assemble([_article("One", source)], Metadata(title="B"))
    for hbase in (1, 2, 3):
        view = chapter_view(book.chapters[0], hbase=hbase)
        assert _levels(str(view.body)) == [min(6, hbase + d) for d in depths]
        assert [s.level for s in view.sections] == depths


def test_headings_never_lie_more_than_one_below_the_one_before() -> None:
    import itertools

    for source in itertools.product([1, 2, 3, 4], repeat=4):
        view = chapter_view(assemble([_article("T", list(source))], Metadata(title="B")).chapters[0],
                            hbase=2)
        previous = 2
        for level in _levels(str(view.body)):
            assert level <= previous + 1, source
            previous = level


def test_the_chapter_title_level_follows_parts_and_documents() -> None:
    flat = assemble([_article("One", [1])], Metadata(title="B"))
    parted = assemble([_article("One", [1]), _article("Two", [1])], Metadata(title="B"),
                      parts=[("P", 0)])
    assert chapter_level(flat, own_document=True) == 1
    assert chapter_level(parted, own_document=True) == 2
    assert chapter_level(flat, own_document=False) == 2
    assert chapter_level(parted, own_document=False) == 3


def _chapter_headings_epub(path: Path) -> list[int]:
    with zipfile.ZipFile(path) as z:
        return _levels(z.read("EPUB/ch001.xhtml").decode())


def test_every_edition_places_a_chapter_at_the_same_depth(tmp_path: Path) -> None:
    """The EPUB's chapter documents are the whole-book editions one level up
    (their book title is on a page of its own)."""
    for parts in ((), [("Part One", 0)]):
        book = assemble([_article("One", [3, 4, 3])], Metadata(title="B"), parts=parts)
        epub = _chapter_headings_epub(write_book(book, tmp_path / "b.epub", "epub"))
        html = get_writer("html").render(book, WriteOptions())
        pdf = get_writer("pdf").render_html(book, WriteOptions())
        top = chapter_level(book, own_document=True)
        assert epub[:4] == [top, top + 1, top + 2, top + 1]
        for whole in (html, pdf):
            chapter = whole[whole.index('id="ch001"'):]
            assert _levels(chapter)[:4] == [top + 1, top + 2, top + 3, top + 2]


def _a11y(path: Path) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {}
    for meta in epub_docs(path)["EPUB/content.opf"].iterfind(".//opf:meta[@property]", NS):
        props.setdefault(meta.get("property"), []).append(meta.text)
    return props


def _figure_book(tmp_path: Path, alt: str) -> Path:
    from PIL import Image

    Image.new("RGB", (4, 4), "red").save(tmp_path / "red.png")
    book = assemble([_article("One", [], (Figure("red.png", alt),))], Metadata(title="B"))
    return write_book(book, tmp_path / f"fig-{bool(alt)}.epub", "epub",
                      WriteOptions(base_dir=tmp_path))


def test_the_summary_speaks_of_notes_and_images_only_as_they_are(tmp_path: Path) -> None:
    plain = _a11y(write_book(assemble([_article("One", [1])], Metadata(title="B")),
                             tmp_path / "plain.epub", "epub"))
    summary = plain["schema:accessibilitySummary"][0]
    assert "Notes" not in summary and "the cover, has a text alternative" in summary
    assert plain["schema:accessMode"] == ["textual"]
    assert "alternativeText" in plain["schema:accessibilityFeature"]
    assert plain["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]

    described = _a11y(_figure_book(tmp_path, "A red square"))
    assert described["schema:accessMode"] == ["textual", "visual"]
    assert described["schema:accessModeSufficient"] == ["textual"]
    assert "Every image" in described["schema:accessibilitySummary"][0]
    assert "alternativeText" in described["schema:accessibilityFeature"]

    bare = _a11y(_figure_book(tmp_path, ""))
    assert bare["schema:accessModeSufficient"] == ["textual,visual"]
    assert "alternativeText" not in bare["schema:accessibilityFeature"]
    assert "1 of its 1 images have no text alternative" in bare["schema:accessibilitySummary"][0]
    assert "WCAG" not in bare["schema:accessibilitySummary"][0]
    assert "dcterms:conformsTo" not in bare


def test_front_matter_has_the_role_its_type_names(tmp_path: Path) -> None:
    from bookmaker.model import FrontMatter

    fronts = tuple(FrontMatter(kind=k, title=k.title(), blocks=(Paragraph((Text("x"),)),))
                   for k in ("dedication", "epigraph", "preface"))
    book = assemble([_article("One", [1])], Metadata(title="B"), front_matter=fronts)
    docs = epub_docs(write_book(book, tmp_path / "f.epub", "epub"))
    for kind in ("dedication", "epigraph", "preface"):
        section = docs[f"EPUB/{kind}.xhtml"].find(f".//x:section[@id='{kind}']", NS)
        assert section.get("role") == f"doc-{kind}"
        assert section.get("{http://www.idpf.org/2007/ops}type") == kind
    html = etree.HTML(get_writer("html").render(book, WriteOptions()).encode())
    roles = {s.get("id"): s.get("role") for s in html.iter("section")}
    assert {roles[k] for k in ("dedication", "epigraph", "preface")} == {
        "doc-dedication", "doc-epigraph", "doc-preface"}


def test_credits_of_articles_of_one_title_are_told_apart(tmp_path: Path) -> None:
    book = assemble([_article("Speech", []), _article("Speech", []), _article("Other", [])],
                    Metadata(title="B"))
    credits = epub_docs(write_book(book, tmp_path / "c.epub", "epub"))["EPUB/credits.xhtml"]
    labels = [(s.get("aria-label"), s.get("aria-labelledby"))
              for s in credits.iterfind(".//x:section[@role='doc-credit']", NS)]
    assert labels == [("Speech (chapter 1)", None), ("Speech (chapter 2)", None),
                      (None, "credit-ch003-title")]


def test_a_column_name_above_a_title_is_set_above_it_not_in_the_text(tmp_path) -> None:  # noqa: ANN001
    """A page's column name ("Editorial Notes" above Cannon's "Bolshevik
    Organization") is the chapter head's, above its title, in both formats;
    the text begins with the page's own first paragraph."""
    from pathlib import Path

    from bookmaker import Metadata, assemble, write_book
    from bookmaker.readers.mia import html as mia_html
    from bookmaker.writers import WriteOptions, get_writer
    from conftest import SHARED
    from helpers import NS, epub_docs

    rel = "archive/cannon/works/1931/jun/bolshorg.htm"
    article = mia_html.read((SHARED / "corpus" / "mia" / rel).read_bytes(), name=rel)
    book = assemble([article], Metadata("Cannon"))
    chapter = epub_docs(write_book(book, Path(tmp_path) / "b.epub", "epub"))["EPUB/ch001.xhtml"]
    head = chapter.find(".//x:header", NS)
    kicker = head.find("x:p[@class='chapter-kicker']", NS)
    assert kicker is not None and "".join(kicker.itertext()) == "Editorial Notes"
    assert list(head).index(kicker) < list(head).index(head.find("x:h1", NS))
    first = head.getnext()
    assert first.get("class") != "kicker" and "Editorial Notes" not in "".join(first.itertext())
    html = get_writer("pdf").render_html(book, WriteOptions())
    assert html.count("Editorial Notes") == 1
    assert html.index('class="chapter-kicker"') < html.index('class="chapter-title"')
