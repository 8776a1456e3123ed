"""A one-off book (`bookmaker book`): article files in the order given, without
a spec, written straight to the output folder."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from ..addresses import address_of, check_url
from ..assembly import assemble
from ..errors import UsageError
from ..licences import check_book_licences, licence_problems
from ..model import Metadata, Person
from .dist import _write_atomically
from .load import _NO_AUTHOR
from .spec import check_source_date_epoch, slugify
from .targets import Target
from ..writers import WriteOptions, get_writer, typed_options

__all__ = ["make_book"]


def make_book(articles: Sequence[str | os.PathLike[str]], *, title: str,
              authors: Sequence[str] = (), formats: Sequence[str] = ("epub", "pdf"),
              out: str | Path = "dist", language: str = "en",
              warn: Callable[[str], None] | None = None,
              licence_reason: str | None = None,
              urls: Sequence[tuple[str, str]] = ()) -> list[Path]:
    """Build a one-off book from article files, in the order given, without a spec.

    `urls`: (folder, address) pairs, as a spec's [urls], folders relative to
    the current folder (the command's `--url FOLDER=ADDRESS`).

    Writes `<out>/<slug of title>.<suffix>` for each format; returns the paths.
    The articles' licences must allow one book, unless `licence_reason` says
    why the editor may go ahead (it is printed in the credits).
    """
    from ..readers import read_article

    chosen = [get_writer(f) for f in formats]  # fail early on an unknown writer
    check_source_date_epoch()
    folders = _url_folders(urls)
    read = [read_article(a) for a in articles]
    if folders:
        read = [replace(a, attribution=replace(a.attribution, url=address_of(
            Path(p).resolve(), folders))) for a, p in zip(read, articles)]
    entries = [(a.attribution.origin or a.title, a.attribution.licence) for a in read]
    # The reason goes to the articles that need it (no licence recognised, or one the
    # rules refuse), and is printed for them only.
    needing = {name for name, _ in licence_problems([(n, lic, None) for n, lic in entries])}
    reason = licence_reason if licence_reason and licence_reason.strip() else None
    check_book_licences([(n, lic, reason if n in needing else None) for n, lic in entries])
    if reason:
        read = [replace(a, attribution=replace(a.attribution, licence_reason=reason))
                if n in needing else a for a, (n, _) in zip(read, entries)]
    metadata = Metadata(title=title, language=language,
                        authors=tuple(Person(a) for a in authors))
    book = assemble(read, metadata)
    if warn:
        for article in read:
            for w in article.warnings:
                if not (_NO_AUTHOR.match(w) and (article.authors or metadata.authors)):
                    warn(f"{article.attribution.origin}: {w}")
        for w in book.warnings:
            warn(w)
    base = Path(articles[0]).resolve().parent if articles else None
    written = []
    for writer in chosen:
        target = Path(out) / f"{slugify(title)}{writer.suffix}"
        tmp_target = Target(Path(), slugify(title), writer.name, target)
        _write_atomically(tmp_target, book,
                          typed_options(writer, WriteOptions(base_dir=base)))
        written.append(target)
    return written


def _url_folders(urls: Sequence[tuple[str, str]]) -> list[tuple[Path, str]]:
    """`--url` pairs checked: an existing folder, an absolute http(s) address."""
    out: list[tuple[Path, str]] = []
    for folder, address in urls:
        def fail(message: str, pair: str = f"{folder}={address}") -> UsageError:
            return UsageError(f"{pair}: {message}", key="--url")

        url = check_url(address, fail)
        path = Path(folder).resolve()
        if not path.is_dir():
            raise UsageError(f"{folder}={address}: no such folder: {folder}", key="--url")
        out.append((path, url))
    return out
