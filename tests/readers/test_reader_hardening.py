"""Issue 15, readers and content: no text lost without a word, no invalid book
built with exit 0 (points 4, 5 and part of 8)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from bookmaker.errors import SourceError
from bookmaker.model import Article, Chapter, Link, ListBlock, Paragraph, Quote, Text, blocks_text
from bookmaker.readers import markdown
from bookmaker.readers.mia import html as mia_html, text as mia_text
from bookmaker.readers.mia.notes import note_warnings
from bookmaker.render.views import chapter_view
from bookmaker.resources import clean_svg
from conftest import SHARED
from helpers import epubcheck_messages

CORPUS = SHARED / "corpus" / "mia"


def text_of(article: Article) -> str:
    return "\n".join(blocks_text(b) for b in article.blocks)


def depth(block: object) -> int:
    """How deep quotes and lists nest in a block (a paragraph is 0)."""
    if isinstance(block, Quote):
        return 1 + max((depth(b) for b in block.blocks), default=0)
    if isinstance(block, ListBlock):
        return 1 + max((depth(b) for item in block.items for b in item), default=0)
    return 0


def kinds(article: Article) -> set[str]:
    return {w.split(":", 1)[0] for w in article.warnings}


# --- HTML: deep nesting and void elements --------------------------------------------

LICENCE = "Licence: Creative Commons (Attribution-ShareAlike 2.0)"


def deep_page(opener: str, count: int = 400) -> bytes:
    paras = "".join(f"{opener.format(i=i)}<p>Para {i} of the page.</p>" for i in range(count))
    return (f"<html><body><h1>A Deep Page</h1>{paras}"
            f"<p class='information'>{LICENCE}</p></body></html>").encode()


@pytest.mark.parametrize("opener", ["<font>", "<div>", "<blockquote>", "<span>",
                                    "<font size='2'><div class='x'>"])
def test_400_unclosed_elements_keep_every_paragraph_and_the_licence(opener: str) -> None:
    article = mia_html.read(deep_page(opener), name="deep.htm")
    text = text_of(article)
    assert [int(n) for n in re.findall(r"Para (\d+) ", text)] == list(range(400))
    assert article.attribution.licence is not None
    assert article.attribution.licence.id == "CC-BY-SA-2.0"
    assert "nesting" in kinds(article)


def test_nesting_past_libxml2s_own_limit_keeps_the_text() -> None:
    # each element unlike the one around it: nothing repeats, the depth cap acts
    article = mia_html.read(deep_page("<div id='d{i}'>", 3000), name="deeper.htm")
    text = text_of(article)
    assert [int(n) for n in re.findall(r"Para (\d+) ", text)] == list(range(3000))
    assert article.attribution.licence is not None
    assert any(w.startswith("nesting:") and "line 1" in w for w in article.warnings)


def test_a_page_of_normal_depth_has_no_nesting_warning() -> None:
    article = mia_html.read(deep_page("<div>", 40), name="fine.htm")
    assert "nesting" not in kinds(article)


CORPUS_PAGES = ["archive/trotsky/1931/spain/spain05.htm", "archive/hansen/1945/06/conscript.html",
                "archive/trotsky/1938/04/lp.htm"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no shared corpus here")
@pytest.mark.parametrize("page", CORPUS_PAGES)
def test_a_corpus_page_in_400_unclosed_fonts_reads_as_it_does_without(page: str) -> None:
    data = (CORPUS / page).read_bytes()
    wrapped = re.sub(rb"(?i)<body[^>]*>", lambda m: m.group(0) + b"<font>" * 400, data, count=1)
    assert wrapped != data
    plain, deep = (mia_html.read(d, name=str(CORPUS / page)) for d in (data, wrapped))
    assert deep.blocks == plain.blocks and deep.notes == plain.notes
    assert deep.title == plain.title and deep.attribution == plain.attribution
    assert plain.attribution.licence is not None  # the licence is there to lose
    assert set(deep.warnings) - set(plain.warnings) == {
        next(w for w in deep.warnings if w.startswith("nesting:"))}


@pytest.mark.parametrize("tag", ["embed", "bgsound", "param", "wbr", "keygen", "source",
                                 "track"])
def test_void_elements_do_not_swallow_what_follows(tag: str) -> None:
    page = (f"<html><body><h1>Title</h1><p>one</p><{tag} src='a.mid'><p>two</p>"
            f"<p>in<{tag} src='b.mid'>line</p><p>three</p></body></html>")
    article = mia_html.read(page.encode(), name="void.htm")
    assert [blocks_text(b) for b in article.blocks] == ["one", "two", "inline", "three"]


# --- Markdown: nesting ---------------------------------------------------------------------

def test_a_twelve_level_list_keeps_every_level() -> None:
    items = "".join("  " * i + f"- level{i} item\n" for i in range(12))
    article = markdown.read(f"# Lists\n\n{items}\nAfter the list.\n".encode(), name="l.md")
    text = text_of(article)
    assert all(f"level{i} item" in text for i in range(12)) and "After the list." in text
    assert depth(article.blocks[0]) == 12
    assert "nesting" not in kinds(article)


@pytest.mark.parametrize("levels", [25, 60, 400])
def test_a_deep_blockquote_keeps_every_word(levels: int) -> None:
    quote = "".join(">" * (i + 1) + f" quote{i} words\n" + ">" * (i + 1) + "\n"
                    for i in range(levels))
    article = markdown.read(f"# Quotes\n\n{quote}\nAfter the quote.\n".encode(), name="q.md")
    text = text_of(article)
    assert all(f"quote{i} words" in text for i in range(levels))
    assert "After the quote." in text
    assert depth(article.blocks[0]) == min(levels, markdown.MAX_NESTING)
    if levels <= markdown.MAX_NESTING:
        assert "nesting" not in kinds(article)
    else:  # what lies deeper is text, said so with the line where it starts
        line = 2 + 2 * (markdown.MAX_NESTING - 1) + 1
        assert f"nesting: quotes and lists nested too deep (from line {line}: more than " \
               "50 quotes, or 24 lists) are kept as plain text" in article.warnings


@pytest.mark.parametrize(("levels", "warned"), [(24, False), (25, True), (40, True)])
def test_lists_keep_24_levels(levels: int, warned: bool) -> None:
    items = "".join("  " * i + f"- level{i} item\n" for i in range(levels))
    article = markdown.read(f"# Lists\n\n{items}\nAfter.\n".encode(), name="l.md")
    text = text_of(article)
    assert all(f"level{i} item" in text for i in range(levels)) and "After." in text
    assert depth(article.blocks[0]) == min(levels, 25)
    assert ("nesting" in kinds(article)) is warned


# --- control characters, in every reader ----------------------------------------------

CONTROLS = "\x01\x0b\x0c\x1f\x7f"
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def test_html_reader_removes_control_characters_raw_and_as_references() -> None:
    page = ("<html><body><h1>Title</h1><p>a\x01b\x0bc\x0cd\x1fe\x7ff</p>"
            "<p>g&#1;h&#x0b;i&#x7f;j&#xfffe;k</p></body></html>")
    article = mia_html.read(page.encode(), name="c.htm")
    assert [blocks_text(b) for b in article.blocks] == ["abcdef", "ghijk"]
    assert "control: removed 9 control character(s)" in article.warnings


def test_text_reader_removes_control_characters() -> None:
    page = f"Leon Trotsky\n\nTitle\n\nSome{CONTROLS}text\x85 here.\n"
    article = mia_text.read(page.encode(), name="c.txt")
    assert "Sometext here." in text_of(article)
    assert "control: removed 6 control character(s)" in article.warnings


def test_markdown_reader_removes_control_characters_in_text_and_front_matter() -> None:
    data = (f'+++\ntitle = "A{CONTROLS[0]} title"\n+++\n\nSome{CONTROLS}text\u0085 here.\n'
            "\n- an item\x01\n").encode()
    article = markdown.read(data, name="c.md")
    assert article.title == "A title"
    assert text_of(article).splitlines() == ["Sometext here.", "an item"]
    assert not _XML_BAD.search(text_of(article))
    assert "control: removed 8 control character(s)" in article.warnings


# --- Markdown front matter ------------------------------------------------------------------

@pytest.mark.parametrize(("front", "key", "line"), [
    ('+++\ntitle = "T"\nlanguage = "en gb"\n+++\n', "language", 3),
    ('+++\nlanguage = 3\n+++\n', "language", 2),
    ("---\ntitle: T\nauthor: Someone\nlang: x_y\n---\n", "lang", 4),
    ('+++\nauthors = ["A", 2]\n+++\n', "authors", 2),
    ('+++\nsubtitle = ""\n+++\n', "subtitle", 2),
    ('+++\ndate = [1917]\n+++\n', "date", 2),
    ('+++\nlicence = true\n+++\n', "licence", 2),
])
def test_front_matter_values_are_checked(front: str, key: str, line: int) -> None:
    with pytest.raises(SourceError) as caught:
        markdown.read(f"{front}\n# Title\n\nText.\n".encode(), name="front.md")
    error = caught.value
    assert (error.path, error.line, error.key, error.exit_code) == ("front.md", line, key, 4)
    assert str(error).startswith(f"front.md:{line} [{key}]: front matter: {key} must be")


def test_good_front_matter_passes() -> None:
    article = markdown.read(b'+++\nlanguage = "de-CH"\ndate = 1933-07-20\n+++\n\n# T\n\nText.\n',
                            name="good.md")
    assert (article.language, article.date) == ("de-CH", "1933-07-20")


def build(project: Path) -> subprocess.CompletedProcess[str]:
    """`bookmaker build` of a project in a process of its own, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "bookmaker", "-q", "build", "-C", str(project),
                           "-o", str(project / "dist")], capture_output=True, text=True,
                          env={**os.environ, "BOOKMAKER_NO_SERVER": "1",
                               "SOURCE_DATE_EPOCH": "1700000000"}, timeout=600)


def test_language_tag_errors_reach_the_command_line(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "one.md").write_text('+++\ntitle = "One"\nlanguage = "english please"\n'
                                    'licence = "CC-BY-4.0"\n+++\n\nText.\n')
    (content / "book.toml").write_text('[book]\ntitle = "B"\nauthors = ["A"]\n'
                                       '[options]\nformats = ["epub"]\n'
                                       '[[articles]]\npath = "one.md"\n')
    done = build(tmp_path)
    assert done.returncode == 4, done.stderr
    assert "one.md:3 [language]: front matter: language must be a BCP 47" in done.stderr


# --- links --------------------------------------------------------------------------------

def test_markdown_links_to_files_and_data_are_text() -> None:
    # The reader keeps a relative link as written (an article's address, given in
    # the spec, resolves it later); data:, javascript: and in-page links are text.
    # In a book without an address, relative links are text too.
    data = (b"# T\n\nSee [the next](two.md), [up](../x.htm), [a part](#part), "
            b"[data](data:text/html,hi), [js](javascript:alert(1)), [web](https://example.org/) "
            b"and [mail](mailto:a@example.org).\n")
    article = markdown.read(data, name="links.md")
    content = article.blocks[0].content
    links = [n for n in content if isinstance(n, Link)]
    assert [link.href for link in links] == ["two.md", "../x.htm", "https://example.org/",
                                            "mailto:a@example.org"]
    assert "See the next, up, a part, " in blocks_text(article.blocks[0])
    body = str(chapter_view(Chapter(id="ch001", number=1, article=article, authors=())).body)
    assert re.findall(r'href="([^"]*)"', body) == ["https://example.org/", "mailto:a@example.org"]


def test_the_renderer_shows_a_link_it_cannot_follow_as_text() -> None:
    # a reader of a plug-in may still hand over a path
    article = Article(title="T", blocks=(Paragraph((Link("two.md", (Text("the next"),)),
                                                    Link("https://x.org/", (Text("web"),)))),))
    view = chapter_view(Chapter(id="ch001", number=1, article=article, authors=()))
    assert "two.md" not in view.body and "the next" in view.body
    assert 'href="https://x.org/"' in view.body


# --- SVG ----------------------------------------------------------------------------------

HOSTILE_SVG = """<?xml version="1.0" standalone="no"?>
<?xml-stylesheet href="http://evil.example/sheet.css" type="text/css"?>
<!DOCTYPE svg [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY word "entityword">
]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="100" height="100" onload="alert(1)">
  <style>@import url(http://evil.example/a.css); rect { fill: url(http://evil.example/p.svg#g) }</style>
  <script>alert(2)</script>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">html</div></foreignObject>
  <image href="http://evil.example/i.png" width="10" height="10"/>
  <image xlink:href="https://evil.example/j.png" width="10" height="10"/>
  <rect id="box" width="50" height="50" style="fill: url('http://evil.example/q')"
        filter="url(http://evil.example/f)" onclick="alert(3)"/>
  <use xlink:href="#box" x="50"/>
  <a xlink:href="javascript:alert(4)"><text x="1" y="20" title="&word;">&xxe; visible</text></a>
</svg>
"""


def test_a_hostile_svg_is_cleaned() -> None:
    clean = clean_svg(HOSTILE_SVG.encode())
    assert clean is not None
    text = clean.decode()
    for gone in ("DOCTYPE", "ENTITY", "&", "script", "alert", "foreignObject", "evil.example",
                 "@import", "onload", "onclick", "root:", "passwd", "xml-stylesheet"):
        assert gone not in text, gone
    assert '<use xlink:href="#box"' in text and 'title="entityword"' in text
    assert "visible" in text


@pytest.mark.parametrize("bad", [b"<svg", b"<html xmlns='http://www.w3.org/1999/xhtml'/>",
                                 b"<svg xmlns='http://www.w3.org/2000/svg'><style>@\\69mport "
                                 b"'http://x'</style></svg>"])
def test_an_svg_that_cannot_be_cleaned_is_refused_or_stripped(bad: bytes) -> None:
    clean = clean_svg(bad)
    assert clean is None or b"http://x" not in clean


# --- note_warnings -------------------------------------------------------------------------

def test_note_warnings_with_ten_thousand_notes() -> None:
    ids = [f"n{i}" for i in range(10_000)]
    calls = [f"n{i}" for i in range(10_000) if i % 1000] * 2 + ["x1", "x2", "x1"]
    uncalled, missing = note_warnings(ids, calls)
    assert uncalled == "notes: without a call in the text: " + ", ".join(
        f"n{i}" for i in range(0, 10_000, 1000))
    assert missing == "notes: calls without a note: x1, x2"
    assert note_warnings(ids, ids[::-1]) == []


def test_a_page_of_ten_thousand_notes() -> None:
    n = 10_000
    body = "".join(f'<p>Paragraph {i} calls <a href="#n{i}">[{i % 100}]</a>.</p>'
                   for i in range(1, n + 1) if i % 1000)
    notes = "".join(f'<p><a name="n{i}">{i % 100}.</a> Note number {i}.</p>'
                    for i in range(1, n + 1))
    page = f"<html><body><h1>Notes</h1>{body}<hr/>{notes}</body></html>"
    article = mia_html.read(page.encode(), name="notes.htm")
    assert len(article.notes) == n
    warning = next(w for w in article.warnings if w.startswith("notes: without a call"))
    uncalled = warning.split(": ", 2)[2].split(", ")
    by_id = {note.id: note for note in article.notes}
    assert [blocks_text(by_id[i].blocks[0]) for i in uncalled] == [
        f"Note number {i}." for i in range(1000, n + 1, 1000)]
    assert not any(w.startswith("notes: calls without") for w in article.warnings)


# --- one book of every case: EPUBCheck, the PDF, two folders --------------------------------

LONG_URL = "https://example.org/" + "a" * 180
LONG_WORD = "W" + "x" * 199
JUSTIFIED = " ".join(["A paragraph of ordinary words that fills the lines of the page."] * 8)


def write_book(folder: Path) -> None:
    content = folder / "content"
    content.mkdir(parents=True)
    (content / "one.md").write_text(
        '+++\ntitle = "One\x01"\nauthor = "A. Writer"\nlicence = "CC-BY-4.0"\n+++\n\n'
        f"{JUSTIFIED}\n\nA bare address {LONG_URL} in the text.\n\n"
        f"A [link]({LONG_URL}) and a long word {LONG_WORD} end.\n\n"
        "See [the next](two.md), [up](../x.htm) and [a part](#part).\n\n"
        "Controls: a\x01b\x0bc\x0cd\x1fe\x7ff\u0085g.\n\n"
        + "".join(">" * (i + 1) + f" quote{i}\n" + ">" * (i + 1) + "\n" for i in range(60))
        + "\n" + "".join("  " * i + f"- level{i}\n" for i in range(12)))
    (content / "two.md").write_text('+++\ntitle = "Two"\nauthor = "A. Writer"\n'
                                    'licence = "CC-BY-4.0"\n+++\n\nThe second text.\n')
    (content / "evil.svg").write_text(HOSTILE_SVG)
    (content / "deep.htm").write_text(
        "<html><head><title>x</title></head><body><h1>A Deep Page</h1>"
        "<p>A. Writer</p>" + "<font>" * 400 + "<p>Refs a&#1;b&#x0b;c.</p>"
        "<p>x<embed src='a.mid'>after the embed</p>"
        + "".join(f"<div><p>Para {i} of the page.</p>" for i in range(300))
        + "<p><img src='evil.svg' alt='a picture'></p>"
        f"<p class='information'>{LICENCE}</p></body></html>")
    (content / "book.toml").write_text(
        '[book]\ntitle = "Hard Cases"\nauthors = ["A. Writer"]\nlanguage = "en"\n\n'
        '[options]\nformats = ["epub", "pdf"]\n\n'
        + "".join(f'[[articles]]\npath = "{p}"\n\n' for p in ("one.md", "two.md", "deep.htm")))


def pdf_streams(path: Path) -> bytes:
    """Everything in the PDF, its streams decompressed."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        return b"".join(obj.read_bytes() if isinstance(obj, pikepdf.Stream) else
                        repr(obj).encode() for obj in pdf.objects)


def pdf_lines(path: Path) -> list[tuple[int, float, float, str]]:
    """(page index, left, right, text) of every line of text in the PDF, in
    reading order (the book has one column)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextLine

    def lines(element: object):  # noqa: ANN202 - a generator
        if isinstance(element, LTTextLine):
            yield element
        elif hasattr(element, "__iter__"):
            for child in element:  # type: ignore[attr-defined]
                yield from lines(child)

    found = [(index, -line.y1, line.x0, line.x1, line.get_text().rstrip("\n"))
             for index, page in enumerate(extract_pages(path)) for line in lines(page)]
    return [(index, left, right, text) for index, _, left, right, text in sorted(found)]


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The book built from two folders."""
    out = []
    for name in ("first", "second-folder"):
        folder = tmp_path_factory.mktemp(name)
        write_book(folder)
        done = build(folder)
        assert done.returncode == 0, done.stderr
        out.append(folder / "dist")
    return out[0], out[1]


def test_the_book_of_hard_cases_passes_epubcheck(books: tuple[Path, Path]) -> None:
    assert epubcheck_messages(books[0] / "hard-cases.epub") == []


def test_no_secret_no_remote_reference_no_file_url_in_either_output(
        books: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(books[0] / "hard-cases.epub") as epub:
        members = {name: epub.read(name) for name in epub.namelist()}
    svgs = [data for name, data in members.items() if name.endswith(".svg")]
    assert len(svgs) == 1 and b"<use" in svgs[0]  # the picture is there, cleaned
    everything = {"epub": b"".join(members.values()),
                  "pdf": pdf_streams(books[0] / "hard-cases.pdf")}
    for where, data in everything.items():
        for bad in (b"root:x:", b"passwd", b"evil.example", b"file:", b'href="two.md',
                    b"x.htm", b"alert("):
            assert bad not in data, (where, bad)
    for name, data in members.items():
        if name.endswith(".xhtml"):
            assert not _XML_BAD.search(data.decode()), name


def test_the_book_is_the_same_built_in_another_folder(books: tuple[Path, Path]) -> None:
    for name in ("hard-cases.epub", "hard-cases.pdf"):
        assert (books[0] / name).read_bytes() == (books[1] / name).read_bytes(), name


WORDS = [f"Para{i}ofthepage." for i in range(300)] + [f"level{i}" for i in range(12)] + [
    "aftertheembed", "Refsabc.", "Controls:abcdefg.", LICENCE.replace(" ", "")]


def test_both_outputs_keep_every_word(books: tuple[Path, Path]) -> None:
    text = re.sub(r"\s+", "", "".join(t for *_, t in pdf_lines(books[0] / "hard-cases.pdf")))
    for word in WORDS:
        assert word in text, word
    with zipfile.ZipFile(books[0] / "hard-cases.epub") as epub:
        xhtml = "".join(etree.fromstring(epub.read(name)).xpath("string()")
                        for name in epub.namelist() if name.endswith(".xhtml"))
    xhtml = re.sub(r"\s+", "", xhtml)
    # (the PDF has them too, but 60 quotes deep a line holds a few letters)
    for word in WORDS + [f"quote{i}" for i in range(60)]:
        assert word in xhtml, word


def test_long_unbroken_strings_stay_inside_the_text_area(books: tuple[Path, Path]) -> None:
    mm = 72 / 25.4
    lines = pdf_lines(books[0] / "hard-cases.pdf")
    pages = {i for i, *_ in lines}
    width = 148 * mm  # A5, margins 20 mm inside (binding), 14 mm outside
    for index, left, right, line in lines:
        recto = index % 2 == 0
        inner, outer = 20 * mm, 14 * mm
        low, high = (inner, width - outer) if recto else (outer, width - inner)
        assert low - 1 <= left and right <= high + 1, (index, line[:40])
    text = re.sub(r"\s+", "", "".join(t for *_, t in lines))
    assert LONG_WORD in text
    assert text.count(LONG_URL.split("//", 1)[1]) >= 2  # the bare one, the link's
    assert len(pages) > 3


def test_svg_files_and_data_urls_reach_the_writers_cleaned_or_refused(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import base64
    import logging

    from bookmaker.model import Attribution
    from bookmaker.resources import LocalResources

    (tmp_path / "evil.svg").write_text(HOSTILE_SVG)
    (tmp_path / "broken.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><g></svg>")
    article = Article(title="T", blocks=(), attribution=Attribution(origin="pics.htm"))
    chapter = Chapter(id="ch001", number=1, article=article, authors=())
    found = LocalResources(tmp_path)
    for src in ("evil.svg", "data:image/svg+xml;base64,"
                + base64.b64encode(HOSTILE_SVG.encode()).decode()):
        url = found.find(src, chapter)
        assert isinstance(url, str) and url.startswith("data:image/svg+xml;base64,")
        name, data, kind = LocalResources.epub_name(url)
        assert kind == "image/svg+xml" and name.endswith(".svg")
        assert b"evil.example" not in data and b"ENTITY" not in data and b"<use" in data
    assert found.find("broken.svg", chapter) is None
    with caplog.at_level(logging.WARNING, logger="bookmaker"):
        found.warn()
    assert "pics.htm: 1 image(s) left out: broken.svg (an SVG image that is not " \
           "well-formed XML)" in caplog.text


def test_a_called_note_with_no_text_stays_so_no_call_points_nowhere() -> None:
    """A note whose text is only a no-break space, called from the body (found
    by Hypothesis): the HTML reader dropped the empty note and kept its call,
    a link to nothing. The note stays, empty, and a warning names it."""
    from helpers import check_article

    page = ('<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8" />'
            '<title>x</title></head><body><h2>Leon Trotsky</h2><h1>The Title</h1>'
            '<h3>(August 1932)</h3><hr /><p>Text<a href="#n1" name="b1">[1]</a> more.</p><hr />'
            '<h3>Notes</h3><p class="note"><a name="n1" href="#b1">1.</a> \u00a0</p>'
            '<p class="note"><a name="n2" href="#b2">2.</a> A note.</p></body></html>')
    article = mia_html.read(page.encode(), name="empty-note.htm")
    check_article(article)
    assert [n.id for n in article.notes] == ["n1", "note-2"]
    assert article.notes[0].blocks == (Paragraph(()),)
    assert "notes: called but empty: n1" in article.warnings
