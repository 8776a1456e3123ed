"""Accessibility audits with DAISY Ace: the sample book (in both built-in
themes), and an anthology of 25 real Archive pages in three parts with a
preface, a dedication and an epigraph, each built by `bookmaker build` as a
user would, must have no violation of any impact; and in every document of
the anthology (each XHTML file of the EPUB, the HTML edition, the PDF's HTML)
no heading lies more than one level below the heading before it.

Ace starts a browser, which is slow: every EPUB is checked in one run of Ace
per test session (the `audits` fixture).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html as lxml_html

from ace import AceReport, ace_reports
from anthology import PARTS, Anthology, build_project
from helpers import copy_project


@pytest.fixture(scope="session")
def books(tmp_path_factory: pytest.TempPathFactory, anthology: Anthology) -> dict[str, Path]:
    """The sample book and the anthology, built as a user builds them (the
    sample's EPUB only: its PDF is not audited here)."""
    sample = copy_project(tmp_path_factory.mktemp("sample"), formats=("epub",))
    # the sample again in the second built-in theme: its own fonts and stylesheets
    us_trade = copy_project(tmp_path_factory.mktemp("us-trade"), formats=("epub",))
    spec = us_trade / "content" / "sample.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "[options]\n", '[options]\ntheme = "us-trade"\n'), encoding="utf-8")
    build_project(sample)
    build_project(us_trade)
    return {"sample": sample / "dist" / "trotsky-two-articles.epub",
            "us-trade": us_trade / "dist" / "trotsky-two-articles.epub",
            "anthology": anthology.epub,
            "anthology-html": anthology.html,
            "anthology-project": anthology.project}


def _spoilt(epub: Path, out: Path) -> Path:
    """The EPUB with what Ace must find: a heading two levels below the one before
    it, and a chapter without the role its epub:type names."""
    with zipfile.ZipFile(epub) as z, zipfile.ZipFile(out, "w") as spoilt:
        for info in z.infolist():
            data = z.read(info)
            if info.filename == "EPUB/ch002.xhtml":
                text = data.decode()
                text = re.sub(r"<(/?)h2\b", r"<\1h4", text).replace(' role="doc-chapter"', "")
                data = text.encode()
            spoilt.writestr(info, data)
    return out


@pytest.fixture(scope="session")
def audits(books: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
           ) -> dict[str, AceReport]:
    """Ace's report on each EPUB, from one run of Ace."""
    epubs = {"sample": books["sample"], "anthology": books["anthology"], "us-trade": books["us-trade"],
             "spoilt": _spoilt(books["sample"], tmp_path_factory.mktemp("spoilt") / "s.epub")}
    reports = ace_reports(list(epubs.values()))
    return {name: reports[path] for name, path in epubs.items()}


def test_ace_finds_what_is_wrong(audits: dict[str, AceReport]) -> None:
    """The audits below can fail: Ace runs, and its report is read."""
    report = audits["spoilt"]
    assert report.outcome == "fail"
    found = {(v.rule, v.document) for v in report.violations}
    assert {("heading-order", "ch002.xhtml"),
            ("epub-type-has-matching-role", "ch002.xhtml")} <= found, found


def _report(report: AceReport) -> str:
    return "\n".join(str(v) for v in report.violations)


def test_the_sample_book_has_no_ace_violations(audits: dict[str, AceReport]) -> None:
    report = audits["sample"]
    assert report.violations == (), _report(report)
    assert report.outcome == "pass"


def test_the_sample_in_the_us_trade_theme_has_no_ace_violations(
        audits: dict[str, AceReport]) -> None:
    report = audits["us-trade"]
    assert report.violations == (), _report(report)
    assert report.outcome == "pass"


def test_the_anthology_has_no_ace_violations(audits: dict[str, AceReport]) -> None:
    report = audits["anthology"]
    assert report.violations == (), _report(report)
    assert report.outcome == "pass"


def test_the_anthology_is_the_book_it_says(books: dict[str, Path]) -> None:
    """What the audit is of: every page in its part, and the front matter."""
    with zipfile.ZipFile(books["anthology"]) as z:
        names = set(z.namelist())
    chapters = [n for n in names if re.fullmatch(r"EPUB/ch\d+\.xhtml", n)]
    assert len(chapters) == sum(len(pages) for _, pages in PARTS) >= 20
    assert {"EPUB/part01.xhtml", "EPUB/part02.xhtml", "EPUB/part03.xhtml", "EPUB/preface.xhtml",
            "EPUB/dedication.xhtml", "EPUB/epigraph.xhtml"} <= names


_HEADING = re.compile(r"h([1-6])")


def _heading_levels(root: etree._Element) -> list[tuple[int, str]]:
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        m = _HEADING.fullmatch(etree.QName(el).localname)
        if m:
            out.append((int(m.group(1)), " ".join("".join(el.itertext()).split())[:60]))
    return out


def _gaps(levels: list[tuple[int, str]], first: int) -> list[str]:
    """Where a heading lies more than one level below the one before it (the
    first heading at most at `first`)."""
    gaps = []
    previous = first - 1
    for level, text in levels:
        if level > previous + 1:
            gaps.append(f"h{previous} then h{level} ({text!r})")
        previous = level
    return gaps


def test_every_epub_document_has_headings_without_gaps(books: dict[str, Path]) -> None:
    found: dict[str, list[str]] = {}
    chapter_levels = set()
    with zipfile.ZipFile(books["anthology"]) as z:
        for name in z.namelist():
            if name.endswith(".xhtml"):
                levels = _heading_levels(etree.fromstring(z.read(name)))
                # a chapter's document opens at h2 in a book in parts (its part's h1 before it)
                gaps = _gaps(levels, first=2)
                if gaps:
                    found[name] = gaps
                if re.fullmatch(r"EPUB/ch\d+\.xhtml", name):
                    chapter_levels.add(levels[0][0])
    assert not found, found
    assert chapter_levels == {2}  # the book has parts: each part h1, its chapters h2


def test_the_html_edition_has_headings_without_gaps(books: dict[str, Path]) -> None:
    root = lxml_html.parse(str(books["anthology-html"])).getroot()
    levels = _heading_levels(root)
    assert _gaps(levels, first=1) == []
    assert sum(1 for level, _ in levels if level > 3) > 10  # the pages' own sections are kept


def test_the_print_edition_has_headings_without_gaps(books: dict[str, Path]) -> None:
    """The PDF's HTML, as WeasyPrint is given it (laid out apart, it is the same markup)."""
    from bookmaker import load_book, load_spec
    from bookmaker.writers import WriteOptions, get_writer

    project = books["anthology-project"]
    book = load_book(load_spec(project / "content" / "voices.toml"))
    html = get_writer("pdf").render_html(book, WriteOptions(base_dir=project / "content"))
    levels = _heading_levels(lxml_html.fromstring(html))
    assert _gaps(levels, first=1) == []


def test_the_anthology_says_what_it_is(books: dict[str, Path]) -> None:
    """Its accessibility metadata, from what it holds: parts, sections, notes,
    and an image with its text alternative (the page whose image is missing
    shows its alt text instead)."""
    from helpers import NS, epub_docs

    docs = epub_docs(books["anthology"])
    props: dict[str, list[str]] = {}
    for meta in docs["EPUB/content.opf"].iterfind(".//opf:meta[@property]", NS):
        props.setdefault(meta.get("property"), []).append(meta.text)
    assert props["schema:accessMode"] == ["textual", "visual"]
    assert props["schema:accessModeSufficient"] == ["textual"]
    summary = props["schema:accessibilitySummary"][0]
    for claim in ("its table of contents lists its parts and articles.", "Notes link to their calls and back",
                  "Every image, the cover included, has a text alternative"):
        assert claim in summary
    images = [img for name, doc in docs.items() if name.endswith(".xhtml")
              for img in doc.iterfind(".//x:img", NS) if "cover" not in img.get("src")]
    assert [img.get("alt") for img in images] == ["A Collective Farm Family at Dinner"]
