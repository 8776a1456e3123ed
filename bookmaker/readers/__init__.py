"""Readers turn one source file into an `Article`.

A reader is a callable `read(data: bytes, *, name: str) -> Article`. Built-in
readers are chosen by file suffix; installed packages add more under the
entry-point group `bookmaker.readers` (the entry-point name is the suffix,
without the dot).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from ..errors import SourceError
from ..model import Article

__all__ = ["BUILTIN_SUFFIXES", "Reader", "read_article", "read_source", "reader_for", "reader_name", "known_suffixes"]

Reader = Callable[..., Article]

_BUILTIN = {
    ".txt": "bookmaker.readers.mia.text",
    ".htm": "bookmaker.readers.mia.html",
    ".html": "bookmaker.readers.mia.html",
    ".md": "bookmaker.readers.markdown",
    ".markdown": "bookmaker.readers.markdown",
}

BUILTIN_SUFFIXES = frozenset(_BUILTIN)  # what needs no scan of the installed packages

def _plugins() -> dict[str, str]:
    from ..cache.entry_points import entry_points_of

    return {"." + name.lstrip(".").lower(): value
            for name, value in entry_points_of("bookmaker.readers")}


def known_suffixes() -> list[str]:
    return sorted({*_BUILTIN, *_plugins()})


def reader_name(path: str | os.PathLike[str]) -> str:
    """The reader a file's suffix selects, as "module" or "module:function",
    without importing it."""
    # a Path is not made again: a build asks this of every article
    suffix = (path if isinstance(path, Path) else Path(path)).suffix.lower()
    target = _BUILTIN.get(suffix) or _plugins().get(suffix)
    if target is None:
        raise SourceError(
            f"no reader for files ending {suffix or '(no suffix)'!r}; "
            f"known: {', '.join(known_suffixes())}", path=path)
    return target


def reader_for(path: str | os.PathLike[str]) -> Reader:
    """The reader for a file, chosen by its suffix."""
    target = reader_name(path)
    module, _, attr = target.partition(":")
    reader: Reader = getattr(import_module(module), attr or "read")
    return reader


def read_source(path: str | os.PathLike[str]) -> bytes:
    """A source file's bytes; a missing or unreadable file is a SourceError naming it."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise SourceError("file not found", path=path) from None
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", path=path) from None


def read_article(path: str | os.PathLike[str]) -> Article:
    """Read one article file with the reader its suffix selects."""
    reader = reader_for(path)
    return reader(read_source(path), name=str(path))
