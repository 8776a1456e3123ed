"""The article a page's units make, by the rules both MIA readers share.

`build_article` finds the header (author, title, subtitle, date, information
block: `header`, `information`), the body (headings, dialogue, datelines and
signatures: `body`) and the notes (`notes`) with one set of rules, so the two
readers agree wherever their inputs carry the same information; the HTML
reader's tags only add what the text cannot show.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ...errors import SourceError
from ...model import Article, Block, Figure, ListBlock, Note, Paragraph
from .body import convert, find_headings, find_speakers, is_closing, own_numbers_once
from .header import header_extent, read_header
from .information import (
    attribution, dated_field, hrefs, leading_apparatus, licence_elsewhere, split_info_lines,
)
from .notes import (
    anchored_start, is_notes_heading, note_number, notes_start, read_anchored_notes, read_notes,
)
from .units import Unit, is_figure, is_furniture, note_calls, unit_inlines

__all__ = ["build_article", "read_body"]


def build_article(units: list[Unit], *, name: str, warnings: list[str],
                  anchored_notes: bool = False) -> Article:
    """The article these units make. `anchored_notes`: the units' `note` fields say
    where notes start (HTML anchors); otherwise notes are found by their numbers."""
    units = [u for u in units if (u.block is not None and not is_figure(u))
             or u.note is not None or not is_furniture(u.joined)]
    if not units:
        raise SourceError("no text: the file is empty or holds only page furniture",
                          path=name, line=1)
    units = split_info_lines(units)
    lead: list[Unit] = []
    while len(units) > 1 and isinstance(units[0].block, Figure):
        lead.append(units.pop(0))  # a picture above the title goes after the header
    head = read_header(units, name)
    units[head.end:head.end] = lead
    body_units = units[head.end:]
    credits, body_units = leading_apparatus(body_units)
    if credits:
        head = replace(head, fields=head.fields + tuple(credits))
    header_calls = note_calls(units[:head.end])  # a call may sit in the title
    bare = re.fullmatch(r"(.*[^\d\s(\[])(\d{1,2})", head.title)
    if bare and not header_calls and _bare_title_call(bare.group(2), body_units):
        # the text rendering shows a title's call "<sup>1</sup>" as a bare "A Just War1"
        head = replace(head, title=bare.group(1).rstrip())
        header_calls = [bare.group(2)]
    body, notes, note_warnings = read_body(body_units, header_calls, anchored_notes)
    if not head.authors:
        warnings.append("no-author: no author line: the book's author applies")
    end, info = header_extent(units)
    links = [h for u in (units[info:end] if info is not None else []) for h in hrefs(u.content)]
    attrib = attribution(head.fields, name, warnings, links)
    if attrib.licence is None:  # a statement outside the information block
        attrib = replace(attrib, licence=licence_elsewhere(units))
    return Article(title=head.title, subtitle=head.subtitle, authors=head.authors,
                   date=head.date or dated_field(head.fields), blocks=head.extra + body, notes=notes,
                   attribution=attrib, warnings=tuple(warnings + note_warnings))


def _bare_title_call(number: str, units: list[Unit]) -> bool:
    """A note numbered `number` ends the page and no call to it is in the body:
    the title's trailing digits are its call."""
    if any(number == c for c in note_calls(units)):
        return False
    return any(note_number(u) == number for u in units[len(units) // 2:])


def read_body(units: list[Unit], header_calls: list[str], anchored: bool = False
              ) -> tuple[tuple[Block, ...], tuple[Note, ...], list[str]]:
    """The body's blocks, its notes and the warnings about them. The notes are cut
    off where they start (`notes_start`, or the HTML anchors: `anchored_start`);
    what follows them goes back to the body."""
    start = (anchored_start(units) if anchored else notes_start(units, header_calls))
    body, note_units = units[:start], units[start:]
    loose = False
    if not anchored and note_units and is_notes_heading(note_units[0]):
        note_units = note_units[1:]  # the "Notes" heading belongs to the notes
        loose = True
    elif not anchored and note_units and note_number(note_units[0]) is None:
        loose = True  # the one "* text" note at the page's end
    after: list[Unit] = []
    while body and is_notes_heading(body[-1]):
        body = body[:-1]  # a notes heading repeated, or with no notes after it (elsewhere)
    if anchored:
        notes, after, warnings = read_anchored_notes(note_units, units)
        body = body + after
    else:
        notes, after, warnings = read_notes(note_units, header_calls + note_calls(body), loose)
        body = body + after
    ids = {n.id for n in notes}
    speakers = find_speakers(body)
    headings = find_headings(body)
    tail = len(body)  # the closing dateline and signature: up to three short blocks
    while tail > max(1, len(body) - 3) and is_closing(body[tail - 1]):
        tail -= 1
    out: list[Block] = []
    for i, unit in enumerate(body):
        new = convert(unit, ids, speakers=speakers, first=i == 0, tail=i >= tail,
                      heading=i in headings)
        if not new:
            continue
        last, head = (out[-1] if out else None), new[0]
        if (isinstance(last, ListBlock) and unit.block is None
                and all(s.startswith("  ") for s in unit.lines)):
            if not isinstance(head, ListBlock) and len(new) > 1 and unit.content is None:
                # an item's later paragraph, then the next items ("    Such…", "  2. …")
                out[-1] = last = replace(last, items=last.items[:-1] + (last.items[-1] + (head,),))
                new = new[1:]
                head = new[0]
            if not isinstance(head, ListBlock):
                # an indented block after a list is a later paragraph of its last item
                item = last.items[-1] + (Paragraph(unit_inlines(unit, ids)),)
                out[-1] = replace(last, items=last.items[:-1] + (item,))
                continue
            if (head.ordered, head.start) == (last.ordered, last.start + len(last.items)):
                out[-1] = replace(last, items=last.items + head.items)  # the list goes on
                new = new[1:]
        out.extend(new)
    return tuple(own_numbers_once(b) for b in out), notes, warnings
