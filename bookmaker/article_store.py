"""Articles read once: the build keeps each parsed article in its cache.

An entry is keyed by the source file's bytes (SHA-256), the reader that read
it and the bookmaker code, so any change to one of them reads the file again.
It holds two pickles: the article's *shell* (title, authors, attribution,
warnings: everything but the text), with the warnings of its note numbering;
and its *body* (blocks and notes, numbered as assembly numbers them). A build
loads every shell, which is quick, and a body only where a writer needs it:
the EPUB writer, which keeps each chapter it made, needs the body of the
chapters that changed and no other.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import struct
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .assemble import number_notes
from .blobs import BlobCache, key_of
from .model import Article, Block, Book, Chapter, Figure, ListBlock, Note, Quote

__all__ = ["ArticleStore"]

log = logging.getLogger("bookmaker")
_HEAD = struct.Struct("<Q")


@dataclass
class _Entry:
    key: str
    note_warnings: tuple[str, ...]   # "note 3 is never called", without the article's name
    has_figures: bool
    has_notes: bool
    payload: bytes                   # the whole entry: the body is unpickled on demand
    body_at: int
    body: tuple[tuple[Block, ...], tuple[Note, ...]] | None = None


def _has_figures(blocks: tuple[Block, ...]) -> bool:
    for b in blocks:
        if isinstance(b, Figure):
            return True
        if isinstance(b, Quote) and _has_figures(b.blocks):
            return True
        if isinstance(b, ListBlock) and any(_has_figures(item) for item in b.items):
            return True
    return False


class ArticleStore:
    """Shells and bodies of the articles of one build, through a cache folder.

    `salt` names the code that reads (bookmaker's version and code digest).
    `digests` are the SHA-256 of source files already hashed (by the build's
    plan): such a file is read only when its article is not in the cache.
    `reads` counts the articles read from their source (not from the cache).
    """

    def __init__(self, root: Path | None, salt: str,
                 digests: dict[str, str] | None = None) -> None:
        self.cache = BlobCache(root) if root is not None else None
        self.salt = salt
        self.digests = digests or {}
        self.reads = 0
        self._entries: dict[str, _Entry] = {}      # by source path
        self._chapters: dict[str, _Entry] = {}     # by chapter id

    def shell(self, path: Path) -> Article:
        """The article of a source file without its text (see `body`)."""
        from .readers import read_source, reader_for, reader_name

        # the reader by name: its module is imported only to read a file again
        reader = reader_name(path)
        data = None
        digest = self.digests.get(str(path)) if self.cache else None
        if digest is None:
            data = read_source(path)
            digest = hashlib.sha256(data).hexdigest()
        key = key_of("article", self.salt, reader, digest)
        payload = self.cache.get("articles", key) if self.cache else None
        if payload is not None:
            try:
                (size,) = _HEAD.unpack_from(payload)
                head = pickle.loads(payload[_HEAD.size:_HEAD.size + size])
                shell, warnings, figures, notes = head
                if not isinstance(shell, Article):
                    raise TypeError("not an article")
                self._entries[str(path)] = _Entry(key, warnings, figures, notes, payload,
                                                  _HEAD.size + size)
                return shell
            except Exception:  # noqa: BLE001 - any damage: read the source again
                log.info("article cache entry for %s is damaged; reading it again", path)
        if data is None:
            # the key of what is read: the file may have changed since it was hashed
            data = read_source(path)
            key = key_of("article", self.salt, reader, hashlib.sha256(data).hexdigest())
        article = reader_for(path)(data, name=str(path))
        self.reads += 1
        log.debug("read %s", path)
        numbered, warnings = number_notes(article, "")
        suffixes = tuple(w.split(": ", 1)[1] for w in warnings)
        shell = replace(article, blocks=(), notes=())
        body = (numbered.blocks, numbered.notes)
        figures, notes = _has_figures(numbered.blocks), bool(numbered.notes)
        head_bytes = pickle.dumps((shell, suffixes, figures, notes),
                                  protocol=pickle.HIGHEST_PROTOCOL)
        payload = (_HEAD.pack(len(head_bytes)) + head_bytes
                   + pickle.dumps(body, protocol=pickle.HIGHEST_PROTOCOL))
        if self.cache:
            self.cache.put("articles", key, payload)
        self._entries[str(path)] = _Entry(key, suffixes, figures, notes, payload,
                                          _HEAD.size + len(head_bytes), body)
        return shell

    def note_warnings(self, path: Path, where: str) -> list[str]:
        return [f"{where}: {w}" for w in self._entries[str(path)].note_warnings]

    def bind(self, chapter_id: str, path: Path) -> None:
        self._chapters[chapter_id] = self._entries[str(path)]

    def key(self, chapter: Chapter) -> str:
        """What the chapter's article was read from (its text included)."""
        return self._chapters[chapter.id].key

    def has_figures(self, chapter: Chapter) -> bool:
        return self._chapters[chapter.id].has_figures

    def has_notes(self, chapter: Chapter) -> bool:
        return self._chapters[chapter.id].has_notes

    def full(self, chapter: Chapter) -> Chapter:
        """The chapter with its article's blocks and notes."""
        entry = self._chapters[chapter.id]
        if entry.body is None:
            body: Any = pickle.loads(entry.payload[entry.body_at:])
            entry.body = body
        blocks, notes = entry.body
        return replace(chapter, article=replace(chapter.article, blocks=blocks, notes=notes))

    def complete(self, book: Book) -> Book:
        """The book with every chapter's text, for writers that need all of it."""
        return replace(book, chapters=tuple(self.full(ch) for ch in book.chapters))
