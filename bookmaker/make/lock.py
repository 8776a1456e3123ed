"""The project's lock: one build or clean at a time per project, and whether
the cache folder can be written. One that cannot (read-only, full) is not
used at all: the build warns once and builds every target without caching.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from ..files import clear_in_the_way, temp_beside
from .state import _cache_dir

__all__: list[str] = []  # the make layer's own: private to the package


def _unwritable(cache: Path) -> str | None:
    """Why the cache folder cannot be used (None: it can). A file in its place
    is removed; a few bytes are written to tell a read-only or full one."""
    try:
        if cache.exists() and not cache.is_dir():
            cache.unlink()  # of the wrong kind: made again
        cache.mkdir(parents=True, exist_ok=True)
        fd, name = temp_beside(cache / "probe", ".probe.")
        try:
            os.write(fd, bytes(4096))
        finally:
            os.close(fd)
            with contextlib.suppress(FileNotFoundError):  # (removed by a build holding the lock)
                os.unlink(name)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None


@contextlib.contextmanager
def _locked(project: Path) -> Iterator[str | None]:
    """One build or clean at a time per project; gives why the cache cannot be
    written (None: it can)."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield _unwritable(_cache_dir(project))
        return
    while True:
        cache = _cache_dir(project)
        why = _unwritable(cache)
        fd = _lock_file(project, cache, why)
        if fd is None:  # nothing to lock by (the project's folder unreadable)
            yield why
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if why is None and not _same_file(fd, cache / "lock"):
                continue  # a clean removed the cache while this waited: lock the new one
            try:
                yield why
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
            return
        finally:
            os.close(fd)


def _lock_file(project: Path, cache: Path, why: str | None) -> int | None:
    """A descriptor to lock: the cache's lock file, else (a cache that cannot be
    written) that file opened for reading if there is one (builds that found the
    cache writable lock it too), else the folder it would be in."""
    if why is None:
        lock = cache / "lock"
        for _ in range(2):
            try:
                return os.open(lock, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
            except OSError:  # a folder in its place, say: removed, then once more
                clear_in_the_way(str(cache), str(lock))
    for where in (cache / "lock", cache, project):
        try:
            return os.open(where, os.O_RDONLY)
        except OSError:
            continue
    return None


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    own = os.fstat(fd)
    return (own.st_dev, own.st_ino) == (st.st_dev, st.st_ino)
