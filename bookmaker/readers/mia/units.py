"""The unit both MIA readers cut a page into, and what works on a unit's text.

Both readers cut their input into `Unit`s: one per block of the page, with the
block's plain-text lines (what the heuristics look at) and, from the HTML
reader, the rich inline content, the tag and class, a ready-made model block
(lists, quotes, tables, figures) or the note the unit starts. Here too: the
inlines made from a unit's text (note calls "[n]" as `NoteRef`s), what a page's
furniture is, and the vocabulary of the readers' warnings: every warning starts
with a stable kind, "kind: message" (see `WARNING_KINDS`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace

from ...model import (
    Block, Emphasis, Figure, Inline, LineBreak, Link, NoteRef, SmallCaps, Strong, Text,
)

__all__ = ["Ids", "Unit", "WARNING_KINDS", "warning_kind", "CONTROL", "add_controls",
           "is_furniture", "CALL", "SEPARATOR", "split_calls", "text_inlines", "unit_inlines",
           "strip_prefix", "lstrip", "plain", "note_calls", "is_figure"]

Ids = AbstractSet[str]  # the ids of an article's notes

# A note call: [1], [23a], [1*], [*], [A] (not the editor's capital of "[T]he")
CALL = re.compile(r"\[(\d{1,3}[a-z]?\*?|\*{1,3}|[A-Z](?=\](?![a-z])))\]")
# A section break: "* * *", "x x x", "——"
SEPARATOR = re.compile(r"(?:[*·•⁂#~=_—–-]\s*){1,12}|(?:[xX]\s+){2}[xX]")

# --- page furniture -------------------------------------------------------------------

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


# --- warnings -------------------------------------------------------------------------

# The kinds of warning a reader gives; the corpus table counts warnings by kind.
WARNING_KINDS = ("no-author", "charset", "control", "images", "licence", "notes", "nesting")

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


# --- the unit -------------------------------------------------------------------------

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


def note_calls(units: Sequence[Unit]) -> list[str]:
    """The "[n]" note calls in the units' text, in reading order."""
    return [m.group(1) for u in units for s in u.lines for m in CALL.finditer(s)]


def is_figure(unit: Unit) -> bool:
    return isinstance(unit.block, Figure)


# --- inlines --------------------------------------------------------------------------

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
            size = len(plain(node.children))
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
    """Inlines without the line breaks and white space they start with."""
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


def plain(nodes: Sequence[Inline]) -> str:
    """The text of inlines as `strip_prefix` counts it: a line break is one
    character, a note call none."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, LineBreak):
            out.append("\n")
        elif isinstance(node, NoteRef):
            out.append("")
        else:
            out.append(plain(node.children))
    return "".join(out)

