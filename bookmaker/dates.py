"""Dates as a book prints them: read from what sources and specs write, written the
way the book's language writes dates.

Sources write dates in English, in many shapes ("March 1931", "16th February
1938", "September 28, 1937", "Feb. 27, 1920", "August, 1940", "1883."); a spec
writes ISO 8601 ("1938-02-16", "1931-11", "1931"). `parse_date` reads them all
into a `PartialDate` (a year, perhaps a month, perhaps a day); `format_date`
writes one with Babel's calendar data for the book's language ("16 February
1938", "février 1938", "16. Februar 1938"). `book_date` does both, and gives
back a date it cannot read as the source wrote it (without trailing
punctuation): seasons, ranges and misspellings ("Winter 1995/96", "1936–37",
"Decmber 1956") are never guessed at.

English without a region is written day–month–year ("16 February 1938"), the
order the Archive's own pages use; a language tag with a region keeps its
region's order ("en-US": "February 16, 1938").

This module owns the English date vocabulary: the months' names (`MONTHS`), the
seasons (`SEASONS`) and the shapes of a date as regular expressions' sources
(`MONTH_NAME`, `MONTH`, `ORDINAL`, `DAY`, `YEAR`, `DATE`), from which the MIA
readers build their datelines and header dates, and `people` finds the dates in
a credit.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

__all__ = ["PartialDate", "parse_date", "format_date", "book_date", "field_date",
           "locale_for", "MONTHS", "MONTH_NAME", "MONTH", "ORDINAL", "DAY", "YEAR", "DATE",
           "SEASONS"]


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        # raises ValueError for 31 February, month 13, year 0
        _dt.date(self.year, self.month or 1, self.day or 1)

    def iso(self) -> str:
        """"1938", "1938-02" or "1938-02-16"."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text


# --- the English date vocabulary ---------------------------------------------------------

# Each month's names: its name and the abbreviations sources write.
_MONTH_NAMES = (
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec"))
# A month's number by its name or abbreviation, in lower case: "feb" → 2.
MONTHS: Mapping[str, int] = MappingProxyType({
    name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names})
SEASONS = ("spring", "summer", "autumn", "fall", "winter")

# The shapes below are regular expressions' sources, for building into patterns.
# A month named or abbreviated, capitalised ("September", "Sept", "Sep"; the longer
# first, so that a match takes the whole word).
MONTH_NAME = "(?:" + "|".join(name.capitalize() for names in _MONTH_NAMES
                              for name in sorted(names, key=len, reverse=True)) + ")"
MONTH = MONTH_NAME + r"\.?"  # and the full stop of an abbreviation: "Feb."
ORDINAL = r"(?:st|nd|rd|th)?"  # "6th", "1st"
DAY = r"\d{1,2}" + ORDINAL  # a day of the month: "6", "6th"
YEAR = r"\d{4}"
# An English date as sources write one: "July 20, 1933", "6th August 1932",
# "Feb. 27, 1920", "August, 1940", "1932".
DATE = (rf"(?:{MONTH}\s+{DAY},?\s+{YEAR}|{DAY}\s+{MONTH},?\s+{YEAR}|"
        rf"{MONTH},?\s+{YEAR}|{YEAR})")

# parse_date's shapes take any word for the month and look it up in MONTHS, so that
# a month in capitals is read and a misspelt one ("Decmber 1956") is no date.
_MONTH = r"(?P<{}>[A-Za-z]{{3,9}})\.?"
_DAY = r"(?P<{}>\d{{1,2}})" + ORDINAL
_YEAR = rf"(?P<year>{YEAR})"
_SHAPES = [
    re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?"),        # ISO
    re.compile(_YEAR),                                                          # 1931
    re.compile(_MONTH.format("month") + r",?\s+" + _YEAR),                      # March 1931
    re.compile(_DAY.format("day") + r"(?:\s+of)?\s+" + _MONTH.format("month")
               + r",?\s+" + _YEAR),                                             # 16th February, 1938
    re.compile(_MONTH.format("month") + r"\s+" + _DAY.format("day") + r",?\s+"
               + _YEAR),                                                        # September 28, 1937
]
# What may end a date as an information block writes it: "Written: November 1931."
_TRAILING = re.compile(r"[\s.,;:]+$")
# Two months of one year: "March-April 1913", "July/August 1923", "April–June 1938".
_MONTH_RANGE = re.compile(_MONTH.format("first") + r"\s*(?P<sep>[-/–—])\s*"
                          + _MONTH.format("month") + r",?\s+" + _YEAR)


def parse_date(text: str) -> PartialDate | None:
    """The date `text` writes, or None when it is not one date.

    Reads ISO 8601 (year, year-month, full) and English dates with the month
    named or abbreviated; trailing punctuation is allowed ("June 18, 1931.")."""
    text = " ".join(_TRAILING.sub("", text.strip()).split())
    if not text:
        return None
    iso = _SHAPES[0].fullmatch(text)
    if iso:
        try:
            return PartialDate(int(iso["y"]), int(iso["m"]) if iso["m"] else None,
                               int(iso["d"]) if iso["d"] else None)
        except ValueError:
            return None
    for shape in _SHAPES[1:]:
        match = shape.fullmatch(text)
        if not match:
            continue
        groups = match.groupdict()
        month = None
        if groups.get("month"):
            month = MONTHS.get(groups["month"].lower())
            if month is None:
                return None
        day = int(groups["day"]) if groups.get("day") else None
        try:
            return PartialDate(int(groups["year"]), month, day)
        except ValueError:
            return None
    return None


@lru_cache(maxsize=32)
def locale_for(language: str) -> "Locale":
    """The Babel locale a book in `language` (a BCP 47 tag) writes its dates with."""
    from babel import Locale, UnknownLocaleError  # imported late: Babel's data is large

    tag = (language or "en").replace("-", "_")
    if tag.lower() == "en":
        tag = "en_GB"  # day, month, year: the Archive's own order
    try:
        return Locale.parse(tag)
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(tag.split("_")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse("en_GB")


def format_date(value: PartialDate, language: str = "en") -> str:
    """`value` written the way `language` writes dates: "16 February 1938",
    "November 1931", "1931"; "février 1938" in French."""
    from babel import dates as babel_dates

    locale = locale_for(language)
    day = _dt.date(value.year, value.month or 1, value.day or 1)
    if value.day is not None:
        return babel_dates.format_date(day, format="long", locale=locale)
    if value.month is not None:
        return babel_dates.format_skeleton("yMMMM", day, locale=locale)
    return babel_dates.format_skeleton("y", day, locale=locale)


def _month_range(text: str, language: str) -> str | None:
    """"March-April 1913" in `language` ("mars-avril 1913"), keeping the source's mark."""
    from babel import dates as babel_dates

    match = _MONTH_RANGE.fullmatch(text)
    if not match:
        return None
    first, last = MONTHS.get(match["first"].lower()), MONTHS.get(match["month"].lower())
    if first is None or last is None:
        return None
    locale = locale_for(language)
    year = int(match["year"])
    if not 1 <= year <= 9999:
        return None
    start = babel_dates.get_month_names("wide", context="stand-alone", locale=locale)[first]
    end = format_date(PartialDate(year, last), language)
    return f"{start}{match['sep']}{end}"


def book_date(text: str | None, language: str = "en") -> str:
    """A date as the book prints it: read and written in `language`, or, when it
    cannot be read, as the source wrote it without trailing punctuation.
    Two months of one year ("March-April 1913") are written in `language` too.
    None or blank gives ""."""
    if text is None or not text.strip():
        return ""
    text = _TRAILING.sub("", " ".join(text.split()))
    if text.endswith(")") and "(" not in text:  # "1969)": a bracket left from the source
        text = _TRAILING.sub("", text[:-1])
    found = parse_date(text)
    if found is not None:
        return format_date(found, language)
    return _month_range(text, language) or text


# Words a date-like value may hold besides numbers: "March-April 1913", "Summer, 1961",
# "between 2 April and 15 December 1936", "Early 30's".
_DATE_WORDS = set(MONTHS) | set(SEASONS) | {"early", "late", "mid", "between", "and", "circa",
                                            "c", "of", "the", "s", "st", "nd", "rd", "th"}


def _dateish(text: str) -> bool:
    if not re.search(r"\d", text) or len(text) > 48:
        return False
    words = re.findall(r"[^\W\d_]+", text.lower())
    return all(w in _DATE_WORDS for w in words)


def field_date(value: str) -> str | None:
    """The date an information block's value gives ("Written: November 1931."),
    as written there without its trailing punctuation, or None.

    The whole value when it is a date or date-like ("1936–37.", "Summer, 1961");
    else a comma-separated piece of it that is one date ("Saint Pélagie Prison,
    1883", "March 1919, Ludovic Naudeau, …")."""
    whole = _TRAILING.sub("", " ".join(value.split()))
    if not whole:
        return None
    if parse_date(whole) is not None or _dateish(whole):
        return whole
    for piece in whole.split(","):
        piece = _TRAILING.sub("", piece.strip())
        if parse_date(piece) is not None:
            return piece
    return None
