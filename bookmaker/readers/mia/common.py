"""What the two MIA readers share: the heuristics that turn blocks into an `Article`.

Both readers cut their input into `Unit`s: one per block of the page, with the
block's plain-text lines (what the heuristics look at) and, from the HTML
reader, the rich inline content, the tag and class, a ready-made model block
(lists, quotes, tables, figures) or the note the unit starts. `build_article`
then finds the header (author, title, subtitle, date, information block), the
body (headings, dialogue, datelines and signatures) and the notes with one set
of rules, so the two readers agree wherever their inputs carry the same
information; the HTML reader's tags only add what the text cannot show.

Every warning starts with a stable kind, "kind: message" (see `WARNING_KINDS`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace

from ...dates import field_date
from ...errors import SourceError
from ...licences import recognise_licence
from .apparatus import credit_label, is_column, is_valediction, pseudonym_author
from ...model import (
    Article, Attribution, Block, Licence, Dateline, Emphasis, Heading, Inline, LineBreak, Link,
    ListBlock, Note, NoteRef, Paragraph, Person, Separator, Signature, SmallCaps, Speech,
    Strong, Text, walk,
)

__all__ = ["Unit", "build_article", "WARNING_KINDS", "warning_kind", "split_calls",
           "is_furniture", "CONTROL", "add_controls", "note_warnings", "dated_field"]

Ids = AbstractSet[str]  # the ids of an article's notes

# The kinds of warning a reader gives; the corpus table counts warnings by kind.
WARNING_KINDS = ("no-author", "charset", "control", "images", "licence", "notes", "nesting")

MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|"
         r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
DATE = (rf"(?:{MONTH}\s+{_DAY},?\s+\d{{4}}|{_DAY}\s+{MONTH},?\s+\d{{4}}|"
        rf"{MONTH},?\s+\d{{4}}|\d{{4}})")
# "July 20, 1933", "Prinkipo, August 6th, 1932", "Coyoacan, D.F., May 2, 1938"
DATELINE = re.compile(rf"(?:[A-Z][\w.’'-]*(?:[ ,]+[A-Z][\w.’'-]*){{0,4}},\s*)?{DATE}\.?")
_DATE_WORDS = re.compile(rf"(?i)\b(?:{MONTH}|\d+(?:st|nd|rd|th)?|spring|summer|autumn|fall|"
                         r"winter|early|late|mid|end|beginning|of|and|to|or|c\.|circa)(?!\w)")
FURNITURE = re.compile(r"(?i)(?:(?:return|back|next)\s*){2,}|natalia in red|"
                       r"(?:last\s+update|(?:last\s+)?updated)(?:\s+on)?\s*:?\s*\S.{0,40}|"
                       # navigation lines: "Contents | Top of the page", "Previous: 1917 | Next: 1919"
                       r"(?:[^|\n]{0,60}\|\s*)*top of (?:the )?page(?:\s*\|[^|\n]{0,60})*|"
                       r"(?:previous|prev|back)\s*:?[^|\n]{0,80}\|\s*next\s*:?[^|\n]{0,80}"
                       r"(?:\|?\s*(?:table of )?contents)?|"
                       r"(?:(?:back|return) to [^|\n]{1,60}(?:\||$)\s*)+|"
                       r"(?:[^|\n]{1,40}\|\s*){1,6}[^|\n]{0,40}(?:archive|contents|index|chapter"
                       r"|next|previous|home)[^|\n]{0,30}|[^|\n]{1,40}\s\||"
                       # "Next: Chapter IV", "Isaac Deutscher Archive" alone on a line
                       r"next:\s.{1,160}|next|previous|prev|back|home|write (?:to )?(?:the )?.{0,60}administ\w*|(?-i:(?:[A-Z][\w’'.-]*\s){1,4}(?:Internet\s)?Archive)")
# [1], [23a], [1*], [*], [A] (not the editor's capital of "[T]he")
CALL = re.compile(r"\[(\d{1,3}[a-z]?\*?|\*{1,3}|[A-Z](?=\](?![a-z])))\]")
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
LIST_ITEM = re.compile(r"((?:  )+)(?:(\d+)\.|•)\s+(.*)")
TURN = re.compile(r"(?P<label>(?P<speaker>[A-Z])[.:](?: [–—-])?) (?P<content>\S.*)", re.S)
SEPARATOR = re.compile(r"(?:[*·•⁂#~=_—–-]\s*){1,12}|(?:[xX]\s+){2}[xX]")
# The information block: "Label: value" lines, or ETOL-style unlabelled credit lines.
_KNOWN_LABEL = re.compile(
    r"(?i)(?:written|source|first[ -]?published|published|delivered|translat\w*|transcri\w*|"
    r"html|mark[- ]?up|marked[- ]up|proof\w*|copyleft|copyright|public domain|online version|"
    r"edit\w*|original\w*|pdf|credits?|licen[cs]e|reprinted)\b[^:\n]{0,30}:")
LABELLED = re.compile(r"([^\W\d_][^:\n]{0,40}?)\s*:\s*(.*)")
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


_NAV_WORD = re.compile(r"(?i)\b(?:contents|index|chapter|next|previous|prev|home|archive|"
                       r"top of (?:the )?page|back|afternote|postscript|preface)\b")


# the rest of a broken tag shown as text: size="1" noshade="noshade" />
_TAG_RESIDUE = re.compile(r"(?:[\w-]+\s*=\s*\"[^\"]*\"\s*)+/?>?")


def is_furniture(line: str) -> bool:
    """A page-furniture line: "Last updated …", "return return …", or a navigation
    bar of short parts separated by "|" with at least one navigation word."""
    line = " ".join(line.split())
    if FURNITURE.fullmatch(line) or _TAG_RESIDUE.fullmatch(line):
        return True
    parts = [p.strip() for p in line.split("|")]
    return (len(parts) > 1 and all(len(p) <= 40 for p in parts)
            and any(_NAV_WORD.search(p) for p in parts))


# Characters XML cannot hold (C0 controls but tab and line ends, DEL, lone
# surrogates, U+FFFE and U+FFFF); the C1 range is the readers' own concern.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CONTROLS_REMOVED = re.compile(r"control: removed (\d+) control character\(s\)")


def add_controls(warnings: list[str], removed: int) -> list[str]:
    """The warnings with `removed` more control characters counted in the one
    "control:" warning."""
    if not removed:
        return warnings
    for index, warning in enumerate(warnings):
        match = _CONTROLS_REMOVED.fullmatch(warning)
        if match:
            total = int(match.group(1)) + removed
            return [*warnings[:index], f"control: removed {total} control character(s)",
                    *warnings[index + 1:]]
    return [*warnings, f"control: removed {removed} control character(s)"]


def warning_kind(warning: str) -> str:
    """The kind of a warning: the text before its first colon."""
    return warning.split(":", 1)[0].strip()


@dataclass(frozen=True, slots=True)
class Unit:
    """One block of a page, as a reader found it.

    `lines` is the block's plain text, one entry per line (after a line break);
    `content` is the same as inlines (HTML only; the text reader's are made from
    the lines). `block` is a ready-made block the heuristics leave alone, `note`
    the id of the note this unit starts (HTML anchors), `tag` and `cls` the
    element it came from."""

    lines: tuple[str, ...]
    line: int = 1  # 1-based number of the first line, for error messages
    content: tuple[Inline, ...] | None = None
    tag: str = ""
    cls: str = ""
    block: Block | None = None
    note: str | None = None
    note_label: str = ""
    extra: tuple[str, ...] = field(default=())  # hints: "info", "date", "sig", "quote"

    @property
    def joined(self) -> str:
        return " ".join(s.strip() for s in self.lines)


# --- text helpers ---------------------------------------------------------------------

def split_calls(text: str, ids: Ids) -> list[Inline]:
    """Text with "[n]" as a NoteRef where note n exists."""
    out: list[Inline] = []
    pos = 0
    for match in CALL.finditer(text):
        if match.group(1) in ids:
            if match.start() > pos:
                out.append(Text(text[pos:match.start()]))
            out.append(NoteRef(note_id=match.group(1), label=match.group(1)))
            pos = match.end()
    if pos < len(text):
        out.append(Text(text[pos:]))
    return out


def text_inlines(lines: Sequence[str], ids: Ids = frozenset()) -> tuple[Inline, ...]:
    """Text with a LineBreak between lines; "[n]" is a NoteRef when note n exists."""
    out: list[Inline] = []
    for index, raw in enumerate(lines):
        if index:
            out.append(LineBreak())
        out.extend(split_calls(raw.strip(" \t"), ids))  # layout white space only
    return tuple(out)


def _with_calls(nodes: Sequence[Inline], ids: Ids) -> tuple[Inline, ...]:
    """Rich inlines with literal "[n]" turned into NoteRefs where note n exists."""
    if not ids:
        return tuple(nodes)
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text):
            out.extend(split_calls(node.text, ids))
        elif isinstance(node, (Emphasis, Strong, SmallCaps, Link)):
            out.append(replace(node, children=_with_calls(node.children, ids)))
        else:
            out.append(node)
    return tuple(out)


def unit_inlines(unit: Unit, ids: Ids = frozenset(), lines: Sequence[str] | None = None
                 ) -> tuple[Inline, ...]:
    if unit.content is not None and lines is None:
        return _with_calls(unit.content, ids)
    return text_inlines(unit.lines if lines is None else lines, ids)


def strip_prefix(nodes: Sequence[Inline], count: int) -> tuple[Inline, ...]:
    """Inlines without their first `count` characters of text (a speaker's mark, a
    note's number), and without the white space that follows."""
    out: list[Inline] = []
    for node in nodes:
        if count <= 0:
            out.append(node)
        elif isinstance(node, Text):
            if len(node.text) <= count:
                count -= len(node.text)
            else:
                out.append(Text(node.text[count:]))
                count = 0
        elif isinstance(node, (Emphasis, Strong, SmallCaps, Link)):
            size = len(_plain(node.children))
            if size <= count:
                count -= size
            else:
                out.append(replace(node, children=strip_prefix(node.children, count)))
                count = 0
        elif isinstance(node, LineBreak):
            count -= 1
        else:
            out.append(node)
    return lstrip(out)


def lstrip(nodes: Sequence[Inline]) -> tuple[Inline, ...]:
    out = list(nodes)
    while out:
        head = out[0]
        if isinstance(head, LineBreak):
            out.pop(0)
        elif isinstance(head, Text):
            rest = head.text.lstrip(" \t\n")
            if rest:
                out[0] = Text(rest)
                break
            out.pop(0)
        elif isinstance(head, (Emphasis, Strong, SmallCaps, Link)):
            kids = lstrip(head.children)
            if kids:
                out[0] = replace(head, children=kids)
                break
            out.pop(0)
        else:
            break
    return tuple(out)


def _plain(nodes: Sequence[Inline]) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, LineBreak):
            out.append("\n")
        elif isinstance(node, NoteRef):
            out.append("")
        else:
            out.append(_plain(node.children))
    return "".join(out)


# --- names, dates, fields -----------------------------------------------------------------

def is_name(text: str, *, min_words: int = 1, max_words: int = 10) -> bool:
    """True for "Leon Trotsky", "L. Trotsky", "J.P.C.", "G. Padmore, J. Kenyatta & W. Daniels"."""
    if re.search(r"[\d:;!?()\[\]“”\"]|/\S|\S/", text):
        return False
    words = text.replace(",", " ").replace(" / ", " ").split()
    initials = len(words) == 1 and re.fullmatch(r"(?:[A-Z]\.){2,}", words[0])
    if not (min_words <= len(words) or initials) or len(words) > max_words:
        return False
    return all(w.lower() in _PARTICLES
               or (w[0].isupper() and w.strip("’'").lower() not in _NOT_NAME) for w in words)


def is_author(text: str) -> bool:
    return is_name(text, min_words=2) and not text.isupper()  # capitals: a kicker


def author_and_year(text: str) -> tuple[str | None, str | None]:
    """("Leon Trotsky", None), ("August Bebel", "1879"), or (None, None) for no name."""
    text = re.sub(r"\((and\s[^()]+)\)", r"\1", text)  # "Pierre Broué (and Emile Témime)"
    match = re.fullmatch(r"(.*?\S)\s+(\d{4}(?:\s*[-–]\s*\d{2,4})?)", text)
    name, year = (match.group(1), match.group(2)) if match else (text, None)
    return (name, year) if is_author(name) else (None, None)


def persons(text: str) -> tuple[Person, ...]:
    names: list[str] = []
    for part in filter(None, (p.strip() for p in re.split(r",|\s(?:&|and|/)\s", text))):
        if re.fullmatch(r"(?:Jr|Sr|I{2,3}|IV)\.?", part) and names:
            names[-1] += ", " + part  # "Martin Luther King, Jr."
        else:
            names.append(part)
    return tuple(Person(n) for n in names)


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
    if not re.search(rf"\d{{4}}|{MONTH}", inner):
        return False
    return len(re.sub(r"[\W\d]+", " ", _DATE_WORDS.sub(" ", inner)).split()) <= 1


def is_info_line(line: str) -> bool:
    line = line.strip()
    return bool(_KNOWN_LABEL.match(line)) or any(p.match(line) for p, _ in _UNLABELLED)


def is_info_block(unit: Unit) -> bool:
    if "info" in unit.extra:
        return True
    lines = [s for s in unit.lines if s.strip()]
    if not lines or unit.block is not None:
        return False
    if len(lines) == 1 and not is_info_line(lines[0]) and len(lines[0]) > 140:
        return False  # "Nevsky: As a representative …": a speaker's words, not a field
    labelled = sum(1 for s in lines if is_info_line(s) or _short_label(s))
    if len(lines) >= 3 and labelled * 3 >= len(lines) * 2:
        return True  # a source line above "Translated by", "Transcribed by", …
    return (is_info_line(lines[0]) or _short_label(lines[0])) and labelled * 2 >= len(lines)


def _short_label(line: str) -> bool:
    """"Recorded: April 18, 1959", "Speaker: …": a label of one or two words and a value."""
    match = LABELLED.fullmatch(line.strip())
    return bool(match and match.group(2).strip() and len(match.group(1).split()) <= 2
                and match.group(1)[0].isupper() and not re.match(r"(?i)dear\b", line.strip()))


def fields_of(lines: Sequence[str]) -> list[tuple[str, str]]:
    """One (label, value) per line, verbatim; an unlabelled line is filed whole."""
    out: list[tuple[str, str]] = []
    for line in (s.strip() for s in lines):
        if not line:
            continue
        match = LABELLED.fullmatch(line)
        label = match.group(1) if match else ""
        if match and len(label.split()) <= 4 and not re.search(r"\d|^From ", label):
            out.append((label, match.group(2)))
        else:
            out.append((next((lab for p, lab in _UNLABELLED if p.match(line)), "Note"), line))
    return out


def attribution(fields: Sequence[tuple[str, str]], name: str,
                warnings: list[str], links: Sequence[str] = ()) -> Attribution:
    """`links`: the URLs the information block links to (HTML), which may name the
    licence a statement only calls "the Creative Commons License"."""
    licence = None
    for label, value in fields:
        if _LICENCE_LABEL.search(label):
            # "Public Domain: Marxists Internet Archive…" names its licence in the label
            found = (recognise_licence(value) or recognise_licence(f"{label}: {value}")
                     or next(filter(None, (recognise_licence(u) for u in links)), None))
            licence = replace(found, statement=value) if found else None
            if licence is None:
                warnings.append(f"licence: not recognised: {label}: {value}")
            break
    else:  # a statement inside another field ("Proofread: … Public Domain: …")
        for label, value in fields:
            if _LICENCE_WORDS.search(value):
                found = recognise_licence(value)
                if found is not None:
                    licence = replace(found, statement=value)
                    break
    source = next((v for k, v in fields if k.lower() == "source"), None) or next(
        (v for k, v in fields if re.fullmatch(r"(?i)(?:first )?published", k)), None)
    transcribers = tuple(v for k, v in fields if "transcri" in k.lower())
    return Attribution(fields=tuple(fields), source=source, transcribers=transcribers,
                       licence=licence, origin=name)


# --- the article ----------------------------------------------------------------------

# The fields whose value dates the text itself, best first (not "Published": a
# reprint's date is no date of the text).
_DATE_FIELDS = ("written", "delivered", "date")


def dated_field(fields: Sequence[tuple[str, str]]) -> str | None:
    """The date the information block gives the text ("Written: November 1931."),
    without its trailing punctuation, when the header has no date line."""
    for wanted in _DATE_FIELDS:
        for label, value in fields:
            if label.strip().lower() == wanted:
                found = field_date(value)
                if found:
                    return found
    return None


def build_article(units: list[Unit], *, name: str, warnings: list[str],
                  anchored_notes: bool = False) -> Article:
    """The article these units make. `anchored_notes`: the units' `note` fields say
    where notes start (HTML anchors); otherwise notes are found by their numbers."""
    units = [u for u in units if (u.block is not None and not _is_figure(u))
             or u.note is not None or not is_furniture(u.joined)]
    if not units:
        raise SourceError("no text: the file is empty or holds only page furniture",
                          path=name, line=1)
    units = _split_info_lines(units)
    from ...model import Figure
    lead: list[Unit] = []
    while len(units) > 1 and isinstance(units[0].block, Figure):
        lead.append(units.pop(0))  # a picture above the title goes after the header
    head = read_header(units, name)
    units[head.end:head.end] = lead
    body_units = units[head.end:]
    credits, body_units = leading_apparatus(body_units)
    if credits:
        head = replace(head, fields=head.fields + tuple(credits))
    header_calls = _calls(units[:head.end])  # a call may sit in the title
    bare = re.fullmatch(r"(.*[^\d\s(\[])(\d{1,2})", head.title)
    if bare and not header_calls and _bare_title_call(bare.group(2), body_units):
        # the text rendering shows a title's call "<sup>1</sup>" as a bare "A Just War1"
        head = replace(head, title=bare.group(1).rstrip())
        header_calls = [bare.group(2)]
    body, notes, note_warnings = read_body(body_units, header_calls, anchored_notes)
    if not head.authors:
        warnings.append("no-author: no author line: the book's author applies")
    end, info = header_extent(units)
    links = [h for u in (units[info:end] if info is not None else []) for h in _hrefs(u.content)]
    attrib = attribution(head.fields, name, warnings, links)
    if attrib.licence is None:  # a statement outside the information block
        attrib = replace(attrib, licence=_licence_elsewhere(units))
    return Article(title=head.title, subtitle=head.subtitle, authors=head.authors,
                   date=head.date or dated_field(head.fields), blocks=head.extra + body, notes=notes,
                   attribution=attrib, warnings=tuple(warnings + note_warnings))


def _bare_title_call(number: str, units: list[Unit]) -> bool:
    """A note numbered `number` ends the page and no call to it is in the body:
    the title's trailing digits are its call."""
    if any(number == c for c in _calls(units)):
        return False
    return any(note_number(u) == number for u in units[len(units) // 2:])


def leading_apparatus(units: list[Unit]) -> tuple[list[tuple[str, str]], list[Unit]]:
    """The credits of the transcribers' notes that open the body ("Transcribed for
    the World Wide Web by David Walters…"), and the body without them and without
    the section breaks around them (they only set the notes apart)."""
    credits: list[tuple[str, str]] = []
    start = 0
    while start < min(len(units), 6):
        unit = units[start]
        if unit.block is None and SEPARATOR.fullmatch(unit.joined):
            start += 1
        elif unit.block is None and (label := credit_label(unit.joined)):
            credits.append((label, unit.joined))
            start += 1
        else:
            break
    if not credits:
        return [], units
    return credits, units[start:]


def _split_info_lines(units: list[Unit]) -> list[Unit]:
    """Text only: in the first blocks, a block whose later lines are information
    lines ("by / J. C. MARIATEGUI / Translated by … / (Delivered …)") is cut around
    them, since `center` and `div` lines render with no blank line between them."""
    out: list[Unit] = []
    for index, unit in enumerate(units):
        marks = [is_info_line(s) for s in unit.lines]
        if (index >= 6 or unit.content is not None or unit.block is not None
                or len(unit.lines) > 8 or marks[0] or not any(marks)
                or sum(marks) * 2 >= len(marks)):  # mostly fields: the block itself
            out.append(unit)
            continue
        first = marks.index(True)
        if any(s.rstrip().endswith(".") for s in unit.lines[:first]):
            out.append(unit)  # sentences above the fields: a free-text information block
            continue
        last = first
        while last + 1 < len(marks) and marks[last + 1]:
            last += 1
        for lo, hi in ((0, first), (first, last + 1), (last + 1, len(marks))):
            if lo < hi:
                out.append(replace(unit, lines=unit.lines[lo:hi], line=unit.line + lo))
    return out


_LICENCE_WORDS = re.compile(r"(?i)copyleft|public domain|creative commons|free documentation")
_STATEMENT = re.compile(r"(?i)\s*(?:copyleft|copyright|public domain|licen[cs]e)\s*:")


def _hrefs(nodes: Sequence[Inline] | None) -> list[str]:
    return [node.href for node in walk(nodes or ()) if isinstance(node, Link)]


def _licence_elsewhere(units: Sequence[Unit]) -> Licence | None:
    """The licence of a "Copyleft: …" or "Public Domain: …" line anywhere on the page,
    or of a statement in an information block elsewhere than the header."""
    for unit in units:
        info = is_info_block(unit)
        for line in unit.lines:
            if _STATEMENT.match(line) or (info and _LICENCE_WORDS.search(line)):
                found = recognise_licence(line)
                if found is not None:
                    return replace(found, statement=line.strip())
    return None


@dataclass(frozen=True, slots=True)
class Header:
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
    extra += [u.block for u in units[:end] if _is_figure(u) and u.block is not None]
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
        if not is_short(unit) and not _is_figure(unit):
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


def _is_figure(unit: Unit) -> bool:
    from ...model import Figure
    return isinstance(unit.block, Figure)


def is_short(unit: Unit) -> bool:
    return unit.block is None and len(unit.lines) <= 4 and len(unit.joined) <= 300


def is_title(unit: Unit) -> bool:
    return is_short(unit) and any(c.isalpha() for c in unit.joined)


_DATED_BYLINE = re.compile(  # "Trotsky December 1925-March 1926"
    rf"[A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+){{0,2}} {MONTH}? ?\d{{4}}\s*[-–]\s*{MONTH}? ?\d{{4}}")


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


# --- body and notes ------------------------------------------------------------------------

def read_body(units: list[Unit], header_calls: list[str], anchored: bool = False
              ) -> tuple[tuple[Block, ...], tuple[Note, ...], list[str]]:
    start = (_anchored_start(units) if anchored else notes_start(units, header_calls))
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
        notes, after, warnings = read_notes(note_units, header_calls + _calls(body), loose)
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
            match = re.match(rf"{number}[.)]\s+(?=\S)", _plain(first.content))
            if match:
                item = (replace(first, content=strip_prefix(first.content, match.end())),
                        *item[1:])
        items.append(item)
    return replace(block, items=tuple(items))


def _anchored_start(units: list[Unit]) -> int:
    """The first unit with a note anchor, or the numbered blocks right before it when
    they follow a notes heading (notes whose calls are broken markup)."""
    start = next((i for i, u in enumerate(units) if u.note is not None), len(units))
    back = start
    while back > 0 and units[back - 1].note is None and note_number(units[back - 1]):
        back -= 1
    return back if back < start and back > 0 and is_notes_heading(units[back - 1]) else start


def convert(unit: Unit, ids: Ids, *, speakers: frozenset[str] = frozenset(),
            first: bool = False, tail: bool = False, heading: bool = False) -> list[Block]:
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


def _calls(units: Sequence[Unit]) -> list[str]:
    return [m.group(1) for u in units for s in u.lines for m in CALL.finditer(s)]


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
        for call in _calls([unit]):
            called.add(call)
            if call.isdigit():
                lowest = int(call) if lowest is None else min(lowest, int(call))
    if start == len(units) and len(units) > 1 and _star_note(units):
        return len(units) - 1
    return start


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
    made = tuple(Note(id=i, label=label, blocks=tuple(b)) for i, label, b in notes if b)
    called = [ref for u in all_units for ref in _refs(u)]
    return made, after, note_warnings([n.id for n in made], called)


def _refs(unit: Unit) -> list[str]:
    """The note calls in a unit, in reading order (figure captions and cells too)."""
    nodes = (*(unit.content or ()), *((unit.block,) if unit.block is not None else ()))
    return [n.note_id for n in walk(nodes) if isinstance(n, NoteRef)]
