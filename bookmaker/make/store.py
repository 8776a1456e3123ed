"""Articles read once: the build keeps each parsed article in its cache.

An entry is keyed by the source file's bytes (SHA-256), the reader that read
it and the bookmaker code, so any change to one of them reads the file again.
It is two entries: the article's *shell* (title, authors, attribution,
warnings: everything but the text), with the warnings of its note numbering;
and its *body* (blocks and notes, numbered as assembly numbers them). A build
loads every shell, which is quick (they are packed per book), and a body
only where a writer needs it: the EPUB writer, which keeps each chapter it
made, needs the body of the chapters that changed and no other.

Entries are JSON in the model's own terms (`bookmaker.codec`), checked by
their digest (`BlobCache`) and again by their decoding: an entry that does
not decode into an article is read again from its source, and decoding never
makes anything but the model's classes. A `fresh` store (`build --force`)
reads every article from its source and keeps what it read.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..cache import codec
from ..assembly import number_notes
from ..cache.blobs import BlobCache, key_of
from ..errors import SourceError
from ..model import Article, Block, Book, Chapter, Figure, Note, walk

__all__ = ["ArticleStore"]

log = logging.getLogger("bookmaker")

# what a shell entry and a body entry decode to (see `codec`)
_SHELL = tuple[Article, tuple[str, ...], bool, bool]
_BODY = tuple[tuple[Block, ...], tuple[Note, ...]]


@dataclass
class _Entry:
    key: str
    note_warnings: tuple[str, ...]   # "note 3 is never called", without the article's name
    has_figures: bool
    has_notes: bool
    path: Path                       # the source, read again if its body is not in the cache
    digest: str                      # of the source's bytes
    body: tuple[tuple[Block, ...], tuple[Note, ...]] | None = None


def _has_figures(blocks: tuple[Block, ...]) -> bool:
    return any(isinstance(b, Figure) for b in walk(blocks))


class ArticleStore:
    """Shells and bodies of the articles of one build, through a cache folder.

    `salt` names the code that reads (bookmaker's version and code digest).
    `digests` are the SHA-256 of source files already hashed (by the build's
    plan): such a file is read only when its article is not in the cache.
    `reads` counts the articles read from their source (not from the cache).
    """

    def __init__(self, root: Path | None, salt: str,
                 digests: dict[str, str] | None = None, pack: str | None = None,
                 fresh: bool = False) -> None:
        self.cache = BlobCache(root, pack, fresh) if root is not None else None
        self.salt = salt
        self.digests = digests or {}
        self.reads = 0
        self._entries: dict[str, _Entry] = {}      # by source path
        self._chapters: dict[str, _Entry] = {}     # by chapter id

    def shell(self, path: Path) -> Article:
        """The article of a source file without its text (see `body`)."""
        from ..readers import read_source, reader_name

        # the reader by name: its module is imported only to read a file again
        reader = reader_name(path)
        data = None
        digest = self.digests.get(str(path)) if self.cache else None
        if digest is None:
            data = read_source(path)
            digest = hashlib.sha256(data).hexdigest()
        key = key_of("article", codec.VERSION, self.salt, reader, digest)
        cache = self.cache
        payload = cache.get("shells", key) if cache else None
        if cache and payload is not None:
            try:
                shell, warnings, figures, notes = codec.loads(payload, _SHELL)
                self._entries[str(path)] = _Entry(key, warnings, figures, notes, path, digest)
                cache.uses("texts", key)  # read when the chapter is made again
                return shell
            except (ValueError, TypeError):  # whole, but not an article: read it again
                log.info("article cache entry for %s is damaged; reading it again", path)
        if data is None:
            # the key of what is read: the file may have changed since it was hashed
            data = read_source(path)
            digest = hashlib.sha256(data).hexdigest()
            key = key_of("article", codec.VERSION, self.salt, reader, digest)
        shell, suffixes, body = self._read(path, data)
        figures, notes = _has_figures(body[0]), bool(body[1])
        if self.cache:
            self.cache.put("shells", key, codec.dumps((shell, suffixes, figures, notes)))
            self.cache.put("texts", key, codec.dumps(body), keep=False)
        self._entries[str(path)] = _Entry(key, suffixes, figures, notes, path, digest, body)
        return shell

    def _read(self, path: Path, data: bytes) -> tuple[Article, tuple[str, ...], Any]:
        """The shell, the note warnings and the body of a source's bytes."""
        from ..readers import reader_for

        article = reader_for(path)(data, name=str(path))
        self.reads += 1
        log.debug("read %s", path)
        numbered, warnings = number_notes(article, "")
        suffixes = tuple(w.split(": ", 1)[1] for w in warnings)
        return replace(article, blocks=(), notes=()), suffixes, (numbered.blocks, numbered.notes)

    def close(self) -> None:
        """Keep the shells this build used together, for the next build."""
        if self.cache:
            self.cache.close()

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
            entry.body = self._body(entry)
        blocks, notes = entry.body
        return replace(chapter, article=replace(chapter.article, blocks=blocks, notes=notes))

    def _body(self, entry: _Entry) -> Any:
        from ..readers import read_source

        payload = self.cache.get("texts", entry.key, keep=False) if self.cache else None
        if payload is not None:
            try:
                return codec.loads(payload, _BODY)
            except (ValueError, TypeError):  # whole, but not a text: read it again
                pass
        log.info("the text of %s is not in the cache; reading it again", entry.path)
        data = read_source(entry.path)
        if hashlib.sha256(data).hexdigest() != entry.digest:
            raise SourceError("changed while the book was being made; build again",
                              path=entry.path)
        body = self._read(entry.path, data)[2]
        if self.cache:
            self.cache.put("texts", entry.key, codec.dumps(body), keep=False)
        return body

    def complete(self, book: Book) -> Book:
        """The book with every chapter's text, for writers that need all of it."""
        return replace(book, chapters=tuple(self.full(ch) for ch in book.chapters))
