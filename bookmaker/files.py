"""Small file helpers shared by the build and the writers."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["clear_in_the_way", "sha256_file", "source_date_epoch", "temp_beside", "write_quietly"]


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"


def temp_beside(path: str | os.PathLike[str], prefix: str) -> tuple[int, str]:
    """A new file `<prefix><8 random characters>.tmp` in `path`'s folder, opened
    for writing (fd, name), as tempfile.mkstemp makes it. Not tempfile itself:
    it imports shutil, random, bz2 and lzma, milliseconds of every no-op
    build's start-up, for this one call."""
    folder = os.path.dirname(os.fspath(path)) or os.curdir
    for _ in range(100):
        suffix = "".join(_NAME_CHARS[b % len(_NAME_CHARS)] for b in os.urandom(8))
        name = os.path.join(folder, f"{prefix}{suffix}.tmp")
        try:
            return os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                           0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")


def write_quietly(path: str | os.PathLike[str], data: bytes) -> None:
    """Write a cache file whole (a temporary beside it, renamed), not synced.
    A file that cannot be written is left out: a cache that keeps less only
    makes the next build slower."""
    tmp = None
    try:
        os.makedirs(os.path.dirname(os.fspath(path)) or os.curdir, exist_ok=True)
        fd, tmp = temp_beside(path, f".{os.path.basename(os.fspath(path))[:16]}.")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@contextlib.contextmanager
def source_date_epoch(epoch: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set to `epoch` for a while: fontTools stamps every font
    it writes with the current time unless it is set."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    # a book dated before 1970 (an old edition): its fonts' stamps say 1970,
    # since fontTools cannot hold a negative time
    os.environ["SOURCE_DATE_EPOCH"] = str(max(epoch, 0))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def clear_in_the_way(root: str, name: str) -> None:
    """Remove what keeps the file `name` (under the folder `root`) from being
    read or written as a file: a folder at its place, or a file where one of
    its folders (`root` included) should be. Quietly: a cache that cannot be
    repaired only keeps less."""
    import shutil

    with contextlib.suppress(OSError):
        if os.path.isdir(name) and not os.path.islink(name):
            shutil.rmtree(name)
            return
    folder = os.path.dirname(name)
    root = root.rstrip(os.sep)
    while len(folder) >= len(root) and folder.startswith(root):
        with contextlib.suppress(OSError):
            if os.path.lexists(folder) and not os.path.isdir(folder):
                os.unlink(folder)
                return
        folder = os.path.dirname(folder)
