"""Note calls side by side (issue 17): "[6][7]" prints as 6,7 in the EPUB and in the
PDF, never as one call "67"; on real archive pages and in Markdown."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from bookmaker import Metadata, Person, assemble, write_book
from bookmaker.model import Article, NoteRef, Paragraph
from bookmaker.readers.mia import html as mia_html
from bookmaker.readers.markdown import read as read_markdown
from conftest import SHARED
from helpers import NS, epub_docs, pdf_pages, squash

MIA = SHARED / "corpus" / "mia"
needs_corpus = pytest.mark.skipif(not MIA.is_dir(), reason="no shared corpus here")

# Both pages of the corpus with two calls side by side; the page writes a space
# between them ("[13] [37*]"), which the separator replaces.
PLEKHANOV = "archive/plekhanov/1892/engels/notes1b.html"  # [13] [37*]
CLIFF = "archive/cliff/works/1976/lenin2/ch19b.htm"  # [71] [3*]

CALLS = """---
title: Calls
author: A. Writer
---
Two calls[^6][^7] together, two more[^8] [^9] with a space, and one [^10] alone.

[^6]: Six.
[^7]: Seven.
[^8]: Eight.
[^9]: Nine.
[^10]: Ten.
"""


def _book(*articles: Article):  # noqa: ANN202
    return assemble(list(articles), Metadata(title="Calls", authors=(Person("A. Writer"),)))


def _separated(chapter) -> list[tuple[str, str]]:  # noqa: ANN001
    """(call, call) for each separator; each stands right between two calls."""
    pairs = []
    for sep in chapter.iterfind(".//x:span[@class='noteref-sep']", NS):
        before, after = sep.getprevious(), sep.getnext()
        assert sep.text == ","
        assert before.get("class") == "noteref" == after.get("class")
        assert not (before.tail or "") and not (sep.tail or "")  # nothing else between
        pairs.append((before.text, after.text))
    return pairs


def test_markdown_calls_side_by_side_in_the_epub(tmp_path: Path) -> None:
    book = _book(read_markdown(CALLS.encode(), name="calls.md"))
    chapter = epub_docs(write_book(book, tmp_path / "b.epub", "epub"))["EPUB/ch001.xhtml"]
    assert _separated(chapter) == [("1", "2"), ("3", "4")]
    body = "".join(chapter.find(".//x:section[@id='ch001']", NS).itertext())
    assert "Two calls1,2 together, two more3,4 with a space, and one5 alone." in body


def test_markdown_calls_side_by_side_in_the_pdf(tmp_path: Path) -> None:
    book = _book(read_markdown(CALLS.encode(), name="calls.md"))
    text = squash("".join(pdf_pages(write_book(book, tmp_path / "b.pdf", "pdf"), body_only=True)))
    assert "Twocalls1,2together,twomore3,4withaspace,andone5alone." in text
    assert "calls12" not in text and "more34" not in text


@needs_corpus
@pytest.mark.parametrize("rel,around", [
    # the page's space before the calls goes: a call sits against its word
    (PLEKHANOV, re.compile(r"upon our senses\.”(\d+),(\d+) If Lange")),
    (CLIFF, re.compile(r"and barely any victims\.”(\d+),(\d+)$", re.M)),
])
def test_real_pages_calls_side_by_side_in_the_epub(rel: str, around: re.Pattern[str],
                                                   tmp_path: Path) -> None:
    article = mia_html.read((MIA / rel).read_bytes(), name=rel)
    chapter = epub_docs(write_book(_book(article), tmp_path / "b.epub", "epub"))["EPUB/ch001.xhtml"]
    (pair,) = _separated(chapter)  # the one place on the page
    assert int(pair[1]) == int(pair[0]) + 1  # numbered in call order, one after the other
    body = "".join(chapter.find(".//x:section[@id='ch001']", NS).itertext())
    match = around.search(body)
    assert match and match.groups() == pair


@needs_corpus
def test_a_real_pages_calls_side_by_side_in_the_pdf(tmp_path: Path) -> None:
    # The paragraph of the page that has them, with its notes: the page whole is long.
    article = mia_html.read((MIA / PLEKHANOV).read_bytes(), name=PLEKHANOV)
    para = next(b for b in article.blocks if isinstance(b, Paragraph)
                and any(isinstance(n, NoteRef) and n.note_id == "nak" for n in b.content))
    called = {n.note_id for n in para.content if isinstance(n, NoteRef)}
    assert called == {"n13", "nak", "nal"}
    article = replace(article, blocks=(para,),
                      notes=tuple(n for n in article.notes if n.id in called))
    text = squash("".join(pdf_pages(write_book(_book(article), tmp_path / "b.pdf", "pdf"),
                                    body_only=True)))
    assert "uponoursenses.”1,2IfLangewrote" in text
    assert "senses.”12" not in text


PREFACE = "# Preface\n\nWritten late,[^a] and read twice.[^b]\n\n[^a]: In 1988.\n[^b]: At least.\n"


def _prefaced(tmp_path: Path):  # noqa: ANN202
    from bookmaker.readers.markdown import read_front_matter

    (tmp_path / "preface.md").write_text(PREFACE, encoding="utf-8")
    book = _book(read_markdown(CALLS.encode(), name="calls.md"))
    return replace(book, front_matter=(read_front_matter(tmp_path / "preface.md", "preface"),))


def test_a_prefaces_notes_are_notes_in_the_epub(tmp_path: Path) -> None:
    """Markdown front matter's footnotes behave as a chapter's: called, listed
    after the text as footnotes, each with its backlink."""
    preface = epub_docs(write_book(_prefaced(tmp_path), tmp_path / "b.epub", "epub"))[
        "EPUB/preface.xhtml"]
    calls = preface.findall(".//x:a[@class='noteref']", NS)
    notes = preface.findall(".//x:aside[@role='doc-footnote']", NS)
    assert [c.text for c in calls] == ["1", "2"]
    assert [c.get("href") for c in calls] == [f"#{n.get('id')}" for n in notes]
    backs = [n.find(".//x:a[@role='doc-backlink']", NS).get("href") for n in notes]
    assert backs == [f"#{c.get('id')}" for c in calls]
    assert ["".join(n.itertext()).split()[1:] for n in notes] == [["In", "1988."], ["At", "least."]]
    assert "[1]" not in "".join(preface.itertext())


def test_a_prefaces_notes_are_footnotes_in_the_pdf(tmp_path: Path) -> None:
    from bookmaker.writers import WriteOptions, get_writer

    book = _prefaced(tmp_path)
    html = get_writer("pdf").render_html(book, WriteOptions(base_dir=tmp_path))
    assert html.count('class="footnote"') == 2 + 5  # the preface's two, the chapter's five
    assert '<span class="footnote" id="preface-note-1"' in html
    pages = pdf_pages(write_book(book, tmp_path / "b.pdf", "pdf"))
    preface = next(p for p in pages if "Written late" in p)
    assert "In 1988." in preface and "At least." in preface  # at the foot of its page
    assert "[1]" not in preface
