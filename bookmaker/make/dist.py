"""The books' folder, `dist/`: a book is written whole to a hidden temporary
file beside its output and renamed into place, so that a build killed at any
moment leaves the previous file or the complete new one; `SHA256SUMS` lists
every book of the folder and is rewritten after every build that changes it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
from pathlib import Path

from ..errors import BookmakerError, WriterError
from ..files import temp_beside
from ..model import Book
from .state import _Hasher
from .targets import Target
from ..writers import Runtime, WriteOptions, atomic_path, get_writer, output_error

__all__ = ["SUMS_FILE", "TEMP_NAME"]

SUMS_FILE = "SHA256SUMS"
TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")  # what atomic_path leaves when killed


def _dist(project: Path, out: str | Path | None) -> Path:
    return Path(out).resolve() if out else project / "dist"


# --- a book put in place ------------------------------------------------------------

def _write_temporary(target: Target, book: Book, options: WriteOptions,
                     runtime: Runtime | None = None) -> Path:
    """The book written whole to a temporary beside its output and synced to
    disk; the caller renames it into place (`_place`). Nothing is left behind
    on failure."""
    writer = get_writer(target.format)
    try:
        target.output.parent.mkdir(parents=True, exist_ok=True)
        fd, name = temp_beside(target.output, f".{target.output.name}.")
        os.close(fd)
    except OSError as exc:
        raise WriterError(f"cannot write here: {exc.strerror or exc}", path=target.output) from None
    tmp = Path(name)
    try:
        writer.write(book, tmp, options, runtime or Runtime())
        if tmp.stat().st_size == 0:
            raise WriterError("the writer produced an empty file; nothing was replaced",
                              path=target.output)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, WriterError) and exc.path in (None, str(tmp)):
            raise WriterError(exc.message, path=target.output, key=exc.key) from None
        mapped = output_error(exc, tmp, target.output) if isinstance(exc, Exception) else None
        if mapped is not None:
            raise mapped from None
        raise
    return tmp


def _place(tmp: Path, output: Path) -> None:
    """Rename a written book into place. SHA256SUMS goes first: until it is
    written again it is absent, never wrong (see `build`)."""
    try:
        (output.parent / SUMS_FILE).unlink(missing_ok=True)
        os.replace(tmp, output)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise WriterError(f"cannot write: {exc.strerror or exc}", path=output) from None


def _write_atomically(target: Target, book: Book, options: WriteOptions) -> None:
    tmp = _write_temporary(target, book, options)
    try:
        os.replace(tmp, target.output)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise WriterError(f"cannot write: {exc.strerror or exc}", path=target.output) from None


# --- temporaries and SHA256SUMS ----------------------------------------------------------

def _remove_stale_temporaries(folder: Path) -> None:
    if folder.is_dir():
        for p in folder.iterdir():
            if TEMP_NAME.match(p.name) and p.is_file():
                p.unlink(missing_ok=True)


def _remove_temporaries_of(output: Path) -> None:
    """What a failed target's writer (or a worker killed in its work) left."""
    with contextlib.suppress(OSError):
        for p in output.parent.glob(f".{glob.escape(output.name)}.*.tmp"):
            if TEMP_NAME.match(p.name):
                p.unlink(missing_ok=True)


def _sums_text(dist: Path, hasher: _Hasher) -> str:
    lines = []
    for p in sorted(dist.iterdir()):
        # names sha256sum would need escaped are left out (a book's name never is one)
        if (p.is_file() and p.name != SUMS_FILE and not p.name.startswith(".")
                and not any(c in p.name for c in "\\\n\r")):
            lines.append(f"{hasher(p)}  {p.name}\n")
    return "".join(lines)


def _write_sums(dist: Path, hasher: _Hasher) -> bool:
    """Make dist/SHA256SUMS list every file of dist/; True when it had to change."""
    if not dist.is_dir():
        return False
    text = _sums_text(dist, hasher)
    sums = dist / SUMS_FILE
    if not text:  # no book in dist/ (the only one failed as it was written): no sums
        if sums.is_file():
            sums.unlink()
            return True
        return False
    try:
        if sums.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    try:
        with atomic_path(sums) as tmp:
            tmp.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise WriterError(f"cannot write: {exc.strerror or exc}", path=sums) from None
    return True


def _rewrite_sums(dist: Path, hasher: _Hasher) -> None:
    """SHA256SUMS again, after a book was renamed into place. One that cannot
    be written now stays absent (never wrong): the build's end says why."""
    with contextlib.suppress(BookmakerError, OSError):
        _write_sums(dist, hasher)
