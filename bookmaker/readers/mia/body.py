"""The body's blocks: what a unit becomes (a paragraph, heading, list, separator,
a speaker's turn, a dateline or a signature), and the rules that look at the
whole body to say so: which blocks are headings, who the speakers of a dialogue
are, which short blocks close the text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from ...dates import DATE
from ...model import (
    Block, Dateline, Heading, ListBlock, Paragraph, Separator, Signature, Speech,
)
from .apparatus import is_valediction
from .names import is_name
from .units import (
    CALL, SEPARATOR, Ids, Unit, plain, strip_prefix, text_inlines, unit_inlines,
)

__all__ = ["DATELINE", "convert", "lists", "find_speakers", "find_headings", "is_heading",
           "is_closing", "own_numbers_once"]

# "July 20, 1933", "Prinkipo, August 6th, 1932", "Coyoacan, D.F., May 2, 1938"
DATELINE = re.compile(rf"(?:[A-Z][\w.’'-]*(?:[ ,]+[A-Z][\w.’'-]*){{0,4}},\s*)?{DATE}\.?")
LIST_ITEM = re.compile(r"((?:  )+)(?:(\d+)\.|•)\s+(.*)")
TURN = re.compile(r"(?P<label>(?P<speaker>[A-Z])[.:](?: [–—-])?) (?P<content>\S.*)", re.S)


def convert(unit: Unit, ids: Ids, *, speakers: frozenset[str] = frozenset(),
            first: bool = False, tail: bool = False, heading: bool = False) -> list[Block]:
    """The blocks a unit makes. `speakers` (`find_speakers`), `first` (the body's
    first block), `tail` (one of its closing blocks) and `heading` (`find_headings`)
    are what the rules that look at the whole body found."""
    if unit.block is not None:
        return [unit.block]
    lines, text = unit.lines, unit.joined
    if unit.content is None and any(LIST_ITEM.fullmatch(s) for s in lines):
        return lists(lines, ids)
    if len(lines) == 1 and SEPARATOR.fullmatch(text):
        return [Separator(text)]
    turn = TURN.fullmatch("\n".join(s.strip(" \t") for s in lines)) if speakers else None
    if turn and turn.group("speaker") in speakers:
        if unit.content is not None:
            content = strip_prefix(unit_inlines(unit, ids), turn.start("content"))
        else:
            content = text_inlines(turn.group("content").split("\n"), ids)
        return [Speech(turn.group("speaker"), turn.group("label"), content)]
    inlines = unit_inlines(unit, ids)
    if (first or tail or "date" in unit.extra) and len(lines) == 1 and DATELINE.fullmatch(text):
        return [Dateline(inlines)]
    if (tail and is_closing(unit)) or "sig" in unit.extra or is_valediction(lines):
        return [Signature(inlines)]
    if heading:
        level = int(unit.tag[1]) if re.fullmatch(r"h[1-6]", unit.tag) else 0
        return [Heading(inlines, level=max(1, level - 2))]
    return [Paragraph(inlines, role=unit.cls if unit.cls in _ROLES else "")]


_ROLES = {"information", "title", "kicker", "subtitle", "note"}


def find_speakers(units: list[Unit]) -> frozenset[str]:
    """The speakers of a real dialogue ("A. –"/"B.", "Q:"/"A:"), or none.

    It takes four or more turns by speakers who each have a fair share (so the
    initials of "A. Smith wrote…" or an outline "A.", "B.", "C." do not count),
    who take turns, and whose turns are sentences, not ALL-CAPS section heads."""
    turns = [m for u in units if u.block is None and (m := TURN.fullmatch(u.lines[0]))]
    counts = Counter(m.group("speaker") for m in turns)
    main = frozenset(s for s, n in counts.items() if n >= max(2, len(turns) / 4))
    order = [m.group("speaker") for m in turns if m.group("speaker") in main]
    if len(main) < 2 or len(order) < max(4, 0.8 * len(turns)):
        return frozenset()
    changes = sum(1 for a, b in zip(order, order[1:]) if a != b)
    prose = sum(1 for m in turns if not m.group("content").isupper())
    return main if changes >= 0.6 * (len(order) - 1) and prose >= 0.8 * len(turns) else frozenset()


def find_headings(body: list[Unit]) -> set[int]:
    """Heading-like blocks, except three or more in a row (table cells or a contents
    list) and the last block. A unit from an HTML heading element is one."""
    if any(u.tag for u in body):  # HTML: the tags say
        return {i for i, u in enumerate(body)
                if re.fullmatch(r"h[1-6]", u.tag) and u.block is None and u.joined}
    like = [is_heading(u) for u in body[:-1]] + [False]
    run = [all(like[k:k + 3]) and k + 3 <= len(like) for k in range(len(like))]
    return {i for i, h in enumerate(like) if h and not any(run[max(0, i - 2):i + 1])}


def is_heading(unit: Unit) -> bool:
    """A short block without closing punctuation ("The C.P.S.U." is one)."""
    text = unit.joined
    if unit.block is not None or not text:
        return False
    if len(unit.lines) > 2 or len(text) > 100 or len(text.split()) > 14:
        return False
    text = re.sub(rf"\s?{CALL.pattern}$", "", text)  # "Heading[2]", "Heading [3]": the call
    if not text or not (text[0].isupper() or text[0].isdigit() or text[0] in "“‘\"'") or CALL.search(text):
        return False
    if is_valediction(unit.lines):
        return False  # "With communist greetings,⏎Name": a closing
    if re.match(r"(?i)(?:my )?dear\b", text):
        return False  # a letter's salutation
    core = text.rstrip("”’\"')]»–—- ")  # look through closing quotes and dashes
    if not core or (core.endswith("?") and text[0] in "“‘\"'"):
        return False  # a quoted question is dialogue
    last_word = core.split()[-1]
    abbreviation = core.endswith(".") and (last_word.count(".") > 1 or len(last_word) == 2)
    if abbreviation and re.search(r",\s+[a-z]", core):
        return False  # "Two words, in conclusion, on the crisis of the C.N.T.": a sentence
    return not core.endswith((".", ",", ";", ":", "!")) or abbreviation


def is_closing(unit: Unit) -> bool:
    """A short closing line: "Prinkipo, August 6th, 1932" or "L. Trotsky"."""
    text = unit.joined
    return unit.block is None and len(unit.lines) == 1 and len(text) <= 80 and bool(
        DATELINE.fullmatch(text) or is_name(text, min_words=2, max_words=5))


def lists(lines: Sequence[str], ids: Ids) -> list[Block]:
    """A block holding "  1. item" lines: lists, and paragraphs for the other lines."""
    runs: list[tuple[str, int, list[list[str]]]] = []  # ("ol" | "ul" | "p", start, items)
    for line in lines:
        item = LIST_ITEM.fullmatch(line)
        kind = "p" if item is None else "ol" if item.group(2) else "ul"
        current = runs[-1] if runs else None
        if item is None and current and current[0] != "p" and line.startswith("    "):
            current[2][-1].append(line)  # an item's continuation line (after a <br>)
        elif current and current[0] == kind == "p":
            current[2][0].append(line)
        elif current and current[0] == kind and item:
            current[2].append([item.group(3)])
        else:
            start = int(item.group(2)) if item and item.group(2) else 1
            runs.append((kind, start, [[item.group(3) if item else line]]))
    return [Paragraph(text_inlines(items[0], ids)) if kind == "p" else
            ListBlock(tuple((Paragraph(text_inlines(i, ids)),) for i in items),
                      ordered=kind == "ol", start=start)
            for kind, start, items in runs]


def own_numbers_once(block: Block) -> Block:
    """An ordered list whose items also write their own number ("<li>9. I wrote"
    in an `<ol>`, "  9. 9. I wrote" in the text) keeps the number once: the list's."""
    if not isinstance(block, ListBlock):
        return block
    items = []
    for number, item in enumerate(block.items, block.start):
        item = tuple(own_numbers_once(b) for b in item)
        first = item[0] if item else None
        if block.ordered and isinstance(first, Paragraph):
            match = re.match(rf"{number}[.)]\s+(?=\S)", plain(first.content))
            if match:
                item = (replace(first, content=strip_prefix(first.content, match.end())),
                        *item[1:])
        items.append(item)
    return replace(block, items=tuple(items))
