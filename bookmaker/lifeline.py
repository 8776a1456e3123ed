"""Worker processes that end with the process that started them.

A pool's workers are children of multiprocessing's fork server, not of the
build, and each holds the fork server's own lifeline: after a `kill -9` of the
build nothing tells them, and they (the server, the resource tracker) would
lay out the rest of the book for no one. Here the build holds the write end of
a pipe that only it has; each worker watches the read end, and an end of file
means the build is gone: the worker exits at once. Once the workers are gone,
the fork server and the resource tracker see their own pipes close and exit.
A pipe, not Linux's PR_SET_PDEATHSIG: a worker's parent is the fork server,
which lives as long as its children do.
"""

from __future__ import annotations

import os
import threading
from typing import Any

__all__ = ["lifeline", "hold"]

_EXIT = 70  # what a worker whose build is gone exits with (EX_SOFTWARE)
_line: tuple[int, Any, Any] | None = None  # (pid, read end, write end) of this process


def _forget() -> None:
    """In a child forked from this process: the parent's line is not its own."""
    global _line
    if _line is not None:
        _line[2].close()
        _line = None


os.register_at_fork(after_in_child=_forget)


def lifeline() -> Any:
    """The read end of this process's lifeline, for a pool's `initargs`; this
    process keeps the write end open for as long as it lives."""
    global _line
    if _line is None or _line[0] != os.getpid():
        import multiprocessing

        read, write = multiprocessing.Pipe(duplex=False)
        _line = (os.getpid(), read, write)
    return _line[1]


def _watch(line: Any) -> None:
    try:
        line.recv_bytes()  # nothing is ever sent: this returns only at the end
    except (EOFError, OSError):
        pass
    os._exit(_EXIT)


def hold(line: Any) -> None:
    """In a worker (a pool's initializer): exit as soon as the process that
    made `line` is gone, wherever the worker is in its work."""
    threading.Thread(target=_watch, args=(line,), name="bookmaker-lifeline", daemon=True).start()
