"""Writers: plug-ins that turn a `Book` into a file.

A writer has a `name`, a file `suffix` and one call, `write(book, target,
options)`. The registry holds the built-in writers and any writer an installed
package declares under the entry-point group `bookmaker.writers`.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..errors import WriterError
from ..files import temp_beside
from ..model import Book

__all__ = ["Writer", "WriteOptions", "writers", "builtin_writers", "get_writer", "write_book",
           "atomic_path", "output_error"]

_BUILTIN = {
    "epub": "bookmaker.writers.epub.writer:EpubWriter",
    "pdf": "bookmaker.writers.pdf.writer:PdfWriter",
    "html": "bookmaker.writers.html:HtmlWriter",
}


@dataclass(frozen=True)
class WriteOptions:
    """Everything a writer may be told besides the book itself."""

    theme: str = "default"
    base_dir: Path | None = None        # the book's own folder: local files may load from here
    templates: Path | None = None       # the book's own templates, tried before the theme's
    notes: str = "chapter"              # "chapter": notes end each chapter; "book": one list at the end
    trim: str = "A5"                    # PDF trim size
    extra: Mapping[str, Any] = field(default_factory=dict)  # per-writer options ([options.pdf], …)
    jobs: int = 0                       # worker processes for writers that use them; 0: one per core
    cache_dir: Path | None = None       # where writers may keep work between builds
    executor: Any = None                # a concurrent.futures Executor for a writer's tasks
                                        # (e.g. a Dask client's get_executor()); default: processes
    salt: str = ""                      # a digest of all but the book the output depends on
                                        # (theme, templates, bookmaker, options): keys caches
    articles: Any = None                # the build's ArticleStore, to a writer that
                                        # `takes_shells`: chapters come without their text
    fresh: bool = False                 # read nothing from the cache (build --force);
                                        # what is made is kept in it as usual

    def fingerprint(self) -> str:
        """What changes the output (jobs and the cache never do)."""
        return repr((self.theme, str(self.templates), self.notes, self.trim,
                     sorted(self.extra.items())))


@runtime_checkable
class Writer(Protocol):
    name: str
    suffix: str

    def write(self, book: Book, target: Path, options: WriteOptions) -> None:
        """Write `book` to the file `target` (the caller makes it atomic)."""


def _load(spec: str) -> Writer:
    module, _, attr = spec.partition(":")
    obj = getattr(import_module(module), attr)
    writer: Writer = obj() if isinstance(obj, type) else obj
    return writer


def _declared() -> dict[str, str]:
    """The writers by name: the built-in ones and those installed packages declare."""
    from ..cache.entry_points import entry_points_of

    found = dict(_BUILTIN)
    for name, value in entry_points_of("bookmaker.writers"):
        if name in found and found[name] != value:
            raise WriterError(f"two writers are named {name!r}: {found[name]} and {value}",
                              key="bookmaker.writers")
        found[name] = value
    return found


def writers() -> list[str]:
    """The names of every writer available, built in or installed."""
    return sorted(_declared())


def builtin_writers() -> list[str]:
    """The names of the writers bookmaker itself has."""
    return sorted(_BUILTIN)


def get_writer(name: str) -> Writer:
    """The writer of that name, built in or installed; two of one name are an error."""
    declared = _declared()
    if name not in declared:
        raise WriterError(f"unknown writer {name!r}; known writers: "
                          f"{', '.join(sorted(declared))}", key="formats")
    where = declared[name]
    writer = _load(where)
    if not isinstance(writer, Writer):
        raise WriterError(f"{where} is not a writer (needs name, suffix and write())",
                          key="bookmaker.writers")
    return writer


class atomic_path:
    """A temporary file beside `target` that replaces it only on success.

    `durable`: synced to disk before the rename (not needed for a cache).
    """

    def __init__(self, target: Path, durable: bool = True) -> None:
        self.target = Path(target)
        self.durable = durable

    def __enter__(self) -> Path:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = temp_beside(self.target, f".{self.target.name}.")
        os.close(fd)
        self.tmp = Path(tmp)
        return self.tmp

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None and self.tmp.exists() and self.tmp.stat().st_size > 0:
            if self.durable:
                with open(self.tmp, "rb") as fh:
                    os.fsync(fh.fileno())
            os.chmod(self.tmp, 0o644)
            os.replace(self.tmp, self.target)
        else:
            self.tmp.unlink(missing_ok=True)
            if exc_type is None:
                raise WriterError("the writer produced an empty file; nothing was replaced",
                                  path=self.target)


def write_book(book: Book, target: str | os.PathLike[str], writer: str | Writer = "epub",
               options: WriteOptions | None = None) -> Path:
    """Write a book with the named writer, atomically; returns the path written."""
    w = get_writer(writer) if isinstance(writer, str) else writer
    path = Path(target)
    ctx = atomic_path(path)
    try:
        with ctx as tmp:
            w.write(book, tmp, options or WriteOptions())
    except Exception as exc:
        mapped = output_error(exc, getattr(ctx, "tmp", path), path)
        if mapped is None:
            raise
        raise mapped from None
    return path


# What a full or failing disk says: the output could not be written (exit 6),
# wherever in a writer (or the library it calls) the write failed.
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO}


def output_error(exc: BaseException, tmp: Path, output: Path) -> WriterError | None:
    """A WriterError naming `output` for an OS error in writing it (through
    `tmp`, or wherever a full disk stopped the writer), else None."""
    cause: BaseException | None = exc
    while cause is not None:  # a library may wrap the OSError in an error of its own
        if isinstance(cause, OSError) and (
                cause.errno in _OUTPUT_ERRNOS or cause.filename in (str(tmp), tmp)
                or cause.filename in (str(output), output)):
            return WriterError(f"cannot write: {cause.strerror or cause}", path=output)
        cause = cause.__cause__ or cause.__context__
    return None
