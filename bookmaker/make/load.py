"""A book from its spec: the articles read, the spec's overrides applied, the
front matter, the licences checked and the book assembled; and the options the
spec gives each writer."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..assembly import assemble
from ..errors import LicenceError
from ..licences import check_book_licences
from ..model import Article, Book, FrontMatter
from .spec import ArticleEntry, BookSpec
from .store import ArticleStore
from ..writers import WriteOptions, get_writer, typed_options

__all__ = ["load_book", "write_options"]

_NO_AUTHOR = re.compile(r"no[- ]author\b")  # a reader's "no-author: …" warning (kind first)


def _apply(article: Article, entry: ArticleEntry, origin: str) -> Article:
    """The spec's overrides for one article, and where it came from."""
    changes: dict[str, Any] = {}
    if entry.title:
        changes["title"] = entry.title
    if entry.subtitle:
        changes["subtitle"] = entry.subtitle
    if entry.short_title:
        changes["short_title"] = entry.short_title
    if entry.authors is not None:
        changes["authors"] = entry.authors
    if entry.date:
        changes["date"] = entry.date
    credit: dict[str, Any] = {"origin": origin, "url": entry.url}
    if entry.licence:
        credit.update(licence=entry.licence, licence_reason=entry.licence_reason)
    changes["attribution"] = replace(article.attribution, **credit)
    if entry.corrections and article.blocks:  # a shell's blocks are corrected by the store
        from ..corrections import apply_corrections
        changes["blocks"] = apply_corrections(article.blocks, entry.corrections)
    return replace(article, **changes)


def _front_matter(spec: BookSpec) -> list[FrontMatter]:
    if not spec.front:
        return []  # the Markdown reader is slow to import
    from ..readers.markdown import read_front_matter
    return [read_front_matter(path, kind) for kind, path in spec.front]


def _origin(path: Path, spec: BookSpec) -> str:
    """A file's name relative to the project (the folder above the spec's)."""
    # by string: both are absolute and resolved, and pathlib's relative_to
    # is slow for the hundreds of articles of a book
    project = str(spec.root.parent).rstrip(os.sep) + os.sep
    full = str(path)
    if full.startswith(project):
        return full[len(project):].replace(os.sep, "/")
    return path.name


def load_book(spec: BookSpec, *, progress: Callable[[int, int], None] | None = None,
              store: ArticleStore | None = None) -> Book:
    """Read a spec's articles and front matter, and assemble its book.

    `progress(done, total)` is called after each article is read. With a
    `store`, articles come from its cache when their source did not change,
    and the book's articles are *shells*, without blocks or notes:
    `store.full(chapter)` and `store.complete(book)` give the text.
    """
    from ..readers import read_article

    articles: list[Article] = []
    reader_warnings: list[str] = []
    total = len(spec.articles)
    for done, entry in enumerate(spec.articles, start=1):
        read = store.shell(entry.path) if store else read_article(entry.path)
        # The origin is printed in books: never the machine's absolute path.
        where = _origin(entry.path, spec)
        article = _apply(read, entry, where)
        for warning in article.warnings:
            # "no-author: …": assembly says which author applies, when one does
            if _NO_AUTHOR.match(warning) and (article.authors or spec.metadata.authors):
                continue
            reader_warnings.append(f"{where}: {warning}")
        articles.append(article)
        if progress:
            progress(done, total)
    # A spec's licence override is checked like a stated licence: its reason says why
    # the editor sets that licence, and lifts no rule. The error names the override.
    names = [a.attribution.origin or a.title for a in articles]
    try:
        check_book_licences([(n, a.attribution.licence, None) for n, a in zip(names, articles)],
                            book_licence=spec.metadata.licence,
                            commercial=spec.metadata.commercial)
    except LicenceError as exc:
        culprit = next((e for n, e in zip(names, spec.articles) if n == exc.path), None)
        key = f"{culprit.key}.licence" if culprit is not None and culprit.licence else "articles"
        raise LicenceError(exc.message, path=spec.path, key=key) from None
    parts: list[tuple[str, int]] = []
    for index, title in enumerate(spec.parts):
        first = next(i for i, e in enumerate(spec.articles) if e.part == index)
        parts.append((title, first))
    numbered = None
    if store:
        numbered = [store.note_warnings(e.path, a.attribution.origin or a.title)
                    for a, e in zip(articles, spec.articles)]
    book = assemble(articles, spec.metadata, parts=parts, front_matter=_front_matter(spec),
                    note_warnings=numbered)
    if store:
        for chapter, entry in zip(book.chapters, spec.articles):
            store.bind(chapter.id, entry.path, entry.corrections)
    return replace(book, warnings=tuple(reader_warnings) + book.warnings)


def write_options(spec: BookSpec, fmt: str) -> WriteOptions:
    """The options a spec gives the writer of one format, typed and checked
    as the spec was loaded."""
    found = spec.writer_options.get(fmt)
    if found is None:  # a spec made by hand, not by load_spec
        found = typed_options(get_writer(fmt), WriteOptions(
            theme=spec.theme, templates=spec.templates, base_dir=spec.root))
    return found
