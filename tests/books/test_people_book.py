"""A book of five MIA pages with tricky credits: the EPUB's package lists each
person once, one person to a dc:contributor, with MARC roles; the colophon and
the imprint name people; the PDF's Author names the editors."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from bookmaker import Metadata, Person, assemble, read_article, write_book
from bookmaker.people import is_person, person_key
from conftest import SHARED
from helpers import NS, epub_docs, epubcheck_messages

CORPUS = SHARED / "corpus" / "mia"
pytestmark = pytest.mark.skipif(not (CORPUS / "MANIFEST.tsv").is_file(),
                                reason="no shared corpus here")

PAGES = [
    "archive/trotsky/1938/04/lp.htm",        # Transcription/HTML Markup: Chris Harman and David Walters.
    "archive/hansen/1939/08/fascism4.htm",   # Transcription/HTML Markup: 2016 by Einde O’Callaghan.
    "archive/morrow-felix/1946/02/24.htm",   # Transcribed: by Ted Crawford, 2003.; Proofreader: Einde …
    "archive/zinoviev/works/x01/x01.htm",    # HTML Markup: Roland Ferguson and D. Walters;
    "archive/fitzgerald/1905/paris_commune.htm",  # Transcription: Socialist Party of Great Britain.
]
EDITORS = (Person("Ed Itor", "edt"), Person("Ann Other", "edt"))


@pytest.fixture(scope="module")
def book():  # noqa: ANN201 - a Book
    return assemble([read_article(CORPUS / p) for p in PAGES],
                    Metadata(title="Credits", editors=EDITORS, identifier="urn:test:people",
                             modified="2016-01-05T00:00:00Z"))


@pytest.fixture(scope="module")
def epub(book, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: ANN001
    return write_book(book, tmp_path_factory.mktemp("people") / "book.epub", "epub")


def _people(epub: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """{name: roles} of the dc:creators and of the dc:contributors."""
    md = epub_docs(epub)["EPUB/content.opf"].find("opf:metadata", NS)
    roles: dict[str, list[str]] = {}
    for meta in md.iterfind("opf:meta[@property='role']", NS):
        assert meta.get("scheme") == "marc:relators"
        roles.setdefault(meta.get("refines"), []).append(meta.text)

    def named(tag: str) -> dict[str, list[str]]:
        found = [(e.text, roles.get("#" + e.get("id"), [])) for e in md.iterfind(tag, NS)]
        assert len({person_key(n) for n, _ in found}) == len(found), found  # no one twice
        return dict(found)

    return named("dc:creator"), named("dc:contributor")


def test_every_contributor_is_one_person_once_with_their_roles(epub: Path) -> None:
    creators, contributors = _people(epub)
    assert creators == {"Ed Itor": ["edt"], "Ann Other": ["edt"]}
    assert contributors == {
        "Leon Trotsky": ["aut"], "Chris Harman": ["trc", "mrk"],
        "David Walters": ["trc", "mrk"],  # "D. Walters" on the Zinoviev page
        "Joseph Hansen": ["aut"], "Einde O’Callaghan": ["trc", "mrk", "pfr"],
        "Felix Morrow": ["aut"], "Ted Crawford": ["trc"],
        "Gregory Zinoviev": ["aut"], "Mike Bessler": ["trc"], "Daniel Gaido": ["trc"],
        "Roland Ferguson": ["mrk"], "Jack Fitzgerald": ["aut"], "Adam Buick": ["mrk"],
    }
    for name in contributors:
        assert is_person(name) and not re.search(r"\d|\bby\b|\band\b|&|,", name), name


def test_the_epub_passes_epubcheck(epub: Path) -> None:
    assert epubcheck_messages(epub) == []


def test_the_colophon_and_credits_name_people(epub: Path) -> None:
    with zipfile.ZipFile(epub) as z:
        colophon = z.read("EPUB/colophon.xhtml").decode()
        credits = z.read("EPUB/credits.xhtml").decode()
        imprint = z.read("EPUB/imprint.xhtml").decode()
    lines = re.findall(r"<p>(.*?)</p>", colophon)
    assert ("Transcribed by Chris Harman, David Walters, Einde O’Callaghan, Ted Crawford, "
            "Mike Bessler and Daniel Gaido.") in lines
    assert ("Marked up by Chris Harman, David Walters, Einde O’Callaghan, Roland Ferguson and "
            "Adam Buick.") in lines
    assert "Proofread by Einde O’Callaghan." in lines
    assert "Transcription: Socialist Party of Great Britain." in lines  # as written
    # Sources and Credits name each article's people, then give its fields as written
    people = re.findall(r'<p class="credit-people">(.*?)</p>', credits)
    assert "Transcribed and marked up by Chris Harman and David Walters." in people
    assert "Transcribed by Ted Crawford." in people and "by Ted Crawford, 2003" not in " ".join(people)
    assert "Transcribed and marked up by Einde O’Callaghan." in people
    assert not any("Socialist Party of Great Britain" in p for p in people)  # no person there
    assert "Transcribed" not in imprint  # the imprint points to the credits instead
    # Sources and Credits keep the information that came with each article word for word
    assert '<span class="credit-label">Transcribed:</span> by Ted Crawford, 2003.' in credits


def test_the_pdf_author_names_the_editors(book, tmp_path: Path) -> None:  # noqa: ANN001
    import pikepdf

    pdf = write_book(book, tmp_path / "book.pdf", "pdf")
    with pikepdf.open(pdf) as doc:
        assert str(doc.docinfo["/Author"]) == "Ed Itor, Ann Other (eds.)"


def test_a_creator_who_also_transcribed_is_named_once(tmp_path: Path) -> None:
    page = "archive/hansen/1939/08/fascism4.htm"  # Transcription/HTML Markup: 2016 by Einde O’Callaghan.
    book = assemble([read_article(CORPUS / page)],
                    Metadata(title="One", editors=(Person("Einde O'Callaghan", "edt"),),
                             identifier="urn:test:one", modified="2016-01-05T00:00:00Z"))
    creators, contributors = _people(write_book(book, tmp_path / "one.epub", "epub"))
    assert creators == {"Einde O'Callaghan": ["edt", "trc", "mrk"]}  # the spec's spelling
    assert contributors == {"Joseph Hansen": ["aut"]}
