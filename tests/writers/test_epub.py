"""The EPUB: valid, accessible, semantic, with notes both ways and a reproducible zip."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from bookmaker import Metadata, Person, assemble, read_article, write_book
from bookmaker.model import Article, Note, NoteRef, Paragraph, Text
from bookmaker.writers.epub.options import EpubOptions

from helpers import NS, ROOT, epub_docs, epubcheck_many, epubcheck_messages

SAMPLE = ROOT / "content" / "sample"
CORPUS = ROOT.parent / "shared" / "corpus" / "mia-text"
EPUB_NS = "{http://www.idpf.org/2007/ops}type"


def sample_book(**meta: object):
    articles = [read_article(SAMPLE / "offensive.txt"), read_article(SAMPLE / "impossible.txt")]
    md = Metadata(title="Two Articles", subtitle="A Sample", authors=(Person("Leon Trotsky"),),
                  editors=(Person("Ed Itor", "edt"),), translators=(Person("Tran Slator", "trl"),),
                  publisher="Sample Press", date="2016-01-05", description="Two articles.",
                  subjects=("Comintern",), series="Samples", **meta)
    return assemble(articles, md)


@pytest.fixture(scope="module")
def epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_book(sample_book(), tmp_path_factory.mktemp("epub") / "book.epub", "epub")


@pytest.fixture(scope="module")
def docs(epub: Path) -> dict:
    return epub_docs(epub)


def test_passes_epubcheck(epub: Path) -> None:
    assert epubcheck_messages(epub) == []


def test_every_content_document_declares_its_language(docs: dict) -> None:
    for name, doc in docs.items():
        if name.endswith(".xhtml"):
            assert doc.get("lang") == "en" and doc.get("{http://www.w3.org/XML/1998/namespace}lang") == "en", name


def test_accessibility_metadata(docs: dict) -> None:
    opf = docs["EPUB/content.opf"]
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"  # Ace: epub-lang
    props: dict[str, list[str]] = {}
    for meta in opf.iterfind(".//opf:meta[@property]", NS):
        props.setdefault(meta.get("property"), []).append(meta.text)
    assert props["schema:accessMode"] == ["textual"]
    assert props["schema:accessModeSufficient"] == ["textual"]
    assert {"tableOfContents", "readingOrder", "structuralNavigation"} <= set(props["schema:accessibilityFeature"])
    assert props["schema:accessibilityHazard"] == ["none"]
    assert props["schema:accessibilitySummary"][0]
    assert props["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]


def test_package_metadata(docs: dict) -> None:
    opf = docs["EPUB/content.opf"]
    md = opf.find("opf:metadata", NS)
    titles = [t.text for t in md.iterfind("dc:title", NS)]
    assert titles == ["Two Articles", "A Sample"]
    roles: dict[str, list[str]] = {}
    for m in md.iterfind("opf:meta[@property='role']", NS):
        roles.setdefault(m.get("refines"), []).append(m.text)
    people = {e.text: roles.get("#" + (e.get("id") or ""))
              for e in [*md.iterfind("dc:creator", NS), *md.iterfind("dc:contributor", NS)]}
    # "Transcription/HTML Markup: Einde O’Callaghan for the Trotsky Internet Archive."
    assert people == {"Leon Trotsky": ["aut"], "Ed Itor": ["edt"], "Tran Slator": ["trl"],
                      "Einde O’Callaghan": ["trc", "mrk"]}
    assert md.findtext("dc:publisher", namespaces=NS) == "Sample Press"
    assert md.findtext("dc:date", namespaces=NS) == "2016-01-05"
    assert md.findtext("dc:description", namespaces=NS) == "Two articles."
    assert md.findtext("dc:subject", namespaces=NS) == "Comintern"
    assert "ShareAlike 2.0" in md.findtext("dc:rights", namespaces=NS)
    assert md.find("opf:meta[@property='belongs-to-collection']", NS).text == "Samples"
    sources = [s.text for s in md.iterfind("dc:source", NS)]
    assert sources == ["The Militant, Vol. V No. 35 (Whole No. 131), 27 August 1934, p.\u00a01.",
                       "The Militant, Vol. VI No. 47, 14 October 1933, p.\u00a03."]
    identifier = md.find("dc:identifier", NS)
    assert identifier.get("id") == opf.get("unique-identifier")
    # Derived, never random: a name-based UUID of the title, the authors and where
    # each article was read from, so every build (and version) gives a book the same one.
    key = "\n".join(["Two Articles", "Leon Trotsky", str(SAMPLE / "offensive.txt"),
                     str(SAMPLE / "impossible.txt")])
    assert identifier.text == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'bookmaker:' + key)}"
    assert md.findtext("opf:meta[@property='dcterms:modified']", namespaces=NS) == "2016-01-05T00:00:00Z"


def test_landmarks_and_semantics(docs: dict) -> None:
    nav = docs["EPUB/nav.xhtml"]
    marks = {a.get(EPUB_NS): a.get("href") for a in nav.iterfind(".//x:nav[@epub:type='landmarks']//x:a", NS)}
    assert marks == {"cover": "cover.xhtml", "toc": "nav.xhtml#toc", "bodymatter": "halftitle.xhtml",
                     "endnotes": "ch002.xhtml#ch002-notes"}
    kinds = {name: [e.get(EPUB_NS) for e in doc.iter() if e.get(EPUB_NS)]
             for name, doc in docs.items() if name.endswith(".xhtml")}
    assert "cover" in kinds["EPUB/cover.xhtml"]
    assert "halftitlepage" in kinds["EPUB/halftitle.xhtml"]
    assert "titlepage" in kinds["EPUB/titlepage.xhtml"]
    assert "copyright-page" in kinds["EPUB/imprint.xhtml"]
    assert "toc" in kinds["EPUB/nav.xhtml"]
    assert {"bodymatter", "chapter"} <= set(kinds["EPUB/ch001.xhtml"])
    assert "credits" in kinds["EPUB/credits.xhtml"] and "colophon" in kinds["EPUB/colophon.xhtml"]
    chapter = docs["EPUB/ch001.xhtml"].find(".//x:section[@id='ch001']", NS)
    assert chapter.get("role") == "doc-chapter"
    opf = docs["EPUB/content.opf"]
    spine = [i.get("idref") for i in opf.iterfind(".//opf:itemref", NS)]
    assert spine == ["cover", "titlepage", "imprint", "nav", "halftitle", "ch001", "ch002",
                     "credits", "colophon"]


def test_headings_nest_without_gaps(docs: dict) -> None:
    for name, doc in docs.items():
        if not name.endswith(".xhtml"):
            continue
        levels = [int(e.tag[-1]) for e in doc.iter() if re.fullmatch(r"\{.*\}h[1-6]", str(e.tag))]
        if name == "EPUB/cover.xhtml":  # an image page, named by its alt text
            assert levels == []
            continue
        assert levels[0] == 1, name
        for a, b in zip(levels, levels[1:]):
            assert b <= a + 1, (name, levels)


def test_cover_image(epub: Path, docs: dict) -> None:
    opf = docs["EPUB/content.opf"]
    item = opf.find(".//opf:item[@properties='cover-image']", NS)
    with zipfile.ZipFile(epub) as z:
        image = Image.open(io.BytesIO(z.read("EPUB/" + item.get("href"))))
    assert image.size[0] >= 1600 and image.size[1] >= 2560
    img = docs["EPUB/cover.xhtml"].find(".//x:img", NS)
    assert img.get("alt").startswith("Cover: Two Articles")


def test_fonts_and_their_licence_are_inside(epub: Path) -> None:
    with zipfile.ZipFile(epub) as z:
        names = z.namelist()
        css = z.read("EPUB/css/book.css").decode()
    assert "EPUB/css/fonts/SourceSerifPro-Regular.ttf" in names
    assert "EPUB/css/fonts/SourceSerifPro-It.ttf" in names
    assert "EPUB/css/fonts/LICENSE.txt" in names
    # The reader's settings win: no fixed sizes, no forced colours.
    assert not re.search(r"font-size:\s*[\d.]+(px|pt)", css)
    assert not re.search(r"(?<![-\w])(color|background(-color)?):(?!\s*inherit)", css)


def test_note_called_twice_links_back_to_both_calls(tmp_path: Path) -> None:
    article = Article(title="Twice", blocks=(
        Paragraph((Text("First call"), NoteRef("a", "a"), Text("."))),
        Paragraph((Text("Second call"), NoteRef("a", "a"), Text("."))),
    ), notes=(Note("a", (Paragraph((Text("The note."),)),)),), authors=(Person("X"),))
    out = write_book(assemble([article], Metadata(title="T")), tmp_path / "t.epub", "epub")
    assert epubcheck_messages(out) == []
    doc = epub_docs(out)["EPUB/ch001.xhtml"]
    refs = doc.findall(".//x:a[@epub:type='noteref']", NS)
    assert [r.get("id") for r in refs] == ["ch001-ref-1", "ch001-ref-1-2"]
    backs = [a.get("href") for a in doc.iterfind(".//x:aside//x:a[@role='doc-backlink']", NS)]
    assert backs == ["#ch001-ref-1", "#ch001-ref-1-2"]


def test_book_end_notes_option(tmp_path: Path) -> None:
    out = write_book(sample_book(), tmp_path / "b.epub", "epub", EpubOptions(notes="book"))
    assert epubcheck_messages(out) == []
    docs = epub_docs(out)
    notes = docs["EPUB/endnotes.xhtml"]
    item = notes.find(".//x:section[@role='doc-endnotes']//x:li", NS)
    assert item.get(EPUB_NS) == "endnote" and item.get("id") == "ch002-note-1"
    assert item.find(".//x:a[@role='doc-backlink']", NS).get("href") == "ch002.xhtml#ch002-ref-1"
    ref = docs["EPUB/ch002.xhtml"].find(".//x:a[@epub:type='noteref']", NS)
    assert ref.get("href") == "endnotes.xhtml#ch002-note-1"
    assert docs["EPUB/ch002.xhtml"].find(".//x:aside", NS) is None


def test_straight_quotes_dashes_and_dots_become_typographic(tmp_path: Path) -> None:
    article = Article(title="Plain", authors=(Person("X"),), blocks=(
        Paragraph((Text('He said "no" -- it\'s over... Already “curly” stays; see p. 12 and Vol. V.'),)),))
    out = write_book(assemble([article], Metadata(title="T")), tmp_path / "q.epub", "epub")
    text = "".join(epub_docs(out)["EPUB/ch001.xhtml"].itertext())
    assert "He said “no” — it’s over… Already “curly” stays; see p.\u00a012 and Vol.\u00a0V." in text


def test_same_inputs_give_identical_bytes(tmp_path: Path) -> None:
    a = write_book(sample_book(), tmp_path / "a.epub", "epub").read_bytes()
    b = write_book(sample_book(), tmp_path / "b.epub", "epub").read_bytes()
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        infos = z.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert {i.date_time for i in infos} == {(2016, 1, 5, 0, 0, 0)}


def test_source_date_epoch_sets_the_modified_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = write_book(sample_book(), tmp_path / "e.epub", "epub")
    opf = epub_docs(out)["EPUB/content.opf"]
    assert opf.findtext(".//opf:meta[@property='dcterms:modified']", namespaces=NS) == "2023-11-14T22:13:20Z"


def test_parts_nest_in_the_contents(tmp_path: Path) -> None:
    articles = [read_article(SAMPLE / "offensive.txt"), read_article(SAMPLE / "impossible.txt")]
    book = assemble(articles, Metadata(title="Parts", authors=(Person("Leon Trotsky"),)),
                    parts=[("One", 0), ("Two", 1)])
    out = write_book(book, tmp_path / "p.epub", "epub")
    assert epubcheck_messages(out) == []
    docs = epub_docs(out)
    toc = docs["EPUB/nav.xhtml"].find(".//x:nav[@epub:type='toc']/x:ol", NS)
    parts = toc.findall("x:li[@class='toc-part']", NS)
    assert [p.findtext("x:a/x:span", namespaces=NS) for p in parts] == ["One", "Two"]
    assert len(parts[1].findall("x:ol/x:li/x:ol/x:li", NS)) == 10  # part → article → sections
    ncx = docs["EPUB/toc.ncx"].findall("ncx:navMap/ncx:navPoint", NS)
    assert [p.findtext("ncx:navLabel/ncx:text", namespaces=NS) for p in ncx][:2] == ["One", "Two"]


SEED_FILES = sorted(SAMPLE.glob("*.txt"))
# Named pages, besides the evenly spread ones: bk/fw notes, a trailer table, an image map.
CORPUS_SAMPLE = ["archive/trotsky/1931/spain/spain05.htm.txt"]


def corpus_pages(count: int = 6) -> list[Path]:
    if not CORPUS.is_dir():
        return []
    pages = sorted(CORPUS.rglob("*.txt"))
    step = max(1, len(pages) // count)
    spread = pages[::step][:count]
    return [*(CORPUS / rel for rel in CORPUS_SAMPLE if CORPUS / rel not in spread), *spread]


ONE_ARTICLE_SOURCES = SEED_FILES + corpus_pages()


@pytest.fixture(scope="module")
def one_article_checks(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, tuple | None]:
    """Each source as a one-article book, all through the run's one EPUBCheck VM."""
    folder = tmp_path_factory.mktemp("one")
    books = {}
    for i, source in enumerate(ONE_ARTICLE_SOURCES):
        article = read_article(source)
        book = assemble([article], Metadata(title=article.title,
                                            authors=article.authors or (Person("Unknown"),)))
        books[source] = write_book(book, folder / f"{i}.epub", "epub")
    results = epubcheck_many(list(books.values()))
    return {source: results.get(str(path)) for source, path in books.items()}


@pytest.mark.parametrize("source", ONE_ARTICLE_SOURCES, ids=lambda p: p.name)
def test_one_article_books_pass_epubcheck(source: Path, one_article_checks: dict) -> None:
    result = one_article_checks[source]
    assert result is not None, f"EPUBCheck gave no result for {source.name}"
    fatal, errors, warnings, messages = result
    assert (fatal, errors, warnings) == (0, 0, 0), messages


def test_timestamps_read_as_strptime_reads_them() -> None:
    from datetime import datetime

    from bookmaker.writers.epub.writer import parse_stamp

    for stamp in ("2024-02-29T23:59:58Z", "1970-01-01T00:00:00Z"):
        assert parse_stamp(stamp) == datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
    for bad in ("2024-02-29", "2024-02-29T23:59:58", "2024-02-30T00:00:00Z"):
        with pytest.raises(ValueError):
            parse_stamp(bad)


def test_the_cover_names_editors_and_translators_as_such() -> None:
    from bookmaker import Metadata, Person
    from bookmaker.cover import cover_credit

    editor, translator = (Person("A. N. Editor", "edt"),), (Person("T. Ranslator", "trl"),)
    assert cover_credit(Metadata("T", editors=editor)) == "Edited by A. N. Editor"
    assert cover_credit(Metadata("T", authors=(Person("Leon Trotsky"),), translators=translator)
                        ) == "Leon Trotsky; translated by T. Ranslator"
    assert cover_credit(Metadata("T", translators=translator)) == "Translated by T. Ranslator"
    assert cover_credit(Metadata("T")) == ""


def test_the_cover_of_an_edited_book_says_edited_by(tmp_path: Path) -> None:
    from bookmaker import Metadata, Person, assemble, write_book
    from bookmaker.model import Article, Paragraph, Text

    article = Article("A", (Paragraph((Text("Text."),)),), authors=(Person("B. Writer"),))
    book = assemble([article], Metadata("Edited", editors=(Person("A. N. Editor", "edt"),)))
    docs = epub_docs(write_book(book, tmp_path / "e.epub", "epub"))
    alt = docs["EPUB/cover.xhtml"].find(".//x:img", NS).get("alt")
    assert alt == "Cover: Edited, edited by A. N. Editor"
    title = " ".join("".join(docs["EPUB/titlepage.xhtml"].itertext()).split())
    assert "Edited by A. N. Editor" in title and "B. Writer" not in title
