"""Text renderings (issue 17, point 9), on real corpus pages where the case
occurs: closing blocks, headings with a note call, sentences that end with an
abbreviation, and Windows-1252 preferred over other single-byte code pages."""

from __future__ import annotations

import pytest

from bookmaker.model import Heading, NoteRef, Signature, blocks_text
from bookmaker.readers.mia import text as mia_text
from bookmaker.readers.mia.text import guess_encoding
from conftest import SHARED

TEXT = SHARED / "corpus" / "mia-text"
needs_corpus = pytest.mark.skipif(not TEXT.is_dir(), reason="no shared corpus here")


def read(rel: str):
    return mia_text.read((TEXT / (rel + ".txt")).read_bytes(), name=rel)


def headings(article) -> list[str]:
    return [blocks_text(b) for b in article.blocks if isinstance(b, Heading)]


@needs_corpus
@pytest.mark.parametrize("rel, closing", [
    ("archive/weisbord/FiveEleven.htm", "With revolutionary greetings,"),
    ("archive/thompson-ep/1973/kolakowski.htm", "Yours fraternally,"),
])
def test_a_letters_closing_block_is_a_signature(rel: str, closing: str) -> None:
    article = read(rel)
    assert not any(h.startswith(closing) for h in headings(article))
    assert any(isinstance(b, Signature) and blocks_text(b).startswith(closing)
               for b in article.blocks)


@needs_corpus
def test_a_heading_with_a_note_call_is_a_heading_with_the_call() -> None:
    article = read("archive/korsch/1931/crisis-marxism.htm")  # "6[1]"
    found = [b for b in article.blocks if isinstance(b, Heading) and blocks_text(b).startswith("6")]
    assert found and any(isinstance(n, NoteRef) for n in found[0].content)


@needs_corpus
def test_a_sentence_ending_with_an_abbreviation_stays_a_paragraph() -> None:
    article = read("archive/nin/1931/xx/barcelona.htm")
    assert "The Internal Crisis of the C.N.T." in headings(article)
    assert not any(h.startswith("Two words, in conclusion") for h in headings(article))


@pytest.mark.parametrize("text, encoding", [
    ("It cost £40 a week, and the view was naïve.", "cp1252"),
    ("Rosa Luxemburg’s “Junius” pamphlet – Zürich, 1916.", "cp1252"),
])
def test_windows_1252_is_preferred_when_the_bytes_fit(text: str, encoding: str) -> None:
    assert guess_encoding(text.encode(encoding)) == (text, "windows-1252")


@pytest.mark.parametrize("text, encoding", [
    ("Пролетарии всех стран, соединяйтесь! Манифест Коммунистической партии.", "cp1251"),
    ("Προλετάριοι όλων των χωρών, ενωθείτε!", "cp1253"),
])
def test_a_page_that_clearly_is_another_code_page_keeps_it(text: str, encoding: str) -> None:
    assert guess_encoding(text.encode(encoding))[0] == text


@needs_corpus
def test_a_windows_1252_rendering_reads_as_its_utf_8_twin() -> None:
    rel = "archive/lafargue/1886/05/decazeville.htm"  # has "£"
    data = (TEXT / (rel + ".txt")).read_bytes()
    twin = mia_text.read(data.decode("utf-8").encode("cp1252", errors="replace"), name=rel)
    assert blocks_text(twin.blocks[3]) == blocks_text(read(rel).blocks[3])
    assert "Ł" not in "".join(blocks_text(b) for b in twin.blocks)
