"""Writers: plug-ins that turn a `Book` into a file.

A writer has a `name`, a file `suffix`, the type of its options
(`options_type`, see `bookmaker.writers.options`) and one call,
`write(book, target, options, runtime)`. The registry holds the built-in writers and any writer an installed
package declares under the entry-point group `bookmaker.writers`.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from dataclasses import fields
from importlib import import_module
from pathlib import Path
from typing import Any, Protocol, cast, runtime_checkable

from ..errors import WriterError
from ..files import temp_beside
from ..model import Book
from .options import PluginOptions, Runtime, WriteOptions

__all__ = ["Writer", "WriteOptions", "Runtime", "writers", "builtin_writers", "get_writer",
           "options_type", "typed_options", "write_book", "atomic_path", "output_error"]

_BUILTIN = {
    "epub": "bookmaker.writers.epub.writer:EpubWriter",
    "pdf": "bookmaker.writers.pdf.writer:PdfWriter",
    "html": "bookmaker.writers.html:HtmlWriter",
}
# The built-in writers' options, in modules light enough for checking a spec
# without importing the writers; each writer names the same as `options_type`.
_BUILTIN_OPTIONS = {
    "epub": "bookmaker.writers.epub.options:EpubOptions",
    "pdf": "bookmaker.writers.pdf.options:PdfOptions",
    "html": "bookmaker.writers.options:WriteOptions",
}


@runtime_checkable
class Writer(Protocol):
    """A writer: `options_type` is the frozen dataclass of its options (a
    `WriteOptions`), which `write` is given as it is, with the run's plumbing
    apart in `runtime`."""

    name: str
    suffix: str
    options_type: type[WriteOptions]

    def write(self, book: Book, target: Path, options: WriteOptions, runtime: Runtime) -> None:
        """Write `book` to the file `target` (the caller makes it atomic)."""


class _Plain:
    """A writer that declares no options type (a plug-in written before
    writers did): its table reaches it unchecked in `options.extra`, and it is
    called `write(book, target, options)`."""

    options_type: type[WriteOptions] = PluginOptions

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.suffix = inner.suffix

    def write(self, book: Book, target: Path, options: WriteOptions, runtime: Runtime) -> None:
        self.inner.write(book, target, options)

    def __getattr__(self, name: str) -> Any:
        if name == "inner":  # not set yet (an object being copied)
            raise AttributeError(name)
        return getattr(self.inner, name)


def _load(spec: str) -> Writer:
    module, _, attr = spec.partition(":")
    obj = getattr(import_module(module), attr)
    writer = obj() if isinstance(obj, type) else obj
    if not hasattr(writer, "options_type") and all(
            hasattr(writer, a) for a in ("name", "suffix", "write")):
        return _Plain(writer)
    return cast(Writer, writer)  # checked by get_writer


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
    if not (isinstance(writer.options_type, type) and issubclass(writer.options_type, WriteOptions)):
        raise WriterError(f"{where}: options_type must be a WriteOptions dataclass",
                          key="bookmaker.writers")
    return writer


def options_type(name: str) -> type[WriteOptions]:
    """The options type of the writer of that name (a built-in writer's
    without importing the writer itself)."""
    if name in _BUILTIN_OPTIONS:  # an installed package may not replace it (`_declared`)
        module, _, attr = _BUILTIN_OPTIONS[name].partition(":")
        found: type[WriteOptions] = getattr(import_module(module), attr)
        return found
    return get_writer(name).options_type


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
               options: WriteOptions | Mapping[str, Any] | None = None,
               runtime: Runtime | None = None) -> Path:
    """Write a book with the named writer, atomically; returns the path written.

    `options`: the writer's own (`get_writer("pdf").options_type(trim="A4")`),
    the common `WriteOptions` (the writer's own options at their defaults), or
    a table as a spec's `[options.NAME]` would hold it. `runtime`: how it may
    work (processes, an executor such as a Dask client's, a cache folder).
    """
    w = get_writer(writer) if isinstance(writer, str) else writer
    typed = typed_options(w, options)
    path = Path(target)
    ctx = atomic_path(path)
    try:
        with ctx as tmp:
            w.write(book, tmp, typed, runtime or Runtime())
    except Exception as exc:
        mapped = output_error(exc, getattr(ctx, "tmp", path), path)
        if mapped is None:
            raise
        raise mapped from None
    return path


def typed_options(writer: Writer, options: WriteOptions | Mapping[str, Any] | None) -> WriteOptions:
    """`options` as the writer's own type (see `write_book`)."""
    kind = writer.options_type
    if options is None:
        return kind()
    if isinstance(options, Mapping):
        return kind.from_table(options, writer=writer.name)
    if isinstance(options, kind):
        return options
    if type(options) is WriteOptions:  # the common options: the writer's own at their defaults
        return kind(**{f.name: getattr(options, f.name) for f in fields(WriteOptions)})
    raise WriterError(f"the {writer.name} writer takes {kind.__name__}, not "
                      f"{type(options).__name__}", key=f"options.{writer.name}")


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
