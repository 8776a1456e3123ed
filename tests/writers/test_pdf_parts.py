"""The PDF laid out in parts (in parallel) is the PDF laid out in one piece."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from bookmaker import Book, Metadata, Person, assemble, read_article, write_book
from bookmaker.model import FrontMatter, Paragraph, Text
from bookmaker.writers import Runtime
from bookmaker.writers.pdf.options import PdfOptions

from helpers import ROOT, pdf_pages

SAMPLE = ROOT / "content" / "sample"


def small_book(parts: bool = False, title: str = "Four Articles", preface_title: str = "Preface"):
    articles = [read_article(SAMPLE / "offensive.txt"), read_article(SAMPLE / "impossible.txt")] * 2
    preface = FrontMatter("preface", preface_title, (Paragraph((Text("A word before the articles."),)),))
    return assemble(articles, Metadata(title=title, authors=(Person("Leon Trotsky"),),
                                       date="2016-01-05", description="A test book.",
                                       subjects=("Comintern",)),
                    parts=[("Part One", 0), ("Part Two", 2)] if parts else (),
                    front_matter=(preface,))


def outline(reader: PdfReader) -> list[str]:
    def walk(items: list, depth: int) -> list[str]:
        out: list[str] = []
        for item in items:
            if isinstance(item, list):
                out += walk(item, depth + 1)
            else:
                out.append("  " * depth + item.title)
        return out

    return walk(reader.outline, 0)


def variant(name: str) -> Book:
    if name == "syntax":
        # Text that looks like PDF syntax, which the assembly must copy as it is.
        return small_book(title="Four Articles (1 0 R) \\ [2 0 R]",
                          preface_title="Preface (3 0 R) <<")
    return small_book(parts=name == "parts")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Path]:
    """A variant of the book ("chapters", "parts", "syntax") in a layout, built
    the first time a test asks for it and shared by the module's tests after
    (a parallel build on two processes, with no cache)."""
    tmp = tmp_path_factory.mktemp("built")
    made: dict[tuple[str, str], Path] = {}

    def build(name: str, layout: str) -> Path:
        if (name, layout) not in made:
            runtime = Runtime(jobs=2) if layout == "parallel" else None
            made[name, layout] = write_book(variant(name), tmp / f"{name}-{layout}.pdf", "pdf",
                                            PdfOptions(layout=layout), runtime)
        return made[name, layout]

    return build


@pytest.fixture(scope="module", params=["chapters", "parts", "syntax"])
def pair(request: pytest.FixtureRequest, built: Callable[[str, str], Path]) -> tuple[Path, Path]:
    return built(request.param, "single"), built(request.param, "parallel")


Reading = Callable[[Path], tuple[PdfReader, list[str]]]


@pytest.fixture(scope="module")
def read() -> Reading:
    """A PDF's reader and its pages' text, read once for the module's tests
    (they only look)."""
    made: dict[Path, tuple[PdfReader, list[str]]] = {}

    def reading(path: Path) -> tuple[PdfReader, list[str]]:
        if path not in made:
            made[path] = PdfReader(str(path)), pdf_pages(path)
        return made[path]

    return reading


def test_the_imprint_names_the_credits_page(pair: tuple[Path, Path], read: Reading) -> None:
    """The imprint is one page, and names the page the credits start on (laid
    out before the chapters' folios are known, it is given them afterwards)."""
    reader, texts = read(pair[1])
    credits = [t for t, label in zip(texts, reader.page_labels) if "Licence:" in t and label.isdigit()]
    (imprint,) = [t for t in texts if "Identifier:" in t]
    start = reader.page_labels[texts.index(credits[0])]
    assert f"Sources and Credits, on page {start}." in " ".join(imprint.split())
    if "(1 0 R)" in reader.metadata["/Title"]:
        assert "Preface (3 0 R) <<" in outline(reader)


def test_same_pages_text_and_labels(pair: tuple[Path, Path], read: Reading) -> None:
    (a, a_texts), (b, b_texts) = (read(p) for p in pair)
    assert len(a.pages) == len(b.pages)
    assert a.page_labels == b.page_labels
    for i, (p, q) in enumerate(zip(a_texts, b_texts)):
        assert p == q, f"page {i + 1} ({a.page_labels[i]}) differs"


def test_same_outline_metadata_and_size(pair: tuple[Path, Path], read: Reading) -> None:
    a, b = (read(p)[0] for p in pair)
    assert outline(a) == outline(b)
    for key in ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/CreationDate"):
        assert a.metadata[key] == b.metadata[key]
    assert a.trailer["/Root"]["/Lang"] == b.trailer["/Root"]["/Lang"]
    assert pair[1].stat().st_size <= 1.2 * pair[0].stat().st_size


def test_fonts_are_embedded_once(pair: tuple[Path, Path]) -> None:
    with pikepdf.open(pair[1]) as pdf:
        programs = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary)
                    and o.get("/Type") == "/FontDescriptor"]
        names = sorted(str(d.FontName).split("+")[1] for d in programs)
    assert names == ["Source-Serif-Pro", "Source-Serif-Pro-Bold", "Source-Serif-Pro-Italic"]


def test_tags_and_links_survive(pair: tuple[Path, Path]) -> None:
    with pikepdf.open(pair[1]) as pdf:
        tree = pdf.Root.StructTreeRoot
        assert tree.K[0].S == "/Document" and len(tree.K[0].K) > 10
        keys = [int(k) for k in tree.ParentTree.Nums[::2]]
        assert keys == sorted(keys) or len(set(keys)) == len(keys)
        for page in pdf.pages:
            if "/StructParents" in page.obj:
                assert int(page.obj.StructParents) in set(keys)
        dests = {str(n) for n in pdf.Root.Names.Dests.Names[::2]}
        links = [a for page in pdf.pages for a in page.obj.get("/Annots", [])
                 if a.get("/Subtype") == "/Link" and "/Dest" in a]
        assert links and all(str(a.Dest) in dests for a in links)
        # The contents page's links lead to the chapters' own pages.
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}
        names = pdf.Root.Names.Dests.Names
        target = {str(names[i]): index[names[i + 1][0].objgen] for i in range(0, len(names), 2)}
        assert target["ch001"] > target["toc-title"]


@pytest.fixture(scope="module")
def cold_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path]:
    """The book laid out in parallel into an empty cache, once: the PDF's bytes
    and the cache as that build left it (tests build on a copy of it)."""
    tmp = tmp_path_factory.mktemp("cold")
    pdf = write_book(small_book(), tmp / "a.pdf", "pdf", PdfOptions(layout="parallel"),
                     Runtime(jobs=2, cache_dir=tmp / "cache"))
    return pdf.read_bytes(), tmp / "cache"


def after_a_cold_build(cold_cache: tuple[bytes, Path], cache: Path) -> bytes:
    """`cache` as a first build of the book into it left it; that build's bytes."""
    shutil.copytree(cold_cache[1], cache)
    return cold_cache[0]


def test_cached_parts_are_reused_and_bad_ones_rebuilt(tmp_path: Path,
                                                      cold_cache: tuple[bytes, Path]) -> None:
    book = small_book()
    options = PdfOptions(layout="parallel")
    runtime = Runtime(jobs=2, cache_dir=tmp_path / "cache")
    first = after_a_cold_build(cold_cache, tmp_path / "cache")
    parts = sorted((tmp_path / "cache" / "pdf").glob("*.pdf.z"))
    assert len(parts) == 7  # four chapters, the back matter, the front matter (two parts)
    stamps = {p: p.stat().st_mtime_ns for p in parts}
    assert write_book(book, tmp_path / "b.pdf", "pdf", options, runtime).read_bytes() == first
    assert {p: p.stat().st_mtime_ns for p in parts} == stamps  # nothing laid out again
    parts[0].write_bytes(parts[0].read_bytes()[:500])            # a damaged entry
    assert write_book(book, tmp_path / "c.pdf", "pdf", options, runtime).read_bytes() == first


def edited(book, index: int, words: str):
    """The book with a few words added to the last paragraph of one chapter."""
    chapters = list(book.chapters)
    article = chapters[index].article
    last = max(i for i, b in enumerate(article.blocks) if isinstance(b, Paragraph))
    blocks = list(article.blocks)
    blocks[last] = replace(blocks[last], content=blocks[last].content + (Text(words),))
    chapters[index] = replace(chapters[index], article=replace(article, blocks=tuple(blocks)))
    return replace(book, chapters=tuple(chapters))


def test_a_rebuild_copies_unchanged_parts_from_the_cache(tmp_path: Path,
                                                        cold_cache: tuple[bytes, Path]) -> None:
    book = small_book()
    options = PdfOptions(layout="parallel")
    runtime = Runtime(jobs=2, cache_dir=tmp_path / "cache")
    def copies() -> set[Path]:
        return {p for p in (tmp_path / "cache" / "pdf" / "copies").rglob("*") if p.is_file()}

    after_a_cold_build(cold_cache, tmp_path / "cache")
    kept = copies()
    assert len(kept) == 7
    # An edit that keeps the chapter's pages and about its objects: every
    # other part keeps its numbers, so only the edited one is copied anew.
    changed = edited(book, 1, " A few words more.")
    rebuilt = write_book(changed, tmp_path / "b.pdf", "pdf", options, runtime).read_bytes()
    assert len(copies() - kept) == 1
    assert len(copies()) == 7  # the edited chapter's old copy is gone
    cold = write_book(changed, tmp_path / "c.pdf", "pdf",
                      PdfOptions(layout="parallel"), Runtime(jobs=2)).read_bytes()
    assert rebuilt == cold  # the same bytes as a build from nothing
    with pikepdf.open(tmp_path / "b.pdf") as pdf:
        assert pdf.check_pdf_syntax() == []  # unused numbers are well-formed free entries
    text = " ".join(pdf_pages(tmp_path / "b.pdf"))
    assert "A few words more." in " ".join(text.split())
    # A damaged copy is made again, never used.
    for entry in copies():
        entry.write_bytes(entry.read_bytes()[:-10] + b"0123456789")
    assert write_book(changed, tmp_path / "d.pdf", "pdf", options, runtime).read_bytes() == cold


def test_parallel_builds_are_reproducible(tmp_path: Path, built: Callable[[str, str], Path]) -> None:
    a = built("chapters", "parallel").read_bytes()  # the module's build of the same book
    b = write_book(small_book(), tmp_path / "b.pdf", "pdf", PdfOptions(layout="parallel"),
                   Runtime(jobs=2)).read_bytes()
    assert a == b


def test_a_dask_cluster_can_lay_the_chapters_out(tmp_path: Path,
                                                 built: Callable[[str, str], Path]) -> None:
    import distributed  # in the test extra: this runs wherever the suite does
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        out = write_book(small_book(), tmp_path / "dask.pdf", "pdf", PdfOptions(layout="parallel"),
                         Runtime(executor=client.get_executor()))
    reference = built("chapters", "parallel")  # the same book laid out on local processes
    assert out.read_bytes() == reference.read_bytes()


def test_running_out_of_font_numbers_is_a_clear_error() -> None:
    from bookmaker.errors import WriterError
    from bookmaker.writers.pdf.assembler import Fonts

    fonts = Fonts(None, 0)  # type: ignore[arg-type]
    fonts.free_numbers = [4, 4]  # room for one font file
    assert fonts.number("a") == 4 and fonts.number("a") == 4
    with pytest.raises(WriterError, match="font files"):
        fonts.number("b")


def test_the_metadata_stream_stays_unfiltered(pair: tuple[Path, Path]) -> None:
    # PDF/A and PDF/X want the XMP metadata readable without decoding; WeasyPrint
    # writes it so, and the assembly must keep it so.
    with pikepdf.open(pair[1]) as pdf:
        assert "/Filter" not in pdf.Root.Metadata.stream_dict
        assert b"<x:xmpmeta" in pdf.Root.Metadata.read_raw_bytes()


def test_old_and_changed_cache_entries_are_never_used(tmp_path: Path) -> None:
    import zlib

    from bookmaker.errors import WriterError
    from bookmaker.writers.pdf.parts import Segment, SegmentCache

    cache = SegmentCache(tmp_path)
    (tmp_path / "k.json").write_text('{"pages": 1, "anchors": {}, "digest": "x", "fonts": {}, '
                                     '"font_names": {}}', encoding="utf-8")
    (tmp_path / "k.pdf").write_bytes(b"%PDF-1.7\n")  # a part as earlier builds kept it
    assert cache.get("k") is None
    assert sorted(tmp_path.iterdir()) == []  # the old entry is gone with its file
    # A part replaced after it was looked up (by another build?) is an error, not used.
    stored = tmp_path / "p.pdf.z"
    stored.write_bytes(zlib.compress(b"%PDF-1.7\n"))
    segment = Segment(path=str(stored), pages=1, anchors={}, digest="0" * 64, fonts={},
                      font_names={})
    with pytest.raises(WriterError, match="changed in the cache"):
        segment.read()
