"""Notes that refer to other notes by number keep their meaning when renumbered.

Assembly numbers each chapter's notes 1, 2, … (`assembly.number_notes`): a
page whose notes run 12–27 (one part of a longer work) gets 1–16, and a note
that says "See note 22" would then point to the wrong note. So the numbers of
such references are rewritten, and linked to the note they mean:

* a reference is "note 22", "notes 22 and 23", "notes 22, 23", "notes 22–24",
  "footnote 8", and, after "see" or "cf.", "n. 22" / "nn. 22, 23", in any
  case, in a note's text (not the article's body, which is the author's);
* each number that is the label of exactly one note of the same article, as
  the source wrote it, becomes that note's new number, linked to the note
  (`Link` whose href is `NOTE_LINK` + the note's id; the renderer links it to
  the note's anchor);
* a reference to another work or chapter is left as written: a number
  followed by "to Chapter 7", ", Chapter 9", "of Vol. 2", "p. 45", or
  preceded by a page, volume or chapter ("p. 45, note 3");
* a number that is no note of this article (the page is one part of a longer
  work whose other notes it does not hold) is left as written, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from .model import (Block, Dateline, Emphasis, Heading, Inline, Link, ListBlock, Note,
                    Paragraph, Quote, Signature, SmallCaps, Speech, Strong, Text)

__all__ = ["NOTE_LINK", "link_note_refs"]

NOTE_LINK = "#note:"  # a Link's href to the note whose id follows (never a reader's href)

_WORD = r"(?:(?:see|cf\.?|compare)\s+(?:also\s+)?(?:(?:foot)?notes?|nn?\.)|(?:foot)?notes?)"
_SEP = r"(?:\s*,\s*(?:and\s+)?|\s+(?:and|or|to)\s+|\s*[-–—&]\s*)"
_REF = re.compile(rf"(?i)\b(?P<word>{_WORD})\s*(?P<nums>\d{{1,3}}(?:{_SEP}\d{{1,3}})*)(?![\d.,]\d)")
_NUM = re.compile(r"\d{1,3}")
# what makes a number another work's or chapter's note
_ELSEWHERE = re.compile(r"(?i)\s*,?\s*(?:(?:to|of|in)\s+)?(?:the\s+)?(?:chapter|chap\.|ch\.|part\b|"
                        r"vol\.|vols?\b|volume|book\b|letter\b|section|appendix|p\.|pp\.|page)")
_CITED_BEFORE = re.compile(r"(?i)(?:\bpp?\.\s*\d+\w*|\bvol\.?\s*[\dIVXL]+|\bchapter\s+\w+|"
                           r"\bch\.\s*\w+)\s*[,;]?\s*$")


def link_note_refs(notes: Sequence[Note], source_labels: dict[str, str],
                   new_labels: dict[str, str]) -> tuple[tuple[Note, ...], list[str]]:
    """The notes with their references to other notes renumbered and linked.

    `source_labels`: note id -> the label the source gave it; `new_labels`:
    note id -> its number in the book. Returns the notes and the warnings
    ("note 3: refers to note 11, which is not in this article; left as written").
    """
    by_label: dict[str, list[str]] = {}
    for nid, label in source_labels.items():
        by_label.setdefault(label.strip(), []).append(nid)
    warnings: list[str] = []
    out: list[Note] = []
    for note in notes:
        missing: list[str] = []

        def target(number: str) -> str | None:
            found = by_label.get(str(int(number)), [])
            if len(found) == 1 and found[0] in new_labels:
                return found[0]
            missing.append(number)
            return None

        blocks = _blocks(note.blocks, lambda text: _rewrite(text, target, new_labels))
        out.append(replace(note, blocks=blocks) if blocks != note.blocks else note)
        for number in dict.fromkeys(missing):
            warnings.append(f"note {note.label or note.id}: refers to note {number}, which is "
                            "not a note of this article; left as written")
    return tuple(out), warnings


_Rewrite = Callable[[str], "list[Inline] | None"]


def _rewrite(text: str, target: Callable[[str], str | None],
             new_labels: dict[str, str]) -> list[Inline] | None:
    """A text's references to notes as links, or None when it has none."""
    pieces: list[Inline] = []
    at = 0
    for match in _REF.finditer(text):
        if _ELSEWHERE.match(text, match.end()) or _CITED_BEFORE.search(text[:match.start()]):
            continue
        pieces.append(Text(text[at:match.start("nums")]))
        nums = match.group("nums")
        pos = 0
        for num in _NUM.finditer(nums):
            pieces.append(Text(nums[pos:num.start()]))
            nid = target(num.group())
            if nid is None:
                pieces.append(Text(num.group()))
            else:
                pieces.append(Link(NOTE_LINK + nid, (Text(new_labels[nid]),)))
            pos = num.end()
        pieces.append(Text(nums[pos:]))
        at = match.end("nums")
    if not pieces:
        return None
    pieces.append(Text(text[at:]))
    merged: list[Inline] = []
    for piece in pieces:
        if isinstance(piece, Text):
            if not piece.text:
                continue
            if merged and isinstance(merged[-1], Text):
                merged[-1] = Text(merged[-1].text + piece.text)
                continue
        merged.append(piece)
    return merged


def _inlines(nodes: Sequence[Inline], rewrite: _Rewrite) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text):
            found = rewrite(node.text)
            out += found if found is not None else [node]
        elif isinstance(node, (Emphasis, Strong, SmallCaps)):
            out.append(type(node)(_inlines(node.children, rewrite)))
        else:  # a link's text is the link's; a note call is no reference
            out.append(node)
    return tuple(out)


def _blocks(blocks: Sequence[Block], rewrite: _Rewrite) -> tuple[Block, ...]:
    out: list[Block] = []
    for b in blocks:
        if isinstance(b, (Paragraph, Heading, Dateline, Signature, Speech)):
            content = _inlines(b.content, rewrite)
            out.append(replace(b, content=content) if content != b.content else b)
        elif isinstance(b, Quote):
            out.append(Quote(_blocks(b.blocks, rewrite)))
        elif isinstance(b, ListBlock):
            out.append(replace(b, items=tuple(_blocks(i, rewrite) for i in b.items)))
        else:
            out.append(b)
    return tuple(out)
