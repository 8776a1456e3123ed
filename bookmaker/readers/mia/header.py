"""The header: the few short blocks above the text (kicker, author, title,
subtitle, date) and where it ends, with the information block or else the date
line or else the title."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ...dates import DATE, MONTH, ORDINAL, SEASONS, YEAR
from ...errors import SourceError
from ...model import Block, Paragraph, Person
from .apparatus import is_column, pseudonym_author
from .information import fields_of, is_info_block
from .names import author_and_year, persons
from .notes import is_notes_heading, note_number
from .units import CALL, SEPARATOR, Unit, is_figure, unit_inlines

__all__ = ["Header", "read_header", "header_extent", "is_header_date", "is_short", "is_title",
           "is_column_line", "is_kicker"]

# The words a date in parentheses may hold: "(Summer 1932)", "(late August or early 1933)"
_SEASON = "|".join(SEASONS)
_DATE_WORDS = re.compile(rf"(?i)\b(?:{MONTH}|\d+{ORDINAL}|{_SEASON}|"
                         r"early|late|mid|end|beginning|of|and|to|or|c\.|circa)(?!\w)")


def is_parenthesised(text: str) -> bool:
    return text.startswith("(") and text.endswith(")")


def unparen(text: str) -> str:
    if text.startswith("(") and ")" not in text:
        return text[1:].strip()  # "(6 August 1898"
    return text[1:-1].strip() if is_parenthesised(text) else text


def is_header_date(unit: Unit) -> bool:
    """"(August 1932)" (little but date words in parentheses), or a bare "1969"."""
    text = unit.joined
    if len(unit.lines) > 1 or len(text) > 60:
        return False
    if text.startswith("(") and ")" not in text:
        text += ")"  # "(6 August 1898": the closing bracket forgotten
    if not is_parenthesised(text):
        return bool(re.fullmatch(rf"{DATE}\.?", text))
    inner = unparen(text)
    if not re.search(rf"{YEAR}|{MONTH}", inner):
        return False
    return len(re.sub(r"[\W\d]+", " ", _DATE_WORDS.sub(" ", inner)).split()) <= 1


@dataclass(frozen=True, slots=True)
class Header:
    """What the header gives the article."""

    title: str
    end: int  # index of the first body unit
    subtitle: str | None
    authors: tuple[Person, ...]
    date: str | None
    fields: tuple[tuple[str, str], ...]
    extra: tuple[Block, ...]  # header blocks that fit no slot, kept at the start of the body


def read_header(units: list[Unit], name: str) -> Header:
    end, info = header_extent(units)
    head = [u for u in units[:end if info is None else info] if u.block is None]
    fields = () if info is None else tuple(
        f for u in units[info:end] for f in fields_of(u.lines))
    dated = next((u for u in head[1:] if is_header_date(u)), None)
    date = unparen(dated.joined) if dated else None
    rest = [u for u in head if u is not dated]
    kickers: list[Unit] = []
    above: list[Unit] = []  # a line above the author that is no kicker: kept with the body
    while rest and not any(c.isalpha() for c in rest[0].joined):
        kickers.append(rest.pop(0))  # "1975" above the author
    if (len(rest) > 2 and not author_and_year(rest[0].joined)[0] and rest[0].tag != "h1"
            and author_and_year(rest[1].joined)[0] and rest[1].tag in ("", "h2")
            and is_title(rest[2]) and not author_and_year(rest[2].joined)[0]):
        above.append(rest.pop(0))  # "Front cover" (an image's alt text) above the author
    candidates = [u for u in rest if not is_parenthesised(u.joined)]
    if (len(candidates) > 2 and candidates[0] is rest[0] and rest[0].tag != "h1"
            and author_and_year(rest[0].joined)[0] and author_and_year(rest[1].joined)[0]
            and rest[1] is candidates[1] and is_title(candidates[2])
            and rest[0].joined != rest[1].joined
            and set(rest[0].joined.lower().split()) & set(rest[1].joined.lower().split())):
        # an archive's banner name above the byline, the same person spelled again
        # ("Natalia Sedova Trotsky" above "Natalia Sedoff Trotsky"): a kicker. Two
        # names with no word in common are an author and a title that is a name
        # ("Pierre Broué" above "Kurt Landau").
        kickers.append(rest.pop(0))
        candidates.pop(0)
    authors: tuple[Person, ...] = ()
    h1_author = (rest[0].tag == "h1" and len(candidates) > 1
                 and re.fullmatch(r"h[1-4]", candidates[1].tag) is not None) if rest else False
    if (len(candidates) > 1 and candidates[0] is rest[0]
            and (rest[0].tag != "h1" or h1_author)):
        author, year = author_and_year(rest[0].joined)
        if author is None and len(rest) > 1 and not is_column(rest[0].joined):
            author = pseudonym_author(rest[0].lines)  # "J.P.C.", "X (Y)", "X writing as Y"
        if author:
            authors = persons(author)
            line = rest.pop(0).line
            candidates.pop(0)
            if year and date is None:
                date = year  # "August Bebel 1879": the author line carries the year
            elif year:
                kickers.append(Unit((year,), line))
    candidates = [u for u in candidates if not SEPARATOR.fullmatch(u.joined)]
    if not candidates or not is_title(candidates[0]):
        raise SourceError("no recognisable title: expected a short first block "
                          "(author, then title)", path=name,
                          line=(candidates or units)[0].line)
    if any(u.tag == "h1" for u in candidates) and not h1_author:  # HTML: <h1> is the title
        while candidates[0].tag != "h1":
            kickers.append(candidates.pop(0))
    while len(candidates) > 1 and is_kicker(candidates[0], candidates[1], authors):
        kickers.append(candidates.pop(0))  # "Politics" above "German Politics and…"
    title = candidates.pop(0)
    subtitles = [u for u in rest if u is not title and u not in kickers
                 and not SEPARATOR.fullmatch(u.joined)]  # "* * *" between header lines
    # "Is Socialism “Subversive”?⏎Shachtman Testifies for Workers Party": a title and
    # its subtitle in one block (a <br> between them), not one line
    if _two_lines(title):
        subtitles.insert(0, replace(title, lines=title.lines[1:], content=None))
        title = replace(title, lines=title.lines[:1], content=None)
    subtitles = [part for u in subtitles for part in (
        (replace(u, lines=u.lines[:1], content=None), replace(u, lines=u.lines[1:], content=None))
        if _two_lines(u) else (u,))]
    extra: list[Block] = [Paragraph(unit_inlines(u), role="kicker") for u in kickers]
    extra += [Paragraph(unit_inlines(u), role="subtitle") for u in subtitles[1:]]
    extra += [u.block for u in units[:end] if is_figure(u) and u.block is not None]
    extra += [Paragraph(unit_inlines(u)) for u in above]
    # a title's note call is no part of the title ("A Just War[1]"); the note stays
    return Header(title=CALL.sub("", title.joined).rstrip() or title.joined, end=end,
                  subtitle=subtitles[0].joined if subtitles else None, authors=authors,
                  date=date, fields=fields, extra=tuple(extra))


def _two_lines(unit: Unit) -> bool:
    """A header block whose first line is a question or an exclamation and whose
    second starts a new phrase: two header lines, not one."""
    return (len(unit.lines) == 2 and unit.lines[0].rstrip().endswith(("?", "!"))
            and unit.lines[1].strip()[:1].isupper())


def header_extent(units: list[Unit]) -> tuple[int, int | None]:
    """(index of the first body unit, index of the information block or None).

    The header is a few short blocks ending with the information block, or else
    with the date line, or else it is the author and title lines alone."""
    for i, unit in enumerate(units[:10]):
        if is_notes_heading(unit) and i + 1 < len(units) and note_number(units[i + 1], True):
            break  # the notes: a page of notes whose paragraphs are of class "information"
        if i > 0 and is_info_block(unit):
            end = i + 1
            while end < len(units) and is_info_block(units[end]):
                end += 1
            return end, i
        if not is_short(unit) and not is_figure(unit):
            break
    for i, unit in enumerate(units[:6]):
        if i > 0 and is_header_date(unit):
            return i + 1, None
        if not is_short(unit):
            break
    two = len(units) > 2 and author_and_year(units[0].joined)[0] and is_title(units[1])
    if (not two and len(units) > 2 and is_title(units[1]) and not units[1].tag
            and is_column_line(units[0].joined)):
        return 2, None  # text: a column's name or a dated byline, then the title
    if two and len(units) > 3 and units[1].joined == units[0].joined and is_title(units[2]):
        return 3, None  # the author's name twice, then the title
    return (2 if two else 1), None


def is_short(unit: Unit) -> bool:
    return unit.block is None and len(unit.lines) <= 4 and len(unit.joined) <= 300


def is_title(unit: Unit) -> bool:
    return is_short(unit) and any(c.isalpha() for c in unit.joined)


_DATED_BYLINE = re.compile(  # "Trotsky December 1925-March 1926"
    rf"[A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+){{0,2}} {MONTH}? ?{YEAR}\s*[-–]\s*{MONTH}? ?{YEAR}")


def is_column_line(text: str) -> bool:
    """A column's, congress's or group's name, or a byline with the work's dates."""
    return is_column(text) or bool(_DATED_BYLINE.fullmatch(text))


def is_kicker(unit: Unit, following: Unit, authors: tuple[Person, ...] = ()) -> bool:
    """A column or book name above the title ("Bolivia, 9 April 1952:", "John Reed
    Internet Archive"), or the author's name again. A short line above a longer
    one is more often a title above its subtitle, so that alone is not enough."""
    if unit.tag == "h1" or following.tag not in ("", "h1"):
        return False  # HTML: the <h1> is the title
    text = unit.joined
    site = re.search(r"(?i)\barchive$", text)  # "John Reed Internet Archive"
    again = bool(authors) and " ".join(p.name for p in authors) == text
    short = len(unit.lines) == 1 and (len(text.split()) == 1 or (
        text.isupper() and len(text.split()) <= 3))  # "AUEW" above "Decline of a union"

    titled = (len(following.lines) == 1 and not following.joined.endswith(".")
              and len(following.joined) > len(text))
    column = is_column_line(text) and is_title(following)  # "Editorial Notes" above the title
    return text.endswith(":") or bool(site) or again or (short and titled) or column
