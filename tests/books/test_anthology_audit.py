"""The anthology test book audited from its built files, as its publisher and
the people it credits would read it (issue 17): every contributor is one
person, no metadata holds a path of the editor's machine, every page's
address is printed, no date is printed in ISO form, and no Markdown shows.

The anthology (tests/anthology.py) is built once per run (`anthology`)."""

from __future__ import annotations

import re
import zipfile
from functools import cache
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from anthology import ADDRESS, PARTS, Anthology
from helpers import NS, epub_docs

pytestmark = pytest.mark.xdist_group("anthology")

PAGES = [page for _, pages in PARTS for page in pages]
# What a person's name never holds: a year, "by", a field's label, two names
# joined, an address.
NOT_ONE_PERSON = re.compile(r"\d|\bby\b|\band\b|&|;|,|:|/|@|\btranscri|\bmarked\b|\bhtml\b",
                            re.IGNORECASE)
# A date as ISO writes it (1938-02-16, 1931-11), not as a reader's language does:
# a whole one anywhere; a year and month where bookmaker prints dates (in a
# page's text "1907-11" is a span of years).
ISO_DATE = re.compile(r"(?<![\w/.-])(1[0-9]|20)\d\d-(0[1-9]|1[0-2])-[0-3]\d(?![\w/-])")
ISO_MONTH = re.compile(r"(?<![\w/.-])(1[0-9]|20)\d\d-(0[1-9]|1[0-2])(-[0-3]\d)?(?![\w/-])")
# where bookmaker prints a date: a chapter's head, the credits' author lines,
# the imprint and the colophon
DATED = ("chapter-date", "credit-author", "imprint", "colophon")
# Markdown that a reader left unread: a footnote call, emphasis, a link, a table row.
MARKDOWN = re.compile(r"\[\^|\*\*|\]\(|^\s*#{1,6} |^\s*\|.*\|\s*$|^\s*[-=]{3,}\s*$",
                      re.MULTILINE)


@cache
def _docs(epub: Path) -> dict[str, etree._Element]:
    return epub_docs(epub)


def _visible(doc: etree._Element) -> str:
    body = doc.find(".//x:body", NS)
    return "".join(body.itertext()) if body is not None else ""


def _printed(text: str) -> str:
    """Text as read for dates: addresses and identifiers left out."""
    return re.sub(r"(https?://|urn:)\S+", " ", text)


def test_every_contributor_is_one_person(anthology: Anthology) -> None:
    opf = _docs(anthology.epub)["EPUB/content.opf"]
    people = [(el.text or "").strip() for el in opf.iterfind(".//dc:contributor", NS)]
    assert len(people) >= 5  # the pages' transcribers, at least
    wrong = [p for p in people if not p or NOT_ONE_PERSON.search(p)]
    assert not wrong, wrong
    assert len(set(people)) == len(people), people  # each person once


def test_no_metadata_holds_a_local_path(anthology: Anthology) -> None:
    project = str(anthology.project)
    with zipfile.ZipFile(anthology.epub) as z:
        opf = z.read("EPUB/content.opf").decode()
    sources = re.findall(r"<dc:source[^>]*>([^<]*)</dc:source>", opf)
    assert sources and all(s.startswith(ADDRESS) for s in sources), sources
    meta = PdfReader(str(anthology.pdf)).metadata
    pdf_meta = " ".join(str(v) for v in meta.values())
    html = anthology.html.read_text(encoding="utf-8")
    head = html[:html.index("<body")]
    for where, text in (("the OPF", opf), ("the PDF's metadata", pdf_meta), ("the HTML head", head)):
        assert project not in text and "content/mia" not in text, where


def test_every_pages_address_is_printed(anthology: Anthology) -> None:
    credits = " ".join(_visible(_docs(anthology.epub)["EPUB/credits.xhtml"]).split())
    pdf = "".join(anthology.pdf_text)
    pdf = re.sub(r"\s+", "", pdf)  # an address broken over lines joins up
    missing_epub = [p for p in PAGES if ADDRESS + p not in credits]
    missing_pdf = [p for p in PAGES if re.sub(r"\s+", "", ADDRESS + p) not in pdf]
    assert not missing_epub, missing_epub
    assert not missing_pdf, missing_pdf


def test_no_date_is_printed_in_iso_form(anthology: Anthology) -> None:
    found = {}
    dated = 0
    for name, doc in _docs(anthology.epub).items():
        if not name.endswith(".xhtml"):
            continue
        hits = [m.group(0) for m in ISO_DATE.finditer(_printed(_visible(doc)))]
        for el in doc.iter():
            if isinstance(el.tag, str) and set((el.get("class") or "").split()) & set(DATED):
                dated += 1
                hits += [m.group(0) for m in ISO_MONTH.finditer(_printed("".join(el.itertext())))]
        if hits:
            found[name] = hits
    pdf = _printed(" ".join(anthology.pdf_text))
    found["the PDF"] = [m.group(0) for m in ISO_DATE.finditer(pdf)]
    assert not any(found.values()), found
    assert dated > len(PAGES)  # the places that print dates were read
    assert ISO_DATE.search("This edition: 2024-05-01.")  # the audit can fail


def test_no_markdown_shows(anthology: Anthology) -> None:
    docs = _docs(anthology.epub)
    for name in ("EPUB/preface.xhtml", "EPUB/dedication.xhtml", "EPUB/epigraph.xhtml"):
        text = _visible(docs[name])
        assert not MARKDOWN.search(text), (name, MARKDOWN.search(text))
        assert not re.search(r"\[\d+\]", text), name  # a note call reads as a call
    preface = docs["EPUB/preface.xhtml"]
    assert preface.find(".//x:table", NS) is not None
    assert len(preface.findall(".//x:aside[@role='doc-footnote']", NS)) == 2
    assert docs["EPUB/epigraph.xhtml"].find(".//x:em", NS) is not None  # *Theses on Feuerbach*
    assert MARKDOWN.search("See[^1] and **this**")  # the audit can fail


def test_the_anthologys_tests_share_a_worker(request: pytest.FixtureRequest,
                                             anthology: Anthology) -> None:
    """On a worker of `--dist loadgroup`, the anthology's tests carry their group
    (so that one worker builds the book, once): pytest-xdist marks it in the test's id."""
    if getattr(request.config.option, "loadgroup", False):
        assert request.node.nodeid.endswith("@anthology"), request.node.nodeid
