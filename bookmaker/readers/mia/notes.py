"""The notes: where they start (after a "Notes" heading, at the first note a call
names, or at the HTML anchors the calls link to), how each is read, and the
warnings about notes without calls and calls without notes."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...model import Block, Note, NoteRef, Paragraph, walk
from .body import convert, is_heading
from .units import SEPARATOR, Unit, note_calls, strip_prefix, text_inlines, unit_inlines

__all__ = ["NOTE_START", "NOTE_LOOSE", "NOTES_HEADING", "note_number", "is_notes_heading",
           "notes_start", "anchored_start", "note_warnings", "read_notes",
           "read_anchored_notes"]

NOTE_START = re.compile(r"(?:(\d{1,3}[a-z]?\*?)\.\s+|"
                        r"\[(\d{1,3}[a-z]?|\*{1,3}|[A-Z](?=\](?![a-z])))\]\s*)(?=\S)")
# after a "Notes" heading, looser numbers: "1 An organisation", "* This is", "A. The" (not
# "A hymn"), "1*. "
NOTE_LOOSE = re.compile(r"(?:(\d{1,3}[a-z]?\*?|\*{1,3})[.)]?\s+|([A-Z])[.)]\s+|"
                        r"\[(\d{1,3}\*?|\*{1,3}|[A-Z])\]\s*|"
                        r"\((\d{1,3}\*?|\*{1,3}|[A-Z])\)\s*)(?=\S)")
NOTES_HEADING = re.compile(r"(?i)(?:(?:translator|author|editor|publisher)s?[’']?s?"
                           r"(?:\s+|\s*/\s*))*"
                           r"(?:end|foot|editorial\s+|editors?[’']?s?\s+)?(?:notes?|remarks)"
                           r"(?:\s+\(?(?:by|to|and|of)\b.{0,40})?\s*:?|references:?")


def note_number(unit: Unit, loose: bool = False) -> str | None:
    if unit.block is not None or not unit.lines or SEPARATOR.fullmatch(unit.joined):
        return None  # "* * *" is a separator, not note "*"
    match = (NOTE_LOOSE if loose else NOTE_START).match(unit.lines[0])
    return next(g for g in match.groups() if g) if match else None


def is_notes_heading(unit: Unit) -> bool:
    return (unit.block is None and len(unit.lines) == 1
            and bool(NOTES_HEADING.fullmatch(unit.lines[0].strip())))


def notes_start(units: list[Unit], header_calls: list[str]) -> int:
    """Notes begin at the first numbered block that follows a "Notes" heading (a
    later heading starts a second section of notes), or
    whose number is called before it and is the lowest call (as a first note's
    is); numbered points elsewhere stay paragraphs."""
    start, called = len(units), set(header_calls)
    lowest = min((int(c) for c in called if c.isdigit()), default=None)
    headed = False
    for i, unit in enumerate(units):
        after_heading = i > 0 and is_notes_heading(units[i - 1])
        number = note_number(unit, loose=after_heading)
        first_note = number in called and (not number.isdigit() or int(number) == lowest)
        if number is not None and after_heading and not headed:
            start, headed = i - 1, True  # a later notes heading starts a second section
        elif number is not None and first_note and not headed:
            start = i  # a numbered note without a heading, unless a "Notes" heading came first
        for call in note_calls([unit]):
            called.add(call)
            if call.isdigit():
                lowest = int(call) if lowest is None else min(lowest, int(call))
    if start == len(units) and len(units) > 1 and _star_note(units):
        return len(units) - 1
    return start


def anchored_start(units: list[Unit]) -> int:
    """The first unit with a note anchor, or the numbered blocks right before it when
    they follow a notes heading (notes whose calls are broken markup)."""
    start = next((i for i, u in enumerate(units) if u.note is not None), len(units))
    back = start
    while back > 0 and units[back - 1].note is None and note_number(units[back - 1]):
        back -= 1
    return back if back < start and back > 0 and is_notes_heading(units[back - 1]) else start


_STAR_CALL = re.compile(r"[^\W\d_][.,;:!?”’\"')]?\*(?![\w*])")  # "capital.*]", "words*"


def _star_note(units: list[Unit]) -> bool:
    """The page's last block is "* text" and a star follows a word in the body: the
    one footnote of a page whose call is a bare asterisk."""
    last = units[-1]
    return (last.block is None and re.match(r"\*\s+\S", last.lines[0]) is not None
            and any(_STAR_CALL.search(s) for u in units[:-1] for s in u.lines))


def note_warnings(ids: list[str], calls: list[str]) -> list[str]:
    called, known = set(calls), set(ids)  # sets: a page may have thousands of notes
    uncalled = [n for n in ids if n not in called]
    missing = [c for c in dict.fromkeys(calls) if c not in known] if ids else []
    warnings = [f"notes: without a call in the text: {', '.join(uncalled)}"] if uncalled else []
    warnings += [f"notes: calls without a note: {', '.join(missing)}"] if missing else []
    return warnings


def read_notes(units: list[Unit], calls: list[str], loose: bool = False
               ) -> tuple[tuple[Note, ...], list[Unit], list[str]]:
    notes: list[tuple[str, list[Block]]] = []
    after: list[Unit] = []
    section = False  # just after a notes heading, whose numbers may start again
    for index, unit in enumerate(units):
        if after:
            after.append(unit)
            continue
        number = note_number(unit, loose)
        if number is None and is_notes_heading(unit):
            following = units[index + 1] if index + 1 < len(units) else None
            if following is not None and note_number(following, True) is None:
                after.append(unit)  # "Translator's notes" in prose: a section of the body
                continue
            loose = True  # a second notes section ("Translator's Remarks")
            section = True
            continue
        if number is not None and notes and not section and _backwards(number, notes[-1][0]):
            number = None  # "(1)", "1." in a note's table or list, not a note
        section = False
        bare = _bare_number(unit) if number is None and notes else None
        if bare is not None and bare == _next(notes[-1][0]):
            notes.append((bare, []))  # "23." alone, its text below
            continue
        following = units[index + 1] if index + 1 < len(units) else None
        if _section_break(unit, following):
            continue
        if number is None and notes and _body_again(units[index:], notes[-1][0], loose):
            after.append(unit)  # a heading and text that are not notes: the body goes on
            continue
        if number is not None:
            match = (NOTE_LOOSE if loose else NOTE_START).match(unit.lines[0])
            assert match is not None
            if unit.content is not None:
                first = strip_prefix(unit.content, match.end())
            else:
                first = text_inlines((unit.lines[0][match.end():],) + unit.lines[1:])
            notes.append((number, [Paragraph(first)]))
        elif notes:  # a note's later paragraphs are unnumbered
            notes[-1][1].extend(convert(unit, frozenset()))
    ids = [n for n, _ in notes]
    made = tuple(Note(id=n, label=n, blocks=tuple(b) or (Paragraph(()),)) for n, b in notes)
    return made, after, note_warnings(ids, calls)


def _body_again(units: Sequence[Unit], last: str, loose: bool) -> bool:
    """A heading (after a separator, or not) and a block that is no note, and the note
    after `last` does not follow: the body goes on."""
    if len(units) > 1 and len(units[0].lines) == 1 and SEPARATOR.fullmatch(units[0].joined):
        units = units[1:]
    return (len(units) > 1 and is_heading(units[0]) and note_number(units[1], loose) is None
            and not _notes_go_on(units[1:], last))


def _notes_go_on(units: Sequence[Unit], last: str) -> bool:
    """True when the note after `last` ("7. ") comes later, before any notes heading: a
    heading in between is a table's title or verse inside a note, not the body
    going on."""
    for unit in units:
        if is_notes_heading(unit):
            return False
        if _next(last) is not None and _next(last) in (note_number(unit), _bare_number(unit)):
            return True
    return False


def _next(label: str) -> str | None:
    return str(int(label) + 1) if label.isdigit() else None


def _bare_number(unit: Unit) -> str | None:
    """The number of a block that is nothing but "23." or "[20]" (a note whose text is
    a table or a quotation below)."""
    match = re.fullmatch(r"(\d{1,3})\.|\[(\d{1,3})\]", unit.joined) if unit.block is None else None
    return (match.group(1) or match.group(2)) if match else None


def _backwards(number: str, last: str) -> bool:
    return number.isdigit() and last.isdigit() and int(number) <= int(last)


def _section_break(unit: Unit, following: Unit | None) -> bool:
    """A separator ("*") between two notes sections: it ends neither."""
    return (following is not None and is_notes_heading(following) and unit.block is None
            and len(unit.lines) == 1 and bool(SEPARATOR.fullmatch(unit.joined)))


def read_anchored_notes(note_units: list[Unit], all_units: list[Unit]
                        ) -> tuple[tuple[Note, ...], list[Unit], list[str]]:
    """Notes whose first unit the HTML reader found by its anchor; a note runs on
    to the next note's first unit, or to a rule (<hr>) or heading that ends the notes.
    A block that starts with a note number but has no anchor starts a note too, and
    a notes heading (or separator) between two sections of notes is dropped. What
    follows the notes goes back to the body."""
    notes: list[tuple[str, str, list[Block]]] = []
    after: list[Unit] = []
    after_note = True
    for index, unit in enumerate(note_units):
        following = note_units[index + 1] if index + 1 < len(note_units) else None
        if is_notes_heading(unit) and following is not None and following.note is not None:
            continue  # the heading of a second notes section
        if after_note and _section_break(unit, following):  # in the body again: keep it
            continue
        number = note_number(unit) if unit.note is None and after_note else None
        if unit.note is not None:
            notes.append((unit.note, unit.note_label, []))
            after_note = True
        elif number is not None and "rule" not in unit.extra:
            # a numbered note without an anchor ("8. …" that nothing calls, "3a. Ibid.")
            match = NOTE_START.match(unit.lines[0])
            assert match is not None
            taken = {i for i, _, _ in notes}
            note_id = next(f"note-{number}{s}" for s in ("", *map(str, range(2, 999)))
                           if f"note-{number}{s}" not in taken)
            notes.append((note_id, number, [Paragraph(strip_prefix(unit_inlines(unit),
                                                                    match.end()))]))
            continue
        elif after_note is False or "rule" in unit.extra or re.fullmatch(r"h[1-4]", unit.tag):
            after.append(unit)
            after_note = False
            continue
        notes[-1][2].extend(b for b in convert(unit, frozenset())
                            if not (isinstance(b, Paragraph) and not b.content))  # "23." alone
    called = [ref for u in all_units for ref in _refs(u)]
    # A note with no text is dropped, unless the text calls it: then it stays,
    # empty (as the text reader keeps one), so that no call points nowhere.
    wanted = set(called)
    made = tuple(Note(id=i, label=label, blocks=tuple(b) or (Paragraph(()),))
                 for i, label, b in notes if b or i in wanted)
    empty = [i for i, _, b in notes if not b and i in wanted]
    warnings = [f"notes: called but empty: {', '.join(empty)}"] if empty else []
    return made, after, warnings + note_warnings([n.id for n in made], called)


def _refs(unit: Unit) -> list[str]:
    """The note calls in a unit, in reading order (figure captions and cells too)."""
    nodes = (*(unit.content or ()), *((unit.block,) if unit.block is not None else ()))
    return [n.note_id for n in walk(nodes) if isinstance(n, NoteRef)]
