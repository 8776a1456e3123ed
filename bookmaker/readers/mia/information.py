"""The information block: its "Label: value" lines and ETOL-style unlabelled
credit lines read into fields, the attribution they make (source, transcribers,
licence), the date a field gives the text, and the transcribers' credits that
open the body instead."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ...dates import field_date
from ...licences import recognise_licence
from ...model import Attribution, Inline, Licence, Link, walk
from .apparatus import credit_label
from .units import SEPARATOR, Unit

__all__ = ["is_info_line", "is_info_block", "fields_of", "attribution", "hrefs",
           "licence_elsewhere", "dated_field", "leading_apparatus", "split_info_lines"]

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
_LICENCE_WORDS = re.compile(r"(?i)copyleft|public domain|creative commons|free documentation")
_STATEMENT = re.compile(r"(?i)\s*(?:copyleft|copyright|public domain|licen[cs]e)\s*:")


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


def hrefs(nodes: Sequence[Inline] | None) -> list[str]:
    """The addresses the inlines link to."""
    return [node.href for node in walk(nodes or ()) if isinstance(node, Link)]


def licence_elsewhere(units: Sequence[Unit]) -> Licence | None:
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


def split_info_lines(units: list[Unit]) -> list[Unit]:
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
