"""A printed book read back from its PDF, page by page, to be measured as a
book designer checks proofs (tests/books/test_print_pages.py, bench/look.py).

Nothing here looks at the CSS: each page is measured from where its text and
its rules are drawn (pdfplumber), and its place in the book from the PDF's
outline and page labels (pypdf). The body text's size and line pitch, and the
text block's top and bottom, are the book's own: its most common type size,
and the highest and lowest full lines set in it. On each page, the running head
is the text above the text block, the folio the text below it, the footnote
rule the lowest horizontal rule in the text block with only notes (text smaller
than the body) below it. Parts are the outline's entries named as
tests/anthology.py's PARTS; chapters their entries (in a book without parts, the
entries of the body); sections the chapters' entries; the front matter the
pages labelled i, ii, …; the back matter starts at "Sources and Credits".
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from anthology import PARTS

__all__ = ["CREDITS", "Line", "Rule", "Entry", "Page", "PrintedBook", "squash"]

CREDITS = "Sources and Credits"


@dataclass(frozen=True)
class Line:
    """A line of text as drawn: its box in points from the page's top left, the
    type size most of its characters are set in, and whether most are bold."""
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass(frozen=True)
class Rule:
    """A horizontal rule: a stroked line, a thin filled rectangle, or the strip
    between two filled rectangles that share their sides and bottom (how a
    top border is painted)."""
    x0: float
    x1: float
    top: float


@dataclass(frozen=True)
class Entry:
    """An entry of the PDF's outline: its title, depth (0 at the top), and the
    index of its page in the file."""
    title: str
    depth: int
    page: int


@dataclass(frozen=True)
class Page:
    """What one page holds: its index in the file, its label (its folio as the
    PDF names it), its lines top to bottom, its rules and its images' tops and
    bottoms."""
    index: int
    label: str
    lines: tuple[Line, ...]
    rules: tuple[Rule, ...]
    images: tuple[tuple[float, float], ...]

    @property
    def verso(self) -> bool:
        return self.index % 2 == 1  # the first page of the file is a recto

    @property
    def front(self) -> bool:
        return re.fullmatch(r"[ivxlcdm]+", self.label) is not None

    def name(self) -> str:
        """How a message names the page: its folio and its place in the file."""
        return f"p. {self.label} (page {self.index + 1} of the file)"


def squash(text: str) -> str:
    return " ".join(text.split())


def _lines(page: Any) -> tuple[Line, ...]:
    out = []
    for line in page.extract_text_lines(return_chars=True, strip=True):
        chars = [c for c in line["chars"] if c["text"].strip()]
        if not chars:
            continue
        size = Counter(round(float(c["size"]), 1) for c in chars).most_common(1)[0][0]
        bold = sum(bool(re.search(r"bold|black|heavy", c["fontname"], re.I)) for c in chars)
        out.append(Line(squash(line["text"]), float(line["x0"]), float(line["x1"]),
                        float(line["top"]), float(line["bottom"]), size, 2 * bold > len(chars)))
    return tuple(sorted(out, key=lambda line: (line.top, line.x0)))


def _rules(page: Any) -> tuple[Rule, ...]:
    strokes: list[Rule] = []
    for line in page.lines:
        if abs(float(line["top"]) - float(line["bottom"])) < 2:
            strokes.append(Rule(float(line["x0"]), float(line["x1"]), float(line["top"])))
    filled: dict[tuple[float, float, float], list[float]] = {}
    for rect in page.rects:
        x0, x1, top, bottom = (float(rect[k]) for k in ("x0", "x1", "top", "bottom"))
        if x1 - x0 < 1:
            continue
        if bottom - top < 2:
            strokes.append(Rule(x0, x1, top))
        else:
            filled.setdefault((round(x0, 1), round(x1, 1), round(bottom, 1)), []).append(top)
    for (x0, x1, _), tops in filled.items():
        tops.sort()
        for upper, lower in zip(tops, tops[1:]):
            if lower - upper < 2:
                strokes.append(Rule(x0, x1, upper))
    merged: list[Rule] = []  # a rule drawn in pieces (a table's, cell by cell) is one rule
    for rule in sorted(strokes, key=lambda r: (round(r.top, 1), r.x0)):
        last = merged[-1] if merged else None
        if last and abs(last.top - rule.top) < 0.3 and rule.x0 <= last.x1 + 0.5:
            merged[-1] = Rule(last.x0, max(last.x1, rule.x1), last.top)
        else:
            merged.append(rule)
    return tuple(merged)


def _outline(reader: Any) -> list[Entry]:
    out: list[Entry] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append(Entry(squash(item.title), depth,
                                 reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return out


class PrintedBook:
    """A PDF read page by page, with the book's measures (see the module's
    docstring) and its parts found."""

    def __init__(self, path: Path) -> None:
        import pdfplumber
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        labels = list(reader.page_labels)
        self.path = path
        self.title = squash(str(reader.metadata.title or "")) if reader.metadata else ""
        self.outline = _outline(reader)
        pages = []
        with pdfplumber.open(str(path)) as pdf:
            self.width = float(pdf.pages[0].width)
            self.height = float(pdf.pages[0].height)
            for i, page in enumerate(pdf.pages):
                images = tuple((float(im["top"]), float(im["bottom"])) for im in page.images)
                pages.append(Page(i, labels[i] if i < len(labels) else str(i + 1),
                                  _lines(page), _rules(page), images))
        self.pages = pages

    # The book's measures.

    @cached_property
    def body_size(self) -> float:
        """The size most of the book's characters are set in."""
        sizes: Counter[float] = Counter()
        for page in self.pages:
            for line in page.lines:
                sizes[line.size] += len(line.text)
        return sizes.most_common(1)[0][0]

    def _full_lines(self, page: Page) -> list[Line]:
        """The page's full lines of body text: set at the body's size and wider
        than three fifths of the page (never a running head or a folio)."""
        return [line for line in page.lines if line.size == self.body_size
                and line.x1 - line.x0 > 0.6 * self.width]

    @cached_property
    def pitch(self) -> float:
        """The body's line pitch: the commonest distance between consecutive full
        lines of body text."""
        steps: Counter[float] = Counter()
        for page in self.pages:
            lines = self._full_lines(page)
            for a, b in zip(lines, lines[1:]):
                steps[round(b.top - a.top, 1)] += 1
        return steps.most_common(1)[0][0]

    @cached_property
    def top(self) -> float:
        """The text block's top: the highest full line of body text in the book."""
        return min(line.top for page in self.pages for line in self._full_lines(page))

    @cached_property
    def bottom(self) -> float:
        """The text block's bottom: the lowest full line of body text in the book."""
        return max(line.bottom for page in self.pages for line in self._full_lines(page))

    # What a page holds.

    def head(self, page: Page) -> list[Line]:
        """The running head: what is set above the text block."""
        return [line for line in page.lines if line.bottom < self.top - 0.5]

    def foot(self, page: Page) -> list[Line]:
        """The folio: what is set below the text block."""
        return [line for line in page.lines if line.top > self.bottom + 0.5]

    def block(self, page: Page) -> list[Line]:
        """The lines of the text block, notes included."""
        return [line for line in page.lines
                if line.bottom >= self.top - 0.5 and line.top <= self.bottom + 0.5]

    def blank(self, page: Page) -> bool:
        """Nothing in the text block: no text, no image."""
        return not self.block(page) and not page.images

    def rule(self, page: Page) -> Rule | None:
        """The footnote rule: the lowest rule in the text block, if lines follow
        it, all smaller than the body text, the first of them right under it (a
        table's rules at the foot of a page are not it: the lowest has no text
        below it, and the others have a rule below them)."""
        rules = [rule for rule in page.rules
                 if self.top <= rule.top <= self.bottom and rule.x1 - rule.x0 >= 20]
        if not rules:
            return None
        rule = max(rules, key=lambda r: r.top)
        below = [line for line in self.block(page) if line.top > rule.top]
        if (below and all(line.size < self.body_size for line in below)
                and below[0].top - rule.top < 2 * self.pitch):
            return rule
        return None

    def notes(self, page: Page) -> list[Line]:
        """The footnotes' lines: below the footnote rule."""
        rule = self.rule(page)
        return [line for line in self.block(page) if rule and line.top > rule.top]

    def text(self, page: Page) -> list[Line]:
        """The text block's lines above the notes."""
        rule = self.rule(page)
        return [line for line in self.block(page) if not rule or line.bottom <= rule.top]

    def measure(self, page: Page) -> tuple[float, float] | None:
        """The text block's left and right edges on this page: where its lines of
        body text start, and where its widest (justified) lines end."""
        lines = [line for line in self.text(page) if line.size == self.body_size]
        if not lines:
            return None
        widest = max(line.x1 for line in lines)
        return (min(line.x0 for line in lines),
                statistics.median(line.x1 for line in lines if line.x1 > widest - 1.5))

    def box(self, page: Page) -> tuple[float, float, float, float] | None:
        """The text block on this page: left, top, right, bottom (its edges
        measured on the page, its top and bottom the book's)."""
        edges = self.measure(page)
        return (edges[0], self.top, edges[1], self.bottom) if edges else None

    def notes_extent(self, page: Page) -> tuple[float, float] | None:
        """Where the footnotes' lines start and where the longest ends."""
        notes = self.notes(page)
        if not notes:
            return None
        return min(line.x0 for line in notes), max(line.x1 for line in notes)

    def end(self, page: Page) -> float:
        """Where the page's content ends: its lowest line or image in the text block."""
        bottoms = [line.bottom for line in self.block(page)]
        bottoms += [bottom for top, bottom in page.images if top < self.bottom]
        return max(bottoms)

    @cached_property
    def note_gap(self) -> float:
        """The least space in the book between the last line of text and the
        footnote rule below it: a page full of text and notes."""
        gaps = [rule.top - text[-1].bottom for page in self.pages
                if (rule := self.rule(page)) and (text := self.text(page))]
        return min(gaps) if gaps else 0.0

    def short(self, page: Page) -> tuple[float, str]:
        """How many lines of body text would still fit on the page, and where:
        below its last line, or between its text and its notes."""
        foot = (self.bottom - self.end(page)) / self.pitch
        rule, text = self.rule(page), self.text(page)
        if rule and text:
            above = (rule.top - text[-1].bottom - self.note_gap) / self.pitch
            if above > foot:
                return above, "above its notes"
        return foot, "at its foot"

    # The book's parts.

    def entry(self, title: str) -> Entry | None:
        return next((e for e in self.outline if e.title == title), None)

    @cached_property
    def parts(self) -> list[Entry]:
        names = {name for name, _ in PARTS}
        return [e for e in self.outline if e.title in names]

    @cached_property
    def chapters(self) -> list[Entry]:
        """The chapters: a part's entries in a book in parts, else the entries of
        the body (pages labelled 1, 2, …) other than the credits."""
        if self.parts:
            return [e for e in self.outline if e.depth == 1]
        return [e for e in self.outline if e.depth == 0 and not self.pages[e.page].front
                and e.title != CREDITS]

    @cached_property
    def sections(self) -> list[Entry]:
        depth = 2 if self.parts else 1
        return [e for e in self.outline if e.depth >= depth]

    @cached_property
    def openings(self) -> set[int]:
        """The pages that open a part or a chapter."""
        return {e.page for e in self.parts + self.chapters}

    @cached_property
    def back(self) -> int:
        """The first page of the back matter: the credits'."""
        credits = self.entry(CREDITS)
        assert credits is not None, f"no {CREDITS!r} in the outline of {self.path.name}"
        return credits.page

    @cached_property
    def colophon(self) -> int:
        """The colophon's page (the end of the credits), or the page after the last."""
        return next((p.index for p in self.pages[self.back:]
                     if any("Made with bookmaker" in line.text for line in p.lines)),
                    len(self.pages))

    def body(self) -> Iterator[Page]:
        """The pages between the front matter and the back matter."""
        for page in self.pages[:self.back]:
            if not page.front:
                yield page

    def last_of_chapter(self, page: Page) -> bool:
        """No text follows before the next part, chapter or the back matter."""
        for later in self.pages[page.index + 1:]:
            if later.index in self.openings or later.index >= self.back:
                return True
            if not self.blank(later):
                return False
        return True

    def opens_with_image(self, page: Page) -> bool:
        """The page's text block begins with an image (a figure is never split:
        one that does not fit where it falls opens the next page)."""
        lines = self.block(page)
        tops = [top for top, _ in page.images if top < self.bottom]
        return bool(tops) and (not lines or min(tops) < lines[0].top)

    def opens_with_heading(self, page: Page) -> bool:
        """The page's first line is a section heading: the start of one of the
        outline's sections on that page, or set bold or larger than the body."""
        text = self.text(page)
        if not text:
            return False
        first = text[0]
        if first.bold or first.size > self.body_size:
            return True
        starts = [squash(e.title)[:30] for e in self.sections if e.page == page.index]
        return any(first.text.startswith(s) or s.startswith(first.text) for s in starts if s)

    def show(self, lines: list[Line]) -> str:
        return " / ".join(line.text for line in lines)
