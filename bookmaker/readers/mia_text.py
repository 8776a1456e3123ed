"""Read the plain-text renderings of marxists.org (MIA) pages.

The format is described in shared/design/SEED-FORMAT.md: blocks separated by
blank lines, no markup. Structure is recovered by heuristics on blocks and
lines. The rule everywhere: page furniture aside, never drop or rewrite a
sentence of the source; when in doubt, a block stays a plain paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

from ..errors import SourceError
from ..licences import recognise_licence
from ..model import (
    Article, Attribution, Block, Dateline, Heading, Inline, LineBreak, ListBlock, Note,
    NoteRef, Paragraph, Person, Separator, Signature, Speech, Text,
)

__all__ = ["read"]

Ids = AbstractSet[str]  # the ids of an article's notes

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|"
          r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (rf"(?:{_MONTH}\s+{_DAY},?\s+\d{{4}}|{_DAY}\s+{_MONTH},?\s+\d{{4}}|"
         rf"{_MONTH},?\s+\d{{4}}|\d{{4}})")
# "July 20, 1933", "Prinkipo, August 6th, 1932", "Coyoacan, D.F., May 2, 1938"
_DATELINE = re.compile(rf"(?:[A-Z][\w.’'-]*(?:[ ,]+[A-Z][\w.’'-]*){{0,4}},\s*)?{_DATE}\.?")
_DATE_WORDS = re.compile(rf"(?i)\b(?:{_MONTH}|\d+(?:st|nd|rd|th)?|spring|summer|autumn|fall|"
                         r"winter|early|late|mid|end|beginning|of|and|to|or|c\.|circa)(?!\w)")
_FURNITURE = re.compile(r"(?i)(?:return\s*){2,}|natalia in red|"
                        r"(?:last\s+)?updated(?:\s+on)?\s*:?\s*\S.{0,40}")
_CALL = re.compile(r"\[(\d{1,3}|\*{1,3})\]")
_NOTE_START = re.compile(r"(?:(\d{1,3})\.\s+|\[(\d{1,3}|\*{1,3})\]\s*)(?=\S)")
_NOTES_HEADING = re.compile(r"(?i)(?:end|foot|editorial\s+|editors?[’']?s?\s+)?notes?"
                            r"(?:\s+\(?(?:by|to|and|of)\b.{0,40})?\s*:?|references:?")
_LIST_ITEM = re.compile(r"((?:  )+)(?:(\d+)\.|•)\s+(.*)")
_TURN = re.compile(r"(?P<label>(?P<speaker>[A-Z])[.:](?: [–—-])?) (?P<content>\S.*)", re.S)
_SEPARATOR = re.compile(r"(?:[*·•⁂#~=_—–-]\s*){1,12}|(?:[xX]\s+){2}[xX]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# The information block: "Label: value" lines, or ETOL-style unlabelled credit lines.
_KNOWN_LABEL = re.compile(
    r"(?i)(?:written|source|first[ -]?published|published|delivered|translat\w*|transcri\w*|"
    r"html|mark[- ]?up|marked[- ]up|proof\w*|copyleft|copyright|public domain|online version|"
    r"edit\w*|original\w*|pdf|credits?|licen[cs]e|reprinted)\b[^:\n]{0,30}:")
_LABELLED = re.compile(r"([^\W\d_][^:\n]{0,40}?)\s*:\s*(.*)")
_UNLABELLED = [  # (start of line, the label it is filed under; the value is the whole line)
    (re.compile(r"From\s.*\d"), "Source"),
    (re.compile(r"(?i)(?:originally |first )?(?:re)?(?:published|printed)\b"), "Published"),
    (re.compile(r"(?i)translat(?:ed|ion)\b"), "Translated"),
    (re.compile(r"(?i)transcri(?:bed|ption)\b"), "Transcription"),
    (re.compile(r"(?i)(?:marked[ -]up|mark-?up|html)\b"), "Markup"),
    (re.compile(r"(?i)proof-?read"), "Proofread"),
    (re.compile(r"(?i)(?:public domain|copyleft|copyright|©)"), "Licence"),
]
_LICENCE_LABEL = re.compile(r"(?i)copyleft|copyright|public domain|licen[cs]e|rights")
# Words never found in a personal name, so "Let Us Reenforce…" is no author line.
_NOT_NAME = set("""the a an of in on to for with from by at our us let is are was be it this
that these what how why who when where not no as or but into against about after before under
over archive internet collected works writings selected volume chapter part section
introduction preface appendix letter letters speech notes note footnotes endnotes index
contents politics review reviews book books interview report resolution theses programme
program manifesto bibliography""".split())
_PARTICLES = {"de", "da", "del", "della", "di", "du", "van", "von", "der", "den", "la", "le",
              "y", "ibn", "bin", "and", "&", "et", "al."}


@dataclass(frozen=True, slots=True)
class _Block:
    lines: tuple[str, ...]
    line: int  # 1-based number of the first line, for error messages

    @property
    def joined(self) -> str:
        return " ".join(s.strip() for s in self.lines)


def read(data: bytes, *, name: str = "<bytes>") -> Article:
    """Read one seed-format text page into an `Article`; raise SourceError if unusable."""
    text, warnings = _decode(data)
    blocks = _split_blocks(text)
    if not blocks:
        raise SourceError("no text: the file is empty or holds only page furniture",
                          path=name, line=1)
    head = _read_header(blocks, name)
    header_calls = _calls(blocks[:head.end])  # a call may sit in the title
    body, notes, note_warnings = _read_body(blocks[head.end:], header_calls)
    if not head.authors:
        warnings.append("no author line: the book's author applies")
    attribution = _attribution(head.fields, name, warnings)
    return Article(title=head.title, subtitle=head.subtitle, authors=head.authors,
                   date=head.date, blocks=head.extra + body, notes=notes,
                   attribution=attribution, warnings=tuple(warnings + note_warnings))


# --- text and blocks -------------------------------------------------------------------

def _decode(data: bytes) -> tuple[str, list[str]]:
    warnings: list[str] = []
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text, encoding = _guess_encoding(data)
        warnings.append(f"the file is not UTF-8; decoded it as {encoding}")
    text, removed = _CONTROL.subn("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if removed:  # control characters are invalid in XHTML and never meant as text
        warnings.append(f"removed {removed} control character(s)")
    return text, warnings


def _guess_encoding(data: bytes) -> tuple[str, str]:
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(data).best()
        if best is not None and best.encoding:
            return str(best), best.encoding
    except Exception:  # a third-party guesser must not turn bad bytes into a crash
        pass
    return data.decode("cp1252", errors="replace"), "cp1252"


def _split_blocks(text: str) -> list[_Block]:
    """Blank lines (any number) separate blocks; furniture lines are left out."""
    blocks: list[_Block] = []
    lines: list[str] = []
    start = 1
    for number, raw in enumerate(text.split("\n") + [""], 1):
        line = raw.rstrip(" \t")
        if line.strip() and not _FURNITURE.fullmatch(line.strip()):
            if not lines:
                start = number
            lines.append(line)
        elif lines:
            blocks.append(_Block(tuple(lines), start))
            lines = []
    return blocks


# --- header: author, title, subtitle, date, information block --------------------------

@dataclass(frozen=True, slots=True)
class _Header:
    title: str
    end: int  # index of the first body block
    subtitle: str | None
    authors: tuple[Person, ...]
    date: str | None
    fields: tuple[tuple[str, str], ...]
    extra: tuple[Block, ...]  # header blocks that fit no slot, kept at the start of the body


def _read_header(blocks: list[_Block], name: str) -> _Header:
    end, info = _header_extent(blocks)
    head = blocks[:end if info is None else info]
    fields = () if info is None else tuple(f for b in blocks[info:end] for f in _fields(b))
    dated = next((b for b in head[1:] if _is_header_date(b)), None)
    date = _unparen(dated.joined) if dated else None
    rest = [b for b in head if b is not dated]
    kickers: list[_Block] = []
    while rest and not any(c.isalpha() for c in rest[0].joined):
        kickers.append(rest.pop(0))  # "1975" above the author
    candidates = [b for b in rest if not _is_parenthesised(b.joined)]
    authors: tuple[Person, ...] = ()
    if len(candidates) > 1 and candidates[0] is rest[0]:
        author, year = _author_and_year(rest[0].joined)
        if author:
            authors = _persons(author)
            line = rest.pop(0).line
            candidates.pop(0)
            if year and date is None:
                date = year  # "August Bebel 1879": the author line carries the year
            elif year:
                kickers.append(_Block((year,), line))
    if not candidates or not _is_title(candidates[0]):
        raise SourceError("no recognisable title: expected a short first block "
                          "(author, then title)", path=name,
                          line=(candidates or blocks)[0].line)
    while len(candidates) > 1 and _is_kicker(candidates[0], candidates[1]):
        kickers.append(candidates.pop(0))  # "Politics" above "German Politics and…"
    title = candidates.pop(0)
    subtitles = [b for b in rest if b is not title and b not in kickers]
    extra = [Paragraph(_inlines(b.lines), role="kicker") for b in kickers]
    extra += [Paragraph(_inlines(b.lines), role="subtitle") for b in subtitles[1:]]
    return _Header(title=title.joined, end=end,
                   subtitle=subtitles[0].joined if subtitles else None, authors=authors,
                   date=date, fields=fields, extra=tuple(extra))


def _header_extent(blocks: list[_Block]) -> tuple[int, int | None]:
    """(index of the first body block, index of the information block or None).

    The header is a few short blocks ending with the information block, or else
    with the date line, or else it is the author and title lines alone."""
    for i, block in enumerate(blocks[:10]):
        if i > 0 and _is_info_block(block):
            end = i + 1
            while end < len(blocks) and _is_info_block(blocks[end]):
                end += 1
            return end, i
        if not _is_short(block):
            break
    for i, block in enumerate(blocks[:6]):
        if i > 0 and _is_header_date(block):
            return i + 1, None
        if not _is_short(block):
            break
    two = len(blocks) > 2 and _author_and_year(blocks[0].joined)[0] and _is_title(blocks[1])
    return (2 if two else 1), None


def _is_short(block: _Block) -> bool:
    return len(block.lines) <= 4 and len(block.joined) <= 300


def _is_title(block: _Block) -> bool:
    return _is_short(block) and any(c.isalpha() for c in block.joined)


def _is_kicker(block: _Block, following: _Block) -> bool:
    """A column or book name above the title ("Politics", "Bolivia, 9 April 1952:"),
    or a second author line."""
    text = block.joined
    short = len(block.lines) == 1 and len(text.split()) <= 3
    site = re.search(r"(?i)\barchive$", text)  # "John Reed Internet Archive"
    return (text.endswith(":") or _is_author(text) or bool(site)
            or (short and len(following.joined) > len(text)))


def _is_parenthesised(text: str) -> bool:
    return text.startswith("(") and text.endswith(")")


def _unparen(text: str) -> str:
    return text[1:-1].strip() if _is_parenthesised(text) else text


def _is_header_date(block: _Block) -> bool:
    """"(August 1932)" (little but date words in parentheses), or a bare "1969"."""
    text = block.joined
    if len(block.lines) > 1 or len(text) > 60:
        return False
    if not _is_parenthesised(text):
        return bool(re.fullmatch(rf"{_DATE}\.?", text))
    inner = _unparen(text)
    if not re.search(rf"\d{{4}}|{_MONTH}", inner):
        return False
    return len(re.sub(r"[\W\d]+", " ", _DATE_WORDS.sub(" ", inner)).split()) <= 1


def _is_name(text: str, *, min_words: int = 1, max_words: int = 10) -> bool:
    """True for "Leon Trotsky", "L. Trotsky", "J.P.C.", "G. Padmore, J. Kenyatta & W. Daniels"."""
    if re.search(r"[\d:;!?()\[\]“”\"]|/\S|\S/", text):
        return False
    words = text.replace(",", " ").replace(" / ", " ").split()
    initials = len(words) == 1 and re.fullmatch(r"(?:[A-Z]\.){2,}", words[0])
    if not (min_words <= len(words) or initials) or len(words) > max_words:
        return False
    return all(w.lower() in _PARTICLES
               or (w[0].isupper() and w.strip("’'").lower() not in _NOT_NAME) for w in words)


def _is_author(text: str) -> bool:
    return _is_name(text, min_words=2) and not text.isupper()  # capitals: a kicker


def _author_and_year(text: str) -> tuple[str | None, str | None]:
    """("Leon Trotsky", None), ("August Bebel", "1879"), or (None, None) for no name."""
    match = re.fullmatch(r"(.*?\S)\s+(\d{4}(?:\s*[-–]\s*\d{2,4})?)", text)
    name, year = (match.group(1), match.group(2)) if match else (text, None)
    return (name, year) if _is_author(name) else (None, None)


def _persons(text: str) -> tuple[Person, ...]:
    names: list[str] = []
    for part in filter(None, (p.strip() for p in re.split(r",|\s(?:&|and|/)\s", text))):
        if re.fullmatch(r"(?:Jr|Sr|I{2,3}|IV)\.?", part) and names:
            names[-1] += ", " + part  # "Martin Luther King, Jr."
        else:
            names.append(part)
    return tuple(Person(n) for n in names)


def _is_info_line(line: str) -> bool:
    line = line.strip()
    return bool(_KNOWN_LABEL.match(line)) or any(p.match(line) for p, _ in _UNLABELLED)


def _is_info_block(block: _Block) -> bool:
    lines = block.lines
    labelled = sum(1 for s in lines if _is_info_line(s) or _LABELLED.fullmatch(s.strip()))
    return _is_info_line(lines[0]) and labelled * 2 >= len(lines)


def _fields(block: _Block) -> list[tuple[str, str]]:
    """One (label, value) per line, verbatim; an unlabelled line is filed whole."""
    out: list[tuple[str, str]] = []
    for line in (s.strip() for s in block.lines):
        match = _LABELLED.fullmatch(line)
        label = match.group(1) if match else ""
        if match and len(label.split()) <= 4 and not re.search(r"\d|^From ", label):
            out.append((label, match.group(2)))
        else:
            out.append((next((lab for p, lab in _UNLABELLED if p.match(line)), "Note"), line))
    return out


def _attribution(fields: tuple[tuple[str, str], ...], name: str,
                 warnings: list[str]) -> Attribution:
    licence = None
    for label, value in fields:
        if _LICENCE_LABEL.search(label):
            # "Public Domain: Marxists Internet Archive…" names its licence in the label
            found = recognise_licence(value) or recognise_licence(f"{label}: {value}")
            licence = replace(found, statement=value) if found else None
            if licence is None:
                warnings.append(f"licence not recognised: {label}: {value}")
            break
    source = next((v for k, v in fields if k.lower() == "source"), None) or next(
        (v for k, v in fields if re.fullmatch(r"(?i)(?:first )?published", k)), None)
    transcribers = tuple(v for k, v in fields if "transcri" in k.lower())
    return Attribution(fields=fields, source=source, transcribers=transcribers,
                       licence=licence, origin=name)


# --- body and notes ------------------------------------------------------------------------

def _read_body(blocks: list[_Block], header_calls: list[str]
               ) -> tuple[tuple[Block, ...], tuple[Note, ...], list[str]]:
    start = _notes_start(blocks, header_calls)
    body, note_blocks = blocks[:start], blocks[start:]
    if note_blocks and _is_notes_heading(note_blocks[0]):
        note_blocks = note_blocks[1:]  # the "Notes" heading belongs to the notes
    notes, warnings = _read_notes(note_blocks, header_calls + _calls(body))
    ids = {n.id for n in notes}
    speakers = _speakers(body)
    headings = _headings(body)
    tail = len(body)  # the closing dateline and signature: up to three short blocks
    while tail > max(1, len(body) - 3) and _is_closing(body[tail - 1]):
        tail -= 1
    out: list[Block] = []
    for i, block in enumerate(body):
        new = _convert(block, ids, speakers=speakers, first=i == 0, tail=i >= tail,
                       heading=i in headings)
        last, head = (out[-1] if out else None), new[0]
        if isinstance(last, ListBlock) and all(s.startswith("  ") for s in block.lines):
            if not isinstance(head, ListBlock):
                # an indented block after a list is a later paragraph of its last item
                item = last.items[-1] + (Paragraph(_inlines(block.lines, ids)),)
                out[-1] = replace(last, items=last.items[:-1] + (item,))
                continue
            if (head.ordered, head.start) == (last.ordered, last.start + len(last.items)):
                out[-1] = replace(last, items=last.items + head.items)  # the list goes on
                new = new[1:]
        out.extend(new)
    return tuple(out), notes, warnings


def _convert(block: _Block, ids: Ids, *, speakers: frozenset[str] = frozenset(),
             first: bool = False, tail: bool = False, heading: bool = False) -> list[Block]:
    lines, text = block.lines, block.joined
    if any(_LIST_ITEM.fullmatch(s) for s in lines):
        return _lists(lines, ids)
    if len(lines) == 1 and _SEPARATOR.fullmatch(text):
        return [Separator(text)]
    turn = _TURN.fullmatch("\n".join(s.strip(" \t") for s in lines)) if speakers else None
    if turn and turn.group("speaker") in speakers:
        content = _inlines(turn.group("content").split("\n"), ids)
        return [Speech(turn.group("speaker"), turn.group("label"), content)]
    if (first or tail) and len(lines) == 1 and _DATELINE.fullmatch(text):
        return [Dateline(_inlines(lines, ids))]
    if tail and _is_closing(block):
        return [Signature(_inlines(lines, ids))]
    if heading:
        return [Heading(_inlines(lines, ids), level=1)]
    return [Paragraph(_inlines(lines, ids))]


def _speakers(blocks: list[_Block]) -> frozenset[str]:
    """The speakers of a real dialogue ("A. –"/"B.", "Q:"/"A:"), or none.

    It takes four or more turns by speakers who each have a fair share (so the
    initials of "A. Smith wrote…" or an outline "A.", "B.", "C." do not count),
    who take turns, and whose turns are sentences, not ALL-CAPS section heads."""
    turns = [m for b in blocks if (m := _TURN.fullmatch(b.lines[0]))]
    counts = Counter(m.group("speaker") for m in turns)
    main = frozenset(s for s, n in counts.items() if n >= max(2, len(turns) / 4))
    order = [m.group("speaker") for m in turns if m.group("speaker") in main]
    if len(main) < 2 or len(order) < max(4, 0.8 * len(turns)):
        return frozenset()
    changes = sum(1 for a, b in zip(order, order[1:]) if a != b)
    prose = sum(1 for m in turns if not m.group("content").isupper())
    return main if changes >= 0.6 * (len(order) - 1) and prose >= 0.8 * len(turns) else frozenset()


def _headings(body: list[_Block]) -> set[int]:
    """Heading-like blocks, except three or more in a row (table cells or a contents
    list) and the last block."""
    like = [_is_heading(b) for b in body[:-1]] + [False]
    run = [all(like[k:k + 3]) and k + 3 <= len(like) for k in range(len(like))]
    return {i for i, h in enumerate(like) if h and not any(run[max(0, i - 2):i + 1])}


def _is_heading(block: _Block) -> bool:
    """A short block without closing punctuation ("The C.P.S.U." is one)."""
    text = block.joined
    if len(block.lines) > 2 or len(text) > 100 or len(text.split()) > 14:
        return False
    if not (text[0].isupper() or text[0].isdigit() or text[0] in "“‘\"'") or _CALL.search(text):
        return False
    if re.match(r"(?i)(?:my )?dear\b", text):
        return False  # a letter's salutation
    core = text.rstrip("”’\"')]»–—- ")  # look through closing quotes and dashes
    if not core or (core.endswith("?") and text[0] in "“‘\"'"):
        return False  # a quoted question is dialogue
    last_word = core.split()[-1]
    abbreviation = core.endswith(".") and (last_word.count(".") > 1 or len(last_word) == 2)
    return not core.endswith((".", ",", ";", ":", "!")) or abbreviation


def _is_closing(block: _Block) -> bool:
    """A short closing line: "Prinkipo, August 6th, 1932" or "L. Trotsky"."""
    text = block.joined
    return len(block.lines) == 1 and len(text) <= 80 and bool(
        _DATELINE.fullmatch(text) or _is_name(text, min_words=2, max_words=5))


def _lists(lines: tuple[str, ...], ids: Ids) -> list[Block]:
    """A block holding "  1. item" lines: lists, and paragraphs for the other lines."""
    runs: list[tuple[str, int, list[list[str]]]] = []  # ("ol" | "ul" | "p", start, items)
    for line in lines:
        item = _LIST_ITEM.fullmatch(line)
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
    return [Paragraph(_inlines(items[0], ids)) if kind == "p" else
            ListBlock(tuple((Paragraph(_inlines(i, ids)),) for i in items),
                      ordered=kind == "ol", start=start)
            for kind, start, items in runs]


def _calls(blocks: list[_Block]) -> list[str]:
    return [m.group(1) for b in blocks for s in b.lines for m in _CALL.finditer(s)]


def _note_number(block: _Block) -> str | None:
    match = _NOTE_START.match(block.lines[0])
    return (match.group(1) or match.group(2)) if match else None


def _is_notes_heading(block: _Block) -> bool:
    return len(block.lines) == 1 and bool(_NOTES_HEADING.fullmatch(block.lines[0].strip()))


def _notes_start(blocks: list[_Block], header_calls: list[str]) -> int:
    """Notes begin at the last numbered block that follows a "Notes" heading, or
    whose number is called before it and is the lowest call (as a first note's
    is); numbered points elsewhere stay paragraphs."""
    start, called = len(blocks), set(header_calls)
    lowest = min((int(c) for c in called if c.isdigit()), default=None)
    for i, block in enumerate(blocks):
        number = _note_number(block)
        after_heading = i > 0 and _is_notes_heading(blocks[i - 1])
        first_note = number in called and (not number.isdigit() or int(number) == lowest)
        if number is not None and (after_heading or first_note):
            start = i - 1 if after_heading else i
        for call in _calls([block]):
            called.add(call)
            if call.isdigit():
                lowest = int(call) if lowest is None else min(lowest, int(call))
    return start


def _read_notes(blocks: list[_Block], calls: list[str]) -> tuple[tuple[Note, ...], list[str]]:
    notes: list[tuple[str, list[Block]]] = []
    for block in blocks:
        number = _note_number(block)
        if number is not None:
            first = _NOTE_START.sub("", block.lines[0], count=1)
            notes.append((number, [Paragraph(_inlines((first,) + block.lines[1:]))]))
        elif notes:  # a note's later paragraphs are unnumbered
            notes[-1][1].extend(_convert(block, frozenset()))
    ids = [n for n, _ in notes]
    uncalled = [n for n in ids if n not in calls]
    missing = [c for c in dict.fromkeys(calls) if c not in ids] if notes else []
    warnings = [f"notes without a call in the text: {', '.join(uncalled)}"] if uncalled else []
    warnings += [f"note calls without a note: {', '.join(missing)}"] if missing else []
    return tuple(Note(id=n, label=n, blocks=tuple(b)) for n, b in notes), warnings


def _inlines(lines: tuple[str, ...] | list[str], ids: Ids = frozenset()) -> tuple[Inline, ...]:
    """Text with a LineBreak between lines; "[n]" is a NoteRef when note n exists."""
    out: list[Inline] = []
    for index, raw in enumerate(lines):
        if index:
            out.append(LineBreak())
        line, pos = raw.strip(" \t"), 0  # layout white space only: NBSPs are text
        for match in _CALL.finditer(line):
            if match.group(1) in ids:
                if match.start() > pos:
                    out.append(Text(line[pos:match.start()]))
                out.append(NoteRef(note_id=match.group(1), label=match.group(1)))
                pos = match.end()
        if pos < len(line):
            out.append(Text(line[pos:]))
    return tuple(out)
