"""Assembly: ordered articles plus book metadata become a `Book`. Pure, no I/O."""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timezone

from .model import (Article, Block, Book, Chapter, FrontMatter, Inline, Metadata, Note, NoteRef,
                    Part, map_inlines, walk)
from .note_refs import link_note_refs

__all__ = ["assemble", "derive_identifier", "build_timestamp", "number_notes",
           "UNKNOWN_TIMESTAMP"]

# The zip epoch: a fixed, honest "unknown" for the files' timestamps, never printed.
UNKNOWN_TIMESTAMP = "1980-01-01T00:00:00Z"
_FALLBACK_DATE = UNKNOWN_TIMESTAMP


def derive_identifier(metadata: Metadata, articles: Sequence[Article]) -> str:
    """A stable identifier from the book's own content: never random."""
    key = "\n".join([metadata.title, *(p.name for p in metadata.authors),
                     *(a.attribution.origin or a.title for a in articles)])
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'bookmaker:' + key)}"


def build_timestamp(metadata: Metadata) -> str:
    """SOURCE_DATE_EPOCH when set, else the book's own date; never the wall clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if metadata.date:
        day = metadata.date.strip()
        if len(day) == 4 and day.isdigit():
            day += "-01-01"
        elif len(day) == 7:
            day += "-01"
        try:
            # checked directly: strptime would load a module and regexes of its own
            if len(day) >= 10 and day[4] == day[7] == "-" and date.fromisoformat(day[:10]):
                return day[:10] + "T00:00:00Z"
        except ValueError:
            pass
    return _FALLBACK_DATE


def _call_order(blocks: Sequence[Block]) -> list[str]:
    """The notes called, each once, in the order of their first call."""
    return list(dict.fromkeys(n.note_id for n in walk(blocks) if isinstance(n, NoteRef)))


def _relabel(blocks: Sequence[Block], labels: dict[str, str]) -> tuple[Block, ...]:
    def label(node: Inline) -> Inline:
        if isinstance(node, NoteRef):
            return NoteRef(node.note_id, labels.get(node.note_id, node.label))
        return node

    return map_inlines(blocks, label)


def number_notes(article: Article, where: str) -> tuple[Article, list[str]]:
    """Number notes 1, 2, … per chapter in the order of their first call; a
    note's references to other notes by number follow (`note_refs`)."""
    warnings: list[str] = []
    known = {n.id: n for n in article.notes}
    order = _call_order(article.blocks)
    for nid in order:
        if nid not in known:
            warnings.append(f"{where}: note call [{nid}] has no note")
    called = [nid for nid in order if nid in known]
    uncalled = [n.id for n in article.notes if n.id not in set(called)]
    for nid in uncalled:
        warnings.append(f"{where}: note {known[nid].label or nid} is never called")
    labels = {nid: str(i) for i, nid in enumerate(called + uncalled, start=1)}
    notes: list[Note] = []
    for nid in called + uncalled:
        note = known[nid]
        notes.append(Note(id=nid, label=labels[nid], blocks=_relabel(note.blocks, labels)))
    # "See note 22" in a note: the number it has now, linked to it (see note_refs)
    linked, found = link_note_refs(notes, {nid: n.label for nid, n in known.items()}, labels)
    warnings += [f"{where}: {w}" for w in found]
    return replace(article, blocks=_relabel(article.blocks, labels), notes=linked), warnings


def assemble(articles: Sequence[Article], metadata: Metadata, *,
             parts: Sequence[tuple[str, int]] = (),
             front_matter: Sequence[FrontMatter] = (),
             note_warnings: Sequence[Sequence[str]] | None = None) -> Book:
    """A book from articles in reading order.

    `parts` are (title, index of the part's first article) pairs, in order.
    Articles without an author take the book's authors, with a warning.
    `note_warnings`, one list per article, says the articles' notes are
    numbered already (`number_notes`), with these warnings.
    """
    warnings: list[str] = []
    if not metadata.identifier:
        metadata = replace(metadata, identifier=derive_identifier(metadata, articles))
    if not metadata.modified:
        metadata = replace(metadata, modified=build_timestamp(metadata))
    starts = sorted((start, i) for i, (_, start) in enumerate(parts))
    chapters: list[Chapter] = []
    for number, article in enumerate(articles, start=1):
        where = article.attribution.origin or article.title
        if note_warnings is None:
            article, found = number_notes(article, where)
        else:
            found = list(note_warnings[number - 1])
        warnings.extend(found)
        authors = article.authors
        if not authors:
            authors = metadata.authors
            if authors:
                warnings.append(f"{where}: no author in the article; "
                                f"the book's author applies ({', '.join(p.name for p in authors)})")
        part = None
        for start, index in starts:
            if start <= number - 1:
                part = index
        chapters.append(Chapter(id=f"ch{number:03d}", number=number, article=article,
                                authors=authors, part=part))
    return Book(metadata=metadata, chapters=tuple(chapters),
                parts=tuple(Part(title) for title, _ in parts),
                front_matter=tuple(front_matter), warnings=tuple(warnings))

