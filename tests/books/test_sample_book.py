"""The sample book, end to end: the EPUB passes EPUBCheck, its XHTML is the golden
XHTML (tests/golden/xhtml/, rewritten with --update-golden), the PDF shows everything."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from bookmaker import build, read_article
from bookmaker.model import Heading, plain_text

from conftest import GOLDEN
from helpers import (NS, ROOT, assert_golden, copy_project, epub_docs, epubcheck_messages,
                     pdf_pages, squash)

SEEDS = [ROOT / "content" / "sample" / "offensive.txt", ROOT / "content" / "sample" / "impossible.txt"]
FURNITURE = re.compile(r"^(return return return return return|Last updated on.*)$")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    project = copy_project(tmp_path_factory.mktemp("sample"))
    outcomes = build(project)
    assert {o.status for o in outcomes} == {"built"}, [(o.status, o.error) for o in outcomes]
    dist = project / "dist"
    return {"epub": dist / "trotsky-two-articles.epub", "pdf": dist / "trotsky-two-articles.pdf",
            "dist": dist}


def source_paragraphs() -> list[str]:
    """Every block of the two seed files except the page furniture."""
    out = []
    for seed in SEEDS:
        for block in re.split(r"\n{2,}", seed.read_text(encoding="utf-8")):
            block = block.strip()
            if block and not FURNITURE.match(block):
                # "(August 1932)": the date is shown without its brackets
                out.append(re.sub(r"^\((\w+ \d{4})\)$", r"\1", block))
    return out


# --- EPUB ----------------------------------------------------------------------

def test_epub_passes_epubcheck_without_errors_or_warnings(sample: dict[str, Path]) -> None:
    assert epubcheck_messages(sample["epub"]) == []


def _xhtml_members(epub: Path) -> dict[str, str]:
    with zipfile.ZipFile(epub) as z:
        return {Path(n).name: z.read(n).decode("utf-8") for n in z.namelist()
                if n.endswith(".xhtml")}


def test_epub_xhtml_is_the_golden_xhtml(sample: dict[str, Path], update_golden: bool) -> None:
    """Every XHTML file of the book (chapters, title pages, contents, credits); the book's
    date stands in for the clock (no SOURCE_DATE_EPOCH), so they do not change by day."""
    members = _xhtml_members(sample["epub"])
    folder = GOLDEN / "xhtml"
    golden = {p.name for p in folder.glob("*.xhtml")}
    if update_golden:
        for stale in golden - set(members):
            (folder / stale).unlink()
    else:
        assert golden == set(members), "the book's XHTML files are not the golden ones"
    for name, text in sorted(members.items()):
        assert_golden(folder / name, text, update_golden)


def test_epub_nav_nests_sections_under_their_article(sample: dict[str, Path]) -> None:
    nav = epub_docs(sample["epub"])["EPUB/nav.xhtml"]
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    chapters = toc.findall("x:ol/x:li", NS)
    assert [c.findtext("x:a/x:span", namespaces=NS) for c in chapters] == [
        "Let Us Reenforce Our Offensive!",
        "It Is Impossible to Remain in the Same International with Stalin, Manuilsky, "
        "Losovsky and Company", "Sources and Credits"]
    sections = [s.findtext("x:a/x:span", namespaces=NS) for s in chapters[1].findall("x:ol/x:li", NS)]
    assert chapters[0].find("x:ol", NS) is None
    assert len(sections) == 10
    assert sections[0] == "The Comintern “As a Whole”"
    assert "Muenzenberg a Symbol" in sections
    ncx = epub_docs(sample["epub"])["EPUB/toc.ncx"]
    points = ncx.findall("ncx:navMap/ncx:navPoint", NS)
    assert len(points) == 3 and len(points[1].findall("ncx:navPoint", NS)) == 10


def test_epub_note_calls_link_to_notes_and_back(sample: dict[str, Path]) -> None:
    docs = epub_docs(sample["epub"])
    refs = [(name, a) for name, doc in docs.items() if name.endswith(".xhtml")
            for a in doc.iterfind(".//x:a[@epub:type='noteref']", NS)]
    assert len(refs) == 1
    name, ref = refs[0]
    assert ref.get("role") == "doc-noteref" and ref.text == "1"
    note = docs[name].find(f".//*[@id='{ref.get('href')[1:]}']")
    assert note is not None and note.get("role") == "doc-footnote"
    assert note.get("{http://www.idpf.org/2007/ops}type") == "footnote"
    back = note.find(".//x:a[@role='doc-backlink']", NS)
    assert back.get("href") == "#" + ref.get("id")
    assert "Oustric: Notorious French financier" in "".join(note.itertext())


def test_epub_credits_every_article_and_the_imprint_says_where(sample: dict[str, Path]) -> None:
    docs = epub_docs(sample["epub"])
    credits = " ".join("".join(docs["EPUB/credits.xhtml"].itertext()).split())
    # "Transcription/HTML Markup: Einde O’Callaghan for the Trotsky Internet Archive.": people
    assert credits.count("Transcribed and marked up by Einde O’Callaghan.") == 2
    assert "The Militant, Vol. V No. 35 (Whole No. 131), 27 August 1934, p. 1." in credits
    assert "The Militant, Vol. VI No. 47, 14 October 1933, p. 3." in credits
    assert credits.count("Creative Commons Attribution-ShareAlike 2.0") >= 2
    imprint = docs["EPUB/imprint.xhtml"]
    text = " ".join("".join(imprint.itertext()).split())
    assert "The Militant" not in text  # the sources are in the credits, once
    assert "Creative Commons Attribution-ShareAlike 2.0" in text  # the edition's own licence
    (link,) = [a for a in imprint.iterfind(".//x:a", NS) if a.get("href", "").startswith("credits")]
    assert link.get("href") == "credits.xhtml#credits"


def test_epub_keeps_every_source_paragraph(sample: dict[str, Path]) -> None:
    docs = epub_docs(sample["epub"])
    text = squash("".join("".join(d.itertext()) for n, d in docs.items() if n.endswith(".xhtml")))
    for para in source_paragraphs():
        body = re.sub(r"\[(\d+)\]", r"\1", para)  # a call is a linked number now
        assert squash(body) in text, para[:80]


# --- PDF -----------------------------------------------------------------------

def test_pdf_metadata_and_fonts(sample: dict[str, Path]) -> None:
    reader = PdfReader(str(sample["pdf"]))
    info = reader.metadata
    assert info.title == "Two Articles, 1932–1933"
    assert info.author == "Leon Trotsky"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor  # embedded
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
    assert {"Source-Serif-Pro", "Source-Serif-Pro-Italic"} <= fonts
    assert not any("DejaVu" in f for f in fonts)


def test_pdf_is_a5(sample: dict[str, Path]) -> None:
    box = PdfReader(str(sample["pdf"])).pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (148, 210)


def test_pdf_outline_mirrors_the_contents(sample: dict[str, Path]) -> None:
    outline = PdfReader(str(sample["pdf"])).outline
    titles = [o.title for o in outline if not isinstance(o, list)]
    assert titles == ["Contents", "Let Us Reenforce Our Offensive!",
                      "It Is Impossible to Remain in the Same International with Stalin, "
                      "Manuilsky, Losovsky and Company", "Sources and Credits"]
    nested = [o for o in outline if isinstance(o, list)]
    assert len(nested[-1]) == 10 and nested[-1][0].title == "The Comintern “As a Whole”"


def test_pdf_contents_page_numbers_match_the_pages(sample: dict[str, Path]) -> None:
    pages = pdf_pages(sample["pdf"])
    toc = next(p for p in pages if "Contents" in p)
    start = next(i for i, p in enumerate(pages) if p.lstrip().startswith("Let Us Reenforce"))
    listed = re.search(r"Let Us Reenforce Our Offensive![\s.]*(\d+)", toc)
    assert listed and int(listed.group(1)) == 1
    assert pages[start].rstrip().endswith("1")  # the folio of the opening page
    impossible = re.search(r"and Company[\s.]*(\d+)", toc)
    opening = next(i for i, p in enumerate(pages) if p.lstrip().startswith("It Is Impossible"))
    assert int(impossible.group(1)) == opening - start + 1
    assert (opening - start) % 2 == 0  # chapters open on a right-hand page


def test_pdf_shows_every_source_paragraph(sample: dict[str, Path]) -> None:
    whole = text = squash("".join(pdf_pages(sample["pdf"], body_only=True)))
    # a footnote at the foot of a page that a paragraph runs over sits inside it
    for seed in SEEDS:
        for n, note in enumerate(read_article(seed).notes, start=1):
            text = text.replace(squash(f"{n}. " + " ".join(plain_text(b.content) for b in note.blocks
                                                           if hasattr(b, "content"))), "")
    for para in source_paragraphs():
        body = re.sub(r"\[(\d+)\]", r"\1", para)  # a call is a raised number now
        assert squash(body) in text or squash(body) in whole, para[:80]


def test_pdf_note_sits_on_the_page_of_its_call(sample: dict[str, Path]) -> None:
    pages = pdf_pages(sample["pdf"])
    note_pages = [i for i, p in enumerate(pages) if "Oustric: Notorious" in p]
    call_pages = [i for i, p in enumerate(pages) if "He is an Oustric" in p]
    assert len(note_pages) == 1 and note_pages == call_pages


def test_sha256sums_lists_the_books(sample: dict[str, Path]) -> None:
    import hashlib

    lines = (sample["dist"] / "SHA256SUMS").read_text().splitlines()
    for line in lines:
        digest, name = line.split("  ")
        assert hashlib.sha256((sample["dist"] / name).read_bytes()).hexdigest() == digest
    assert sorted(line.split("  ")[1] for line in lines) == [
        "trotsky-two-articles.epub", "trotsky-two-articles.pdf"]


def test_every_heading_of_the_seeds_is_in_the_model() -> None:
    article = read_article(SEEDS[1])
    heads = [plain_text(b.content) for b in article.blocks if isinstance(b, Heading)]
    assert len(heads) == 10
