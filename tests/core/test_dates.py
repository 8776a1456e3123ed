"""Dates as books print them (issue 17, point 5): read from what the Archive's pages
and specs write, printed the way the book's language writes dates; never ISO, never
the zip epoch that stands for "unknown"."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookmaker.cli import cli
from bookmaker.dates import (
    DATE, MONTH, MONTH_NAME, MONTHS, PartialDate, book_date, field_date, format_date, parse_date,
)
from bookmaker.readers import read_article
from conftest import ROOT, SHARED
from helpers import epub_docs, pdf_pages

MIA = SHARED / "corpus" / "mia" / "archive"
TEXT = SHARED / "corpus" / "mia-text" / "archive"
needs_corpus = pytest.mark.skipif(not MIA.is_dir(), reason="no shared corpus here")

# Dates as the corpus's header lines and information blocks write them
# (surveyed over corpus/mia and corpus/mia-text), and what they mean.
CORPUS_DATES = [
    ("1919", PartialDate(1919)),
    ("5 May 1922", PartialDate(1922, 5, 5)),
    ("April 1986", PartialDate(1986, 4)),
    ("Written: November 1931."[9:], PartialDate(1931, 11)),
    ("16th November, 1927", PartialDate(1927, 11, 16)),
    ("30 December, 1953", PartialDate(1953, 12, 30)),
    ("September 28, 1937", PartialDate(1937, 9, 28)),
    ("June 18, 1931.", PartialDate(1931, 6, 18)),
    ("December 28, 1974", PartialDate(1974, 12, 28)),
    ("August, 1940", PartialDate(1940, 8)),
    ("1883.", PartialDate(1883)),
    ("17 July 1848;", PartialDate(1848, 7, 17)),
    ("December 12, 1940.", PartialDate(1940, 12, 12)),
    ("Feb. 27, 1920", PartialDate(1920, 2, 27)),
    ("September 11 1935", PartialDate(1935, 9, 11)),
    ("Sept. 1938", PartialDate(1938, 9)),
    # ISO, as specs write dates
    ("1938-02-16", PartialDate(1938, 2, 16)),
    ("1931-11", PartialDate(1931, 11)),
    ("1931", PartialDate(1931)),
]

# Not one date: printed as the source wrote them (less trailing punctuation).
KEPT = [
    ("Winter 1995/96", "Winter 1995/96"),
    ("1936–37.", "1936–37"),
    ("1927-1931", "1927-1931"),
    ("1969)", "1969"),                  # a bracket left over from the source
    ("Spring 1966", "Spring 1966"),
    ("Decmber 1956", "Decmber 1956"),   # a misspelling is not guessed at
    ("Wimter 1965", "Wimter 1965"),
    ("between 2 April and 15 December 1936", "between 2 April and 15 December 1936"),
    ("1938-02-30", "1938-02-30"),       # no such day
]


@pytest.mark.parametrize(("text", "expected"), CORPUS_DATES)
def test_corpus_dates_are_read(text: str, expected: PartialDate) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "printed"), KEPT)
def test_what_is_not_one_date_is_kept_verbatim(text: str, printed: str) -> None:
    assert parse_date(text) is None
    assert book_date(text, "en") == book_date(text, "fr") == printed


@pytest.mark.parametrize(("text", "en", "fr", "de"), [
    ("1938-02-16", "16 February 1938", "16 février 1938", "16. Februar 1938"),
    ("16th February 1938", "16 February 1938", "16 février 1938", "16. Februar 1938"),
    ("Feb. 1938", "February 1938", "février 1938", "Februar 1938"),
    ("1931-11", "November 1931", "novembre 1931", "November 1931"),
    ("March 1931", "March 1931", "mars 1931", "März 1931"),
    ("September 28, 1937", "28 September 1937", "28 septembre 1937", "28. September 1937"),
    ("1931", "1931", "1931", "1931"),
])
def test_dates_print_as_the_language_writes_them(text: str, en: str, fr: str, de: str) -> None:
    assert book_date(text, "en") == en
    assert book_date(text, "fr") == fr
    assert book_date(text, "de") == de
    assert book_date(text, "de-CH") == de  # a region without data of its own: the language's


@pytest.mark.parametrize(("text", "en", "fr", "de"), [
    ("March-April 1913", "March-April 1913", "mars-avril 1913", "März-April 1913"),
    ("July/August 1923", "July/August 1923", "juillet/août 1923", "Juli/August 1923"),
    ("April–June 1938", "April–June 1938", "avril–juin 1938", "April–Juni 1938"),
])
def test_two_months_of_a_year_are_translated_too(text: str, en: str, fr: str, de: str) -> None:
    assert parse_date(text) is None
    assert (book_date(text, "en"), book_date(text, "fr"), book_date(text, "de")) == (en, fr, de)


def test_a_region_keeps_its_own_order() -> None:
    assert format_date(PartialDate(1938, 2, 16), "en-US") == "February 16, 1938"
    assert format_date(PartialDate(1938, 2, 16), "en-GB") == "16 February 1938"
    assert format_date(PartialDate(1938, 2, 16), "xx-unknown") == "16 February 1938"


def test_no_date_prints_nothing() -> None:
    assert book_date(None) == book_date("") == book_date("  ") == ""


def test_the_month_names_are_one_vocabulary() -> None:
    # The patterns the readers and the credits build (MONTH_NAME, MONTH, DATE) know
    # the months parse_date knows, and a match takes the whole word.
    for name, number in MONTHS.items():
        word = name.capitalize()
        assert re.fullmatch(MONTH_NAME, word) and re.match(MONTH_NAME, word + "s")[0] == word
        assert parse_date(f"{word} 1931") == PartialDate(1931, number)
        assert re.fullmatch(DATE, f"{word} 6th, 1931") and re.fullmatch(DATE, f"6 {word}. 1931")
    assert re.fullmatch(MONTH, "Sept.") and not re.fullmatch(MONTH_NAME, "Sept.")
    assert not re.search(MONTH_NAME, "march") and not re.fullmatch(DATE, "Decmber 1956")


def test_partial_dates_refuse_impossible_days() -> None:
    with pytest.raises(ValueError):
        PartialDate(1938, 2, 30)
    with pytest.raises(ValueError):
        PartialDate(1938, None, 3)
    assert PartialDate(1938, 2).iso() == "1938-02"


@pytest.mark.parametrize(("value", "date"), [
    ("November 1931.", "November 1931"),
    ("June 18, 1931.", "June 18, 1931"),
    ("1924-1936;", "1924-1936"),
    ("Summer, 1961", "Summer, 1961"),
    ("Saint Pélagie Prison, 1883", "1883"),
    ("March 1919, Ludovic Naudeau, special correspondent of Les temps", "March 1919"),
    ("by Max Eastman;", None),
    ("Unknown - 1933(?)", None),
    ("1898 – Published in German as Ursprung der abstrakten Ideen in Die Neue Zeit, "
     "Vol.XVIII/2, 1898/99.", None),
])
def test_information_block_values(value: str, date: str | None) -> None:
    assert field_date(value) == date


@needs_corpus
@pytest.mark.parametrize("path", [
    MIA / "cannon" / "works" / "1931" / "nov" / "mooney.htm",
    TEXT / "cannon" / "works" / "1931" / "nov" / "mooney.htm.txt",
])
def test_written_with_its_full_stop_dates_the_article(path: Path) -> None:
    """"Written: November 1931." and no date line: the information block dates it."""
    article = read_article(path)
    assert ("Written", "November 1931.") in article.attribution.fields
    assert article.date == "November 1931"


@needs_corpus
def test_a_header_date_line_still_wins() -> None:
    path = next(p for p in sorted(MIA.rglob("*.htm"))
                if (a := read_article(p)).date and a.attribution.field("Written")
                and a.date != field_date(a.attribution.field("Written") or ""))
    article = read_article(path)
    assert article.date and article.date != field_date(article.attribution.field("Written") or "")


# --- built books ---------------------------------------------------------------------

# An ISO date as text: never in a built book (a uuid's or a range's digits are not one).
ISO = re.compile(r"(?<![\w-])\d{4}-\d{2}(?:-\d{2})?(?![\w-])")

SPEC = """
[book]
title = "Dated"
authors = ["Leon Trotsky"]
language = "{language}"
date = "2016-01-05"
licence = "CC-BY-SA-2.0"

[options]
formats = {formats}

[[articles]]
path = "sample/offensive.txt"
date = "1932-08"

[[articles]]
path = "sample/impossible.txt"
date = "1933-07-16"
"""


def _build(tmp_path: Path, language: str, formats: str) -> Path:
    project = tmp_path / language
    shutil.copytree(ROOT / "content" / "sample", project / "content" / "sample")
    (project / "content" / "dated.toml").write_text(
        SPEC.format(language=language, formats=formats), encoding="utf-8")
    result = CliRunner().invoke(cli, ["-q", "build", "-C", str(project), "-o",
                                      str(project / "dist")], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return project / "dist"


def _epub_text(epub: Path) -> str:
    docs = epub_docs(epub)
    return "\n".join(" ".join(doc.itertext()) for name, doc in docs.items()
                     if name.endswith(".xhtml"))


def test_a_book_with_iso_overrides_prints_no_iso_date(tmp_path: Path) -> None:
    dist = _build(tmp_path, "en", '["epub", "pdf"]')
    text = _epub_text(next(dist.glob("*.epub")))
    assert not ISO.findall(text)
    assert "16 July 1933" in text and "August 1932" in text
    assert "This edition: 5 January 2016." in " ".join(text.split())
    pdf = " ".join(pdf_pages(next(dist.glob("*.pdf"))))
    assert not ISO.findall(pdf)
    assert "16 July 1933" in " ".join(pdf.split())


def test_a_french_book_writes_french_dates(tmp_path: Path) -> None:
    dist = _build(tmp_path, "fr", '["epub"]')
    text = " ".join(_epub_text(next(dist.glob("*.epub"))).split())
    assert not ISO.findall(text)
    assert "16 juillet 1933" in text and "août 1932" in text and "5 janvier 2016" in text


def test_a_one_off_book_without_a_date_prints_none(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["book", str(ROOT / "content" / "sample" / "offensive.txt"),
                                      "--title", "Undated", "--format", "epub", "--out",
                                      str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    docs = epub_docs(next(tmp_path.glob("*.epub")))
    imprint = " ".join(" ".join(docs["EPUB/imprint.xhtml"].itertext()).split())
    assert "This edition" not in imprint and "1980" not in imprint
    assert "Identifier:" in imprint
    text = _epub_text(next(tmp_path.glob("*.epub")))
    assert "1980" not in text and "Made with bookmaker." in " ".join(text.split())
